"""Bright Spots results uploaded on the dashboard's survey template.

One row per council, survey, wave, age band and measure, with the percentage, the
comparator the survey reports and, where known, how many answered on each side.
"""

from __future__ import annotations

import pandas as pd

from cpdata.catalogue import aliases
from cpdata.core import symbols
from cpdata.core.datafolder import DataFolder
from cpdata.uploads.problems import Problem

REQUIRED = ["area_code", "survey", "wave", "age_band", "measure", "percent"]
OPTIONAL = [
    "count",
    "answered",
    "respondents",
    "comparator",
    "comparator_percent",
    "comparator_answered",
    "bright_spot",
    "source",
    "note",
]


def is_survey_template(columns: list[str]) -> bool:
    return {"survey", "wave", "measure", "percent"} <= set(columns)


def cells(
    folder: DataFolder, df: pd.DataFrame, lookup: dict[str, str], filename: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Rows with their file row numbers and resolved codes; a missing column is the only problem found here."""
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        return pd.DataFrame(), [
            Problem(
                "missing column",
                "fail",
                f"The column '{c}' is missing.",
                f"Add a column '{c}' (download the Bright Spots template).",
                None,
                c,
            )
            for c in missing
        ]
    out = df.copy()
    for c in OPTIONAL:
        if c not in out.columns:
            out[c] = ""
    out["_row"] = out.index + 2
    out["measure_id"] = [aliases.match(folder, m, "bright_spots") for m in out["measure"]]
    out["area_code_resolved"] = [lookup.get(str(a).strip().lower()) for a in out["area_code"]]
    out["area_code_final"] = out["area_code_resolved"]
    return out, []  # the rows are checked by ``cpdata.uploads.survey_checks``, with the other checks


def finalise(out: pd.DataFrame, extract_id: str, filename: str) -> pd.DataFrame:
    rows = []
    for r in out.to_dict("records"):
        rows.append(
            {
                "area_code": r["area_code_final"],
                "survey": r["survey"],
                "wave": int(r["wave"]),
                "age_band": str(r["age_band"]).strip(),
                "measure_id": r["measure_id"],
                "measure_text": r["measure"],
                "percent": symbols.number_or_none(r["percent"]),
                "count": symbols.number_or_none(r["count"]),
                "answered": symbols.number_or_none(r["answered"]),
                "respondents": symbols.number_or_none(r["respondents"]),
                "comparator": r["comparator"] or None,
                "comparator_percent": symbols.number_or_none(r["comparator_percent"]),
                "comparator_answered": symbols.number_or_none(r["comparator_answered"]),
                "bright_spot": str(r["bright_spot"]).lower() == "yes",
                "source": r["source"] or f"Bright Spots {r['wave']} (Coram Voice), uploaded as {filename}",
                "note": r["note"] or None,
                "extract_id": extract_id,
            }
        )
    return pd.DataFrame(rows)
