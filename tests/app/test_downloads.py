"""The download buttons beside the CSV ones: Excel workbooks, the chart as SVG, the briefing PDF."""

from __future__ import annotations

import io
import os

import openpyxl
import pytest
from test_app import no_errors, open_numbers_behind, open_page, start

from cpdata.briefing import briefing_pdf
from cpdata.catalogue.catalogue import load_frameworks, pledge_url
from cpdata.catalogue.selection import Selection
from cpdata.core.datafolder import DataFolder
from cpdata.figures import views
from cpdata.ui import downloads

SEL = Selection(load_frameworks(DataFolder.of())["barnet"], "E09000003", "Barnet", year=None, sn="auto")


def _labels(at) -> list[str]:
    return [str(d.proto.label) for d in at.get("download_button")]


def test_overview_offers_the_whole_scorecard_and_each_pledges_as_excel_beside_csv():
    at = start(framework="barnet", council="E09000003")
    no_errors(at)
    labels = _labels(at)
    fw = load_frameworks(DataFolder.of())["barnet"]
    assert labels.count("Download the whole scorecard (Excel, a sheet per pledge)") == 1
    assert labels.count("Download this scorecard (Excel)") == labels.count("Download this scorecard (CSV)")
    assert labels.count("Download this scorecard (Excel)") == len(fw.pledges)


def test_pledge_page_offers_each_indicators_figures_as_excel_and_its_chart_as_svg():
    at = start(framework="barnet", council="E09000003")
    open_page(at, pledge_url("barnet", "dreams"))
    no_errors(at)
    open_numbers_behind(at, load_frameworks(DataFolder.of())["barnet"].pledge("dreams").indicators)
    labels = _labels(at)
    csv = labels.count("Download these figures (CSV)")
    assert csv >= 4
    assert labels.count("Download these figures (Excel)") == csv
    svg, png = (
        labels.count("Download the chart (SVG, for Word and print)"),
        labels.count("Download the chart (PNG, print resolution)"),
    )
    assert svg == png == len(at.get("vega_lite_chart"))  # every chart drawn; none for a one-year-held note


def test_the_buttons_workbooks_hold_the_selection_and_a_sheet_per_table():
    fw = load_frameworks(DataFolder.of())["barnet"]
    all_views = {
        v.indicator.id: v for v in views.indicator_views(DataFolder.of(), "E09000003", fw.indicator_ids(), None)
    }
    wb = openpyxl.load_workbook(io.BytesIO(downloads.scorecard_xlsx(list(fw.pledges), all_views, SEL, "Scorecard")))
    assert wb.sheetnames == [p.short_title[:31] for p in fw.pledges] + ["Notes"]
    notes = {r[0]: r[1] for r in wb["Notes"].iter_rows(min_row=2, values_only=True)}
    assert notes["Council"] == "Barnet (E09000003)"
    assert notes["Year"] == "latest held (all years)"
    assert notes["Compared with"] == "Statistical neighbours (model in force each year) and England"
    assert len(notes["Data version"]) >= 8 and notes["Data as at"][:2] == "20"
    one = downloads.indicator_xlsx(all_views["care_leavers_eet_19_21"], SEL)
    sheet = openpyxl.load_workbook(io.BytesIO(one)).worksheets[0]
    assert sheet["C1"].value == "Council (%)" and isinstance(sheet["C2"].value, int | float)


def test_setup_page_builds_the_briefing_pdf_with_its_file_name():
    if briefing_pdf.unavailable() and os.environ.get("CI", "").lower() != "true":
        pytest.skip(briefing_pdf.unavailable())
    at = start(framework="barnet", council="E09000003")
    open_page(at, "briefing-setup")
    at.button(key="bf_build_pdf").click().run()
    no_errors(at)
    pdf = [label for label in _labels(at) if ".pdf" in label]
    assert pdf and pdf[0].startswith("Download barnet_barnet_") and "MB)" in pdf[0]


def test_without_pango_the_setup_page_says_what_to_install_and_keeps_the_html_pack(monkeypatch):
    import ctypes.util

    real = ctypes.util.find_library
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None if "pango" in name else real(name))
    briefing_pdf.unavailable.cache_clear()
    try:
        reason = briefing_pdf.unavailable()
        assert reason and "pango-1.0, pangoft2-1.0" in reason and "apt-get install -y libpango-1.0-0" in reason
        at = start(framework="barnet", council="E09000003")
        open_page(at, "briefing-setup")
        no_errors(at)
        assert any("The PDF cannot be made on this server" in i.value for i in at.info)
        assert not [b for b in at.button if b.key == "bf_build_pdf"]
        at.button(key="bf_build").click().run()  # the HTML pack is still built
        assert any(".html" in label for label in _labels(at))
    finally:
        briefing_pdf.unavailable.cache_clear()
