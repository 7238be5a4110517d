"""Trend charts (Altair), the same colours and shapes on every page.

Okabe-Ito colours are safe for colour-blind readers, and each series also has its own
point shape and dash, so colour is never the only signal. Lines break at missing or
suppressed years instead of dropping to zero.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from cpdata import fmt
from cpdata.catalogue import Indicator
from cpdata.views import SERIES_NAMES

SERIES = list(SERIES_NAMES.values())
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#555555"]  # council, neighbours, region, England
SHAPES = ["circle", "square", "triangle-up", "diamond"]
POLARITY_WORDS = {
    "higher": "higher is better",
    "lower": "lower is better",
    "neither": "neither higher nor lower is better",
}
DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3]]


def segments(data: pd.DataFrame) -> pd.DataFrame:
    """Number the unbroken runs of each series, so a line never bridges a missing year."""
    data = data.sort_values(["series", "period"]).copy()
    gap = data["value"].isna() | (data.groupby("series")["period"].diff().fillna(1) != 1)
    data["segment"] = data["series"] + "-" + gap.groupby(data["series"]).cumsum().astype(str)
    return data


def _json_safe(df: pd.DataFrame) -> alt.Data:
    """Inline records with missing values as JSON nulls (never NaN, which breaks the spec, and never 0)."""
    records = [
        {k: (None if fmt.is_missing(v) and not isinstance(v, str) else v) for k, v in r.items()}
        for r in df.to_dict("records")
    ]
    return alt.Data(values=records)


def axis_from_zero(ind: Indicator, values: pd.Series) -> bool:
    """Percentages far from zero get a zoomed axis (and the caption says so)."""
    v = values.dropna()
    if v.empty or ind.unit != "percent":
        return True
    return float(v.min()) < 25


def trend(ind: Indicator, data: pd.DataFrame, target: float | None = None, band: bool = True) -> alt.Chart:
    data = segments(data)
    shown = data[data["value"].notna()].copy()
    shown["label"] = [
        fmt.number(v, ind.unit, 1 if s == SERIES[1] else ind.decimals)
        for v, s in zip(shown["value"], shown["series"], strict=True)
    ]
    zero = axis_from_zero(ind, data["value"])
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=SERIES, range=COLOURS),
        legend=alt.Legend(title=None, orient="bottom", columns=2, labelLimit=260),
    )
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
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=SERIES, range=DASHES), legend=None),
    )
    points = base.mark_point(size=80, filled=True).encode(
        x=x,
        y=y,
        color=colour,
        shape=alt.Shape("series:N", scale=alt.Scale(domain=SERIES, range=SHAPES), legend=None),
        tooltip=tooltip,
    )
    layers: list[alt.Chart] = []
    rng = data[(data["series"] == SERIES[1]) & data["sn_min"].notna()]
    if band and not rng.empty:
        layers.append(
            alt.Chart(_json_safe(rng))
            .mark_area(opacity=0.15, color=COLOURS[1])
            .encode(
                x=x,
                y=alt.Y("sn_min:Q", scale=alt.Scale(zero=zero), title=fmt.unit_label(ind.unit)),
                y2="sn_max:Q",
                tooltip=[
                    alt.Tooltip("year:N", title="Year"),
                    alt.Tooltip("sn_min:Q", title="Lowest neighbour"),
                    alt.Tooltip("sn_max:Q", title="Highest neighbour"),
                ],
            )
        )
    layers += [lines, points]
    if target is not None and not fmt.is_missing(target):
        rule = alt.Chart(
            alt.Data(
                values=[{"target": float(target), "label": f"Target {fmt.number(target, ind.unit, ind.decimals)}"}]
            )
        )
        layers.append(rule.mark_rule(strokeDash=[4, 4], color="#CC79A7", strokeWidth=2).encode(y="target:Q"))
        layers.append(rule.mark_text(align="left", dx=4, dy=-6, color="#8B3A6B").encode(y="target:Q", text="label:N"))
    suppressed = data[(data["series"] == SERIES[0]) & data["value"].isna() & data["symbol"].notna()]
    if not suppressed.empty:
        layers.append(
            alt.Chart(_json_safe(suppressed))
            .mark_text(baseline="bottom", dy=-2, fontSize=13, color="#0072B2")
            .encode(
                x=x,
                y=alt.value(0),
                text="symbol:N",
                tooltip=[alt.Tooltip("year:N", title="Year"), alt.Tooltip("meaning:N", title="Council figure")],
            )
        )
    title = ind.short_title
    return alt.layer(*layers).properties(title=title, height=260)


def caption(ind: Indicator, data: pd.DataFrame) -> str:
    notes = []
    if not axis_from_zero(ind, data["value"]):
        notes.append("The vertical axis does not start at zero.")
    if data["value"].isna().any():
        notes.append("Gaps are years with no figure or a suppressed one (shown by its symbol), not zero.")
    notes.append(
        f"Shaded band: range of the statistical neighbours. {fmt.unit_label(ind.unit).capitalize()}; "
        f"{POLARITY_WORDS[ind.polarity]}."
    )
    return " ".join(notes)


def describe(ind: Indicator, council_name: str, data: pd.DataFrame) -> str:
    """A text alternative for the chart: what it plots and the council's figures year by year."""
    own = data[data["series"] == SERIES[0]].sort_values("period")
    points = [
        f"{y}: {fmt.figure(v, s, ind.unit, ind.decimals)}"
        for y, v, s in zip(own["year"], own["value"], own["symbol"], strict=True)
    ]
    return (
        f"Line chart of {ind.title}: {council_name} against its statistical neighbours, region and England. "
        f"{council_name} by year: " + "; ".join(points) + "."
    )
