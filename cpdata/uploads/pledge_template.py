"""The upload template filled in for one pledge: exactly its indicators, the council's code and the year
shown, so an analyst whose pledge page has no figures yet only types the values in.

It is the dashboard's own template (``shapes.TEMPLATE_REQUIRED`` + ``TEMPLATE_OPTIONAL``), so the file,
once filled, is checked and applied like any other upload; a row left without a value adds nothing.
"""

from __future__ import annotations

import pandas as pd

from cpdata.core import periods
from cpdata.uploads import shapes


def template_for(indicator_ids: list[str], council_code: str, council_name: str, year: int | None) -> pd.DataFrame:
    """One row per indicator, in the pledge's order, for this council and year (basis: local)."""
    rows = [
        {
            "indicator_id": ind,
            "area_code": council_code,
            "period": periods.label(year) if year else "",
            "value": "",
            "area_name": council_name,
            "numerator": "",
            "denominator": "",
            "figure_type": "value",
            "basis": "local",
            "source": "",
            "note": "",
        }
        for ind in dict.fromkeys(indicator_ids)
    ]
    return pd.DataFrame(rows, columns=shapes.TEMPLATE_REQUIRED + shapes.TEMPLATE_OPTIONAL)
