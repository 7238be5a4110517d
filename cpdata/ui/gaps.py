"""Honest gaps on a pledge page: a pledge with no figures for the council says so at the top and offers the
upload template already filled with exactly its indicators and the council's code."""

from __future__ import annotations

import functools

import streamlit as st

from cpdata.catalogue.selection import Selection
from cpdata.figures import exports
from cpdata.figures.views import IndicatorView
from cpdata.ui.plain import md
from cpdata.uploads.pledge_template import template_for


def no_figures_at_all(sel: Selection, pledge, items: list[IndicatorView]) -> bool:
    """Say so at the top when none of the pledge's indicators has a figure for the council; True if so."""
    if not items or any(v.period is not None for v in items):
        return False
    word = sel.framework.pledge_word.lower()
    st.info(
        md(
            f"No figures are held for {sel.council_name} for any of this {word}'s {len(items)} measures yet. "
            "Analysts can fill in the template below (it already holds exactly these measures and the council's "
            "code) and upload it on the Upload figures page."
        )
    )
    ids = [v.indicator.id for v in items]
    st.download_button(
        md(f"Template for this {word}'s measures (CSV)"),
        functools.partial(_template_csv, ids, sel.council, sel.council_name, sel.year),  # made on click
        file_name=f"template_{pledge.id}_{sel.council}.csv",
        mime="text/csv",
        key=f"gap_template_{pledge.id}",
    )
    return True


def _template_csv(ids: list[str], council: str, council_name: str, year: int | None) -> bytes:
    """Made when the button is clicked: on every run it was a twelfth of a served page (py-spy)."""
    return exports.safe_csv(template_for(ids, council, council_name, year))
