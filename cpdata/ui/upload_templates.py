"""The upload page's downloads of the templates: blank, a filled example, Bright Spots, and the indicator
ids a template may name (the catalogue's, with a council's own)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cpdata.catalogue.catalogue import load_catalogue
from cpdata.ui import session
from cpdata.uploads import shapes, surveys


def _reported(indicator_id: str, area_code: str, value: str, **more: str) -> dict[str, str]:
    """A row of the filled example: a figure of Barnet's monthly report for 2025/26, ``more`` as it differs
    (a note, a target's source); a column the row does not name is blank."""
    row = {"indicator_id": indicator_id, "area_code": area_code, "period": "2025/26", "value": value}
    report = {"area_name": "Barnet", "figure_type": "value", "basis": "local", "source": "Barnet monthly report"}
    return row | report | more


# Two of the report's figures (one withheld, under the old code) and a target from the plan.
EXAMPLE = [
    _reported("care_leavers_eet_19_21", "E09000003", "66"),
    _reported("cla_3plus_placements", "302", "c", note="suppressed"),
    _reported("cla_3plus_placements", "E09000003", "9", figure_type="target", source="Corporate parenting plan"),
]
SURVEY_EXAMPLE = [
    {
        "area_code": "E09000003",
        "survey": "Your Life Your Care",
        "wave": "2025",
        "age_band": "11-17",
        "measure": "bs_life_satisfaction",
        "percent": "88",
        "answered": "120",
        "comparator": "other councils' looked after young people",
        "comparator_percent": "84",
        "comparator_answered": "2500",
        "bright_spot": "yes",
    }
]


def _table(rows: list[dict[str, str]], columns: list[str]) -> pd.DataFrame:
    """The rows under the template's columns, in its order, blank where a row says nothing."""
    return pd.DataFrame([{c: row.get(c, "") for c in columns} for row in rows], columns=columns)


def template_downloads() -> None:
    cols = shapes.TEMPLATE_REQUIRED + shapes.TEMPLATE_OPTIONAL
    blank = pd.DataFrame(columns=cols)
    example = _table(EXAMPLE, cols)
    survey = _table(SURVEY_EXAMPLE, surveys.REQUIRED + surveys.OPTIONAL)
    files = {
        "Blank template (CSV)": (blank, "template.csv"),
        "Filled example (CSV)": (example, "example.csv"),
        "Bright Spots template (CSV)": (survey, "bright_spots_template.csv"),
    }
    for col, (label, (frame, name)) in zip(st.columns(3), files.items(), strict=True):
        col.download_button(label, frame.to_csv(index=False).encode("utf-8-sig"), name, "text/csv")
    with st.expander("Indicator ids for the template"):
        cat = load_catalogue(session.data_folder())
        st.dataframe(
            pd.DataFrame([{"indicator_id": i.id, "title": i.title, "unit": i.unit} for i in cat.indicators.values()]),
            hide_index=True,
            width="stretch",
            alt="Indicator ids for the template",
        )
