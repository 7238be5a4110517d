"""Plain-English sentences generated from the figures, fit to read aloud to councillors."""

from __future__ import annotations

from cpdata.catalogue.catalogue import Indicator
from cpdata.core import fmt, periods, symbols
from cpdata.core.schema import SN_DECIMALS
from cpdata.figures import compare


def _value(ind: Indicator, value: float, decimals: int | None = None) -> str:
    return fmt.number(value, ind.unit, ind.decimals if decimals is None else decimals)


def lead(ind: Indicator, council_name: str, period: int, value: float) -> str:
    when = periods.label(period)
    shown = _value(ind, value)
    if ind.unit == "percent" and ind.sentence:
        return f"{shown} of {council_name}'s {ind.sentence} in {when}"
    if ind.unit == "count" and ind.sentence:
        return f"In {when}, {shown} {ind.sentence} in {council_name}"
    return f"{ind.title} in {council_name} was {shown} in {when}"


def comparison(ind: Indicator, value: float, sn: object, england: object) -> str:
    """``better than its statistical neighbours (58.2%) and England (54%)``, and the mixed cases."""
    parts = []
    for name, other, decimals in (
        ("its statistical neighbours", sn, SN_DECIMALS),
        ("England", None if ind.unit == "count" else england, ind.decimals),  # counts are not comparable
    ):
        verdict = compare.versus(value, other, ind.polarity, ind.decimals, decimals)
        if verdict is not None:
            shown = _value(ind, float(other), decimals)  # type: ignore[arg-type]
            word = "in line with" if verdict == "in line" else f"{verdict} than"
            parts.append((word, f"{name} ({shown})"))
    if not parts:
        return ""
    if len(parts) == 2 and parts[0][0] == parts[1][0]:
        return f"{parts[0][0]} {parts[0][1]} and {parts[1][1]}"
    joiner = " but " if len(parts) == 2 and _contrast(parts[0][0], parts[1][0]) else " and "
    return joiner.join(f"{w} {what}" for w, what in parts)


def _contrast(a: str, b: str) -> bool:
    return {a, b} == {"better than", "worse than"}


def trend(ind: Indicator, value: float, previous: object) -> str:
    c = compare.change(value, previous, ind.polarity, ind.decimals)
    if c is None:
        return ""
    if c["direction"] == "same":
        return "the same as the year before"
    amount = fmt.difference(c["diff"], ind.unit, ind.decimals)
    word = "higher" if c["direction"] == "up" else "lower"
    return f"{amount} {word} than the year before"


def headline(
    ind: Indicator,
    council_name: str,
    period: int,
    value: object,
    symbol: str | None,
    sn: object = None,
    england: object = None,
    previous: object = None,
) -> str:
    """One sentence for one indicator and year; says plainly when the figure is suppressed or missing."""
    when = periods.label(period)
    if fmt.is_missing(value):
        reason = symbols.meaning(symbol) if symbol else "not held"
        tail = f"; England: {_value(ind, float(england))}" if not fmt.is_missing(england) else ""
        code = f" ({symbol})" if symbol else ""
        return f"{council_name}'s figure for {when} ({ind.short_title}) is {reason}{code}{tail}."
    v = float(value)  # type: ignore[arg-type]
    text = lead(ind, council_name, period, v)
    cmp = comparison(ind, v, sn, england)
    move = trend(ind, v, previous)
    tail = ", and ".join(p for p in (cmp, move) if p)
    return f"{text}: {tail}." if tail else f"{text}."
