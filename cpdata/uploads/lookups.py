"""Looking an upload's cells up in the store: areas and years resolved, the figures already held,
and the neighbours' means, for the checks to consult and the preview to compare against.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from cpdata.core.datafolder import DataFolder
from cpdata.store import upload_queries
from cpdata.uploads.cell_values import each_distinct, year_or_none
from cpdata.uploads.ees import SUCCESSOR_CODES


def resolve(cells: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """The cells with ``area_code`` and ``period`` added (None where not known), for the checks to report."""
    lookup = area_lookup(areas)
    cells = cells.copy()
    cells["area_code"] = each_distinct(cells["area_given"], lambda a: lookup.get(str(a).strip().lower()))
    cells["period"] = each_distinct(cells["period_given"], year_or_none)
    return cells


def held(folder: DataFolder, cells: pd.DataFrame) -> pd.DataFrame:
    """The figures already stored for these cells' indicators and areas: what an upload would replace."""
    ids = sorted(set(cells["indicator_id"].dropna().unique()))  # unique() first: one value each, not a cell each
    areas = sorted(set(cells["area_code"].dropna().unique()))
    return upload_queries.held_figures(folder, ids, areas)


def sn_means(folder: DataFolder) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """The neighbours' mean for given (indicator, area, period) keys, fetched only if a check asks, in one
    query for the whole file."""
    return lambda keys: upload_queries.sn_means(folder, keys)


def area_lookup(areas: pd.DataFrame) -> dict[str, str]:
    """Lower-cased new code, old code or name -> area code: an upload may name an area any of those ways."""
    lookup: dict[str, str] = {}
    for r in areas.itertuples():
        lookup[r.area_code.lower()] = r.area_code
        if isinstance(r.old_code, str) and r.old_code:
            lookup.setdefault(r.old_code.lower(), r.area_code)
        lookup.setdefault(r.name.lower(), r.area_code)
    for new, held in SUCCESSOR_CODES.items():  # a council's reissued code names the area held
        if held.lower() in lookup:
            lookup.setdefault(new.lower(), held)
    return lookup
