"""Bright Spots results uploaded on the dashboard's survey template.

One row per council, survey, wave, age band and measure, with the percentage, the
comparator the survey reports and, where known, how many answered on each side.
"""

from __future__ import annotations

import pandas as pd

from cpdata.catalogue import aliases
from cpdata.core import symbols
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
SURVEYS = ("Your Life Your Care", "Your Life Beyond Care")


def is_survey_template(columns: list[str]) -> bool:
    return {"survey", "wave", "measure", "percent"} <= set(columns)


def cells(df: pd.DataFrame, lookup: dict[str, str], filename: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Rows with their file row numbers, plus every problem found, all at once."""
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
    out["measure_id"] = [aliases.match(m, "bright_spots") for m in out["measure"]]
    out["area_code_resolved"] = [lookup.get(str(a).strip().lower()) for a in out["area_code"]]
    problems: list[Problem] = []

    def each(mask: pd.Series, check: str, msg, fix: str, column: str) -> None:
        for r in out[mask].head(50).to_dict("records"):
            problems.append(Problem(check, "fail", msg(r), fix, int(r["_row"]), column))

    each(
        out["measure_id"].isna(),
        "unknown measure",
        lambda r: f"'{r['measure']}' is not a Bright Spots measure we know.",
        "Use a measure id or title from the catalogue.",
        "measure",
    )
    each(
        out["area_code_resolved"].isna(),
        "unknown area",
        lambda r: f"'{r['area_code']}' is not a council we know.",
        "Use the council's new code, old code or exact name.",
        "area_code",
    )
    each(
        ~out["survey"].isin(SURVEYS),
        "unknown survey",
        lambda r: f"'{r['survey']}' is not a Bright Spots survey.",
        f"Write the survey as {' or '.join(SURVEYS)}.",
        "survey",
    )
    each(
        ~out["wave"].astype(str).str.fullmatch(r"20\d\d"),
        "bad wave",
        lambda r: f"'{r['wave']}' is not a survey year.",
        "Write the year the survey ran, e.g. 2023.",
        "wave",
    )
    for col in ("percent", "count", "answered", "respondents", "comparator_percent", "comparator_answered"):
        each(
            ~out[col].map(symbols.parses).astype(bool),
            "not a number",
            lambda r, c=col: f"'{r[c]}' is not a number.",
            "Enter a number, or leave it blank.",
            col,
        )
    for col in ("percent", "comparator_percent"):
        values = out[col].map(symbols.number_or_none)
        each(
            values.notna() & ((values < 0) | (values > 100)),
            "percentage out of range",
            lambda r, c=col: f"{r[c]} is not a percentage between 0 and 100.",
            "Check the figure.",
            col,
        )
    each(
        ~out["bright_spot"].astype(str).str.lower().isin(["", "yes", "no"]),
        "bad flag",
        lambda r: f"'{r['bright_spot']}' should be yes, no or blank.",
        "Write yes where the report names a Bright Spot.",
        "bright_spot",
    )
    out["area_code_final"] = out["area_code_resolved"]
    dup = out.duplicated(["area_code_final", "survey", "wave", "age_band", "measure_id"], keep="first")
    each(
        dup & out["measure_id"].notna(),
        "duplicate rows",
        lambda r: f"a second result for {r['measure']}, {r['age_band']}, {r['wave']}.",
        "Keep one row for each measure, age band and survey year.",
        "(whole row)",
    )
    return out, problems


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
