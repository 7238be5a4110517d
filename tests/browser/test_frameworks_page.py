"""The framework page in a real browser: an analyst renames a pledge, saves, sees the pledge page follow,
and undoes the save (the shipped framework comes back). Runs against ``upload_server`` (a private copy of
the sample data), and leaves it as it found it."""

from __future__ import annotations

import pytest

from .conftest import dismiss_page_not_found, full_screenshot, pledge_path
from .uploading import settled, sign_in

pytestmark = pytest.mark.browser

DREAMS = pledge_path("barnet", "dreams")
OLD = "Support you to fulfil your dreams"
NEW = "Dream big, and we will back you"


def test_edit_a_pledge_save_see_it_and_undo(upload_app, upload_server):
    from playwright.sync_api import expect

    page = upload_app.open("/frameworks")
    dismiss_page_not_found(page)
    expect(page.locator("h1").first).to_have_text("Edit frameworks")
    sign_in(page)
    pledge = page.locator('[data-testid="stExpander"]').filter(has_text=f"1. {OLD}").first
    pledge.locator("summary").click()
    title = pledge.get_by_label("Title", exact=True)
    title.fill(NEW)
    title.press("Enter")
    settled(page)
    page.get_by_role("button", name="Save this framework").click()
    expect(page.get_by_text("Saved as barnet.toml in the data folder's frameworks")).to_be_visible()
    full_screenshot(page, "frameworks_1_saved")
    assert (upload_server.data_dir / "frameworks" / "barnet.toml").is_file()

    dreams = upload_app.open(DREAMS)
    expect(dreams.locator("h1").first).to_contain_text(NEW)

    page.get_by_role("button", name="Undo the last save").click()
    expect(page.get_by_text("The framework file barnet.toml this page made is taken away again.")).to_be_visible()
    assert not (upload_server.data_dir / "frameworks" / "barnet.toml").exists()
    dreams = upload_app.open(DREAMS)
    expect(dreams.locator("h1").first).to_contain_text(OLD)
