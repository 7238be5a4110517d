"""The comparator rules, in one place, so that each is said wherever the figure it changes is shown.

- **Model in force.** DfE's April 2021 statistical-neighbour model is used up to 2023/24, its
  May 2025 model from 2024/25. A council that is not in the model in force (Cumberland and
  Westmorland & Furness before 2024/25; Cumbria and Northamptonshire, which they and others
  replaced, afterwards) is compared with its neighbours in the other model, and the page, the
  CSVs and the command line say so (``model_note``).
- **Few neighbours.** The neighbours' mean is of those with a figure. Where fewer than ten have
  one, the count goes with the mean (``8.2%, 1 of 10 neighbours``); below five, no better/worse
  verdict is drawn from it.
- **The group changes.** Where the model changes between two years the neighbours' line can
  jump because the group changed, not the figures; the trend chart marks the year
  (``model_changes``).
"""

from __future__ import annotations

import pandas as pd

from cpdata.core import periods
from cpdata.store.series_sql import MODEL_2025_FROM

FULL_GROUP = 10  # DfE names ten neighbours for each council
MIN_FOR_VERDICT = 5  # fewer neighbours with a figure than this: the mean is shown, not judged


def model_in_force(period: int) -> str:
    return "2025" if int(period) >= MODEL_2025_FROM else "2021"


def model_note(council_name: str, period: int, used: str) -> str:
    """Why the neighbours come from the other model, in words."""
    return (
        f"{council_name} is not in DfE's {model_in_force(period)} statistical-neighbour model "
        f"(in force for {periods.label(period)}), so its neighbours in the {used} model are used."
    )


def counted(shown: str, n: object, size: object) -> str:
    """The mean with its count where fewer than ten neighbours have a figure: ``8.2%, 1 of 10 neighbours``."""
    if n is None or pd.isna(n) or int(n) >= FULL_GROUP:  # type: ignore[arg-type]
        return shown
    group = FULL_GROUP if size is None or pd.isna(size) else int(size)  # type: ignore[arg-type]
    return f"{shown}, {int(n)} of {group} neighbours"  # type: ignore[arg-type]


def too_few(n: object) -> bool:
    """Too few neighbours with a figure to say better or worse (a computed mean of fewer than five)."""
    return n is not None and not pd.isna(n) and int(n) < MIN_FOR_VERDICT  # type: ignore[arg-type]


def model_changes(rows: pd.DataFrame) -> list[tuple[int, str, str]]:
    """(first year of the new group, old model, new model) wherever the neighbours' model changes
    between one year with a computed mean and the next."""
    held = rows[(rows["sn_basis"] == "computed") & rows["sn_model"].notna()].sort_values("period")
    models = held["sn_model"].tolist()
    years = [int(p) for p in held["period"]]
    return [(years[i], models[i - 1], models[i]) for i in range(1, len(models)) if models[i] != models[i - 1]]
