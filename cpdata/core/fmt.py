"""Showing a figure the way its unit and precision say, never showing a symbol as 0."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from cpdata.core import symbols


def is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def half_up(value: float, decimals: int) -> Decimal:
    """Round as published statistics do (62.5 -> 63), not Python's half-to-even."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def number(value: float, unit: str, decimals: int) -> str:
    text = f"{half_up(value, decimals):,.{decimals}f}"
    if unit == "percent":
        return text + "%"
    return text


def figure(value: object, symbol: str | None, unit: str, decimals: int) -> str:
    """``64%``, ``35``, or the symbol (``c``) when no value is published; ``-`` when nothing is held."""
    if not is_missing(value):
        return number(float(value), unit, decimals)  # type: ignore[arg-type]
    if symbol:
        return str(symbol)
    return "-"


def figure_with_meaning(value: object, symbol: str | None, unit: str, decimals: int) -> str:
    if not is_missing(value):
        return number(float(value), unit, decimals)  # type: ignore[arg-type]
    return symbols.describe(symbol)


UNIT_LABELS = {
    "percent": "%",
    "rate_per_10k": "rate per 10,000 children",
    "count": "number",
    "score": "score",
    "average": "average",
}


def unit_label(unit: str) -> str:
    return UNIT_LABELS[unit]


def difference(diff: float, unit: str, decimals: int) -> str:
    """``5 points`` for percentages, ``12`` for counts."""
    text = f"{half_up(abs(diff), decimals):,.{decimals}f}"
    return f"{text} {'point' if text == '1' else 'points'}" if unit == "percent" else text
