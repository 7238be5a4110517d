"""Published-statistics symbols: what a non-number in a figure cell means.

A symbol is never a zero. Cells are parsed into (value, symbol): exactly one is set,
or neither for a blank cell (nothing published).
"""

from __future__ import annotations

import math
import re

# Symbol -> plain meaning, as DfE / GSS publish them. Keys are lower-case.
MEANINGS: dict[str, str] = {
    "c": "suppressed to protect confidentiality",
    "x": "not available",
    "z": "not applicable",
    "k": "fewer than 0.5, rounded to zero (not a true zero)",
    "low": "fewer than 0.5, rounded to zero (not a true zero)",
    "u": "low reliability",
    ":": "not available",
    "~": "fewer than 0.5, rounded to zero (not a true zero)",
    "..": "not available",
    "-": "not available",
    "n/a": "not available",
    "na": "not available",
    "*": "suppressed to protect confidentiality",
}

# Marks the dashboard itself puts in place of a figure it will not show; never read from a file (so not in
# MEANINGS, which is what an upload may contain).
FEWER_THAN_6 = "<6"
SHOWN_ONLY: dict[str, str] = {FEWER_THAN_6: "fewer than 6: counts of 1 to 5 children are not shown"}

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
# No figure is this big; bigger (1e400 is infinity) would be stored, then break every page showing it.
LARGEST = 1e12


def is_symbol(token: str) -> bool:
    return token.strip().lower() in MEANINGS


def meaning(symbol: str | None) -> str:
    """Plain-English meaning of a symbol, e.g. ``c`` -> ``suppressed to protect confidentiality``."""
    if symbol is None or symbol == "":
        return "no figure held"
    return MEANINGS.get(symbol.strip().lower()) or SHOWN_ONLY.get(symbol.strip(), "not a published figure")


SHORT = {
    "suppressed to protect confidentiality": "suppressed",
    "fewer than 0.5, rounded to zero (not a true zero)": "rounds to 0",
    SHOWN_ONLY[FEWER_THAN_6]: "fewer than 6",
}


def short(symbol: str | None) -> str:
    """A compact form for tables: ``c (suppressed)``."""
    if not symbol:
        return "-"
    m = meaning(symbol)
    return f"{symbol} ({SHORT.get(m, m)})"


def describe(symbol: str | None) -> str:
    """Symbol and meaning together, as shown on screen: ``c — suppressed to protect confidentiality``."""
    if not symbol:
        return "no figure held"
    return f"{symbol} — {meaning(symbol)}"


def parse_cell(raw: object) -> tuple[float | None, str | None]:
    """Split one cell into (value, symbol). Blank gives (None, None); never (0, ...) for a symbol.

    Accepts thousands separators and a trailing ``%``; anything else that is not a number
    and not a known symbol raises ``ValueError`` so a check can report it.
    """
    if raw is None:
        return None, None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return (None, None) if math.isnan(float(raw)) else (float(raw), None)
    text = str(raw).strip()
    if text == "":
        return None, None
    if is_symbol(text):
        return None, text.lower() if text.lower() != "na" else "n/a"
    cleaned = text.replace(",", "").rstrip("%").strip()
    if _NUMBER.match(cleaned) and abs(float(cleaned)) < LARGEST:
        return float(cleaned), None
    raise ValueError(f"{text!r} is neither a number nor a known symbol")


def parses(raw: object) -> bool:
    """Whether a cell is a number, a known symbol or blank (what a check accepts)."""
    try:
        parse_cell(raw)
    except ValueError:
        return False
    return True


def number_or_none(raw: object) -> float | None:
    """The cell's number; None for a blank, a symbol or text that is not a number."""
    return parse_cell(raw)[0] if parses(raw) else None
