"""The mapping guard: before a DfE file is mapped to an indicator (in the page or with ``cpdata map``), show
what the indicator means beside what was chosen, and refuse the contradictions that can be seen.

Mapping a file of school moves onto "attended a good or outstanding school" once made the page call a rise
in moves an improvement, and nothing warned. So the guard sets the indicator's definition, unit and
polarity beside the chosen filters and columns, and refuses: a column or filter value the file does not
have; filters that leave more than one row for an area and year (a filter is missing); values over 100
(or below 0) into a percentage; a count column into a percentage (or a percentage column into a count);
and it asks the analyst to confirm the polarity, which no file can tell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from cpdata.catalogue.catalogue import Indicator
from cpdata.core import fmt
from cpdata.uploads.cell_values import parse_cells

POLARITY_WORDS = {
    "higher": "a higher figure is better",
    "lower": "a lower figure is better",
    "neither": "neither a higher nor a lower figure is better in itself",
}
COUNT_WORDS = {"count", "counts", "number", "num", "headcount", "total", "t", "n"}
PERCENT_WORDS = {"percent", "percentage", "pct", "pt", "rate", "proportion", "prop"}


@dataclass
class Guard:
    """What the analyst is shown beside the mapping, what is refused, and whether polarity is confirmed."""

    lines: list[tuple[str, str]] = field(default_factory=list)  # (label, plain text) pairs to show
    refusals: list[str] = field(default_factory=list)
    polarity_question: str = ""
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.refusals


def column_kind(name: str) -> str | None:
    """``count`` or ``percent`` when a column's name says so (``children_count``, ``pt_overall``), else None."""
    words = set(re.split(r"[^a-z0-9]+", str(name).lower()))
    if words & PERCENT_WORDS:
        return "percent"
    if words & COUNT_WORDS:
        return "count"
    return None


def polarity_question(ind: Indicator) -> str:
    return f"For {ind.short_title}, {POLARITY_WORDS[ind.polarity]}. Is that right for this file's figures?"


def check(
    df: pd.DataFrame,
    ind: Indicator,
    filters: dict[str, str],
    value: str,
    numerator: str | None = None,
    denominator: str | None = None,
    polarity_confirmed: bool = False,
) -> Guard:
    """The guard for mapping ``value`` (with these filters) in ``df`` to ``ind``. Reads only, changes nothing."""
    g = Guard(polarity_question=polarity_question(ind))
    g.lines = [
        ("Indicator", f"{ind.title} ({ind.id})"),
        ("Definition", ind.definition),
        (
            "Unit",
            fmt.unit_label(ind.unit) + (f", {ind.decimals} decimal places" if ind.decimals else ", whole numbers"),
        ),
        ("Which way is better", POLARITY_WORDS[ind.polarity]),
        ("Filters chosen", "; ".join(f"{c} = {v}" for c, v in filters.items()) or "none"),
        ("Figure from column", value),
    ]
    if numerator:
        g.lines.append(("Count from column", numerator))
    if denominator:
        g.lines.append(("Denominator from column", denominator))
    columns = [value, *(c for c in (numerator, denominator) if c), *filters]
    if missing := [c for c in columns if c not in df.columns]:
        g.refusals.append(f"The file has no column {missing[0]!r}; pick one of its columns.")
        return g
    mask = pd.Series(True, index=df.index)
    for col, wanted in filters.items():
        here = df[col].astype(str) == wanted
        if not here.any():
            g.refusals.append(f"No row of the file has {col!r} = {wanted!r}; pick one of the values it holds.")
        mask &= here
    rows = df[mask]
    g.rows = len(rows)
    if g.refusals:
        return g
    if rows.empty:
        g.refusals.append("No row of the file has all the filter values chosen together; check the filters.")
        return g
    g.refusals += _duplicates(rows, filters)
    g.refusals += _kind(rows, ind, value, numerator, denominator)
    g.lines.append(("Rows matched", f"{len(rows)}"))
    if not polarity_confirmed:
        g.refusals.append(f"Confirm the polarity: {g.polarity_question}")
    return g


def _duplicates(rows: pd.DataFrame, filters: dict[str, str]) -> list[str]:
    """More than one row per area and year means a filter column was left out."""
    keys = [c for c in ("time_period", "geographic_level", "region_code", "new_la_code") if c in rows.columns]
    if not keys or not rows.duplicated(keys).any():
        return []
    varying = [
        c
        for c in rows.columns
        if c not in keys
        and c not in filters
        and rows[c].dtype == object
        and 1 < rows[c].nunique() <= 50
        and not parse_cells(rows[c].astype(str).head(200))["value"].notna().all()
    ]
    hint = f" Add a filter on {', '.join(map(repr, varying[:3]))}." if varying else ""
    return [f"The filters chosen leave more than one row for the same area and year.{hint}"]


def _kind(rows: pd.DataFrame, ind: Indicator, value: str, numerator: str | None, denominator: str | None) -> list[str]:
    out = []
    kind = column_kind(value)
    if ind.unit == "percent":
        if kind == "count" or value in (numerator, denominator):
            out.append(
                f"{value!r} looks like a count, and {ind.id} is a percentage; pick the column of percentages "
                "(and the count as the count column)."
            )
        numbers = parse_cells(rows[value].astype(str))["value"].dropna()
        if len(numbers) and (numbers.max() > 100 or numbers.min() < 0):
            worst = numbers.max() if numbers.max() > 100 else numbers.min()
            out.append(
                f"{value!r} holds {worst:g}, which cannot be a percentage (0 to 100); {ind.id} is a percentage. "
                "Pick the percentage column, or an indicator whose unit fits."
            )
    elif ind.unit == "count" and kind == "percent":
        out.append(f"{value!r} looks like a percentage or rate, and {ind.id} is a count; pick the count column.")
    if numerator and column_kind(numerator) == "percent":
        out.append(f"The count column {numerator!r} looks like a percentage; pick the column of counts.")
    return out
