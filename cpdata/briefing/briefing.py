"""Members' briefings: the screens a presenter clicks through in committee, as plain data.

One cover screen, one screen per pledge (at most six indicators, each with a big figure, its
sentence and a simple chart, plus the pledge's Bright Spots highlights) and a closing summary.
Every figure passes through ``cpdata.figures.disclosure`` first, so neither the screens nor the pack
built from them can show a count of 1 to 5 children or a percentage of too few.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from cpdata.briefing.running_orders import RunningOrder
from cpdata.briefing.running_orders import default as default_order
from cpdata.catalogue.catalogue import Framework, Indicator, load_catalogue
from cpdata.core import fmt, periods, symbols
from cpdata.core.datafolder import DataFolder
from cpdata.figures import comparators, compare, disclosure, provenance, sentences, views
from cpdata.figures.scorecard import VERDICT_MARK
from cpdata.figures.survey_tables import bright_spots_table
from cpdata.figures.trend import SERIES_NAMES, chart_data
from cpdata.store import reference

CHART_YEARS = 5  # a simple chart: the last five years, labels readable across a room


@dataclass(frozen=True)
class Tile:
    """One indicator on a pledge screen, every figure already made safe to show."""

    indicator: Indicator
    year: str
    figure: str
    sentence: str
    badges: tuple[str, ...]
    verdict: str | None
    basis: str
    notes: tuple[str, ...]
    chart: pd.DataFrame
    withheld: bool = False


@dataclass(frozen=True)
class Screen:
    key: str  # "cover", a pledge id, or "summary"
    kind: str  # cover | pledge | summary
    title: str
    subtitle: str = ""
    tiles: tuple[Tile, ...] = ()
    highlights: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()
    not_held: tuple[str, ...] = ()


@dataclass(frozen=True)
class Briefing:
    framework: Framework
    council: str
    council_name: str
    year_label: str
    as_at: str
    illustrative: bool
    order_name: str
    screens: tuple[Screen, ...] = field(default_factory=tuple)

    def screen_keys(self) -> list[str]:
        return [s.key for s in self.screens]

    def screen(self, key: str) -> Screen:
        for s in self.screens:
            if s.key == key:
                return s
        return self.screens[0]


def _base(v: views.IndicatorView) -> object:
    """The number a published percentage is of (its denominator), where the extract gives one."""
    if v.basis != "published" or "pub_denominator" not in v.rows:
        return None
    row = v.rows[v.rows["period"] == v.period]
    return None if row.empty else row["pub_denominator"].iloc[0]


def _chart(v: views.IndicatorView) -> pd.DataFrame:
    """Council, neighbours and England (not England for counts), each point made safe; gaps stay gaps.

    A local figure keeps its own series name ("Council, local figure"), so the key and the text alternative
    never call it published."""
    ind = v.indicator
    data = chart_data(v.rows)
    own = SERIES_NAMES["council" if v.basis == "published" else "local"]
    keep = [own, SERIES_NAMES["sn"]] + ([SERIES_NAMES["england"]] if ind.unit != "count" else [])
    data = data[data["series"].isin(keep) & (data["period"] > data["period"].max() - CHART_YEARS)].copy()
    bases = dict(zip(v.rows["period"], v.rows.get("pub_denominator", pd.Series(dtype=float)), strict=False))
    safe = []
    for period, series, value in zip(data["period"], data["series"], data["value"], strict=True):
        base = bases.get(period) if series == SERIES_NAMES["council"] else None
        safe.append(disclosure.protect_series([value], ind.unit, [base])[0])
    withheld = [not fmt.is_missing(a) and b is None for a, b in zip(data["value"], safe, strict=True)]
    data["value"] = pd.Series(safe, index=data.index, dtype="float64")
    data["symbol"] = [disclosure.CHART_MARK if w else s for w, s in zip(withheld, data["symbol"], strict=True)]
    return data[["period", "year", "series", "value", "symbol"]].reset_index(drop=True)


def _badges(v: views.IndicatorView, sn: disclosure.Safe, england: disclosure.Safe) -> list[str]:
    out = []
    for word, name, safe in ((v.vs_sn, "neighbours", sn), (v.vs_england, "England", england)):
        if word and not safe.withheld:
            computed = name == "neighbours" and v.sn_basis == "computed"
            text = comparators.counted(safe.text, v.sn_n, v.sn_size) if computed else safe.text
            out.append(f"{VERDICT_MARK[word]} {name} ({text})")
    if v.quartile and v.rank:
        out.append(f"Quartile {v.quartile} (rank {v.rank} of {v.ranked})")
    if v.target is not None and v.target_status:
        out.append(f"Target {fmt.number(v.target, v.indicator.unit, v.indicator.decimals)}: {v.target_status}")
    return out


def _change(v: views.IndicatorView, previous: disclosure.Safe) -> str:
    """Counts say what it was (``up from 27``), never a difference that could reveal a small count."""
    if v.change is None or previous.value is None:
        return ""
    before = periods.label(v.period - 1) if v.period else "the year before"
    if v.change["direction"] == "same":
        return f"the same as in {before}"
    word = "up" if v.change["direction"] == "up" else "down"
    if v.indicator.unit == "count":
        return f"{word} from {previous.text} in {before}"
    amount = fmt.difference(v.change["diff"], v.indicator.unit, v.indicator.decimals)
    return f"{word} {amount} on {before}"


def tile(v: views.IndicatorView, council_name: str) -> Tile:
    """One indicator's view, made safe for a public meeting."""
    ind = v.indicator
    value = disclosure.protect(v.value, ind.unit, ind.decimals, v.symbol, _base(v))
    sn_dec = sentences.SN_DECIMALS if v.sn_basis == "computed" else ind.decimals
    sn = disclosure.protect(v.sn, ind.unit, sn_dec)
    england = disclosure.protect(v.england, ind.unit, ind.decimals)
    previous = disclosure.protect(v.previous, ind.unit, ind.decimals)
    year = v.year_label  # "latest held: 2021/22" when older than the briefing's year
    basis = "Published (DfE)" if v.basis == "published" else "Local figure (council's own report)"
    if value.withheld:
        sentence = f"{council_name}'s figure for {year} ({ind.short_title}) is {value.text}."
        return Tile(ind, year, value.text, sentence, (), None, basis, (value.note,), _chart(v), withheld=True)
    if value.value is None:
        sentence = sentences.headline(ind, council_name, v.period, None, v.symbol, None, england.value)
        meaning = symbols.meaning(v.symbol) if v.symbol else "no figure"
        figure = symbols.SHORT.get(meaning, meaning)
        return Tile(ind, year, figure, sentence, (), None, basis, (), _chart(v), withheld=True)
    # The badges carry the comparisons; the sentence says what the figure means and how it moved.
    sentence = sentences.lead(ind, council_name, v.period, value.value)
    change = _change(v, previous)
    sentence = f"{sentence}, {change}." if change else f"{sentence}."
    notes = tuple(s.note for s in (sn, england, previous) if s.withheld)
    verdict = v.vs_sn if not sn.withheld else None
    return Tile(ind, year, value.text, sentence, tuple(_badges(v, sn, england)), verdict, basis, notes, _chart(v))


def highlights(folder: DataFolder, council: str, measure_ids: list[str], limit: int = 3) -> list[str]:
    """The pledge's Bright Spots results worth saying aloud: Bright Spots first, then widest gaps."""
    if not measure_ids:
        return []
    df = bright_spots_table(folder, council, measure_ids)
    if df.empty:
        return []
    df = df[df["wave"] == df.groupby("measure_id")["wave"].transform("max")].copy()
    df["gap"] = (df["percent"] - df["comparator_percent"]).abs()
    df = df.sort_values(["bright_spot", "gap"], ascending=[False, False], na_position="last")
    out = []
    for r in df.itertuples(index=False):
        base = r.answered if not fmt.is_missing(r.answered) else None
        pct = disclosure.protect(r.percent, "percent", 0, None, base)
        if pct.value is None:
            continue
        who = f"ages {r.age_band}" if str(r.age_band)[:1].isdigit() else r.age_band
        text = f"{r.measure}: {pct.text} ({who}, {r.survey} {r.wave})"
        comp = disclosure.protect(r.comparator_percent, "percent", 0)
        if comp.value is not None and r.comparator:
            word = compare.versus(r.percent, r.comparator_percent, r.polarity, 0)
            text += (
                f", {word + ' than' if word in ('better', 'worse') else 'compared with'} {r.comparator} ({comp.text})"
            )
        out.append(("★ " if r.bright_spot else "") + text)
        if len(out) == limit:
            break
    return out


def _highlight_room(tiles: int) -> int:
    """Bright Spots lines that fit under the tiles: fewer as the screen fills."""
    return 1 if tiles > 4 else 2 if tiles > 2 else 4


def _not_held(pledge, chosen: list[views.IndicatorView], all_views: dict) -> tuple[str, ...]:
    """Chosen indicators with no figure; on a screen with none chosen, the pledge's measures not yet held."""
    missing = [v.indicator.short_title for v in chosen if v.period is None]
    if chosen:
        return tuple(missing)
    return tuple(all_views[i].indicator.short_title for i in pledge.indicators if all_views[i].period is None)


def _summary_line(order: int, title: str, tiles: tuple[Tile, ...]) -> str:
    """One pledge in words, counting every comparison its tiles show: better, worse and in line, and, for
    indicators where neither higher nor lower is better, higher and lower (a tile saying "higher than
    neighbours" must not be summed up as "none compared")."""
    verdicts = [t.verdict for t in tiles]
    better, worse = verdicts.count("better"), verdicts.count("worse")
    same = verdicts.count("in line")
    higher, lower = verdicts.count("higher"), verdicts.count("lower")
    judged = better + worse + same
    if not tiles:
        return f"{order}. {title}: no figures held for the indicators chosen."
    if not judged + higher + lower:
        return f"{order}. {title}: {len(tiles)} indicators shown; none compared with neighbours."
    parts = []
    if judged:
        parts.append(f"better than neighbours on {better} of {judged}")
        if worse:
            parts.append(f"worse on {worse}")
        if same:
            parts.append(f"in line on {same}")
    neither = [f"{word} than neighbours on {n}" for word, n in (("higher", higher), ("lower", lower)) if n]
    if neither:
        parts.append(" and ".join(neither) + " (neither higher nor lower is better)")
    return f"{order}. {title}: " + ", ".join(parts) + "."


def build(
    folder: DataFolder,
    framework: Framework,
    council: str,
    year: int | None,
    sn: str = "auto",
    order: RunningOrder | None = None,
) -> Briefing:
    """Every screen of a briefing, from one views query for all the indicators chosen."""
    catalogue = load_catalogue(folder)
    all_ids = framework.indicator_ids()
    all_views = {v.indicator.id: v for v in views.indicator_views(folder, council, all_ids, year, sn, catalogue)}
    held = {i for i, v in all_views.items() if v.period is not None}
    order = order or default_order(framework, held)
    name = reference.area(folder, council)["name"]
    illustrative = provenance.illustrative(folder)
    periods_shown = [v.period for v in all_views.values() if v.period is not None]
    year_label = periods.label(year) if year else (periods.label(max(periods_shown)) if periods_shown else "")
    pledge_screens = []
    for pid in order.pledges:
        pledge = framework.pledge(pid)
        chosen = [all_views[i] for i in order.indicators.get(pid, ())]
        tiles = tuple(tile(v, name) for v in chosen if v.period is not None)
        pledge_screens.append(
            Screen(
                key=pid,
                kind="pledge",
                title=f"{framework.pledge_word} {pledge.order}: {pledge.title}",
                subtitle=pledge.short_title,
                tiles=tiles,
                highlights=tuple(highlights(folder, council, list(pledge.bright_spots), _highlight_room(len(tiles)))),
                not_held=_not_held(pledge, chosen, all_views),
            )
        )
    as_at = provenance.as_at(folder)
    cover = Screen(
        key="cover",
        kind="cover",
        title="Corporate parenting: how we are keeping our promises",
        subtitle=f"{name} · {framework.title}",
        lines=(f"Year: {year_label}", f"{len(pledge_screens)} {framework.pledge_word}s"),
    )
    summary = Screen(
        key="summary",
        kind="summary",
        title="Summary",
        subtitle=f"{name} · {year_label}",
        lines=tuple(
            _summary_line(framework.pledge(s.key).order, framework.pledge(s.key).short_title, s.tiles)
            for s in pledge_screens
        ),
    )
    return Briefing(
        framework=framework,
        council=council,
        council_name=name,
        year_label=year_label,
        as_at=as_at,
        illustrative=illustrative,
        order_name=order.name,
        screens=(cover, *pledge_screens, summary),
    )
