"""Steps on the upload page that several browser tests take, done as a person would with a mouse."""

from __future__ import annotations

import re
from pathlib import Path

from .conftest import ANALYST_PASSWORD, TIMEOUT_MS, App, dismiss_page_not_found, wait_for_elements

NAME_LABEL = "Your name (recorded with each upload)"
PASSWORD_LABEL = "Analysts' password"
SIGN_IN = "Sign in as analyst"
FILE_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'
DROPZONE = '[data-testid="stFileUploaderDropzone"]'
APPLY = "Apply this upload"
UNDO = "Undo this upload"
UNDO_TARGET = "Upload to undo"
APPLIED = re.compile(r"Applied as (upload_[0-9A-Za-z_]+): (\d+) figures")

BARNET = "E09000003"


def template_csv(tmp_path: Path, name: str, rows: list[tuple[str, str, str]]) -> Path:
    """A small file in the dashboard's template: (indicator_id, period, value) for Barnet."""
    lines = ["indicator_id,area_code,period,value", *(f"{i},{BARNET},{p},{v}" for i, p, v in rows)]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def settled(page) -> None:
    """The session's script run has finished (Streamlit marks stApp while it runs) and all it sent is drawn."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=TIMEOUT_MS)
    wait_for_elements(page)


def open_upload(app: App):
    from playwright.sync_api import expect

    page = app.open("/upload")
    dismiss_page_not_found(page)
    expect(page.locator("h1").first).to_have_text("Upload figures")
    return page


def sign_in(page, name: str = "Ana") -> None:
    from playwright.sync_api import expect

    page.get_by_label(NAME_LABEL, exact=True).fill(name)
    page.get_by_label(PASSWORD_LABEL, exact=True).fill(ANALYST_PASSWORD)
    page.get_by_role("button", name=SIGN_IN).click()
    expect(page.get_by_text(f"Signed in as analyst: {name}")).to_be_visible()
    settled(page)


def choose_file(page, path: Path) -> None:
    """Put a file in the uploader as if picked in the file chooser; wait until the page has checked it."""
    from playwright.sync_api import expect

    page.locator(FILE_INPUT).set_input_files(str(path))
    expect(page.get_by_text(f"{path.name}: recognised as")).to_be_visible()
    settled(page)


def applied_id(page, figures: int) -> str:
    """After Apply: the success message's upload id (and its count of figures)."""
    from playwright.sync_api import expect

    message = page.get_by_text(APPLIED)
    expect(message).to_be_visible()
    match = APPLIED.search(message.inner_text())
    assert match and int(match.group(2)) == figures, message.inner_text()
    return match.group(1)


def history_row(page, upload_id: str):
    """The row of the "Uploads applied" table for one upload (the grid, found by its accessible name)."""
    return page.get_by_role("region", name="Uploads applied, newest first").locator("tr").filter(has_text=upload_id)


def undo(page, upload_id: str) -> None:
    """Undo one upload by mouse and wait for the confirmation."""
    from playwright.sync_api import expect

    target = page.get_by_role("combobox", name=UNDO_TARGET)
    if target.input_value() != upload_id:
        target.click()
        page.get_by_role("option", name=upload_id).click()
        settled(page)
    page.get_by_role("button", name=UNDO).click()
    expect(page.get_by_text(f"Undone {upload_id}")).to_be_visible()
    settled(page)
