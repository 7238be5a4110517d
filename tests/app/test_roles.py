"""Secrets never become data, and a role lasts only as long as the password it was given with."""

from __future__ import annotations

import hashlib

from cpdata.ui.roles import SIGNED_OUT
from cpdata.uploads import auth
from tests.app.test_app import open_page, start

PASSWORD = "correct horse"


def _secrets(password: str) -> dict:
    return {"analysts": {"password_sha256": hashlib.sha256(password.encode()).hexdigest()}}


def _upload_page(password: str = PASSWORD):
    at = start()
    for k, v in _secrets(password).items():
        at.secrets[k] = v
    return open_page(at, "upload")


def _sign_in(at, name: str, password: str = PASSWORD):
    at.text_input[0].set_value(name)
    at.text_input[1].set_value(password)
    at.button[0].click().run()
    return at


def test_changing_the_password_signs_an_open_tab_out(data_copy):
    at = _sign_in(_upload_page(), "Ana")
    assert at.file_uploader, "signed in"
    at.secrets["analysts"] = _secrets("a new password")["analysts"]  # the administrator changes it
    at.run()
    assert not at.file_uploader
    assert any(SIGNED_OUT in w.value for w in at.warning)
    assert _sign_in(at, "Ana", "a new password").file_uploader  # the new one works


def test_removing_the_password_signs_an_open_tab_out(data_copy):
    at = _sign_in(_upload_page(), "Ana")
    at.secrets["analysts"] = {}
    at.run()
    assert not at.file_uploader and any("Uploading is switched off" in e.value for e in at.error)


def test_the_password_typed_as_the_name_is_refused_and_never_recorded(data_copy):
    before = (data_copy / "manifest.json").read_bytes()
    at = _sign_in(_upload_page(), PASSWORD)
    assert not at.file_uploader
    assert any(auth.NAME_IS_PASSWORD in e.value for e in at.error)
    shown = [e.value for e in (*at.error, *at.warning, *at.info, *at.markdown, *at.caption)]
    assert not [t for t in shown if PASSWORD in t]  # nor quoted anywhere on the page
    assert (data_copy / "manifest.json").read_bytes() == before
    assert not _sign_in(at, f"  {PASSWORD} ").file_uploader  # spaces round it change nothing


def test_the_name_box_tells_a_guesser_nothing():
    """'That name is the password' is said only with the right password in its own box."""
    limiter, session = auth.SignInLimiter(), auth.Attempts()
    secrets = _secrets(PASSWORD)
    assert auth.sign_in(PASSWORD, "a guess", secrets, session, limiter) == auth.REFUSED
    assert auth.sign_in(PASSWORD, PASSWORD, secrets, session, limiter) == auth.NAME_IS_PASSWORD
    assert auth.sign_in("Ana\u202e", PASSWORD, secrets, session, limiter) == auth.NAME_NOT_PLAIN
    assert auth.sign_in("Ana", PASSWORD, secrets, session, limiter) is None
