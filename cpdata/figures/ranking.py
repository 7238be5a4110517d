"""Rank and quartile band among all councils, the way DfE's Local Authority Interactive Tool
(LAIT) works them out, on exact decimals.

- Rank: 1 is best by polarity (the highest figure where higher is better, the lowest where lower
  is better); tied councils share the lowest rank (1, 1, 3); councils without a figure (a
  symbol, or nothing held) are left out and not counted; no rank where neither direction is
  better.
- Quartile band: the quartiles of all councils' figures for the year, as R's default
  ``quantile()`` (type 7: linear interpolation between order statistics) gives them, with
  LAIT's inclusive boundaries. From the lowest figures up the bands are [min, q25], (q25, q50],
  (q50, q75], (q75, max]; they are called A, B, C, D where lower is better and D, C, B, A where
  higher is better, so A is always the best quarter. A figure on a boundary goes into the band
  below it (in figures), whichever letter that is.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from cpdata.core.fmt import exact, is_missing

PROBS = (Decimal(0), Decimal("0.25"), Decimal("0.5"), Decimal("0.75"), Decimal(1))
BANDS_UP = {"lower": ("A", "B", "C", "D"), "higher": ("D", "C", "B", "A")}  # from the lowest figures up


def quantiles(values: list[Decimal]) -> tuple[Decimal, ...]:
    """(min, q25, q50, q75, max) by R's type 7, exactly: with the figures sorted x[0..n-1] and
    h = (n - 1) p, the quantile is x[j] + (h - j)(x[j + 1] - x[j]) for j = floor(h)."""
    xs = sorted(values)
    if not xs:
        raise ValueError("no figures to take quartiles of")
    out = []
    for p in PROBS:
        h = (len(xs) - 1) * p
        j = int(h)  # h >= 0, so int() is floor
        g = h - j
        out.append(xs[j] if g == 0 else xs[j] + g * (xs[j + 1] - xs[j]))
    return tuple(out)


def quartile_band(value: object, bounds: tuple[Decimal, ...], polarity: str) -> str | None:
    """The band (A best) of one figure, given the year's ``quantiles``; None where it does not apply."""
    if is_missing(value) or polarity not in BANDS_UP:
        return None
    v = exact(value)
    _, q25, q50, q75, _ = bounds
    position = 0 if v <= q25 else 1 if v <= q50 else 2 if v <= q75 else 3
    return BANDS_UP[polarity][position]


def _exact_values(values: pd.Series) -> pd.Series:
    return pd.Series([None if is_missing(v) else exact(v) for v in values], index=values.index, dtype=object)


def ranks(values: pd.Series, polarity: str) -> pd.Series:
    """Rank of each figure (1 best by polarity, ties share the lowest rank); NA without a figure."""
    exacts = _exact_values(pd.to_numeric(values, errors="coerce"))
    if polarity not in BANDS_UP:
        return pd.Series(pd.NA, index=values.index, dtype="Int64")
    held = sorted((v for v in exacts if v is not None), reverse=polarity == "higher")
    first: dict[Decimal, int] = {}
    for i, v in enumerate(held, start=1):
        first.setdefault(v, i)
    return pd.Series([pd.NA if v is None else first[v] for v in exacts], index=values.index, dtype="Int64")


def ranked(table: pd.DataFrame, polarity: str) -> pd.DataFrame:
    """Every council of a table of one year's figures (columns area_code, value) with its rank,
    the number ranked (``rank_of``: councils with a figure) and its quartile band."""
    out = table[["area_code"]].copy()
    values = pd.to_numeric(table["value"], errors="coerce")
    held = [exact(v) for v in values if not is_missing(v)]
    out["rank"] = ranks(values, polarity)
    out["rank_of"] = len(held)
    bounds = quantiles(held) if held else None
    out["quartile"] = [
        None if bounds is None or pd.isna(r) else quartile_band(v, bounds, polarity)
        for v, r in zip(values, out["rank"], strict=True)
    ]
    return out


def rank_of(council: str, table: pd.DataFrame, polarity: str) -> tuple[int | None, int, str | None]:
    """(rank, number of councils ranked, quartile band) for one council in a table of all
    councils' figures (columns area_code, value). Rank and band are None where they do not apply."""
    r = ranked(table, polarity)
    n = int(r["rank_of"].iloc[0]) if len(r) else 0
    mine = r[r["area_code"] == council]
    if mine.empty or pd.isna(mine["rank"].iloc[0]):
        return None, n, None
    return int(mine["rank"].iloc[0]), n, mine["quartile"].iloc[0]
