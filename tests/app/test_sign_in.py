"""Password sign-in. It is bounded: after five failures in one session that session waits a minute, and
whatever the sessions and names used, at most 20 failures in ten minutes are allowed before password
sign-in waits for everyone (the password not even checked meanwhile); time comes from a fake clock.
The password never reaches the page or the logs, and once signed in the form (with the password still in
its box) is gone from the page."""

from __future__ import annotations

import hashlib
import logging

import pytest

from cpdata.uploads import auth
from tests.app.test_access import _page_text
from tests.app.test_upload_page import PASSWORD, _upload_page

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


def test_a_guesser_using_new_sessions_and_names_is_still_bounded(limiter, clock, caplog):
    """Each try from a new tab under a new name: only the process-wide budget can count them."""
    tried = 0
    for n in range(4000):  # one guess a second for over an hour
        reply = _try(f"Name {n}", f"guess {n}", auth.Attempts(), limiter)
        tried += reply == auth.REFUSED or reply.startswith(auth.REFUSED)  # the password was checked
        clock.now += 1
    windows = 4000 / auth.WINDOW_S
    assert tried <= auth.BUDGET * (windows + 1), tried  # about 20 checked per ten minutes, not 4,000
    assert tried >= auth.BUDGET * int(windows)  # and the budget does refill
    assert "paused for everyone" in caplog.text and "guess" not in caplog.text


def test_when_the_budget_is_spent_the_right_password_waits_too_then_works(limiter, clock):
    for n in range(auth.BUDGET):
        clock.now += 1
        _try(f"Name {n}", "guess", auth.Attempts(), limiter)
    reply = _try("Ana", PASSWORD, auth.Attempts(), limiter)
    assert reply.startswith("Too many failed sign-ins on this dashboard: password sign-in is paused for everyone")
    clock.now += auth.WINDOW_S - (auth.BUDGET - 1)  # the first failure (BUDGET - 1 seconds ago) is a window old
    assert _try("Ana", PASSWORD, auth.Attempts(), limiter) is None


def test_a_success_clears_the_count(limiter):
    session = auth.Attempts()
    for _ in range(4):
        _try("Ana", "guess", session, limiter)
    assert _try("Ana", PASSWORD, session, limiter) is None
    for _ in range(4):
        assert _try("Ana", "guess", session, limiter) == auth.REFUSED  # four more: still not paused


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
    sign_in_boxes = {"Your name (recorded with each upload)", "Analysts' password"}
    assert not sign_in_boxes & {t.label for t in at.text_input}, "the sign-in form is gone"
    assert not [t for t in at.text_input if t.proto.type == t.proto.PASSWORD], "no password box left"
    assert "Sign in as analyst" not in [b.label for b in at.button]
    assert PASSWORD not in str(at)  # not even in the session's widget state
