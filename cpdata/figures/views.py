"""What a pledge page shows for each indicator, assembled from one query per page.

Pure pandas, so the pages stay thin and every figure is testable without Streamlit. The chart's
numbers are made by ``cpdata.figures.trend``, the verdicts in words by ``cpdata.figures.scorecard`` and the survey
table by ``cpdata.figures.survey_tables``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import pandas as pd

from cpdata.catalogue.catalogue import Catalogue, Indicator, load_catalogue
from cpdata.core import fmt, periods
from cpdata.core.datafolder import DataFolder
from cpdata.figures import comparators, compare, disclosure, ranking, sentences
from cpdata.figures.trend import history_table
from cpdata.store import queries, reference


@dataclass
class IndicatorView:
    """Everything a page shows for one indicator, worked out once, so the page only lays it out."""

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
    sn_size: int | None = None
    sn_model: str | None = None
    sn_note: str | None = None  # why the neighbours come from the model not in force, where they do
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
    year_shown: int | None = None  # the year the page is showing; ``period`` may be older
    stamp: str = ""  # what it was worked out from, where a cache shares it (``cpdata.ui.shared_views``)

    @property
    def stale(self) -> bool:
        """The latest figure held is older than the year the page shows (a council's own table of 2021/22 on a
        page for 2024/25): said wherever the figure is, so it is never read as this year's."""
        return self.period is not None and self.year_shown is not None and self.period < self.year_shown

    @property
    def year_label(self) -> str:
        """``2024/25``, or ``latest held: 2021/22`` when no figure for the year shown is held."""
        if self.period is None:
            return "-"
        return f"latest held: {periods.label(self.period)}" if self.stale else periods.label(self.period)

    def stale_note(self, council_name: str) -> str:
        """The sentence beside a stale headline; empty when the figure is the year shown's."""
        if not self.stale:
            return ""
        return (
            f"No figure for {periods.label(self.year_shown)} is held for {council_name}; "
            f"this is the latest held, for {periods.label(self.period)}."
        )

    @functools.cached_property
    def history(self) -> pd.DataFrame:
        """The numbers behind the chart; made when first shown (the overview shows none of them)."""
        return history_table(self.indicator, self.rows) if not self.rows.empty else pd.DataFrame()

    def shown(self, col: str = "value") -> str:
        """A figure as text in the indicator's unit (``-`` when none)."""
        ind = self.indicator
        computed = col == "sn" and self.sn_basis == "computed"
        decimals = sentences.SN_DECIMALS if computed else ind.decimals
        text = fmt.figure(getattr(self, col), self.symbol if col == "value" else None, ind.unit, decimals)
        return comparators.counted(text, self.sn_n, self.sn_size) if computed else text

    @property
    def sn_too_few(self) -> bool:
        """A computed neighbours' mean of too few councils to judge by (see ``comparators``)."""
        return self.sn_basis == "computed" and comparators.too_few(self.sn_n)


def _clean(v: object) -> object:
    return None if fmt.is_missing(v) else v


def _pick_row(rows: pd.DataFrame, year: int | None) -> pd.Series | None:
    """The chosen year's row if the council has a figure (or symbol) then, else its latest before it."""
    own = rows[rows["value"].notna() | rows["symbol"].notna()]
    if year is not None:
        own = own[own["period"] <= year]
    return None if own.empty else own.iloc[-1]


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
    rows = disclosure.local_counts_protected(rows.sort_values("period"), ind.unit)
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
        sn_size=int(row["sn_size"]) if not fmt.is_missing(row["sn_size"]) else None,
        sn_model=row["sn_model"],
        sn_published=_clean(row["sn_published"]),
        sn_published_source=row["sn_published_source"] if isinstance(row["sn_published_source"], str) else None,
        region=_clean(row["region"]),
        england=_clean(row["england"]),
        england_basis=row["england_basis"] if isinstance(row["england_basis"], str) else None,
        previous=previous,
        target=_clean(row["target"]),
        rows=rows,
        year_shown=year,
    )
    if v.sn_basis == "computed" and bool(row.get("sn_fallback", False)):
        v.sn_note = comparators.model_note(council_name, period, v.sn_model)
    sn_dec = sentences.SN_DECIMALS if v.sn_basis == "computed" else ind.decimals
    v.change = compare.change(v.value, previous, ind.polarity, ind.decimals)
    judged_sn = None if v.sn_too_few else v.sn  # too few neighbours with a figure: shown, not judged
    v.vs_sn = compare.versus(v.value, judged_sn, ind.polarity, ind.decimals, sn_dec)
    # A council's count is not comparable with England's (or its neighbours' totals with its own size).
    if ind.unit != "count":
        v.vs_england = compare.versus(v.value, v.england, ind.polarity, ind.decimals)
    v.target_status = compare.target_status(v.value, v.target, ind.polarity, ind.decimals)
    if v.basis == "published":
        table = all_values.get((ind.id, period))
        if table is not None:
            v.rank, v.ranked, v.quartile = ranking.rank_of(council, table, ind.polarity)
    v.sentence = sentences.headline(ind, council_name, period, v.value, v.symbol, judged_sn, v.england, previous)
    return v


def indicator_views(
    folder: DataFolder,
    council: str,
    indicator_ids: list[str],
    year: int | None,
    sn_model: str = "auto",
    catalogue: Catalogue | None = None,
) -> list[IndicatorView]:
    """Views for many indicators from two queries (series, all councils' values)."""
    catalogue = catalogue or load_catalogue(folder)
    name = reference.area(folder, council)["name"]
    data = queries.series(folder, council, indicator_ids, sn_model)
    published = [i for i in indicator_ids if catalogue.indicator(i).published]
    all_values: dict = {}
    if published:
        all_values = dict(tuple(queries.council_values(folder, published).groupby(["indicator_id", "period"])))
    by_indicator = dict(tuple(data.groupby("indicator_id", sort=False))) if not data.empty else {}
    empty = data.iloc[0:0] if not data.empty else pd.DataFrame()
    return [
        indicator_view(catalogue.indicator(i), by_indicator.get(i, empty), all_values, council, name, year)
        for i in indicator_ids
    ]
