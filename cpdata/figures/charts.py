"""Trend charts (Altair), the same colours and shapes on every page.

Okabe-Ito colours are safe for colour-blind readers, and each series also has its own
point shape and dash, so colour is never the only signal. Lines break at missing or
suppressed years instead of dropping to zero.
"""

from __future__ import annotations

import html
import textwrap

import altair as alt
import pandas as pd

from cpdata.catalogue.catalogue import Indicator
from cpdata.core import fmt
from cpdata.figures.trend import SERIES_NAMES, on_the_axis, totals_note

SERIES = list(SERIES_NAMES.values())  # council, council local, neighbours, region, England
COUNCIL, LOCAL, NEIGHBOURS = SERIES[0], SERIES[1], SERIES[2]
COLOURS = ["#0072B2", "#56B4E9", "#E69F00", "#009E73", "#555555"]
SHAPES = ["circle", "cross", "square", "triangle-up", "diamond"]
DASHES = [[1, 0], [3, 2], [6, 3], [2, 2], [8, 3, 2, 3]]
STYLE = {s: (c, sh, d) for s, c, sh, d in zip(SERIES, COLOURS, SHAPES, DASHES, strict=True)}
POLARITY_WORDS = {
    "higher": "higher is better",
    "lower": "lower is better",
    "neither": "neither higher nor lower is better",
}


def segments(data: pd.DataFrame) -> pd.DataFrame:
    """Number the unbroken runs of each series, so a line never bridges a missing year."""
    data = data.sort_values(["series", "period"]).copy()
    gap = data["value"].isna() | (data.groupby("series")["period"].diff().fillna(1) != 1)
    data["segment"] = data["series"] + "-" + gap.groupby(data["series"]).cumsum().astype(str)
    return data


def _json_safe(df: pd.DataFrame) -> alt.Data:
    """Inline records with missing values as JSON nulls (never NaN, which breaks the spec, and never 0)."""
    records = [
        {k: (None if not isinstance(v, str) and fmt.is_missing(v) else v) for k, v in r.items()}
        for r in df.to_dict("records")
    ]
    return alt.Data(values=records)


def axis_from_zero(ind: Indicator, values: pd.Series) -> bool:
    """Percentages far from zero get a zoomed axis (and the caption says so)."""
    v = values.dropna()
    if v.empty or ind.unit != "percent":
        return True
    return float(v.min()) < 25


def _band(data: pd.DataFrame) -> pd.DataFrame:
    """The neighbours' range, numbered in unbroken runs of years: the band stops where the lines stop."""
    rng = data[(data["series"] == NEIGHBOURS) & data["sn_min"].notna()].sort_values("period").copy()
    rng["band_run"] = (rng["period"].diff() != 1).cumsum().astype(str)
    return rng


def trend(ind: Indicator, data: pd.DataFrame, target: float | None = None, band: bool = True) -> alt.LayerChart:
    data = segments(on_the_axis(ind.unit, data))
    shown = data[data["value"].notna()].copy()
    shown["label"] = [
        fmt.number(v, ind.unit, 1 if s == NEIGHBOURS else ind.decimals)
        for v, s in zip(shown["value"], shown["series"], strict=True)
    ]
    present = [s for s in SERIES if s in set(shown["series"])]  # the legend lists only series drawn
    colours, shapes, dashes = ([STYLE[s][i] for s in present] for i in range(3))
    zero = axis_from_zero(ind, data["value"])
    legend = alt.Legend(title=None, orient="bottom", columns=2, labelLimit=260)
    colour = alt.Color("series:N", scale=alt.Scale(domain=present, range=colours), legend=legend)
    y = alt.Y("value:Q", title=fmt.unit_label(ind.unit), scale=alt.Scale(zero=zero))
    x = alt.X("year:O", title="Year ending", sort=sorted(data["year"].unique()), axis=alt.Axis(labelAngle=0))
    tooltip = [
        alt.Tooltip("series:N", title="Series"),
        alt.Tooltip("year:N", title="Year"),
        alt.Tooltip("label:N", title="Figure"),
        alt.Tooltip("source:N", title="Source"),
    ]
    base = alt.Chart(_json_safe(shown))
    lines = base.mark_line(strokeWidth=2.5).encode(
        x=x,
        y=y,
        color=colour,
        detail="segment:N",
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=present, range=dashes), legend=None),
    )
    points = base.mark_point(size=80, filled=True).encode(
        x=x,
        y=y,
        color=colour,
        shape=alt.Shape("series:N", scale=alt.Scale(domain=present, range=shapes), legend=None),
        tooltip=tooltip,
    )
    layers: list = []
    rng = _band(data)
    if band and not rng.empty:
        layers.append(
            alt.Chart(_json_safe(rng))
            .mark_area(opacity=0.15, color=STYLE[NEIGHBOURS][0])
            .encode(
                x=x,
                y=alt.Y("sn_min:Q", scale=alt.Scale(zero=zero), title=fmt.unit_label(ind.unit)),
                y2="sn_max:Q",
                detail="band_run:N",
                tooltip=[
                    alt.Tooltip("year:N", title="Year"),
                    alt.Tooltip("sn_min:Q", title="Lowest neighbour"),
                    alt.Tooltip("sn_max:Q", title="Highest neighbour"),
                ],
            )
        )
    layers += [lines, points]
    if target is not None and not fmt.is_missing(target):
        label = f"Target {fmt.number(target, ind.unit, ind.decimals)}"
        rule = alt.Chart(alt.Data(values=[{"target": float(target), "label": label}]))
        layers.append(rule.mark_rule(strokeDash=[4, 4], color="#CC79A7", strokeWidth=2).encode(y="target:Q"))
        layers.append(rule.mark_text(align="left", dx=4, dy=-6, color="#8B3A6B").encode(y="target:Q", text="label:N"))
    layers += _group_change_marks(data, x)
    suppressed = data[data["series"].isin([COUNCIL, LOCAL]) & data["value"].isna() & data["symbol"].notna()]
    if not suppressed.empty:
        layers.append(
            alt.Chart(_json_safe(suppressed))
            .mark_text(baseline="top", dy=2, fontSize=13, color=STYLE[COUNCIL][0])
            .encode(
                x=x,
                y=alt.value(0),
                text="symbol:N",
                tooltip=[alt.Tooltip("year:N", title="Year"), alt.Tooltip("meaning:N", title="Council figure")],
            )
        )
    return alt.layer(*layers).properties(title=ind.short_title, height=260)


def _group_changes(data: pd.DataFrame) -> pd.DataFrame:
    if "group_change" not in data:  # long forms made elsewhere (briefings, the benchmark's peer) have none
        return pd.DataFrame(columns=["year", "group_change"])
    return data[(data["series"] == NEIGHBOURS) & data["group_change"].notna()]


def _group_change_marks(data: pd.DataFrame, x: alt.X) -> list:
    """A dotted rule at each year the neighbour group changes model (the line may jump there)."""
    marks = _group_changes(data)
    if marks.empty:
        return []
    base = alt.Chart(_json_safe(marks[["year", "group_change"]]))
    tip = [alt.Tooltip("year:N", title="Year"), alt.Tooltip("group_change:N", title="Neighbours")]
    return [
        base.mark_rule(strokeDash=[1, 3], color=STYLE[NEIGHBOURS][0], strokeWidth=2).encode(x=x, tooltip=tip),
        base.mark_text(align="left", baseline="top", dx=3, dy=2, fontSize=10, color="#7A5300").encode(
            x=x, y=alt.value(0), text=alt.value("new neighbour group")
        ),
    ]


def has_gaps(data: pd.DataFrame) -> bool:
    """A year inside a series' run with no figure, or any year the council's figure is a symbol."""
    for _, part in data.groupby("series"):
        held = part.loc[part["value"].notna(), "period"]
        if held.empty:
            continue
        inside = part[(part["period"] > held.min()) & (part["period"] < held.max())]
        if inside["value"].isna().any():
            return True
    return bool((data["value"].isna() & data["symbol"].notna()).any())


def caption(ind: Indicator, data: pd.DataFrame, band: bool = True) -> str:
    """What a reader needs to read the chart right: zoomed axis, gaps, band, polarity."""
    notes = []
    if note := totals_note(ind.unit, ind.decimals, data):
        notes.append(note)
    data = on_the_axis(ind.unit, data)
    if not axis_from_zero(ind, data["value"]):
        notes.append("The vertical axis does not start at zero.")
    drawn = data[data["value"].notna()]
    if has_gaps(data):
        notes.append("Gaps are years with no figure or a suppressed one (its symbol is shown at the top), not zero.")
    if band and not _band(data).empty:
        notes.append("Shaded band: range of the statistical neighbours.")
    for year, change in zip(*(_group_changes(data)[c] for c in ("year", "group_change")), strict=True):
        notes.append(f"Dotted line at {year}: {change}, so their line can jump because the group changed.")
    if LOCAL in set(drawn["series"]):
        notes.append("Local figures come from the council's own reports and are not DfE published statistics.")
    notes.append(f"{fmt.unit_label(ind.unit).capitalize()}; {POLARITY_WORDS[ind.polarity]}.")
    return " ".join(notes)


def describe(ind: Indicator, council_name: str, data: pd.DataFrame) -> str:
    """A text alternative for the chart: what it plots and the council's figures year by year."""
    parts = []
    for series, label in ((COUNCIL, "published"), (LOCAL, "local figures")):
        own = data[data["series"] == series].sort_values("period")
        points = [
            f"{y}: {fmt.figure(v, s, ind.unit, ind.decimals)}"
            for y, v, s in zip(own["year"], own["value"], own["symbol"], strict=True)
            if not fmt.is_missing(v) or s
        ]
        if points:
            parts.append(f"{council_name} ({label}) by year: " + "; ".join(points) + ".")
    against = "its statistical neighbours" if ind.unit == "count" else "its statistical neighbours, region and England"
    tail = totals_note(ind.unit, ind.decimals, data)
    return f"Line chart of {ind.title}: {council_name} against {against}. " + " ".join([*parts, tail]).strip()


def sources_line(data: pd.DataFrame, as_at: str = "") -> str:
    """Where the drawn figures came from, and as at when: said under an exported chart."""
    drawn = data[data["value"].notna()]
    found = []
    for series, source in zip(drawn["series"], drawn["source"], strict=True):
        if not isinstance(source, str) or not source:
            continue
        found.append(
            "statistical neighbours: mean of their published figures" if source.startswith("Mean of ") else source
        )
        if series == NEIGHBOURS and not source.startswith("Mean of "):
            found[-1] = f"statistical neighbours: {source}"
    text = "Source: " + ("; ".join(dict.fromkeys(found)) or "no figures held") + "."
    return f"{text} Data as at {as_at}." if as_at else text


def export_chart(
    ind: Indicator, data: pd.DataFrame, target: float | None, council_name: str, as_at: str = ""
) -> alt.LayerChart:
    """The trend chart for a report: titled, with its caption, sources and date under the title."""
    lines = textwrap.wrap(caption(ind, data), 120) + textwrap.wrap(sources_line(data, as_at), 120)
    return trend(ind, data, target).properties(
        width=640,
        title=alt.TitleParams(f"{ind.title}: {council_name}", subtitle=lines, subtitleFontSize=10),
    )


def png(
    ind: Indicator, data: pd.DataFrame, target: float | None, council_name: str, scale: int = 3, as_at: str = ""
) -> bytes:
    """The trend chart as a PNG at print resolution (about 2000 px wide), titled and sourced."""
    import vl_convert as vlc

    return vlc.vegalite_to_png(export_chart(ind, data, target, council_name, as_at).to_json(), scale=scale)


def svg(ind: Indicator, data: pd.DataFrame, target: float | None, council_name: str, as_at: str = "") -> bytes:
    """The trend chart as SVG (for Word and print: sharp at any size), with a <title> and <desc> too."""
    import vl_convert as vlc

    drawn = vlc.vegalite_to_svg(export_chart(ind, data, target, council_name, as_at).to_json())
    start = drawn.index(">", drawn.index("<svg")) + 1
    about = (
        f"<title>{html.escape(f'{ind.title}: {council_name}')}</title>"
        f"<desc>{html.escape(describe(ind, council_name, data) + ' ' + sources_line(data, as_at))}</desc>"
    )
    return (drawn[:start] + about + drawn[start:]).encode("utf-8")


def briefing_trend(ind: Indicator, data: pd.DataFrame, width: int = 460, height: int = 170) -> alt.LayerChart:
    """A simple trend for a screen read from across a room: few series, big labels, gaps kept.

    No legend: the screen shows one key for all its charts (``briefing_key``), same styles.
    """
    data = segments(data)
    shown = data[data["value"].notna()]
    present = [s for s in SERIES if s in set(shown["series"])] or [COUNCIL]
    colours, shapes, dashes = ([STYLE[s][i] for s in present] for i in range(3))
    colour = alt.Color("series:N", scale=alt.Scale(domain=present, range=colours), legend=None)
    x = alt.X("year:O", title=None, sort=sorted(data["year"].unique()), axis=alt.Axis(labelAngle=0))
    y = alt.Y("value:Q", title=None, scale=alt.Scale(zero=axis_from_zero(ind, data["value"])))
    base = alt.Chart(_json_safe(shown))
    layers: list = [
        base.mark_line(strokeWidth=4).encode(
            x=x,
            y=y,
            color=colour,
            detail="segment:N",
            strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=present, range=dashes), legend=None),
        ),
        base.mark_point(size=140, filled=True).encode(
            x=x,
            y=y,
            color=colour,
            shape=alt.Shape("series:N", scale=alt.Scale(domain=present, range=shapes), legend=None),
        ),
    ]
    marked = data[data["series"].isin([COUNCIL, LOCAL]) & data["value"].isna() & data["symbol"].notna()]
    if not marked.empty:
        layers.append(
            alt.Chart(_json_safe(marked))
            .mark_text(baseline="top", dy=2, fontSize=18, color=STYLE[COUNCIL][0])
            .encode(x=x, y=alt.value(0), text="symbol:N")
        )
    return (
        alt.layer(*layers)
        .properties(width=width, height=height)
        .configure_axis(labelFontSize=18, labelColor="#222222", gridColor="#dddddd")
        .configure_view(stroke=None)
    )


def briefing_key(series: list[str]) -> list[tuple[str, str, str, list[int]]]:
    """The key shared by a screen's charts: (name, colour, shape, dash) for each series drawn."""
    return [(s, *STYLE[s]) for s in SERIES if s in series]


def briefing_image(ind: Indicator, data: pd.DataFrame, kind: str = "svg", scale: float = 2, height: int = 170) -> bytes:
    """The briefing chart rendered server-side: SVG for screens, PNG at print resolution for packs."""
    import vl_convert as vlc

    spec = briefing_trend(ind, data, height=height).to_json()
    if kind == "png":
        return vlc.vegalite_to_png(spec, scale=scale)
    return vlc.vegalite_to_svg(spec).encode("utf-8")
