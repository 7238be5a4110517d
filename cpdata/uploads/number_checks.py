"""Upload checks on the numbers themselves: percentages on the right scale and in range, counts
never negative, and advisories where a figure disagrees with the neighbours' or moves a long way.

``cpdata.uploads.checks`` runs these with the rest, in its list's order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpdata.uploads.cell_values import parse_cells
from cpdata.uploads.problems import Context, Problem, each_row


def _units(cells: pd.DataFrame, ctx: Context) -> pd.Series:
    return cells["indicator_id"].map({i: ind.unit for i, ind in ctx.catalogue.indicators.items()})


def _numbers(cells: pd.DataFrame, ctx: Context, unit: str) -> pd.DataFrame:
    rows = cells[(_units(cells, ctx) == unit).to_numpy()].copy()
    rows["_v"] = parse_cells(rows["raw_value"])["value"]
    return rows[rows["_v"].notna()]


def percent_scale(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    """0.625 or 62.5? Ask rather than guess when every percentage is 1 or less."""
    if ctx.percent_scale != "auto":
        return []
    pct = _numbers(cells, ctx, "percent")
    if (
        len(pct)
        and pct["_v"].max() <= 1
        and pct["_v"].max() > 0
        and not cells["raw_value"].astype(str).str.contains("%").any()
    ):
        return [
            Problem(
                "ambiguous percentages",
                "fail",
                "Every percentage is between 0 and 1, so they may be proportions (0.625 = 62.5%).",
                "Choose whether the file's percentages are written as 62.5 or as 0.625, then check again.",
                column="value",
            )
        ]
    return []


def percent_in_range(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    pct = _numbers(cells, ctx, "percent")
    scale = 100 if ctx.percent_scale == "proportion" else 1
    bad = pct[(pct["_v"] * scale < 0) | (pct["_v"] * scale > 100)]
    return each_row(
        "percentage out of range",
        "fail",
        bad,
        lambda r: f"{r['raw_value']} is not a percentage between 0 and 100 ({r['indicator_id']}).",
        "Check the figure; percentages are written 62.5 or 62.5%.",
    )


def count_not_negative(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    rows = pd.concat([_numbers(cells, ctx, u) for u in ("count", "rate_per_10k")])
    bad = rows[rows["_v"] < 0]
    return each_row(
        "negative count",
        "fail",
        bad,
        lambda r: f"{r['raw_value']} is negative, but {r['indicator_id']} cannot be.",
        "Correct the figure; a count or rate is never below zero.",
    )


def sn_agrees(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    """A published neighbours' figure far from the mean of the neighbours' own figures held."""
    rows = cells[(cells["figure_type"] == "sn_average") & cells["area_code"].notna() & cells["period"].notna()]
    if rows.empty or ctx.sn_means is None:
        return []
    rows = rows.assign(_v=parse_cells(rows["raw_value"])["value"])
    means = ctx.sn_means(rows[["indicator_id", "area_code", "period"]].drop_duplicates())
    merged = rows.merge(means, on=["indicator_id", "area_code", "period"], how="inner")
    bad = merged[merged["_v"].notna() & merged["sn_mean"].notna() & ((merged["_v"] - merged["sn_mean"]).abs() > 2)]
    return each_row(
        "neighbours' figure disagrees",
        "advisory",
        bad,
        lambda r: (
            f"the file gives {r['_v']:g} for the neighbours, but their own published figures average {r['sn_mean']:g}."
        ),
        "Check which neighbour group and year the figure is for; it will be shown beside the computed one.",
    )


def plausible_move(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    """A figure far from the year before (the file's own, else the one held), same basis."""
    rows = cells[(cells["figure_type"] == "value") & cells["area_code"].notna() & cells["period"].notna()].copy()
    rows["_v"] = parse_cells(rows["raw_value"])["value"]
    key = ["indicator_id", "area_code", "basis", "period"]
    own = rows[key + ["_v"]].rename(columns={"_v": "value"})
    held = ctx.held[ctx.held["figure_type"] == "value"][key + ["value"]] if not ctx.held.empty else own.iloc[0:0]
    prev = pd.concat([own, held]).dropna(subset=["value"]).drop_duplicates(key, keep="first")
    prev = prev.assign(period=prev["period"] + 1).rename(columns={"value": "_prev"})
    merged = rows.merge(prev, on=key)
    units = _units(merged, ctx)
    merged = merged[(merged["_v"].notna() & units.notna()).to_numpy()]  # an unknown indicator fails elsewhere
    if merged.empty:
        return []
    jump = (merged["_v"] - merged["_prev"]).abs().to_numpy()
    prev = merged["_prev"].to_numpy(dtype="float64")
    limit = np.where(units.loc[merged.index].to_numpy() == "percent", 25.0, np.maximum(np.abs(prev) * 0.5, 10.0))
    bad = merged[jump > limit]
    return each_row(
        "implausible change",
        "advisory",
        bad,
        lambda r: f"{r['_v']:g} is a big move from {r['_prev']:g} the year before ({r['indicator_id']}).",
        "Check the figure; if it is right, carry on.",
    )
