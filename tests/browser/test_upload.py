"""The upload page in a real browser: sign in, upload, preview, apply, see the figure, undo; by keyboard too.

Runs against ``upload_server``: a private copy of the sample data and an analysts' password in a
temporary secrets file. Each test applies its own indicator's figures and undoes them, so the tests
do not depend on each other's order.
"""

from __future__ import annotations

import pytest

from cpdata.catalogue.catalogue import load_catalogue
from cpdata.core import config
from cpdata.core.datafolder import DataFolder

from .conftest import ANALYST_PASSWORD, full_screenshot, pledge_path
from .uploading import (
    APPLY,
    DROPZONE,
    NAME_LABEL,
    PASSWORD_LABEL,
    SIGN_IN,
    UNDO,
    applied_id,
    choose_file,
    history_row,
    open_upload,
    settled,
    sign_in,
    template_csv,
    undo,
)

pytestmark = pytest.mark.browser

DREAMS = pledge_path("barnet", "dreams")
NOT_HELD = "Measures with no figures held yet"


def block(page, indicator_id: str):
    """An indicator's bordered block on a pledge page: the innermost container holding its heading."""
    heading = page.locator(f'h3[id="{indicator_id}"]')
    return page.locator('[data-testid="stVerticalBlock"]').filter(has=heading).last


def assert_not_held(page, indicator_id: str) -> None:
    """The measure is listed under "no figures held yet" and has no block of its own."""
    from playwright.sync_api import expect

    title = load_catalogue(DataFolder.of()).indicator(indicator_id).short_title
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_role("heading", name=NOT_HELD)).to_be_visible()
    expect(main.locator("li").filter(has_text=f"{title}:")).to_have_count(1)
    expect(page.locator(f'h3[id="{indicator_id}"]')).to_have_count(0)


def assert_shows(page, indicator_id: str, label: str, value: str) -> None:
    """The measure has its own block with this headline figure and a drawn chart."""
    from playwright.sync_api import expect

    title = load_catalogue(DataFolder.of()).indicator(indicator_id).short_title
    b = block(page, indicator_id)
    expect(b.locator('[data-testid="stMetricLabel"]')).to_have_text(label)
    expect(b.locator('[data-testid="stMetricValue"]')).to_have_text(value)
    expect(b.locator('[data-testid="stVegaLiteChart"] svg.marks')).to_be_visible()
    expect(page.locator('[data-testid="stMain"] li').filter(has_text=f"{title}:")).to_have_count(0)


def test_upload_preview_apply_and_undo(upload_app, upload_server, tmp_path):
    """By mouse: sign in, upload a file, preview, apply, see it on the pledge page, undo, see it gone."""
    from playwright.sync_api import expect

    indicator = "cla_good_outstanding_school"  # a measure of Barnet's pledge 1 with no figures held
    sample_manifest = (config.SAMPLE_DATA_DIR / "manifest.json").read_bytes()
    file = template_csv(tmp_path, "virtual_school.csv", [(indicator, "2023/24", "81"), (indicator, "2024/25", "87")])

    dreams = upload_app.open(DREAMS)
    assert_not_held(dreams, indicator)
    full_screenshot(dreams, "upload_0_dreams_before")

    page = open_upload(upload_app)
    expect(page.get_by_role("button", name=SIGN_IN)).to_be_visible()
    expect(page.locator(DROPZONE)).to_have_count(0)  # no uploader before signing in
    full_screenshot(page, "upload_1_signed_out")

    sign_in(page)
    expect(page.locator(DROPZONE)).to_be_visible()
    full_screenshot(page, "upload_2_signed_in")

    choose_file(page, file)
    expect(page.get_by_text("virtual_school.csv: recognised as template; every check passed.")).to_be_visible()
    expect(page.get_by_text("If applied: 2 new figures, 0 changed, 0 unchanged.")).to_be_visible()
    expect(page.get_by_role("tab", name="New (2)")).to_have_attribute("aria-selected", "true")  # not the empty one
    full_screenshot(page, "upload_3_preview")

    page.get_by_role("button", name=APPLY).click()
    upload_id = applied_id(page, 2)
    settled(page)
    expect(history_row(page, upload_id)).to_contain_text("live")
    expect(history_row(page, upload_id)).to_contain_text("Ana")
    full_screenshot(page, "upload_4_applied")
    # The server wrote to its own copy of the data, never to the repository's sample_data.
    assert upload_id.encode() in (upload_server.data_dir / "manifest.json").read_bytes()
    assert (config.SAMPLE_DATA_DIR / "manifest.json").read_bytes() == sample_manifest

    dreams = upload_app.open(DREAMS)
    assert_shows(dreams, indicator, "Barnet, 2024/25", "87%")
    full_screenshot(dreams, "upload_5_dreams_after_apply")

    undo(page, upload_id)
    expect(history_row(page, upload_id)).to_contain_text("undone")
    expect(history_row(page, upload_id)).not_to_contain_text("live")
    full_screenshot(page, "upload_6_undone")

    dreams = upload_app.open(DREAMS)
    assert_not_held(dreams, indicator)
    full_screenshot(dreams, "upload_7_dreams_after_undo")


def is_focused(locator) -> bool:
    return locator.evaluate("el => el === document.activeElement")


def tab_to(page, locator, what: str, limit: int = 80) -> int:
    """Press Tab until ``locator`` has the focus; fails after ``limit`` presses. Returns the presses."""
    locator.wait_for(state="visible")
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if is_focused(locator):
            return presses
    focused = page.evaluate("() => document.activeElement.outerHTML.slice(0, 200)")
    pytest.fail(f"{limit} presses of Tab never reached {what}; focus is on {focused}")


def test_upload_by_keyboard_only(upload_app, tmp_path):
    """Tab reaches the name and password boxes, the file chooser, Apply and Undo; Enter and Space use them."""
    from playwright.sync_api import expect

    indicator = "cla_year11_qualifications"  # another measure of Barnet's pledge 1 with no figures held
    file = template_csv(tmp_path, "year11.csv", [(indicator, "2024/25", "73")])
    page = open_upload(upload_app)
    # Playwright asks Chromium to intercept file choosers when the first listener arrives, and that
    # can lose a race with a key pressed straight after expect_file_chooser(); listen from the start.
    page.on("filechooser", lambda _: None)

    tab_to(page, page.get_by_label(NAME_LABEL, exact=True), "the name box")
    page.keyboard.type("Kim")
    tab_to(page, page.get_by_label(PASSWORD_LABEL, exact=True), "the password box")
    page.keyboard.type(ANALYST_PASSWORD)
    tab_to(page, page.get_by_role("button", name=SIGN_IN), "the sign-in button")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Signed in as analyst: Kim")).to_be_visible()
    settled(page)

    chooser_button = page.locator(DROPZONE).get_by_role("button", name="Upload", exact=True)
    tab_to(page, chooser_button, "the file chooser button")
    with page.expect_file_chooser():  # Space opens the chooser (left unanswered, as if cancelled) ...
        page.keyboard.press("Space")
    assert is_focused(chooser_button)
    with page.expect_file_chooser() as chooser:  # ... and so does Enter; this time a file is picked
        page.keyboard.press("Enter")
    chooser.value.set_files(str(file))
    expect(page.get_by_text("If applied: 1 new figures, 0 changed, 0 unchanged.")).to_be_visible()
    settled(page)

    apply = page.get_by_role("button", name=APPLY)
    tab_to(page, apply, "the Apply button")
    full_screenshot(page, "upload_keyboard_apply_focused")
    page.keyboard.press("Enter")
    upload_id = applied_id(page, 1)
    settled(page)
    expect(history_row(page, upload_id)).to_contain_text("Kim")

    undo_button = page.get_by_role("button", name=UNDO)
    expect(page.get_by_role("combobox", name="Upload to undo")).to_have_value(upload_id)
    tab_to(page, undo_button, "the Undo button")
    page.keyboard.press("Space")
    expect(page.get_by_text(f"Undone {upload_id}")).to_be_visible()
    expect(history_row(page, upload_id)).to_contain_text("undone")
