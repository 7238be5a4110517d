"""Downloads made only when clicked: chart PNG and SVG, and Excel workbooks of what is on screen.

Each is passed to ``st.download_button`` as a callable, so a page's rerun builds none of them
(Altair and openpyxl are only put to work when someone downloads).
"""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from cpdata.catalogue.catalogue import Indicator
from cpdata.catalogue.selection import Selection
from cpdata.core import periods
from cpdata.figures import provenance, views, workbook
from cpdata.ui import session
from cpdata.ui.session import SN_CHOICES, data_version


def png(ind: Indicator, data: pd.DataFrame, target: float | None, council_name: str) -> bytes:
    """The chart as a PNG, made only when downloaded (Altair is imported then, not for every page)."""
    from cpdata.figures import charts

    return charts.png(ind, data, target, council_name, as_at=provenance.as_at(session.data_folder()))


def svg(ind: Indicator, data: pd.DataFrame, target: float | None, council_name: str) -> bytes:
    """The chart as SVG (vector: sharp in Word and in print), made only when downloaded."""
    from cpdata.figures import charts

    return charts.svg(ind, data, target, council_name, as_at=provenance.as_at(session.data_folder()))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def context(sel: Selection, about: str) -> workbook.Context:
    """What a workbook download is about: the selection on screen, the data version and its date."""
    return workbook.Context(
        council=sel.council_name,
        council_code=sel.council,
        year=periods.label(sel.year) if sel.year else "latest held (all years)",
        comparator=SN_CHOICES[sel.sn],
        data_version=data_version(),
        as_at=provenance.as_at(session.data_folder()),
        about=about,
    )


def indicator_xlsx(v: views.IndicatorView, sel: Selection) -> bytes:
    """Made only when downloaded, like the PNG (its notes read the manifest then, not on every rerun)."""
    ctx = context(sel, v.indicator.title)
    return workbook.workbook({v.indicator.short_title: workbook.indicator_sheet(v)}, ctx, workbook.sources_of([v]))


def scorecard_xlsx(pledges: list, all_views: dict[str, views.IndicatorView], sel: Selection, about: str) -> bytes:
    """One sheet per pledge's scorecard table, as the overview shows them, then Notes."""
    tables = {p.short_title: workbook.scorecard_sheet([all_views[i] for i in p.indicators]) for p in pledges}
    used = [all_views[i] for p in pledges for i in p.indicators]
    return workbook.workbook(tables, context(sel, about), workbook.sources_of(used))


def whole_scorecard_download(sel: Selection, all_views: dict[str, views.IndicatorView]) -> None:
    """The whole framework's scorecard as one workbook: a sheet per pledge, then Notes."""
    fw = sel.framework
    st.download_button(
        "Download the whole scorecard (Excel, a sheet per pledge)",
        functools.partial(scorecard_xlsx, list(fw.pledges), all_views, sel, f"Scorecard: {fw.title}"),
        file_name=f"scorecard_{fw.id}_{sel.council}.xlsx",
        mime=XLSX,
        key="score_xlsx_all",
    )
