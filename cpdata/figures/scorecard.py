"""An indicator's verdicts in marks and words: its row of the overview's scorecard, and the
bullet lines under its headline on a pledge page (vs neighbours, vs England, rank, target).
"""

from __future__ import annotations

import pandas as pd

from cpdata.core import fmt, periods, symbols
from cpdata.figures.views import IndicatorView

MARKS = {"better": "✔ better", "worse": "✖ worse", "in line": "= in line", "higher": "▲ higher", "lower": "▼ lower"}


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
                    "Neighbours' model": "-",
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
                "Year": v.year_label,
                "Council": v.shown() if v.value is not None else symbols.short(v.symbol),
                "Neighbours": v.shown("sn"),
                "vs neighbours": MARKS.get(v.vs_sn, "-"),
                "England": v.shown("england"),
                "vs England": MARKS.get(v.vs_england, "-"),
                "Change on year before": change,
                "Quartile (A best)": f"{v.quartile} ({v.rank}/{v.ranked})" if v.quartile else "-",
                "Basis": "published" if v.basis == "published" else "local figure",
                "Neighbours' model": _model(v),
            }
        )
    return pd.DataFrame(rows)


def shown_columns(table: pd.DataFrame) -> pd.DataFrame:
    """The scorecard as a pledge shows it: no column that is ``-`` on every line (a pledge with no figures held
    is its indicators and "no figures held yet"), and a Basis column only where some figure is a local one."""
    if table.empty:
        return table
    keep = [c for c in table.columns if c in ("Indicator", "Council") or (table[c] != "-").any()]
    if "Basis" in keep and not (table["Basis"] == "local figure").any():
        keep.remove("Basis")
    return table[keep]


def _model(v: IndicatorView) -> str:
    """Which neighbour group the mean is of, and why where it is not the model in force."""
    if v.sn_basis != "computed" or not v.sn_model:
        return "-" if v.sn_basis is None else "as published"
    return f"{v.sn_model} model" + (f" ({v.sn_note})" if v.sn_note else "")


# The same marks in a sentence: "✔ better than statistical neighbours", "= in line with England".
VERDICT_MARK = {word: f"{mark} {'with' if word == 'in line' else 'than'}" for word, mark in MARKS.items()}


def comparison_lines(v: IndicatorView) -> list[str]:
    """The bullet points under a headline: each comparison in words and symbols, rank, target."""
    lines = []
    for word, name, col in ((v.vs_sn, "statistical neighbours", "sn"), (v.vs_england, "England", "england")):
        if getattr(v, col) is None:
            lines.append(f"No {name} figure held for {periods.label(v.period)}")
        elif word:
            lines.append(f"{VERDICT_MARK[word]} {name} ({v.shown(col)})")
        else:
            if v.indicator.unit == "count" and col == "england":
                why = "a count, not comparable"
            elif col == "sn" and v.sn_too_few and v.value is not None:
                why = "too few neighbours with a figure to say better or worse"
            else:
                why = "no council figure to compare"
            lines.append(f"{name[0].upper()}{name[1:]}: {v.shown(col)} ({why})")
    if v.sn_note:
        lines.append(v.sn_note)
    if v.rank is not None:
        lines.append(f"Rank {v.rank} of {v.ranked} councils (1 is best) · quartile {v.quartile} (A is best)")
    if v.target is not None:
        lines.append(f"Target {v.shown('target')}: {v.target_status or 'not assessed'}")
    return lines
