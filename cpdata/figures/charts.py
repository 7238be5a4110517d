"""Trend charts (Vega-Lite specs), the same colours and shapes on every page.

Okabe-Ito colours are safe for colour-blind readers, and each series also has its own
point shape and dash, so colour is never the only signal. Lines break at missing or
suppressed years instead of dropping to zero.

A page's trend chart is written as the Vega-Lite dict itself, the one Altair's ``to_json`` gave for the
same chart: building it through Altair's schema objects and serialising them was three quarters of a
chart (125 ms to build and 40 ms to serialise on the sample data, 260 ms at 100x; 18 charts on the dreams
page), the most of a page nobody had opened since the data changed. ``tests/app/test_perf_ui.py`` has
Altair read every spec back with its schema check and write it out again, unchanged. The briefing screen's
charts are still drawn with Altair (imported there, when one is drawn).
"""

from __future__ import annotations

import html
import json
import textwrap
from typing import TYPE_CHECKING

import pandas as pd

from cpdata.catalogue.catalogue import Indicator
from cpdata.core import fmt
from cpdata.figures.trend import SERIES_NAMES, on_the_axis, totals_note

if TYPE_CHECKING:
    import altair as alt

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
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"  # Altair's SCHEMA_URL (a test keeps them equal)
VIEW = {"view": {"continuousHeight": 300, "continuousWidth": 300}}  # Altair's default view size, as it wrote it
TYPES = {"N": "nominal", "O": "ordinal", "Q": "quantitative"}


def segments(data: pd.DataFrame) -> pd.DataFrame:
    """Number the unbroken runs of each series, so a line never bridges a missing year."""
    data = data.sort_values(["series", "period"]).copy()
    gap = data["value"].isna() | (data.groupby("series")["period"].diff().fillna(1) != 1)
    data["segment"] = data["series"] + "-" + gap.groupby(data["series"]).cumsum().astype(str)
    return data


def _records(df: pd.DataFrame) -> list[dict]:
    """Rows as JSON records, missing values as nulls (never NaN, which breaks the spec, and never 0)."""
    return [
        {k: (None if not isinstance(v, str) and fmt.is_missing(v) else v) for k, v in r.items()}
        for r in df.to_dict("records")
    ]


def _json_safe(df: pd.DataFrame) -> alt.Data:
    """Inline data for an Altair chart (the briefing screen's)."""
    import altair as alt

    return alt.Data(values=_records(df))


def _field(shorthand: str, **more: object) -> dict:
    """A field encoding as Altair writes ``"name:T"``: field, then type, with any more properties."""
    name, kind = shorthand.rsplit(":", 1)
    return {"field": name, "type": TYPES[kind], **more}


def _tips(*tips: tuple[str, str]) -> list[dict]:
    return [_field(shorthand, title=title) for shorthand, title in tips]


def _layer(data: list[dict], mark: dict, **encoding: object) -> dict:
    return {"data": {"values": data}, "encoding": encoding, "mark": mark}


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


def trend(ind: Indicator, data: pd.DataFrame, target: float | None = None, band: bool = True) -> dict:
    """The trend chart as a Vega-Lite spec: lines broken at gaps, points with tooltips, the neighbours' band,
    the target, model changes and the council's suppressed years as their symbols."""
    data = segments(on_the_axis(ind.unit, data))
    shown = data[data["value"].notna()].copy()
    shown["label"] = [
        fmt.number(v, ind.unit, 1 if s == NEIGHBOURS else ind.decimals)
        for v, s in zip(shown["value"], shown["series"], strict=True)
    ]
    present = [s for s in SERIES if s in set(shown["series"])]  # the legend lists only series drawn
    colours, shapes, dashes = ([STYLE[s][i] for s in present] for i in range(3))
    zero = axis_from_zero(ind, data["value"])
    legend = {"columns": 2, "labelLimit": 260, "orient": "bottom", "title": None}
    colour = _field("series:N", legend=legend, scale={"domain": present, "range": colours})
    y = _field("value:Q", scale={"zero": zero}, title=fmt.unit_label(ind.unit))
    x = _field("year:O", axis={"labelAngle": 0}, sort=sorted(data["year"].unique()), title="Year ending")
    points = _records(shown)
    layers: list[dict] = []
    rng = _band(data)
    if band and not rng.empty:
        layers.append(
            _layer(
                _records(rng),
                {"color": STYLE[NEIGHBOURS][0], "opacity": 0.15, "type": "area"},
                detail=_field("band_run:N"),
                tooltip=_tips(("year:N", "Year"), ("sn_min:Q", "Lowest neighbour"), ("sn_max:Q", "Highest neighbour")),
                x=x,
                y=_field("sn_min:Q", scale={"zero": zero}, title=fmt.unit_label(ind.unit)),
                y2={"field": "sn_max"},
            )
        )
    layers.append(
        _layer(
            points,
            {"strokeWidth": 2.5, "type": "line"},
            color=colour,
            detail=_field("segment:N"),
            strokeDash=_field("series:N", legend=None, scale={"domain": present, "range": dashes}),
            x=x,
            y=y,
        )
    )
    layers.append(
        _layer(
            points,
            {"filled": True, "size": 80, "type": "point"},
            color=colour,
            shape=_field("series:N", legend=None, scale={"domain": present, "range": shapes}),
            tooltip=_tips(("series:N", "Series"), ("year:N", "Year"), ("label:N", "Figure"), ("source:N", "Source")),
            x=x,
            y=y,
        )
    )
    if target is not None and not fmt.is_missing(target):
        rule = [{"label": f"Target {fmt.number(target, ind.unit, ind.decimals)}", "target": float(target)}]
        at = _field("target:Q")
        layers.append(_layer(rule, {"color": "#CC79A7", "strokeDash": [4, 4], "strokeWidth": 2, "type": "rule"}, y=at))
        text = {"align": "left", "color": "#8B3A6B", "dx": 4, "dy": -6, "type": "text"}
        layers.append(_layer(rule, text, text=_field("label:N"), y=at))
    layers += _group_change_marks(data, x)
    suppressed = data[data["series"].isin([COUNCIL, LOCAL]) & data["value"].isna() & data["symbol"].notna()]
    if not suppressed.empty:
        layers.append(
            _layer(
                _records(suppressed),
                {"baseline": "top", "color": STYLE[COUNCIL][0], "dy": 2, "fontSize": 13, "type": "text"},
                text=_field("symbol:N"),
                tooltip=_tips(("year:N", "Year"), ("meaning:N", "Council figure")),
                x=x,
                y={"value": 0},
            )
        )
    return _layered(layers) | {"$schema": SCHEMA, "config": VIEW, "height": 260, "title": ind.short_title}


def _layered(layers: list[dict]) -> dict:
    """The layers, their data said once above them when every layer draws the very same rows (as Altair
    writes it: then the spec carries the rows once)."""
    shared = layers[0]["data"]["values"]
    if all(layer["data"]["values"] is shared for layer in layers):
        return {"data": {"values": shared}, "layer": [{k: v for k, v in la.items() if k != "data"} for la in layers]}
    return {"layer": layers}


def _group_changes(data: pd.DataFrame) -> pd.DataFrame:
    if "group_change" not in data:  # long forms made elsewhere (briefings, the benchmark's peer) have none
        return pd.DataFrame(columns=["year", "group_change"])
    return data[(data["series"] == NEIGHBOURS) & data["group_change"].notna()]


def _group_change_marks(data: pd.DataFrame, x: dict) -> list[dict]:
    """A dotted rule at each year the neighbour group changes model (the line may jump there)."""
    marks = _group_changes(data)
    if marks.empty:
        return []
    rows = _records(marks[["year", "group_change"]])
    tip = _tips(("year:N", "Year"), ("group_change:N", "Neighbours"))
    rule = {"color": STYLE[NEIGHBOURS][0], "strokeDash": [1, 3], "strokeWidth": 2, "type": "rule"}
    text = {"align": "left", "baseline": "top", "color": "#7A5300", "dx": 3, "dy": 2, "fontSize": 10, "type": "text"}
    return [
        _layer(rows, rule, tooltip=tip, x=x),
        _layer(rows, text, text={"value": "new neighbour group"}, x=x, y={"value": 0}),
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


def export_chart(ind: Indicator, data: pd.DataFrame, target: float | None, council_name: str, as_at: str = "") -> dict:
    """The trend chart for a report: titled, with its caption, sources and date under the title."""
    lines = textwrap.wrap(caption(ind, data), 120) + textwrap.wrap(sources_line(data, as_at), 120)
    title = {"subtitle": lines, "subtitleFontSize": 10, "text": f"{ind.title}: {council_name}"}
    return trend(ind, data, target) | {"title": title, "width": 640}


def png(
    ind: Indicator, data: pd.DataFrame, target: float | None, council_name: str, scale: int = 3, as_at: str = ""
) -> bytes:
    """The trend chart as a PNG at print resolution (about 2000 px wide), titled and sourced."""
    import vl_convert as vlc

    return vlc.vegalite_to_png(json.dumps(export_chart(ind, data, target, council_name, as_at)), scale=scale)


def svg(ind: Indicator, data: pd.DataFrame, target: float | None, council_name: str, as_at: str = "") -> bytes:
    """The trend chart as SVG (for Word and print: sharp at any size), with a <title> and <desc> too."""
    import vl_convert as vlc

    drawn = vlc.vegalite_to_svg(json.dumps(export_chart(ind, data, target, council_name, as_at)))
    start = drawn.index(">", drawn.index("<svg")) + 1
    about = (
        f"<title>{html.escape(f'{ind.title}: {council_name}')}</title>"
        f"<desc>{html.escape(describe(ind, council_name, data) + ' ' + sources_line(data, as_at))}</desc>"
    )
    return (drawn[:start] + about + drawn[start:]).encode("utf-8")


def briefing_trend(ind: Indicator, data: pd.DataFrame, width: int = 460, height: int = 170) -> alt.LayerChart:
    """A simple trend for a screen read from across a room: few series, big labels, gaps kept (an Altair
    chart).

    No legend: the screen shows one key for all its charts (``briefing_key``), same styles.
    """
    import altair as alt

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
