"""The fair peer: Barnet's "dreams" pledge page written the way a team would write it first.

pandas reads each published-style CSV once (``st.cache_data``, so every rerun gets its own copy, as the
idiom is); on every rerun, for each indicator of the pledge, it filters in Python to the council, its
statistical neighbours (read from the neighbour-model CSVs) and England, computes the neighbours' mean
(LAIT's rule: simple mean of the neighbours with a figure, one decimal place; the April 2021 model up to
2023/24, the May 2025 model from 2024/25) and draws the same chart as the dashboard
(``cpdata.figures.charts.trend``, with ``st.vega_lite_chart``). No other caching, no database.

The chart was an Altair chart until the dashboard's charts became the Vega-Lite dicts Altair wrote (the
same specs, without building Altair's objects): the peer draws that dict too, so it gained the same saving
and the ratio of the two is, if anything, less in the dashboard's favour than before.

Run it as a server (the benchmark does, and times it over the websocket like the dashboard) or as a page
script under ``streamlit.testing.v1.AppTest``::

    BENCH_PEER_DIR=/path/to/csvs streamlit run bench/naive_peer.py

``BENCH_PEER_DIR`` is a folder written by ``bench.peer_data.write_published_csvs`` (from the
committed sample data). The page body runs only as a script; the functions can be imported.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd
import streamlit as st

from cpdata.catalogue.catalogue import load_catalogue, load_frameworks
from cpdata.core import periods
from cpdata.core.datafolder import DataFolder
from cpdata.figures import charts
from cpdata.uploads import ees

ENGLAND = "E92000001"
MODEL_2025_FROM = 2025
SERIES = {
    "council": "Council",
    "local": "Council, local figure",
    "sn": "Statistical neighbours (mean)",
    "region": "Region",
    "england": "England",
}


@st.cache_data(show_spinner=False)
def read_csv(folder: Path, name: str) -> pd.DataFrame:
    """Read once per file; ``st.cache_data`` hands each caller a copy (outside Streamlit it just reads)."""
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def to_number(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def round_1dp(x: float) -> float:
    """Half away from zero, as DuckDB's round() and DfE's LAIT."""
    return math.copysign(math.floor(abs(x) * 10 + 0.5), x) / 10


def _period(text: str) -> int:
    return periods.parse(text)


def recipe_for(indicator_id: str):
    for recipe in ees.load_recipes(DataFolder.of()):
        for ind in recipe.indicators:
            if ind.id == indicator_id:
                return recipe, ind
    return None, None


def indicator_table(folder: Path, indicator_id: str, council: str) -> pd.DataFrame:
    """Every year held: council (value, symbol), neighbours (mean, n, min, max, model), region, England."""
    recipe, ind = recipe_for(indicator_id)
    if recipe is None or not (folder / recipe.file).exists():
        return pd.DataFrame()
    df = read_csv(folder, recipe.file)
    for col, wanted in ind.filters.items():
        df = df[df[col] == wanted]
    if recipe.version_column and recipe.version_column in df:
        rank = {v: i for i, v in enumerate(recipe.version_preference)}
        df = df.assign(_v=df[recipe.version_column].map(rank).fillna(len(rank)))
        df = df.sort_values("_v").drop_duplicates(["time_period", "geographic_level", "region_code", "new_la_code"])
    df = df[df[ind.value] != ""].copy()
    df["period"] = [_period(t) for t in df["time_period"]]
    df["value"] = [to_number(t) for t in df[ind.value]]
    df["symbol"] = [None if to_number(t) is not None else t for t in df[ind.value]]
    las = df[df["geographic_level"] == "Local authority"]
    mine = las[las["new_la_code"] == council]
    if mine.empty:
        return pd.DataFrame()
    old_code, region_code = mine["old_la_code"].iloc[0], mine["region_code"].iloc[0]
    region = df[(df["geographic_level"] == "Regional") & (df["region_code"] == region_code)]
    england = df[df["geographic_level"] == "National"]
    neighbours = {}
    for model in ("2021", "2025"):
        sn = read_csv(folder, f"sn_model_{model}.csv")
        row = sn[sn["old_la_code"] == old_code]
        if not row.empty:
            neighbours[model] = [row[f"SN_{r}"].iloc[0] for r in range(1, 11)]
    held = sorted(set(mine["period"]) | set(region["period"]) | set(england["period"]))
    rows = []
    for p in held:
        if p >= MODEL_2025_FROM and "2025" in neighbours:
            model = "2025"
        elif p < MODEL_2025_FROM and "2021" in neighbours:
            model = "2021"
        else:
            model = "2021" if "2021" in neighbours else "2025"
        nb = las[(las["period"] == p) & las["old_la_code"].isin(neighbours.get(model, []))]
        vals = [v for v in nb["value"] if v is not None and not pd.isna(v)]
        own = mine[mine["period"] == p]
        reg = region[region["period"] == p]
        eng = england[england["period"] == p]
        rows.append(
            {
                "period": p,
                "value": own["value"].iloc[0] if not own.empty else None,
                "symbol": own["symbol"].iloc[0] if not own.empty else None,
                "sn": round_1dp(sum(vals) / len(vals)) if vals else None,
                "sn_n": len(vals),
                "sn_min": min(vals) if vals else None,
                "sn_max": max(vals) if vals else None,
                "sn_model": model,
                "region": reg["value"].iloc[0] if not reg.empty else None,
                "region_symbol": reg["symbol"].iloc[0] if not reg.empty else None,
                "england": eng["value"].iloc[0] if not eng.empty else None,
            }
        )
    return pd.DataFrame(rows)


def chart_data(t: pd.DataFrame) -> pd.DataFrame:
    """The chart's long form, as the dashboard draws it (gaps stay gaps)."""
    frames = []
    cols = {"council": ("value", "symbol"), "local": (None, None), "sn": ("sn", None)}
    cols |= {"region": ("region", "region_symbol"), "england": ("england", None)}
    for key, label in SERIES.items():
        vcol, scol = cols[key]
        frames.append(
            pd.DataFrame(
                {
                    "period": t["period"].astype(int).to_numpy(),
                    "year": [periods.label(p) for p in t["period"]],
                    "series": label,
                    "value": pd.to_numeric(t[vcol], errors="coerce").to_numpy() if vcol else float("nan"),
                    "symbol": t[scol].to_numpy() if scol else None,
                    "source": "DfE published figure"
                    if key != "sn"
                    else [
                        f"Mean of {n} neighbours' published figures ({m} model)"
                        for n, m in zip(t["sn_n"], t["sn_model"], strict=True)
                    ],
                    "sn_min": pd.to_numeric(t["sn_min"], errors="coerce").to_numpy() if key == "sn" else None,
                    "sn_max": pd.to_numeric(t["sn_max"], errors="coerce").to_numpy() if key == "sn" else None,
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out["symbol"] = [s if isinstance(s, str) and s else None for s in out["symbol"]]
    out["meaning"] = ["" if s is None else s for s in out["symbol"]]
    return out


def fmt(v: float | None, unit: str, decimals: int) -> str:
    if v is None or pd.isna(v):
        return "-"
    return f"{v:,.{decimals}f}" + ("%" if unit == "percent" else "")


def page() -> None:
    folder = Path(os.environ["BENCH_PEER_DIR"])
    catalogue = load_catalogue(DataFolder.of())
    pledge = load_frameworks(DataFolder.of())["barnet"].pledge("dreams")
    areas = read_csv(folder, "areas.csv")
    councils = areas[areas["level"] == "local_authority"].sort_values("name")
    names = dict(zip(councils["area_code"], councils["name"], strict=True))
    with st.sidebar:
        council = st.selectbox("Council", list(names), index=list(names).index("E09000003"), format_func=names.get)
    st.title(f"Pledge {pledge.order}: {pledge.title} (naive peer)")
    st.markdown(pledge.summary)
    st.header("How we are doing")
    not_held = []
    for ind_id in pledge.indicators:
        ind = catalogue.indicator(ind_id)
        t = indicator_table(folder, ind_id, council)
        if t.empty:
            not_held.append(ind)
            continue
        own = t[t["value"].notna() | t["symbol"].notna()]
        latest = own.iloc[-1] if not own.empty else t.iloc[-1]
        with st.container(border=True):
            st.subheader(ind.short_title, anchor=ind.id)
            left, right = st.columns([2, 3])
            with left:
                has_value = pd.notna(latest["value"])
                shown = fmt(latest["value"], ind.unit, ind.decimals) if has_value else str(latest["symbol"])
                st.metric(f"{names[council]}, {periods.label(int(latest['period']))}", shown)
                st.markdown(
                    f"- Statistical neighbours' mean: {fmt(latest['sn'], ind.unit, 1)}\n"
                    f"- England: {fmt(latest['england'], ind.unit, ind.decimals)}"
                )
            with right:
                data = chart_data(t)
                st.vega_lite_chart(charts.trend(ind, data, None, band=True), width="stretch", height=340)
                st.caption(charts.caption(ind, data, band=True))
            with st.expander("Numbers behind the chart"):
                table = t[["period", "value", "sn", "region", "england"]].assign(
                    period=[periods.label(int(p)) for p in t["period"]]
                )
                st.dataframe(table, hide_index=True)
                st.download_button("Download (CSV)", table.to_csv(index=False), f"{ind.id}.csv", key=f"csv_{ind.id}")
    bs = read_csv(folder, "bright_spots.csv")
    if not bs.empty:
        bs = bs[(bs["area_code"] == council) & bs["measure_id"].isin(pledge.bright_spots)]
        st.header("Bright Spots: what children and young people told us")
        st.dataframe(
            bs[["survey", "wave", "age_band", "measure_text", "percent", "comparator_percent"]], hide_index=True
        )
    if not_held:
        st.header("Measures with no figures held yet")
        st.markdown("\n".join(f"- **{i.short_title}**" for i in not_held))


if __name__ == "__main__":
    page()
