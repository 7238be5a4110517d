"""A failure on a page: the user sees a plain message and a reference, the server log the details.

Streamlit's own error box (with ``showErrorDetails = "none"``) says only that something failed,
with nothing to quote; this gives the user a short reference and the operator the traceback filed
under the same reference. Values from ``st.secrets`` are blanked out of the logged text first, so
an exception that happens to carry one (a password, a client secret, a hash) never reaches a log.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import traceback
from collections.abc import Iterator, Mapping

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from cpdata.store.store import StoreError

log = logging.getLogger(__name__)
MESSAGE = (
    "Something went wrong showing this page. Please try again; if it keeps happening, tell the "
    "dashboard's administrators and quote reference {ref}."
)
DATA_MESSAGE = (
    "The dashboard's data cannot be read just now. The server's operators have been told what is "
    "wrong: quote reference {ref} if you contact them."
)
REDACTED = "[secret removed]"
_SHORTEST_SECRET = 4  # shorter values (true, 443) would blank innocent text


def new_reference() -> str:
    """Six characters a user can read out over the phone; random so one cannot guess another's."""
    return secrets.token_hex(3).upper()


def secret_values(source: Mapping | None = None) -> list[str]:
    """Every value in the secrets (nested sections too), longest first; none if there are no secrets."""
    try:
        items = list((source if source is not None else st.secrets).items())
    except (FileNotFoundError, StreamlitSecretNotFoundError):  # no secrets.toml (or a broken one): nothing to hide
        return []
    found: list[str] = []
    for _, value in items:
        if isinstance(value, Mapping):
            found += secret_values(value)
        elif isinstance(value, list | tuple):
            found += [str(v) for v in value]
        elif not isinstance(value, bool):
            found.append(str(value))
    return sorted({v for v in found if len(v) >= _SHORTEST_SECRET}, key=len, reverse=True)


def redact(text: str, values: list[str]) -> str:
    for value in values:
        text = text.replace(value, REDACTED)
    return text


def report(exc: BaseException) -> str:
    """Log the traceback under a new reference (secrets blanked) and return the reference."""
    ref = new_reference()
    details = redact("".join(traceback.format_exception(exc)), secret_values())
    log.error("Page failed, reference %s\n%s", ref, details.rstrip())
    return ref


@contextlib.contextmanager
def shown_plainly(stop: bool = False) -> Iterator[None]:
    """Run a page; on an error show a plain message with its reference instead of a traceback, then
    carry on (or ``stop`` the run, where what follows cannot work without what failed).

    Streamlit's st.stop, st.rerun and st.switch_page are BaseExceptions and pass straight through.
    """
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - the point: no error reaches a user as a traceback
        ref = report(exc)
        st.error((DATA_MESSAGE if isinstance(exc, StoreError) else MESSAGE).format(ref=ref))
        if stop:
            st.stop()
