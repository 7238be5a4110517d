"""Who may upload: the analyst role, from OIDC login or a shared password hash in secrets.

Reading needs no login (a trusted intranet by default). Uploading and undoing need the
analyst role. Secrets are read from ``.streamlit/secrets.toml``::

    [analysts]
    password_sha256 = "<sha256 hex of the analysts' password>"   # or, with st.login configured:
    emails = ["analyst@council.gov.uk"]

Nothing here ever returns or logs a secret.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

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
