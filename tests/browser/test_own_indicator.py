"""'A new indicator' in a real browser: upload a DfE file the catalogue does not know, add the indicator in
the form, map the file to it past the mapping guard, apply, see it on a pledge page, undo the upload and
take the indicator back. Runs against ``upload_server`` and leaves its data folder as it found it."""

from __future__ import annotations

import pytest

from tests.unit.test_own_indicators import BARNET, MISSING, WENT_MISSING, dfe_shaped_file

from .conftest import full_screenshot, pledge_path
from .uploading import FILE_INPUT, applied_id, open_upload, settled, sign_in, undo

pytestmark = pytest.mark.browser

FRAMEWORK = (
    'id = "ours"\ntitle = "Our plan"\ncouncil_code = "E09000003"\n[[pledge]]\nid = "safe"\norder = 1\n'
    'title = "Keep you safe"\nindicators = ["cla_went_missing"]\n'
)


def _pick(page, label: str, option: str) -> None:
    box = page.get_by_role("combobox", name=label)
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    settled(page)


def test_add_an_indicator_map_apply_see_and_undo(upload_app, upload_server, tmp_path):
    from playwright.sync_api import expect

    path = tmp_path / "la_cla_missing.csv"
    percent = dfe_shaped_file(path)
    page = open_upload(upload_app)
    sign_in(page)
    page.locator(FILE_INPUT).set_input_files(str(path))
    expect(page.get_by_text("Map this file to")).to_be_visible()
    settled(page)
    page.get_by_text("a new indicator", exact=True).click()
    settled(page)
    form = page.locator('[data-testid="stForm"]').first
    labels = {
        "id": "Id (lower-case letters, digits and _; used in files and links)",
        "title": "Title",
        "short_title": "Short title (tables and charts)",
        "source": "Source",
    }
    for field, label in labels.items():
        form.get_by_label(label, exact=True).fill(WENT_MISSING[field])
    form.get_by_label("Definition: who is counted, what, over what period").fill(WENT_MISSING["definition"])
    form.get_by_text("a lower figure is better", exact=True).click()
    form.get_by_role("button", name="Check this indicator").click()
    settled(page)
    expect(page.get_by_text("Preview: the indicator as it will be added")).to_be_visible()
    page.get_by_role("button", name="Add this indicator").click()
    expect(page.get_by_text("Added cla_went_missing to the data folder's catalogue")).to_be_visible()
    settled(page)
    assert (upload_server.data_dir / "catalogue" / "cla_went_missing.toml").is_file()

    _pick(page, "Column with the figure", "children_percent")
    _pick(page, "Filter 'missing_status'", MISSING)
    expect(page.get_by_text("Confirm the polarity first:")).to_be_visible()
    page.locator('[data-testid="stCheckbox"]').filter(has_text="For Went missing, a lower figure is better.").click()
    settled(page)
    full_screenshot(page, "own_indicator_1_mapped")
    page.get_by_role("button", name="Apply this upload").click()
    upload_id = applied_id(page, 165)
    settled(page)

    frameworks = upload_server.data_dir / "frameworks"
    frameworks.mkdir(exist_ok=True)
    (frameworks / "ours.toml").write_text(FRAMEWORK)
    try:
        safe = upload_app.open(pledge_path("ours", "safe"))
        block = safe.locator('[data-testid="stVerticalBlock"]').filter(has=safe.locator('h3[id="cla_went_missing"]'))
        expect(block.last.locator('[data-testid="stMetricValue"]')).to_have_text(f"{percent[BARNET]}%")
        full_screenshot(safe, "own_indicator_2_on_a_pledge_page")
    finally:
        (frameworks / "ours.toml").unlink()

    page = open_upload(upload_app)
    sign_in(page)
    undo(page, upload_id)
    page.get_by_role("button", name="Undo: remove this indicator").click()
    expect(page.get_by_text("Removed cla_went_missing")).to_be_visible()
    assert not (upload_server.data_dir / "catalogue" / "cla_went_missing.toml").exists()
