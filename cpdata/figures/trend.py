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
