"""What a pledge page shows for each indicator, assembled from one query per page.

Pure pandas, so the pages stay thin and every figure is testable without Streamlit.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cpdata import compare, fmt, periods, queries, sentences, symbols
from cpdata.catalogue import Catalogue, Indicator, load_catalogue

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


@dataclass
class IndicatorView:
    indicator: Indicator
    has_data: bool
    period: int | None = None
    value: float | None = None
    symbol: str | None = None
    basis: str | None = None
    source: str | None = None
    extract: str | None = None
    local_value: float | None = None
    local_source: str | None = None
    sn: float | None = None
    sn_basis: str | None = None
    sn_n: int | None = None
    sn_model: str | None = None
    sn_published: float | None = None
    sn_published_source: str | None = None
    region: float | None = None
    england: float | None = None
    england_basis: str | None = None
    previous: float | None = None
    change: dict | None = None
    vs_sn: str | None = None
    vs_england: str | None = None
    target: float | None = None
    target_status: str | None = None
    rank: int | None = None
    ranked: int = 0
    quartile: str | None = None
    sentence: str = ""
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)

    @functools.cached_property
    def history(self) -> pd.DataFrame:
        """The numbers behind the chart; made when first shown (the overview shows none of them)."""
        return history_table(self.indicator, self.rows) if not self.rows.empty else pd.DataFrame()

    def shown(self, col: str = "value") -> str:
        """A figure as text in the indicator's unit (``-`` when none)."""
        ind = self.indicator
        decimals = sentences.SN_DECIMALS if col == "sn" and self.sn_basis == "computed" else ind.decimals
        return fmt.figure(getattr(self, col), self.symbol if col == "value" else None, ind.unit, decimals)


def _clean(v: object) -> object:
    return None if fmt.is_missing(v) else v


def _pick_row(rows: pd.DataFrame, year: int | None) -> pd.Series | None:
    """The chosen year's row if the council has a figure (or symbol) then, else its latest before it."""
    own = rows[rows["value"].notna() | rows["symbol"].notna()]
    if year is not None:
        own = own[own["period"] <= year]
    return None if own.empty else own.iloc[-1]


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
    out["Region"] = [
        fmt.figure(v, s, ind.unit, ind.decimals) for v, s in zip(rows["region"], rows["region_symbol"], strict=True)
    ]
    out["England"] = [fmt.figure(v, None, ind.unit, ind.decimals) for v in rows["england"]]
    out["Target"] = [fmt.figure(v, None, ind.unit, ind.decimals) if pd.notna(v) else "" for v in rows["target"]]
    out["Source"] = rows["source"].fillna("").to_numpy()
    out["Extract"] = rows["extract"].fillna("").to_numpy()
    return out.reset_index(drop=True)


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
            }
        )
        frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    syms = [s if isinstance(s, str) and s else None for s in out["symbol"]]
    out["symbol"] = syms
    out["meaning"] = [symbols.meaning(s) if s else "" for s in syms]
    return out


def _series_source(key: str, rows: pd.DataFrame) -> list[str]:
    if key in ("council", "local"):
        return [s if isinstance(s, str) else "" for s in rows[f"{'pub' if key == 'council' else 'local'}_source"]]
    if key == "sn":
        return [
            f"Mean of {int(n)} neighbours' published figures ({m} model)" if b == "computed" else (src or "")
            for n, m, b, src in zip(
                rows["sn_n"].fillna(0), rows["sn_model"], rows["sn_basis"], rows["sn_published_source"], strict=True
            )
        ]
    if key == "england":
        return [
            s if s else (p or "") for s, p in zip(rows["england_source"], rows["england_published_source"], strict=True)
        ]
    return ["DfE published figure"] * len(rows)


def indicator_view(
    ind: Indicator,
    rows: pd.DataFrame,
    all_values: dict[tuple[str, int], pd.DataFrame],
    council: str,
    council_name: str,
    year: int | None,
) -> IndicatorView:
    """``all_values`` maps (indicator, year) to every council's published figure, for ranking."""
    if rows.empty:
        return IndicatorView(
            indicator=ind,
            has_data=False,
            sentence=f"No figures held yet ({ind.short_title}) — analysts can upload them.",
        )
    rows = rows.sort_values("period")
    row = _pick_row(rows, year)
    if row is None:
        v = IndicatorView(indicator=ind, has_data=True, rows=rows)
        v.sentence = f"No figure is held for {council_name} ({ind.short_title})" + (
            f" up to {periods.label(year)}." if year else "."
        )
        return v
    period = int(row["period"])
    # Change on the year before compares like with like: published with published, local with local.
    prev_rows = rows[rows["period"] == period - 1]
    same_basis = "pub_value" if row["basis"] == "published" else "local_value"
    previous = _clean(prev_rows[same_basis].iloc[0]) if not prev_rows.empty else None
    v = IndicatorView(
        indicator=ind,
        has_data=True,
        period=period,
        value=_clean(row["value"]),
        symbol=row["symbol"] if isinstance(row["symbol"], str) else None,
        basis=row["basis"],
        source=row["source"],
        extract=row["extract"],
        local_value=_clean(row["local_value"]) if row["basis"] == "published" else None,
        local_source=row["local_source"]
        if row["basis"] == "published" and isinstance(row["local_source"], str)
        else None,
        sn=_clean(row["sn"]),
        sn_basis=row["sn_basis"] if isinstance(row["sn_basis"], str) else None,
        sn_n=int(row["sn_n"]) if not fmt.is_missing(row["sn_n"]) else None,
        sn_model=row["sn_model"],
        sn_published=_clean(row["sn_published"]),
        sn_published_source=row["sn_published_source"] if isinstance(row["sn_published_source"], str) else None,
        region=_clean(row["region"]),
        england=_clean(row["england"]),
        england_basis=row["england_basis"] if isinstance(row["england_basis"], str) else None,
        previous=previous,
        target=_clean(row["target"]),
        rows=rows,
    )
    sn_dec = sentences.SN_DECIMALS if v.sn_basis == "computed" else ind.decimals
    v.change = compare.change(v.value, previous, ind.polarity, ind.decimals)
    v.vs_sn = compare.versus(v.value, v.sn, ind.polarity, ind.decimals, sn_dec)
    # A council's count is not comparable with England's (or its neighbours' totals with its own size).
    if ind.unit != "count":
        v.vs_england = compare.versus(v.value, v.england, ind.polarity, ind.decimals)
    v.target_status = compare.target_status(v.value, v.target, ind.polarity, ind.decimals)
    if v.basis == "published":
        table = all_values.get((ind.id, period))
        if table is not None:
            v.rank, v.ranked, v.quartile = compare.rank_of(council, table, ind.polarity)
    v.sentence = sentences.headline(ind, council_name, period, v.value, v.symbol, v.sn, v.england, previous)
    return v


def indicator_views(
    council: str,
    indicator_ids: list[str],
    year: int | None,
    sn_model: str = "auto",
    catalogue: Catalogue | None = None,
    data_dir: Path | None = None,
) -> list[IndicatorView]:
    """Views for many indicators from two queries (series, all councils' values)."""
    catalogue = catalogue or load_catalogue()
    name = queries.area(council, data_dir)["name"]
    data = queries.series(council, indicator_ids, sn_model, data_dir)
    published = [i for i in indicator_ids if catalogue.indicator(i).published]
    all_values: dict = {}
    if published:
        all_values = dict(tuple(queries.council_values(published, data_dir).groupby(["indicator_id", "period"])))
    by_indicator = dict(tuple(data.groupby("indicator_id", sort=False))) if not data.empty else {}
    empty = data.iloc[0:0] if not data.empty else pd.DataFrame()
    return [
        indicator_view(catalogue.indicator(i), by_indicator.get(i, empty), all_values, council, name, year)
        for i in indicator_ids
    ]


def bright_spots_table(
    council: str, measure_ids: list[str], catalogue: Catalogue | None = None, data_dir: Path | None = None
) -> pd.DataFrame:
    """The council's survey results for these measures, comparators beside them, in pledge order."""
    catalogue = catalogue or load_catalogue()
    df = queries.bright_spots(council, measure_ids, data_dir)
    if df.empty:
        return df
    order = {m: i for i, m in enumerate(measure_ids)}
    df = df.assign(_o=df["measure_id"].map(order)).sort_values(["_o", "wave", "age_band"]).drop(columns="_o")
    df["measure"] = [catalogue.bright_spots[m].title for m in df["measure_id"]]
    df["polarity"] = [catalogue.bright_spots[m].polarity for m in df["measure_id"]]
    return df.reset_index(drop=True)


def _significance(r) -> str:
    """Two-proportion test where both numbers answering are held; says so plainly where not."""
    if fmt.is_missing(r.comparator_percent):
        return "-"
    test = compare.two_proportion_test(r.percent, r.answered, r.comparator_percent, r.comparator_answered)
    if test is None:
        return "not tested (numbers answering not held)"
    return f"{'yes' if test['significant'] else 'no'} (p = {test['p']:.3f})"


def bright_spots_display(df: pd.DataFrame, council_name: str) -> pd.DataFrame:
    """The survey table as shown: percentages beside the comparator, the difference in words."""
    rows = []
    for r in df.itertuples(index=False):
        diff = ""
        if not fmt.is_missing(r.comparator_percent) and not fmt.is_missing(r.percent):
            gap = float(r.percent) - float(r.comparator_percent)
            word = compare.versus(r.percent, r.comparator_percent, r.polarity, 0)
            diff = f"{gap:+.0f} points ({word})" if word else f"{gap:+.0f} points"
        rows.append(
            {
                "Measure": r.measure,
                "Survey": f"{r.survey} {r.wave}",
                "Who answered": r.age_band,
                council_name: fmt.figure(r.percent, None, "percent", 0),
                "Comparator": r.comparator or "-",
                "Comparator %": fmt.figure(r.comparator_percent, None, "percent", 0),
                "Difference": diff or "-",
                "Significant at 95%": _significance(r),
                "Bright Spot": "★ Bright Spot of practice" if r.bright_spot else "",
                "Survey respondents": "-" if fmt.is_missing(r.respondents) else f"{int(r.respondents)}",
            }
        )
    return pd.DataFrame(rows)


def scorecard_rows(items: list[IndicatorView]) -> pd.DataFrame:
    """One line per indicator for the overview: latest, vs neighbours, vs England, travel, quartile."""
    rows = []
    for v in items:
        ind = v.indicator
        if v.period is None:
            rows.append(
                {
                    "Indicator": ind.short_title,
                    "Year": "-",
                    "Council": "no figures held yet",
                    "Neighbours": "-",
                    "vs neighbours": "-",
                    "England": "-",
                    "vs England": "-",
                    "Change on year before": "-",
                    "Quartile (A best)": "-",
                    "Basis": "-",
                }
            )
            continue
        change = "-"
        if v.change:
            change = (
                "no change"
                if v.change["direction"] == "same"
                else (
                    f"{'▲' if v.change['diff'] > 0 else '▼'} "
                    f"{fmt.difference(v.change['diff'], ind.unit, ind.decimals)} "
                    f"({v.change['judgement']})"
                )
            )
        rows.append(
            {
                "Indicator": ind.short_title,
                "Year": periods.label(v.period),
                "Council": v.shown() if v.value is not None else symbols.short(v.symbol),
                "Neighbours": v.shown("sn"),
                "vs neighbours": MARKS.get(v.vs_sn, "-"),
                "England": v.shown("england"),
                "vs England": MARKS.get(v.vs_england, "-"),
                "Change on year before": change,
                "Quartile (A best)": f"{v.quartile} ({v.rank}/{v.ranked})" if v.quartile else "-",
                "Basis": "published" if v.basis == "published" else "local figure",
            }
        )
    return pd.DataFrame(rows)


VERDICT_MARK = {
    "better": "✔ better than",
    "worse": "✖ worse than",
    "in line": "= in line with",
    "higher": "▲ higher than",
    "lower": "▼ lower than",
}


def comparison_lines(v: IndicatorView) -> list[str]:
    """The bullet points under a headline: each comparison in words and symbols, rank, target."""
    lines = []
    for word, name, col in ((v.vs_sn, "statistical neighbours", "sn"), (v.vs_england, "England", "england")):
        if getattr(v, col) is None:
            lines.append(f"No {name} figure held for {periods.label(v.period)}")
        elif word:
            lines.append(f"{VERDICT_MARK[word]} {name} ({v.shown(col)})")
        else:
            why = (
                "a count, not comparable"
                if v.indicator.unit == "count" and col == "england"
                else "no council figure to compare"
            )
            lines.append(f"{name[0].upper()}{name[1:]}: {v.shown(col)} ({why})")
    if v.rank is not None:
        lines.append(f"Rank {v.rank} of {v.ranked} councils (1 is best) · quartile {v.quartile} (A is best)")
    if v.target is not None:
        lines.append(f"Target {v.shown('target')}: {v.target_status or 'not assessed'}")
    return lines


MARKS = {"better": "✔ better", "worse": "✖ worse", "in line": "= in line", "higher": "▲ higher", "lower": "▼ lower"}
