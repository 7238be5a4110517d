"""Showing a figure the way its unit and precision say, never showing a symbol as 0.

All rounding is on exact decimals, half away from zero as DfE (``dfeR::round_five_up``) and
Excel's ROUND do: 19.65 -> 19.7, 13.45 -> 13.5, -1.25 -> -1.3. Figures travel through pandas as
binary doubles; ``exact`` turns one back into the decimal it stands for (the shortest repr, so
the double nearest 19.65 is 19.65, never 19.6499999...).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from cpdata.core import symbols


def is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def exact(value: object) -> Decimal:
    """The decimal a figure stands for: a Decimal or int as it is, a float by its shortest repr."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | str):
        return Decimal(value)
    return Decimal(repr(float(value)))  # type: ignore[arg-type]


def half_up(value: object, decimals: int) -> Decimal:
    """Round as published statistics do (62.5 -> 63, -1.25 -> -1.3), not Python's half-to-even.

    (``ROUND_HALF_UP`` in Python's decimal module sends ties away from zero.) A result of zero is
    plain 0, never -0.0.
    """
    rounded = exact(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded


def number(value: object, unit: str, decimals: int) -> str:
    text = f"{half_up(value, decimals):,.{decimals}f}"
    if unit == "percent":
        return text + "%"
    return text


def figure(value: object, symbol: str | None, unit: str, decimals: int) -> str:
    """``64%``, ``35``, or the symbol (``c``) when no value is published; ``-`` when nothing is held."""
    if not is_missing(value):
        return number(value, unit, decimals)
    if isinstance(symbol, str) and symbol:
        return symbol
    return "-"


def figure_with_meaning(value: object, symbol: str | None, unit: str, decimals: int) -> str:
    """The figure, else its symbol with what it means (a missing symbol may arrive as NaN)."""
    if not is_missing(value):
        return number(value, unit, decimals)
    return symbols.describe(symbol if isinstance(symbol, str) else None)


UNIT_LABELS = {
    "percent": "%",
    "rate_per_10k": "rate per 10,000 children",
    "count": "number",
    "score": "score",
    "average": "average",
}


def unit_label(unit: str) -> str:
    return UNIT_LABELS[unit]


def difference(diff: object, unit: str, decimals: int) -> str:
    """``5 points`` for percentages, ``12`` for counts."""
    text = f"{abs(half_up(diff, decimals)):,.{decimals}f}"
    return f"{text} {'point' if text == '1' else 'points'}" if unit == "percent" else text


def exact_columns(df: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """A copy with these figure columns as the exact decimals they stand for (None where there is
    no figure), so neither a table nor a CSV prints binary noise such as 19.450000000000003."""
    out = df.copy()
    for col in columns:
        if col in out:
            out[col] = pd.Series([None if is_missing(v) else exact(v) for v in out[col]], index=out.index, dtype=object)
    return out
