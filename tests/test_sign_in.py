"""Password sign-in. It is bounded: after five failures in one session, or under one user name across
sessions, attempts are refused for a minute (the password not even checked), then allowed again; time
comes from a fake clock. The password never reaches the page or the logs, and once signed in the
form (with the password still in its box) is gone from the page."""

from __future__ import annotations

import hashlib
import logging

import pytest

from cpdata import auth
from tests.test_access import _page_text
from tests.test_upload_page import PASSWORD, _upload_page

SECRETS = {"analysts": {"password_sha256": hashlib.sha256(PASSWORD.encode()).hexdigest()}}
PAUSED = "Too many failed sign-ins: wait 60 seconds, then try again."


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def limiter(clock: Clock, monkeypatch: pytest.MonkeyPatch) -> auth.SignInLimiter:
    """A fresh limiter on the fake clock, also the one the page uses (so tests never share counts)."""
    fresh = auth.SignInLimiter(clock=clock)
    monkeypatch.setattr(auth, "LIMITER", fresh)
    return fresh


def _try(name: str, password: str, session: auth.Attempts, limiter: auth.SignInLimiter) -> str | None:
    return auth.sign_in(name, password, SECRETS, session, limiter)


def test_five_failures_in_a_session_pause_it_for_a_minute(limiter, clock, caplog):
    caplog.set_level(logging.DEBUG)
    session = auth.Attempts()
    for n in range(1, 5):
        assert _try(f"Name {n}", "guess", session, limiter) == auth.REFUSED  # other names: only the session counts
    assert _try("Name 5", "guess", session, limiter) == f"{auth.REFUSED} {PAUSED}"
    assert _try("Ana", PASSWORD, session, limiter) == PAUSED  # the right password is refused too
    clock.now += 59.5
    assert _try("Ana", PASSWORD, session, limiter) == "Too many failed sign-ins: wait 1 seconds, then try again."
    clock.now += 0.5
    assert _try("Ana", PASSWORD, session, limiter) is None
    assert "paused for 60 s after 5 failures in one session" in caplog.text
    assert PASSWORD not in caplog.text and "guess" not in caplog.text and "Name 5" not in caplog.text


def test_five_failures_under_one_name_pause_that_name_in_every_session(limiter, clock):
    for _ in range(5):  # each attempt from a new session (a new tab, or cookies cleared)
        _try("Ana", "guess", auth.Attempts(), limiter)
    assert _try(" ana ", PASSWORD, auth.Attempts(), limiter) == PAUSED  # spacing and case do not matter
    assert _try("Bob", PASSWORD, auth.Attempts(), limiter) is None  # another name is not held up
    clock.now += 60
    assert _try("Ana", PASSWORD, auth.Attempts(), limiter) is None


def test_a_success_clears_the_count(limiter):
    session = auth.Attempts()
    for _ in range(4):
        _try("Ana", "guess", session, limiter)
    assert _try("Ana", PASSWORD, session, limiter) is None
    for _ in range(4):
        assert _try("Ana", "guess", session, limiter) == auth.REFUSED  # four more: still not paused


def test_the_names_remembered_are_bounded(clock):
    small = auth.SignInLimiter(clock=clock, max_names=3)
    for n in range(10):
        small.failed(auth.Attempts(), f"name {n}")
    assert small.names_tracked() == 3
    for _ in range(5):  # the newest name is still counted ...
        small.failed(auth.Attempts(), "name 9")
    assert small.wait(auth.Attempts(), "name 9") == 60


def test_the_page_pauses_sign_in_after_five_failures(data_copy, limiter, clock):
    at = _upload_page(SECRETS)
    for _ in range(5):
        at.text_input[0].set_value("Ana")
        at.text_input[1].set_value("guess")
        at.button[0].click().run()
    assert [e.value for e in at.error] == [f"{auth.REFUSED} {PAUSED}"]
    at.text_input[1].set_value(PASSWORD)
    at.button[0].click().run()
    assert [e.value for e in at.error] == [PAUSED] and not at.file_uploader
    assert PASSWORD not in _page_text(at)  # what the page shows (the widget keeps what was typed)
    clock.now += 60
    at.button[0].click().run()
    assert not at.error and at.file_uploader, "signed in once the pause is over"


def test_signing_in_takes_the_form_and_the_password_off_the_page(data_copy, limiter):
    """The run that signs in used to draw the form too, so it stayed on screen with the password in its box
    (masked, but one click on the eye showed it) until the analyst next did something."""
    at = _upload_page(SECRETS)
    at.text_input[0].set_value("Ana")
    at.text_input[1].set_value(PASSWORD)
    at.button[0].click().run()
    assert at.file_uploader, "signed in"
    assert [t.label for t in at.text_input] == [] and "Sign in as analyst" not in [b.label for b in at.button]
    assert PASSWORD not in str(at)  # not even in the session's widget state
