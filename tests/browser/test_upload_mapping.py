"""Mapping a DfE file no recipe knows, in a real browser (issue 18, items 14-18 as seen on screen): nothing
is checked and no problem box shows until the analyst has chosen, the red box is gone once the mapping
passes, and the preview names the area beside its code."""

from __future__ import annotations

import re

import pytest

from .conftest import full_screenshot
from .uploading import FILE_INPUT, open_upload, settled, sign_in

pytestmark = pytest.mark.browser

PEPS = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "old_la_code,la_name,new_la_code,measure,pct,number\n"
    "2031,Reporting year,Local authority,E92000001,England,E13000002,Outer London,302,Barnet,E09000003,PEPs,97,30\n"
    "2031,Reporting year,Local authority,E92000001,England,E13000002,Outer London,302,Barnet,E09000003,Other,1,2\n"
)


def _choose(page, label: str, option: re.Pattern | str) -> None:
    """Pick an option of a select box by mouse (typing narrows a long list first)."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    if isinstance(option, str):
        page.get_by_role("option", name=option, exact=True).click()
    else:
        page.get_by_role("option", name=option).first.click()
    settled(page)


def test_a_new_dfe_file_is_mapped_then_checked(upload_app, tmp_path):
    from playwright.sync_api import expect

    file = tmp_path / "peps_by_council.csv"
    file.write_text(PEPS, encoding="utf-8")
    page = open_upload(upload_app)
    sign_in(page)
    page.locator(FILE_INPUT).set_input_files(str(file))
    expect(page.get_by_role("heading", name="Map this file to an indicator")).to_be_visible()
    settled(page)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text(re.compile(r"problem\(s\) to fix"))).to_have_count(0)  # nothing chosen, nothing checked
    expect(main.get_by_text("Choose the indicator, the column with the figure")).to_be_visible()
    full_screenshot(page, "mapping_1_nothing_chosen")

    box = page.get_by_role("combobox", name="Indicator")
    box.click()
    page.keyboard.type("cla_pep")
    page.get_by_role("option", name=re.compile(r"\(cla_pep\)$")).first.click()
    settled(page)
    _choose(page, "Filter 'measure'", "PEPs")
    _choose(page, "Column with the figure", "pct")
    page.get_by_role("checkbox", name=re.compile(r"Is that right for this file's figures")).check(
        force=True
    )  # the guard
    settled(page)
    expect(main.get_by_text("peps_by_council.csv: recognised as ees; every check passed.")).to_be_visible()
    expect(main.get_by_text(re.compile(r"problem\(s\) to fix"))).to_have_count(0)  # no red box left behind
    expect(main.get_by_text("If applied: 1 new figures, 0 changed, 0 unchanged.")).to_be_visible()
    new = main.get_by_role("region", name="New figures if this upload is applied")
    expect(new).to_contain_text("E09000003")
    expect(new).to_contain_text("Barnet")
    full_screenshot(page, "mapping_2_checked")
