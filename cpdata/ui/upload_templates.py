"""The upload page's downloads of the templates: blank, a filled example, Bright Spots, and the indicator
ids a template may name (the catalogue's, with a council's own)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cpdata.catalogue.catalogue import load_catalogue
from cpdata.ui import session
from cpdata.uploads import shapes, surveys


def template_downloads() -> None:
    cols = shapes.TEMPLATE_REQUIRED + shapes.TEMPLATE_OPTIONAL
    blank = pd.DataFrame(columns=cols)
    example = pd.DataFrame(
        [
            [
                "care_leavers_eet_19_21",
                "E09000003",
                "2025/26",
                "66",
                "Barnet",
                "",
                "",
                "value",
                "local",
                "Barnet monthly report",
                "",
            ],
            [
                "cla_3plus_placements",
                "302",
                "2025/26",
                "c",
                "Barnet",
                "",
                "",
                "value",
                "local",
                "Barnet monthly report",
                "suppressed",
            ],
            [
                "cla_3plus_placements",
                "E09000003",
                "2025/26",
                "9",
                "Barnet",
                "",
                "",
                "target",
                "local",
                "Corporate parenting plan",
                "",
            ],
        ],
        columns=cols,
    )
    survey = pd.DataFrame(
        [
            [
                "E09000003",
                "Your Life Your Care",
                "2025",
                "11-17",
                "bs_life_satisfaction",
                "88",
                "",
                "120",
                "",
                "other councils' looked after young people",
                "84",
                "2500",
                "yes",
                "",
                "",
            ]
        ],
        columns=surveys.REQUIRED + surveys.OPTIONAL,
    )
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
