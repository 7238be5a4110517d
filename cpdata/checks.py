"""Upload checks: a list of small functions, each returning problems of one shape.

Like DfE's data screener: every problem is reported at once, naming the row, the column,
what is wrong and how to fix it. ``fail`` blocks the upload; ``advisory`` warns.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cpdata import periods, symbols
from cpdata.catalogue import Catalogue


@dataclass(frozen=True)
class Problem:
    check: str
    severity: str  # "fail" | "advisory"
    message: str
    fix: str
    row: int | None = None  # row number in the file as the analyst sees it (header is row 1)
    column: str | None = None

    def text(self) -> str:
        where = ", ".join(
            x for x in (f"row {self.row}" if self.row else "", f"column '{self.column}'" if self.column else "") if x
        )
        return f"{where + ': ' if where else ''}{self.message} Fix: {self.fix}"


@dataclass
class Context:
    """What the checks may consult: the catalogue, known areas and the figures already held."""

    catalogue: Catalogue
    areas: pd.DataFrame  # area_code, old_code, name
    held: pd.DataFrame = field(default_factory=pd.DataFrame)  # current figures for these indicators
    sn_means: Callable[[pd.DataFrame], pd.DataFrame] | None = None
    percent_scale: str = "auto"  # auto | percent | proportion


Check = Callable[[pd.DataFrame, Context], list[Problem]]
_MAX_REPORTED = 50  # per check, so a wholly wrong file still gives a readable list


def each_distinct(values: pd.Series, fn: Callable[[object], object]) -> list:
    """``[fn(v) for v in values]``, calling ``fn`` once per distinct text (a column repeats few values).

    Only for text columns: there equal values are the same input. Anything else, and missing
    cells (None and NaN differ to some ``fn``), gets ``fn`` cell by cell as before.
    """
    if not pd.api.types.is_string_dtype(values) or len(values) < 64:
        return [fn(v) for v in values]
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    results = [fn(u) for u in uniques]
    missing = np.flatnonzero(codes < 0)
    out = [results[c] for c in codes]
    for i in missing:
        out[i] = fn(values.iloc[i])
    return out


def _parsed(raw: object) -> tuple[float | None, str | None, bool]:
    try:
        value, symbol = symbols.parse_cell(raw)
    except ValueError:
        return None, None, False
    return value, symbol, True


def parse_cells(raw: pd.Series) -> pd.DataFrame:
    """``symbols.parse_cell`` for a column: value (NaN when none), symbol (None when none) and ``ok``
    (False where the cell is neither a number nor a symbol), indexed like ``raw``. Never zero for a symbol.
    """
    parsed = each_distinct(raw, _parsed)
    return pd.DataFrame(
        {
            "value": pd.Series([p[0] for p in parsed], index=raw.index, dtype="float64"),
            "symbol": pd.Series([p[1] for p in parsed], index=raw.index, dtype=object),
            "ok": pd.Series([p[2] for p in parsed], index=raw.index, dtype=bool),
        },
        index=raw.index,
    )


def _units(cells: pd.DataFrame, ctx: Context) -> pd.Series:
    return cells["indicator_id"].map({i: ind.unit for i, ind in ctx.catalogue.indicators.items()})


def _each(
    name: str,
    severity: str,
    rows: pd.DataFrame,
    message: Callable[[pd.Series], str],
    fix: str,
    column: Callable[[pd.Series], str] | None = None,
) -> list[Problem]:
    out = []
    for _, r in rows.head(_MAX_REPORTED).iterrows():
        out.append(Problem(name, severity, message(r), fix, int(r["_row"]), column(r) if column else r["_column"]))
    if len(rows) > _MAX_REPORTED:
        out.append(Problem(name, severity, f"... and {len(rows) - _MAX_REPORTED} more rows like these.", fix))
    return out


def not_empty(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    if cells.empty:
        return [Problem("empty", "fail", "The file has a header but no figures.", "Add at least one row of figures.")]
    return []


def indicator_known(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    bad = cells[~cells["indicator_id"].isin(ctx.catalogue.indicators)]
    known = list(ctx.catalogue.indicators)

    def msg(r: pd.Series) -> str:
        close = difflib.get_close_matches(str(r["indicator_id"]), known, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        return f"'{r['indicator_id']}' is not an indicator in the catalogue.{hint}"

    return _each(
        "unknown indicator",
        "fail",
        bad.drop_duplicates("indicator_id"),
        msg,
        "Use an indicator id from the catalogue (download the template for the list).",
        column=lambda r: r.get("_indicator_column") or "indicator_id",
    )


def area_known(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    bad = cells[cells["area_code"].isna()]
    return _each(
        "unknown area",
        "fail",
        bad.drop_duplicates("area_given"),
        lambda r: f"'{r['area_given']}' is not a council, region or England code we know.",
        "Use the council's new code (e.g. E09000003), old code (302) or exact name.",
        column=lambda r: "area_code",
    )


def area_name_matches(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    if "area_name_given" not in cells or cells["area_name_given"].isna().all():
        return []
    names = dict(zip(ctx.areas["area_code"], ctx.areas["name"], strict=True))
    given = cells[cells["area_name_given"].notna() & cells["area_code"].notna()]
    pairs = given[["area_name_given", "area_code"]].drop_duplicates()
    wrong = {
        (n, c)
        for n, c in zip(pairs["area_name_given"], pairs["area_code"], strict=True)
        if str(n).strip().lower() != str(names.get(c, "")).lower()
    }
    bad = given[[(n, c) in wrong for n, c in zip(given["area_name_given"], given["area_code"], strict=True)]]
    return _each(
        "code and name disagree",
        "fail",
        bad.drop_duplicates(["area_code", "area_name_given"]),
        lambda r: f"code {r['area_given']} is {names.get(r['area_code'])}, but the row names '{r['area_name_given']}'.",
        "Correct the code or the name so they agree.",
        column=lambda r: "area_name",
    )


def period_valid(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    bad = cells[cells["period"].isna()]
    problems = _each(
        "bad period",
        "fail",
        bad,
        lambda r: f"'{r['period_given']}' is not a year.",
        "Write the year as 2020/21 (or 2021 for the year ending March 2021).",
        column=lambda r: r.get("_period_column") or "period",
    )
    styles = {_style(str(p)) for p in cells["period_given"].dropna().unique()}
    if len(styles) > 1:
        problems.append(
            Problem(
                "mixed periods",
                "fail",
                f"Years are written in more than one way ({', '.join(sorted(styles))}).",
                "Write every year the same way, e.g. 2020/21.",
                column="period",
            )
        )
    return problems


def _style(text: str) -> str:
    t = text.strip()
    if "/" in t or "-" in t:
        return "2020/21"
    return {4: "2021", 6: "202021"}.get(len(t), t)


def value_parses(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    problems = []
    for part in ("value", "numerator", "denominator"):
        raw = cells.get(f"raw_{part}")
        if raw is None:
            continue
        bad = cells[~parse_cells(raw)["ok"].to_numpy()]
        problems += _each(
            "not a number",
            "fail",
            bad,
            lambda r, p=part: f"'{r[f'raw_{p}']}' is neither a number nor a known symbol (c, x, z, k, low, u, N/A).",
            "Enter a number, or the symbol for a withheld figure; leave blank if nothing is published.",
            column=lambda r, p=part: r["_column"] if p == "value" else p,
        )
    return problems


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
    return _each(
        "percentage out of range",
        "fail",
        bad,
        lambda r: f"{r['raw_value']} is not a percentage between 0 and 100 ({r['indicator_id']}).",
        "Check the figure; percentages are written 62.5 or 62.5%.",
    )


def count_not_negative(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    rows = pd.concat([_numbers(cells, ctx, u) for u in ("count", "rate_per_10k")])
    bad = rows[rows["_v"] < 0]
    return _each(
        "negative count",
        "fail",
        bad,
        lambda r: f"{r['raw_value']} is negative, but {r['indicator_id']} cannot be.",
        "Correct the figure; a count or rate is never below zero.",
    )


def no_duplicates(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    key = ["indicator_id", "area_code", "period", "figure_type", "basis"]
    dup = cells[cells.duplicated(key, keep="first") & cells["area_code"].notna() & cells["period"].notna()]
    return _each(
        "duplicate rows",
        "fail",
        dup,
        lambda r: f"a second figure for {r['indicator_id']}, {r['area_given']}, {periods.label(r['period'])}.",
        "Keep one row for each indicator, area and year (delete or correct the repeat).",
        column=lambda r: "(whole row)",
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
    return _each(
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
    return _each(
        "implausible change",
        "advisory",
        bad,
        lambda r: f"{r['_v']:g} is a big move from {r['_prev']:g} the year before ({r['indicator_id']}).",
        "Check the figure; if it is right, carry on.",
    )


CHECKS: list[Check] = [
    not_empty,
    indicator_known,
    area_known,
    area_name_matches,
    period_valid,
    value_parses,
    percent_scale,
    percent_in_range,
    count_not_negative,
    no_duplicates,
    sn_agrees,
    plausible_move,
]


def run(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    problems: list[Problem] = []
    for check in CHECKS:
        problems += check(cells, ctx)
    return problems
