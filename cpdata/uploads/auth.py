"""Who may upload: the analyst role, from OIDC login or a shared password hash in secrets.

Reading needs no login (a trusted intranet by default). Uploading and undoing need the
analyst role. Secrets are read from ``.streamlit/secrets.toml``::

    [analysts]
    password_sha256 = "<sha256 hex of the analysts' password>"   # or, with st.login configured:
    emails = ["analyst@council.gov.uk"]

Password guessing is bounded, per server process: after ``MAX_FAILURES`` failed sign-ins in one
browser session that session waits ``LOCKOUT_S`` seconds; and whatever the sessions or names used (the
password is shared and the name is not checked, so neither tells one guesser from another), at most
``BUDGET`` failures are allowed in any ``WINDOW_S`` seconds, after which password sign-in waits for
everyone. That bounds guessing to about ``BUDGET`` tries per window, at the price that someone who can
reach the page can hold password sign-in up for everyone; single sign-on is not affected and is the
stronger choice. Nothing here ever returns or logs a secret (nor the name typed, which may be a
password typed in the wrong box).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from cpdata.core.plain_text import unsafe_characters

log = logging.getLogger(__name__)
MAX_FAILURES = 5
LOCKOUT_S = 60.0
BUDGET = 20  # failures allowed in any WINDOW_S seconds, whatever the session or name
WINDOW_S = 600.0
REFUSED = "That name and password do not give the analyst role."
NAME_IS_PASSWORD = (
    "That name is the password: it would be recorded and shown with every upload. Type your own name in "
    "the name box (nothing was recorded)."
)
NAME_NOT_PLAIN = "Type your name on one line, without tabs or invisible characters."
NAME_MAX = 80

NOT_CONFIGURED = (
    "Uploading is switched off: no analyst login is configured. An administrator can add to "
    ".streamlit/secrets.toml either an [auth] section for single sign-on (Streamlit's st.login) with "
    '[analysts] emails = [...], or [analysts] password_sha256 = "<sha256 of a password>" '
    "(make one with: python -c \"import hashlib; print(hashlib.sha256(b'your password').hexdigest())\")."
)


def mode(secrets: Mapping) -> str:
    """``oidc`` where single sign-on is configured with analysts listed, ``password``, else ``none``."""
    analysts = secrets.get("analysts", {}) if hasattr(secrets, "get") else {}
    if "auth" in secrets and analysts.get("emails"):
        return "oidc"
    if analysts.get("password_sha256"):
        return "password"
    return "none"


def password_ok(password: str, secrets: Mapping, section: str = "analysts") -> bool:
    expected = str(secrets.get(section, {}).get("password_sha256", "")).strip().lower()
    if not expected or not password:
        return False
    given = hashlib.sha256(password.encode("utf-8")).hexdigest()
    return hmac.compare_digest(given, expected)


def email_is_analyst(email: str | None, secrets: Mapping, section: str = "analysts") -> bool:
    allowed = {str(e).strip().lower() for e in secrets.get(section, {}).get("emails", [])}
    return bool(email) and str(email).strip().lower() in allowed


def role_stamp(secrets: Mapping, section: str = "analysts") -> str:
    """What a password sign-in was checked against, kept in the session and compared on every run: when
    an administrator changes (or removes) the password, every open tab signed in with the old one is out.
    A hash of the configured hash, so the session never holds anything a password could be read from."""
    configured = str(secrets.get(section, {}).get("password_sha256", "")).strip().lower()
    return hashlib.sha256(f"cpdata-role:{section}:{configured}".encode()).hexdigest() if configured else ""


@dataclass
class Attempts:
    """One session's failed sign-ins since its last pause (or success), and when its pause ends."""

    failures: int = 0
    locked_until: float = 0.0


class SignInLimiter:
    """Failed password sign-ins: per session (an ``Attempts`` the caller keeps in the session) and for
    the whole process (the times of the last ``budget`` failures, shared by every session's thread)."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        max_failures: int = MAX_FAILURES,
        lockout_s: float = LOCKOUT_S,
        budget: int = BUDGET,
        window_s: float = WINDOW_S,
    ) -> None:
        self.clock, self.max_failures, self.lockout_s = clock, max_failures, lockout_s
        self.window_s = window_s
        self._recent: deque[float] = deque(maxlen=budget)  # only the last ``budget`` can matter
        self._lock = threading.Lock()  # sessions run in threads of one process

    def wait(self, session: Attempts) -> float:
        """Seconds before this session may try again (0: it may now)."""
        return max(0.0, session.locked_until - self.clock(), self.wait_for_everyone())

    def wait_for_everyone(self) -> float:
        """Seconds until the process-wide budget allows another attempt (0: it does now)."""
        with self._lock:
            full = len(self._recent) == self._recent.maxlen
            oldest = self._recent[0] if self._recent else 0.0
        return max(0.0, oldest + self.window_s - self.clock()) if full else 0.0

    def failed(self, session: Attempts) -> None:
        """Count a failure against the session (pausing it at ``max_failures``) and the process budget."""
        now = self.clock()
        with self._lock:
            self._recent.append(now)
            spent = len(self._recent) == self._recent.maxlen and now - self._recent[0] < self.window_s
        if spent:
            log.warning(
                "Analyst password sign-in paused for everyone: %d failures within %.0f s",
                self._recent.maxlen,
                self.window_s,
            )
        session.failures += 1
        if session.failures >= self.max_failures:
            session.failures, session.locked_until = 0, now + self.lockout_s
            log.warning(
                "Analyst sign-in paused for %.0f s after %d failures in one session", self.lockout_s, self.max_failures
            )

    def succeeded(self, session: Attempts) -> None:
        """A success clears the session's count (the process budget keeps its history)."""
        session.failures = 0


LIMITER = SignInLimiter()


def sign_in(
    name: str,
    password: str,
    secrets: Mapping,
    session: Attempts,
    limiter: SignInLimiter | None = None,
    section: str = "analysts",
) -> str | None:
    """None if this name and password give the role now; else the plain reason to show.

    The name is recorded with every write and shown to every visitor, so it may not be the password
    (said only once the password box holds the right one, so the name box is no way round the limit)
    nor hold a line break or an invisible character.
    """
    limiter = LIMITER if limiter is None else limiter
    if wait := limiter.wait(session):
        return _paused(wait, limiter)  # the password is not even checked
    if name.strip() and password_ok(password, secrets, section):
        if password_ok(name, secrets, section) or password_ok(name.strip(), secrets, section):
            return NAME_IS_PASSWORD
        if unsafe_characters(name.strip()) or len(name.strip()) > NAME_MAX:
            return NAME_NOT_PLAIN if unsafe_characters(name.strip()) else f"Type a name of up to {NAME_MAX} characters."
        limiter.succeeded(session)
        return None
    limiter.failed(session)
    wait = limiter.wait(session)
    return f"{REFUSED} {_paused(wait, limiter)}" if wait else REFUSED


def _paused(wait: float, limiter: SignInLimiter) -> str:
    if limiter.wait_for_everyone():
        return (
            f"Too many failed sign-ins on this dashboard: password sign-in is paused for everyone for "
            f"{math.ceil(wait)} seconds."
        )
    return f"Too many failed sign-ins: wait {math.ceil(wait)} seconds, then try again."
