"""Downloads through the UI, and keyboard-only use of the sidebar pickers."""

from __future__ import annotations

import codecs
import csv
import io
import re

import pytest

from .conftest import pledge_path

pytestmark = pytest.mark.browser


def download(page, button) -> tuple[str, bytes]:
    # Right after a run finishes, Streamlit's frontend can briefly wire a download button to the
    # next button's file (seen on the overview); give it a moment to settle first.
    page.wait_for_timeout(500)
    with page.expect_download() as info:
        button.click()
    d = info.value
    return d.suggested_filename, d.path().read_bytes()


def parse(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.fixture(scope="module")
def downloads(server, browser_context) -> dict[str, tuple[str, bytes]]:
    """Barnet's first indicator CSV on its first pledge, and that pledge's scorecard from the overview."""
    from .conftest import App

    app = App(server, browser_context)
    try:
        page = app.open(pledge_path("barnet", "dreams"))
        block = page.locator('[data-testid="stExpander"]').filter(has_text="Numbers behind the chart, and definition")
        block.first.get_by_text("Numbers behind the chart, and definition").click()
        indicator = download(page, block.first.get_by_role("button", name="Download these figures (CSV)"))

        page = app.open("/")
        scorecard = download(page, page.get_by_role("button", name="Download this scorecard (CSV)").first)
        return {"indicator": indicator, "scorecard": scorecard}
    finally:
        app.close()


CONTEXT = ["Area", "Area code", "Year selected", "Comparator", "Data version", "Data as at"]  # what it came from


def test_indicator_csv(downloads):
    name, data = downloads["indicator"]
    assert name == "care_leavers_eet_19_21_E09000003.csv"
    assert data.startswith(codecs.BOM_UTF8), "no UTF-8 byte order mark (Excel needs it)"
    rows = parse(data)
    header = list(rows[0])
    assert header[:8] == [*CONTEXT, "Indicator", "Year"], header
    for column in ("Council", "Statistical neighbours", "Region", "England", "Source", "Extract", "Indicator"):
        assert column in header, header
    latest = {r["Year"]: r for r in rows}["2024/25"]
    assert latest["Area code"] == "E09000003" and latest["Comparator"] and latest["Data version"]
    assert latest["Statistical neighbours"] == "58.1%"
    assert latest["England"] == "54%"
    assert latest["Indicator"] == "Care leavers aged 19 to 21 in education, employment or training"
    assert latest["Area"] == "Barnet"


def test_indicator_csv_has_the_councils_figures(downloads):
    rows = {r["Year"]: r for r in parse(downloads["indicator"][1])}
    assert "64%" in rows["2024/25"].values(), rows["2024/25"]  # Barnet's published 2024/25 figure


def test_scorecard_csv(downloads):
    name, data = downloads["scorecard"]
    assert name == "scorecard_dreams_E09000003.csv"
    assert data.startswith(codecs.BOM_UTF8)
    rows = parse(data)
    assert list(rows[0])[:8] == [*CONTEXT, "Pledge", "Indicator"]
    assert {r["Area code"] for r in rows} == {"E09000003"} and all(r["Data version"] for r in rows)
    assert {r["Pledge"] for r in rows} == {"Support you to fulfil your dreams"}
    assert "Care leavers 19-21 in EET" in {r["Indicator"] for r in rows}


def test_scorecard_csv_has_the_councils_figures(downloads):
    rows = {r["Indicator"]: r for r in parse(downloads["scorecard"][1])}
    assert "64%" in rows["Care leavers 19-21 in EET"].values(), rows["Care leavers 19-21 in EET"]


def focused_label(page) -> str | None:
    return page.evaluate("() => document.activeElement && document.activeElement.getAttribute('aria-label')")


def test_council_picker_by_keyboard_only(app):
    """From the top of the page, Tab reaches the Council picker; typing and Enter change council."""
    from playwright.sync_api import expect

    page = app.open(pledge_path("barnet", "dreams"))
    metric_label = page.locator('[data-testid="stMetricLabel"]').first
    expect(metric_label).to_have_text("Barnet, 2024/25")
    presses = 0
    while focused_label(page) != "Council":
        presses += 1
        if presses > 40:
            pytest.fail("40 presses of Tab never reached the Council picker")
        page.keyboard.press("Tab")
    page.keyboard.type("Barnsley")
    page.keyboard.press("Enter")
    expect(metric_label).to_have_text("Barnsley, 2024/25")
    expect(page.get_by_role("combobox", name="Council")).to_have_value("Barnsley")
    expect(page).to_have_url(re.compile("council=E08000016"))
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    assert presses <= 20, f"Council picker is {presses} Tab presses from the top"
