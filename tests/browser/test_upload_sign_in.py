"""Signing in on the upload page, in a real browser: the form and the password leave the page, and the
keyboard carries on from where the form was.

Streamlit 1.67 has no way to move focus (streamlit/streamlit#3899 asks for one), so once the form is
gone nothing has focus; Chromium then starts the next Tab from where the removed button was, which
is the first control after the form, not the top of the page. That is what this test holds on to.
"""

from __future__ import annotations

import pytest

from .conftest import ANALYST_PASSWORD
from .uploading import NAME_LABEL, PASSWORD_LABEL, SIGN_IN, open_upload, settled

pytestmark = pytest.mark.browser


def test_signing_in_removes_the_form_and_tab_carries_on_below_it(upload_app):
    from playwright.sync_api import expect

    page = open_upload(upload_app)
    page.get_by_label(NAME_LABEL, exact=True).fill("Lee")
    page.get_by_label(PASSWORD_LABEL, exact=True).fill(ANALYST_PASSWORD)
    page.get_by_role("button", name=SIGN_IN).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Signed in as analyst: Lee")).to_be_visible()
    settled(page)
    for gone in (page.get_by_label(NAME_LABEL, exact=True), page.get_by_label(PASSWORD_LABEL, exact=True)):
        expect(gone).to_have_count(0)  # no password left in a box its eye button would show
    expect(page.get_by_role("button", name=SIGN_IN)).to_have_count(0)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Blank template (CSV)")).to_be_focused()
