"""The numbers behind an indicator's trend chart: the long form the chart draws, and the table
of every year held that sits under it (and goes into exports).

Missing and suppressed years stay gaps, never 0; each series says where its figures came from.
"""

from __future__ import annotations

import pandas as pd

from cpdata.catalogue.catalogue import Indicator
from cpdata.core import fmt, periods, symbols
from cpdata.figures import comparators

SERIES_NAMES = {
    "council": "Council",
    "local": "Council, local figure",
    "sn": "Statistical neighbours (mean)",
    "region": "Region",
    "england": "England",
}
# Which columns of a series row feed each chart series: (value, symbol).
SERIES_COLUMNS = {
    "council": ("pub_value", "pub_symbol"),
    "local": ("local_value", "local_symbol"),
    "sn": ("sn", None),
    "region": ("region", "region_symbol"),
    "england": ("england", None),
}


def history_table(ind: Indicator, rows: pd.DataFrame) -> pd.DataFrame:
    """Every year held, one row each: the numbers behind the chart, with symbols spelled out."""
    out = pd.DataFrame({"Year": rows["period"].map(periods.label)})
    out["Council"] = [
        fmt.figure_with_meaning(v, s, ind.unit, ind.decimals)
        for v, s in zip(rows["value"], rows["symbol"], strict=True)
    ]
    out["Council basis"] = rows["basis"].fillna("-").to_numpy()
    out["Local figure"] = [
        fmt.figure(v, s, ind.unit, ind.decimals) if pd.notna(v) or s else ""
        for v, s in zip(rows["local_value"], rows["local_symbol"], strict=True)
    ]
    out["Statistical neighbours"] = [
        fmt.figure(v, None, ind.unit, 1 if b == "computed" else ind.decimals)
        for v, b in zip(rows["sn"], rows["sn_basis"], strict=True)
    ]
    out["Neighbours with a figure"] = (
        rows["sn_n"].fillna(0).astype(int).astype(str) + " of " + rows["sn_size"].fillna(0).astype(int).astype(str)
    )
    out["Neighbours' model"] = [_model(r) for r in rows.itertuples(index=False)]
    out["Region"] = [
        fmt.figure(v, s, ind.unit, ind.decimals) for v, s in zip(rows["region"], rows["region_symbol"], strict=True)
    ]
    out["England"] = [fmt.figure(v, None, ind.unit, ind.decimals) for v in rows["england"]]
    out["Target"] = [fmt.figure(v, None, ind.unit, ind.decimals) if pd.notna(v) else "" for v in rows["target"]]
    out["Source"] = rows["source"].fillna("").to_numpy()
    out["Extract"] = rows["extract"].fillna("").to_numpy()
    return out.reset_index(drop=True)


def _model(r) -> str:
    """The neighbour model of a year's mean, and why where it is not the one in force."""
    if getattr(r, "sn_basis", None) != "computed" or not isinstance(r.sn_model, str):
        return ""
    if bool(getattr(r, "sn_fallback", False)):
        return f"{r.sn_model} (the council is not in the {r.sn_in_force} model in force)"
    return r.sn_model


def chart_data(rows: pd.DataFrame) -> pd.DataFrame:
    """Long form for the trend chart. Missing and suppressed years stay as gaps (no value), never 0."""
    frames = []
    for key, label in SERIES_NAMES.items():
        value_col, symbol_col = SERIES_COLUMNS[key]
        part = pd.DataFrame(
            {
                "period": rows["period"].astype(int).to_numpy(),
                "year": rows["period"].map(periods.label).to_numpy(),
                "series": label,
                "value": rows[value_col].to_numpy(dtype="float64"),
                "symbol": (rows[symbol_col] if symbol_col else pd.Series(None, index=rows.index)).to_numpy(),
                "source": _series_source(key, rows),
                "sn_min": rows["sn_min"].to_numpy(dtype="float64") if key == "sn" else None,
                "sn_max": rows["sn_max"].to_numpy(dtype="float64") if key == "sn" else None,
                "group_change": _group_changes(rows) if key == "sn" else None,
            }
        )
        frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    syms = [s if isinstance(s, str) and s else None for s in out["symbol"]]
    out["symbol"] = syms
    out["meaning"] = [symbols.meaning(s) if s else "" for s in syms]
    return out


def _group_changes(rows: pd.DataFrame) -> list[str | None]:
    """On the first year of a new neighbour group, what changed (the chart marks it)."""
    changes = {
        p: f"the neighbours change from DfE's {a} model to its {b} model" for p, a, b in comparators.model_changes(rows)
    }
    return [changes.get(int(p)) for p in rows["period"]]


def _series_source(key: str, rows: pd.DataFrame) -> list[str]:
    if key in ("council", "local"):
        return [s if isinstance(s, str) else "" for s in rows[f"{'pub' if key == 'council' else 'local'}_source"]]
    if key == "sn":
        return [
            f"Mean of {int(n)} of {int(size)} neighbours' published figures ({m} model)"
            if b == "computed"
            else (src or "")
            for n, size, m, b, src in zip(
                rows["sn_n"].fillna(0),
                rows["sn_size"].fillna(0),
                rows["sn_model"],
                rows["sn_basis"],
                rows["sn_published_source"],
                strict=True,
            )
        ]
    if key == "england":
        return [
            s if s else (p or "") for s, p in zip(rows["england_source"], rows["england_published_source"], strict=True)
        ]
    return ["DfE published figure"] * len(rows)


# A count's England and region figures are totals of many councils' children (81,770 beside a council's 366):
# on the same axis they flatten the council and its neighbours onto zero, so a count's chart draws the council
# and its neighbours only, and the caption gives England's and the region's counts in words.
TOTALS = (SERIES_NAMES["region"], SERIES_NAMES["england"])


def on_the_axis(unit: str, data: pd.DataFrame) -> pd.DataFrame:
    """The series a chart draws: all of them, except England's and the region's totals for a count."""
    if unit != "count":
        return data
    return data[~data["series"].isin(TOTALS)]


def totals_note(unit: str, decimals: int, data: pd.DataFrame) -> str:
    """``England's count (81,770 in 2024/25) and the region's (9,080) are not drawn: ...`` for a count's chart."""
    if unit != "count":
        return ""
    latest = {}
    for name in TOTALS:
        part = data[(data["series"] == name) & data["value"].notna()]
        if not part.empty:
            row = part.sort_values("period").iloc[-1]
            latest[name] = (fmt.number(row["value"], unit, decimals), row["year"])
    if not latest:
        return ""
    said = []
    if SERIES_NAMES["england"] in latest:
        number, year = latest[SERIES_NAMES["england"]]
        said.append(f"England's count ({number} in {year})")
    if SERIES_NAMES["region"] in latest:
        number, year = latest[SERIES_NAMES["region"]]
        said.append(f"the region's ({number})" if said else f"The region's count ({number} in {year})")
    what = "are not drawn (totals" if len(said) == 2 else "is not drawn (a total"
    return f"{' and '.join(said)} {what} of many councils' children, on another scale)."


def council_years(data: pd.DataFrame) -> list[str]:
    """The years the council has a figure to draw (published or local): one alone makes no trend."""
    own = data[data["series"].isin([SERIES_NAMES["council"], SERIES_NAMES["local"]]) & data["value"].notna()]
    return sorted(set(own["year"]))


def one_year_note(data: pd.DataFrame) -> str:
    """Said instead of a chart of one lone point beside other series' lines: ``One year held (2022/23): no trend
    to draw yet.``, or, when the other years hold symbols, which (``2021/22: c (suppressed)``)."""
    years = council_years(data)
    if len(years) != 1:
        return ""
    own = data[data["series"].isin([SERIES_NAMES["council"], SERIES_NAMES["local"]])]
    marked = own[own["value"].isna() & own["symbol"].notna() & (own["year"] != years[0])].sort_values("period")
    if marked.empty:
        return f"One year held ({years[0]}): no trend to draw yet."
    kinds = " or ".join(dict.fromkeys(symbols.short(s) for s in marked["symbol"]))
    other = "the other year is" if len(marked) == 1 else "the other years are"
    return f"Only {years[0]} has a figure to draw ({other} {kinds}): no trend to draw."
