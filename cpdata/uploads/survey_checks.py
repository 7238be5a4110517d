"""Upload checks for Bright Spots results (the survey template), registered with the others in
``cpdata.uploads.checks.CHECKS``: a known measure, council, survey and year, numbers that are numbers,
percentages between 0 and 100, a yes/no flag, and one row for each result.

``cpdata.uploads.surveys.cells`` reads the rows (``area_code_resolved``, ``measure_id``, ``_row``); these
report every problem at once, naming the row and the column, as the figure checks do.
"""

from __future__ import annotations

import pandas as pd

from cpdata.core import schema, symbols
from cpdata.uploads.problems import Context, Problem, each_row

SURVEYS = ("Your Life Your Care", "Your Life Beyond Care")
NUMBER_COLUMNS = ("percent", "count", "answered", "respondents", "comparator_percent", "comparator_answered")
PERCENT_COLUMNS = ("percent", "comparator_percent")


def _fail(name: str, cells: pd.DataFrame, mask: pd.Series, message, fix: str, column: str) -> list[Problem]:
    return each_row(name, "fail", cells[mask.to_numpy()], message, fix, column=lambda r: column)


def survey_measure_known(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    return _fail(
        "unknown measure",
        cells,
        cells["measure_id"].isna(),
        lambda r: f"'{r['measure']}' is not a Bright Spots measure we know.",
        "Use a measure id or title from the catalogue.",
        "measure",
    )


def survey_area_known(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    return _fail(
        "unknown area",
        cells,
        cells["area_code_resolved"].isna(),
        lambda r: f"'{r['area_code']}' is not a council we know.",
        "Use the council's new code, old code or exact name.",
        "area_code",
    )


def survey_named(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    return _fail(
        "unknown survey",
        cells,
        ~cells["survey"].isin(SURVEYS),
        lambda r: f"'{r['survey']}' is not a Bright Spots survey.",
        f"Write the survey as {' or '.join(SURVEYS)}.",
        "survey",
    )


def survey_wave_valid(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    return _fail(
        "bad wave",
        cells,
        ~cells["wave"].astype(str).str.fullmatch(r"20\d\d"),
        lambda r: f"'{r['wave']}' is not a survey year.",
        "Write the year the survey ran, e.g. 2023.",
        "wave",
    )


def survey_numbers_parse(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    problems: list[Problem] = []
    for col in NUMBER_COLUMNS:
        problems += _fail(
            "not a number",
            cells,
            ~cells[col].map(symbols.parses).astype(bool),
            lambda r, c=col: f"'{r[c]}' is not a number.",
            "Enter a number, or leave it blank.",
            col,
        )
    return problems


def survey_percent_in_range(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    problems: list[Problem] = []
    for col in PERCENT_COLUMNS:
        values = cells[col].map(symbols.number_or_none)
        problems += _fail(
            "percentage out of range",
            cells,
            values.notna() & ((values < 0) | (values > 100)),
            lambda r, c=col: f"{r[c]} is not a percentage between 0 and 100.",
            "Check the figure.",
            col,
        )
    return problems


def survey_flag_valid(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    return _fail(
        "bad flag",
        cells,
        ~cells["bright_spot"].astype(str).str.lower().isin(["", "yes", "no"]),
        lambda r: f"'{r['bright_spot']}' should be yes, no or blank.",
        "Write yes where the report names a Bright Spot.",
        "bright_spot",
    )


def survey_no_duplicates(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    key = ["area_code_resolved" if c == "area_code" else c for c in schema.SURVEY_KEY]
    dup = cells.duplicated(key, keep="first")
    return _fail(
        "duplicate rows",
        cells,
        dup & cells["measure_id"].notna(),
        lambda r: f"a second result for {r['measure']}, {r['age_band']}, {r['wave']}.",
        "Keep one row for each measure, age band and survey year.",
        "(whole row)",
    )
