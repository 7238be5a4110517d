"""Where figures came from: the extracts held, their sources, and the symbol legend."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cpdata.catalogue.catalogue import Framework
from cpdata.core import symbols
from cpdata.core.datafolder import DataFolder
from cpdata.store import reference, store


def extracts_table(folder: DataFolder) -> pd.DataFrame:
    """The extracts of the version being shown (the pinned one during a page run), as "as at" reads them."""
    manifest = store.manifest(folder)
    rows = [
        {
            "Extract": e["id"],
            "What it holds": e.get("description", ""),
            "Source file": e.get("source_file", ""),
            "Rows": e.get("rows"),
            "Applied": e.get("applied_at", ""),
            "By": e.get("applied_by", ""),
            "Status": "active" if e.get("active") else "undone",
            "Illustrative": "yes — not published figures" if e.get("illustrative") else "no",
        }
        for e in manifest["extracts"]
    ]
    return pd.DataFrame(rows)


def as_at(folder: DataFolder) -> str:
    """The date of the newest active extract of the version being shown: what "as at" means on screen."""
    dates = [e.get("applied_at", "") for e in store.manifest(folder)["extracts"] if e.get("active")]
    return max(dates)[:10] if dates else "no data held"


def illustrative(folder: DataFolder) -> bool:
    """Whether the version being shown holds figures that are not published ones (synthetic data, marked
    so in the manifest or on an active extract): every page and the briefing pack then say so."""
    manifest = store.manifest(folder)
    return bool(manifest.get("illustrative")) or any(
        e.get("active") and e.get("illustrative") for e in manifest["extracts"]
    )


def frameworks_table(frameworks: Mapping[str, Framework]) -> pd.DataFrame:
    """The frameworks loaded, so an analyst can see a council's own file was picked up."""
    rows = [
        {
            "Framework": fw.title,
            "Pledges": len(fw.pledges),
            "Indicators": len(fw.indicator_ids()),
            "Source": fw.source,
        }
        for fw in frameworks.values()
    ]
    return pd.DataFrame(rows)


def symbols_table() -> pd.DataFrame:
    """Every symbol a file may hold, then the marks the dashboard puts in place of a figure it withholds."""
    marks = {
        **symbols.MEANINGS,
        **{k: f"{v} (a council's own count; the dashboard's mark)" for k, v in symbols.SHOWN_ONLY.items()},
    }
    return pd.DataFrame([{"Symbol": k, "Meaning": v} for k, v in marks.items()])


def neighbours_table(folder: DataFolder, council: str, model: str) -> pd.DataFrame:
    df = reference.neighbours(folder, council, model)
    if df.empty:
        return pd.DataFrame({"Note": [f"This council is not in the {model} model."]})
    return df.rename(
        columns={
            "rank": "Rank",
            "name": "Council",
            "old_code": "Old code",
            "area_code": "New code",
            "closeness": "Closeness",
        }
    )[["Rank", "Council", "Old code", "New code", "Closeness"]]
