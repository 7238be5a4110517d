"""Disclosure control: what members see in public (briefing screens and the pack), and the council's own
(unpublished) counts on every page.

A committee meeting is public, so a briefing shows nothing that DfE's published tables would
not: counts of 1 to 5 children are suppressed (DfE's practice, shown as "fewer than 6"), and a
percentage worked out on fewer than ``min_base()`` children is withheld with a note, because
such a figure can point at an identifiable child. Zero is shown: it identifies nobody.

The pages are open to anyone on the intranet, so a council's local count of 1 to 5 follows the same
rule there (``local_counts_protected``); DfE's published figures are shown as DfE published them.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import pandas as pd

from cpdata.core import fmt, symbols

FEWER_THAN_6 = "fewer than 6"
CHART_MARK = symbols.FEWER_THAN_6  # "<6", also the symbol a withheld local count carries on the pages
SMALL_BASE_MARK = "n<"
DEFAULT_MIN_BASE = 10
SMALL_COUNT_NOTE = "Counts of 1 to 5 children are not shown (DfE practice)."


def min_base() -> int:
    """Smallest base a percentage may be shown on: ``CPDATA_MIN_BASE``, default 10 (never below 6)."""
    raw = os.environ.get("CPDATA_MIN_BASE", "").strip()
    value = int(raw) if raw.isdigit() else DEFAULT_MIN_BASE
    return max(value, 6)


def is_small_count(value: object) -> bool:
    """A count that would round to 1-5 children (a 0.6 rounds to 1, so it is small too)."""
    if fmt.is_missing(value):
        return False
    v = float(value)  # type: ignore[arg-type]
    return 0 < v < 5.5


def base_too_small(base: object, minimum: int | None = None) -> bool:
    """True when the number the percentage is of is known and under the minimum."""
    if fmt.is_missing(base):
        return False
    return float(base) < (min_base() if minimum is None else minimum)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Safe:
    """A figure as a public briefing may show it: ``value`` is None when withheld."""

    value: float | None
    text: str
    withheld: bool = False
    note: str = ""


def protect(value: object, unit: str, decimals: int, symbol: str | None = None, base: object = None) -> Safe:
    """One figure made safe to show: small counts and small-base percentages withheld, symbols kept."""
    if fmt.is_missing(value):
        if symbol == CHART_MARK:  # a local count already withheld for the pages
            return Safe(None, FEWER_THAN_6, True, SMALL_COUNT_NOTE)
        return Safe(None, fmt.figure(None, symbol, unit, decimals))
    v = float(value)  # type: ignore[arg-type]
    if math.isinf(v):
        return Safe(None, "-")
    if unit == "count" and is_small_count(v):
        return Safe(None, FEWER_THAN_6, True, SMALL_COUNT_NOTE)
    if unit == "percent" and base_too_small(base):
        minimum = min_base()
        return Safe(
            None,
            "not shown",
            True,
            f"Not shown: the percentage is of fewer than {minimum} children or young people.",
        )
    return Safe(v, fmt.number(v, unit, decimals))


def protect_series(values: list[object], unit: str, bases: list[object] | None = None) -> list[float | None]:
    """A chart series with every withheld point turned into a gap (never a zero)."""
    bases = bases if bases is not None else [None] * len(values)
    out: list[float | None] = []
    for v, b in zip(values, bases, strict=True):
        safe = protect(v, unit, 0, None, b)
        out.append(None if safe.withheld or safe.value is None else float(v))  # type: ignore[arg-type]
    return out


def local_counts_protected(rows: pd.DataFrame, unit: str) -> pd.DataFrame:
    """An indicator's series rows with every local (unpublished) count of 1 to 5 replaced by the ``<6`` symbol:
    no value, so no page, chart, table, sentence, difference or download can show it. Published figures are
    left as DfE published them (DfE applies its own suppression before publishing)."""
    if unit != "count" or rows.empty or "local_value" not in rows:
        return rows
    small = rows["local_value"].map(is_small_count).astype(bool)
    if not small.any():
        return rows
    rows = rows.copy()
    rows.loc[small, ["local_value", "local_numerator"]] = float("nan")
    rows.loc[small, "local_symbol"] = CHART_MARK
    shown_local = small & (rows["basis"] == "local")
    rows.loc[shown_local, ["value", "numerator"]] = float("nan")
    rows.loc[shown_local, "symbol"] = CHART_MARK
    return rows
