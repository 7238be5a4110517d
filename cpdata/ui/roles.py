"""Who this session is: the analyst role, or the briefing-editor role, checked against the current secrets.

A password sign-in keeps the name and a stamp of the password it was checked against (``auth.role_stamp``);
every run compares the stamp with the secrets as they are now, so changing or removing the password signs
every open tab out at its next click. Single sign-on is checked against the listed e-mails on every run.
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from cpdata.ui.plain import md
from cpdata.uploads import auth

SIGNED_OUT = "You were signed out because the password has been changed. Sign in again with the new one."
EDITORS = "briefing_editors"  # [briefing_editors] emails = [...] or password_sha256 = "..." in secrets.toml


def secrets() -> dict:
    """The secrets as they are now (read on every call, so a change applies at the next run)."""
    try:
        return {k: dict(v) if hasattr(v, "items") else v for k, v in st.secrets.items()}
    except (FileNotFoundError, StreamlitSecretNotFoundError):  # no secrets.toml at all
        return {}


def signed_in(key: str, current: dict, section: str = "analysts") -> str | None:
    """The name this session signed in with under ``key``, while that password is still the configured one."""
    name = st.session_state.get(key)
    if not name:
        return None
    stamp = auth.role_stamp(current, section)
    if stamp and st.session_state.get(f"{key}_stamp") == stamp:
        return name
    st.session_state.pop(key, None)
    st.session_state.pop(f"{key}_stamp", None)
    st.warning(SIGNED_OUT)
    return None


def remember(key: str, name: str, current: dict, section: str = "analysts") -> None:
    st.session_state[key] = name
    st.session_state[f"{key}_stamp"] = auth.role_stamp(current, section)


def _email(current: dict) -> str | None:
    if "auth" not in current or not st.user.is_logged_in:
        return None
    return str(st.user.get("email") or "") or None


def editor(current: dict) -> str | None:
    """Who may save running orders now: an analyst, or a briefing editor; None for everyone else."""
    email = _email(current)
    if email and (auth.email_is_analyst(email, current) or auth.email_is_analyst(email, current, EDITORS)):
        return email
    for key, section in (("analyst", "analysts"), ("briefing_editor", EDITORS)):
        if (name := signed_in(key, current, section)) is not None:
            return name
    return None


def editor_sign_in(current: dict) -> None:
    """The briefing editors' password form, where one is configured (analysts sign in on Upload figures)."""
    if not current.get(EDITORS, {}).get("password_sha256"):
        return
    with st.form("bf_editor_login"):
        name = st.text_input("Your name (recorded with the running order)")
        password = st.text_input("Briefing editors' password", type="password")
        if st.form_submit_button("Sign in to save running orders"):
            attempts = st.session_state.setdefault("editor_sign_in", auth.Attempts())
            refused = auth.sign_in(name, password, current, attempts, section=EDITORS)
            if refused is None:
                remember("briefing_editor", name.strip(), current, EDITORS)
                st.rerun()
            st.error(md(refused))
