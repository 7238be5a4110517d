"""Who may upload: the analyst role, from OIDC login or a shared password hash in secrets.

Reading needs no login (a trusted intranet by default). Uploading and undoing need the
analyst role. Secrets are read from ``.streamlit/secrets.toml``::

    [analysts]
    password_sha256 = "<sha256 hex of the analysts' password>"   # or, with st.login configured:
    emails = ["analyst@council.gov.uk"]

Password guessing is bounded: after ``MAX_FAILURES`` failed sign-ins in one browser session, or under
one user name across sessions of this server process, further attempts are refused for
``LOCKOUT_S`` seconds without the password being checked. Nothing here ever returns or logs a secret
(nor the name typed, which may be a password typed in the wrong box).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

log = logging.getLogger(__name__)
MAX_FAILURES = 5
LOCKOUT_S = 60.0
MAX_NAMES = 1000  # user names tracked per process; the least recently failed are forgotten first
REFUSED = "That name and password do not give the analyst role."

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


def password_ok(password: str, secrets: Mapping) -> bool:
    expected = str(secrets.get("analysts", {}).get("password_sha256", "")).strip().lower()
    if not expected or not password:
        return False
    given = hashlib.sha256(password.encode("utf-8")).hexdigest()
    return hmac.compare_digest(given, expected)


def email_is_analyst(email: str | None, secrets: Mapping) -> bool:
    allowed = {str(e).strip().lower() for e in secrets.get("analysts", {}).get("emails", [])}
    return bool(email) and str(email).strip().lower() in allowed


@dataclass
class Attempts:
    """Failed sign-ins since the last lockout (or success), and when the current lockout ends."""

    failures: int = 0
    locked_until: float = 0.0


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


class SignInLimiter:
    """Counts failed password sign-ins per session (an ``Attempts`` the caller keeps in the session) and
    per user name (here, shared by every session of the process, at most ``max_names`` of them)."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        max_failures: int = MAX_FAILURES,
        lockout_s: float = LOCKOUT_S,
        max_names: int = MAX_NAMES,
    ) -> None:
        self.clock, self.max_failures, self.lockout_s, self.max_names = clock, max_failures, lockout_s, max_names
        self._by_name: OrderedDict[str, Attempts] = OrderedDict()
        self._lock = threading.Lock()  # sessions run in threads of one process

    def names_tracked(self) -> int:
        return len(self._by_name)

    def wait(self, session: Attempts, name: str) -> float:
        """Seconds before this session may try this name again (0: it may now)."""
        with self._lock:
            entry = self._by_name.get(_key(name))
        until = max(session.locked_until, entry.locked_until if entry else 0.0)
        return max(0.0, until - self.clock())

    def failed(self, session: Attempts, name: str) -> None:
        now, key = self.clock(), _key(name)
        with self._lock:
            entry = self._by_name.pop(key, None) or Attempts()
            self._by_name[key] = entry  # now the most recent
            while len(self._by_name) > self.max_names:
                self._by_name.popitem(last=False)
            for attempts, whose in ((session, "one session"), (entry, "one user name")):
                attempts.failures += 1
                if attempts.failures >= self.max_failures:
                    attempts.failures, attempts.locked_until = 0, now + self.lockout_s
                    log.warning(
                        "Analyst sign-in paused for %.0f s after %d failures in %s",
                        self.lockout_s,
                        self.max_failures,
                        whose,
                    )

    def succeeded(self, session: Attempts, name: str) -> None:
        session.failures = 0
        with self._lock:
            self._by_name.pop(_key(name), None)


LIMITER = SignInLimiter()


def sign_in(
    name: str, password: str, secrets: Mapping, session: Attempts, limiter: SignInLimiter | None = None
) -> str | None:
    """None if this name and password give the analyst role now; else the plain reason to show."""
    limiter = LIMITER if limiter is None else limiter
    if wait := limiter.wait(session, name):
        return _paused(wait)  # the password is not even checked
    if name.strip() and password_ok(password, secrets):
        limiter.succeeded(session, name)
        return None
    limiter.failed(session, name)
    wait = limiter.wait(session, name)
    return f"{REFUSED} {_paused(wait)}" if wait else REFUSED


def _paused(wait: float) -> str:
    return f"Too many failed sign-ins: wait {math.ceil(wait)} seconds, then try again."
