"""Bright Spots survey results as a pledge page shows them: the council's answers in pledge
order, each beside its comparator, with the difference in words and whether it is significant.
"""

from __future__ import annotations

import pandas as pd

from cpdata.catalogue.catalogue import Catalogue, load_catalogue
from cpdata.core import fmt
from cpdata.core.datafolder import DataFolder
from cpdata.figures import compare, disclosure
from cpdata.store import queries


def bright_spots_table(
    folder: DataFolder, council: str, measure_ids: list[str], catalogue: Catalogue | None = None
) -> pd.DataFrame:
    """The council's survey results for these measures, comparators beside them, in pledge order."""
    catalogue = catalogue or load_catalogue(folder)
    df = queries.bright_spots(folder, council, measure_ids)
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
    """The survey table as shown: percentages beside the comparator, the difference in words.

    The council's own survey results follow the briefings' disclosure rule on the pages too: a percentage of
    fewer than ``disclosure.min_base()`` who answered is not shown, nor a count of 1 to 5 respondents."""
    rows = []
    for r in df.itertuples(index=False):
        diff = ""
        answered = None if fmt.is_missing(r.answered) else r.answered
        pct = disclosure.protect(r.percent, "percent", 0, None, answered)
        respondents = disclosure.protect(r.respondents, "count", 0)
        if not pct.withheld and not fmt.is_missing(r.comparator_percent) and not fmt.is_missing(r.percent):
            gap = fmt.half_up(fmt.exact(r.percent) - fmt.exact(r.comparator_percent), 0)
            word = compare.versus(r.percent, r.comparator_percent, r.polarity, 0)
            diff = f"{gap:+} points ({word})" if word else f"{gap:+} points"
        rows.append(
            {
                "Measure": r.measure,
                "Survey": f"{r.survey} {r.wave}",
                "Who answered": r.age_band,
                council_name: pct.text if pct.withheld else fmt.figure(r.percent, None, "percent", 0),
                "Comparator": r.comparator or "-",
                "Comparator %": fmt.figure(r.comparator_percent, None, "percent", 0),
                "Difference": diff or "-",
                "Significant at 95%": "-" if pct.withheld else _significance(r),
                "Bright Spot": "★ Bright Spot of practice" if r.bright_spot else "",
                "Survey respondents": "-"
                if fmt.is_missing(r.respondents)
                else (respondents.text if respondents.withheld else f"{int(r.respondents)}"),
            }
        )
    return pd.DataFrame(rows)
