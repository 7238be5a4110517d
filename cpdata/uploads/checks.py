"""Upload checks: a list of small functions, each returning problems of one shape.

Like DfE's data screener: every problem is reported at once, naming the row, the column,
what is wrong and how to fix it. ``fail`` blocks the upload; ``advisory`` warns. The checks
here ask whether each row names a known indicator, area and year, only once, and holds a number
or a symbol; those in ``cpdata.uploads.number_checks`` ask whether the numbers are sensible, and those
in ``cpdata.uploads.survey_checks`` read Bright Spots results. All are registered in ``CHECKS``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import pandas as pd

from cpdata.core import periods, schema
from cpdata.core.plain_text import UNSAFE, unsafe_characters
from cpdata.uploads import number_checks, survey_checks
from cpdata.uploads.cell_values import parse_cells
from cpdata.uploads.problems import Check, Context, Problem, each_row


def not_empty(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    if cells.empty:
        return [Problem("empty", "fail", "The file has a header but no figures.", "Add at least one row of figures.")]
    return []


# The file's own name for a cells column (the template's names; a survey's cells keep the file's names).
FILE_COLUMNS = {"area_given": "area_code", "area_name_given": "area_name", "period_given": "period"}
FILE_COLUMNS |= {"raw_numerator": "numerator", "raw_denominator": "denominator"}


def text_is_plain(cells: pd.DataFrame, ctx: Context | None = None) -> list[Problem]:
    """No line break, control or bidirectional character in any cell: each would change how the text shows
    (a new line under a figure, words reversed) wherever it is quoted, so it is refused where it is.

    One search over each column's distinct cells joined together finds nothing in a clean file (most
    columns hold a few distinct values); only a column with a hit is searched cell by cell.
    """
    problems: list[Problem] = []
    for name in [c for c in cells.columns if not str(c).startswith("_")]:
        column = cells[name]
        if column.dtype.kind not in "OSUT":  # only text can hold a character
            continue
        distinct = [v for v in column.unique() if isinstance(v, str)]  # unique() first: arrow strings stay arrow
        if not UNSAFE.search("".join(distinct)):
            continue
        bad = cells[column.isin([v for v in distinct if UNSAFE.search(v)])]
        problems += each_row(
            "unsafe characters",
            "fail",
            bad,
            lambda r, n=name: (
                f"The text {_quoted(r[n])} contains {' and '.join(unsafe_characters(r[n]))}, which would "
                "change how it shows on screen."
            ),
            "Delete the character (Excel's CLEAN() removes line breaks and control characters); if it is in "
            "the source you typed on the page, correct it there.",
            column=lambda r, n=name: (
                (r.get("_column") if n == "raw_value" else r.get("_indicator_column") if n == "indicator_id" else None)
                or FILE_COLUMNS.get(n, n)
            ),
        )
    return problems


def survey_text_is_plain(cells: pd.DataFrame, ctx: Context | None = None) -> list[Problem]:
    """The same for a Bright Spots file (its cells keep the file's own column names)."""
    return text_is_plain(cells, ctx)


def _quoted(text: str, limit: int = 60) -> str:
    shown = UNSAFE.sub(" ", text)
    return repr(shown if len(shown) <= limit else shown[: limit - 1] + "…")


def indicator_known(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    bad = cells[~cells["indicator_id"].isin(ctx.catalogue.indicators)]
    known = list(ctx.catalogue.indicators)

    def msg(r: pd.Series) -> str:
        close = difflib.get_close_matches(str(r["indicator_id"]), known, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        return f"'{r['indicator_id']}' is not an indicator in the catalogue.{hint}"

    return each_row(
        "unknown indicator",
        "fail",
        bad.drop_duplicates("indicator_id"),
        msg,
        "Use an indicator id from the catalogue (download the template for the list).",
        column=lambda r: r.get("_indicator_column") or "indicator_id",
    )


def area_known(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    bad = cells[cells["area_code"].isna()]
    return each_row(
        "unknown area",
        "fail",
        bad.drop_duplicates("area_given"),
        lambda r: f"'{r['area_given']}' is not a council, region or England code we know.",
        "Use the council's new code (e.g. E09000003), old code (302) or exact name.",
        column=lambda r: "area_code",
    )


def area_name_matches(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    """The council a row names (and, in a DfE file, its old code) is the council its code is.

    In the template any other name fails. In a DfE file (``la_name``, ``old_la_code``) a name or old code
    that belongs to another council fails; a name that is only spelt differently (DfE's own names vary
    between publications: "St. Helens", "St Helens") is an advisory, so a real file is never refused for it.
    """
    problems: list[Problem] = []
    names = dict(zip(ctx.areas["area_code"], ctx.areas["name"], strict=True))
    dfe = "_name_column" in cells
    if "area_name_given" in cells and not cells["area_name_given"].isna().all():
        given = cells[cells["area_name_given"].notna() & cells["area_code"].notna()]
        pairs = given[["area_name_given", "area_code"]].drop_duplicates()
        wrong = {
            (n, c)
            for n, c in zip(pairs["area_name_given"], pairs["area_code"], strict=True)
            if (
                _plain_name(n) != _plain_name(names.get(c, ""))
                if dfe
                else str(n).strip().lower() != str(names.get(c, "")).lower()
            )
        }
        bad = given[[(n, c) in wrong for n, c in zip(given["area_name_given"], given["area_code"], strict=True)]]
        bad = bad.drop_duplicates(["area_code", "area_name_given"])
        owner = {_plain_name(n): c for c, n in names.items()}
        other = bad["area_name_given"].map(lambda n: owner.get(_plain_name(n))).fillna("")
        clash = (other != "") & (other != bad["area_code"]) if dfe else pd.Series(True, index=bad.index)
        for severity, rows in (("fail", bad[clash]), ("advisory", bad[~clash])):
            problems += each_row(
                "code and name disagree",
                severity,
                rows,
                lambda r: (
                    f"code {r['area_given']} is {names.get(r['area_code'])}, "
                    f"but the row names '{r['area_name_given']}'."
                ),
                "Correct the code or the name so they agree."
                if severity == "fail"
                else "Check the row is for the council its code says (the name may only be spelt differently).",
                column=lambda r: r.get("_name_column") or "area_name",
            )
    if "area_old_given" in cells and not cells["area_old_given"].isna().all():
        old = dict(zip(ctx.areas["area_code"], ctx.areas["old_code"], strict=True))
        given = cells[cells["area_old_given"].notna() & cells["area_code"].notna()]
        pairs = given[["area_old_given", "area_code"]].drop_duplicates()
        wrong = {
            (o, c)
            for o, c in zip(pairs["area_old_given"], pairs["area_code"], strict=True)
            if old.get(c) is not None and str(o).strip() != str(old[c])
        }
        bad = given[[(o, c) in wrong for o, c in zip(given["area_old_given"], given["area_code"], strict=True)]]
        problems += each_row(
            "codes disagree",
            "fail",
            bad.drop_duplicates(["area_code", "area_old_given"]),
            lambda r: (
                f"new code {r['area_code']} is {names.get(r['area_code'])} (old code {old.get(r['area_code'])}), "
                f"but the row's old code is {r['area_old_given']}."
            ),
            "Correct the old or the new code so they are the same council (download the file again from DfE).",
            column=lambda r: "old_la_code",
        )
    return problems


def _plain_name(name: object) -> str:
    """A council's name for comparing spellings: letters and digits only, '&' as 'and', no 'City of'."""
    text = str(name or "").lower().replace("&", "and")
    text = "".join(ch for ch in text if ch.isalnum())
    return text.replace("cityof", "").replace("countyof", "")


def period_valid(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    bad = cells[cells["period"].isna()]
    problems = each_row(
        "bad period",
        "fail",
        bad,
        lambda r: f"'{r['period_given']}' is not a year.",
        "Write the year as 2020/21 (or 2021 for the year ending March 2021).",
        column=lambda r: r.get("_period_column") or "period",
    )
    styles = {_style(str(p)) for p in cells["period_given"].dropna().unique()}
    if len(styles) > 1:
        problems.append(
            Problem(
                "mixed periods",
                "fail",
                f"Years are written in more than one way ({', '.join(sorted(styles))}).",
                "Write every year the same way, e.g. 2020/21.",
                column="period",
            )
        )
    return problems


def _style(text: str) -> str:
    t = text.strip()
    if "/" in t or "-" in t:
        return "2020/21"
    return {4: "2021", 6: "202021"}.get(len(t), t)


def value_parses(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    problems = []
    for part in ("value", "numerator", "denominator"):
        raw = cells.get(f"raw_{part}")
        if raw is None:
            continue
        bad = cells[~parse_cells(raw)["ok"].to_numpy()]
        problems += each_row(
            "not a number",
            "fail",
            bad,
            lambda r, p=part: f"'{r[f'raw_{p}']}' is neither a number nor a known symbol (c, x, z, k, low, u, N/A).",
            "Enter a number, or the symbol for a withheld figure; leave blank if nothing is published.",
            # The file's own column (a DfE file's "number"), not ours ("numerator").
            column=lambda r, p=part: r["_column"] if p == "value" else (r.get(f"_{p}_column") or p),
        )
    return problems


def no_duplicates(cells: pd.DataFrame, ctx: Context) -> list[Problem]:
    repeated = cells.duplicated(list(schema.FIGURE_KEY), keep="first")
    dup = cells[repeated & cells["area_code"].notna() & cells["period"].notna()]
    return each_row(
        "duplicate rows",
        "fail",
        dup,
        lambda r: f"a second figure for {r['indicator_id']}, {r['area_given']}, {periods.label(r['period'])}.",
        "Keep one row for each indicator, area and year (delete or correct the repeat).",
        column=lambda r: "(whole row)",
    )


@dataclass(frozen=True)
class Registered:
    """A check and the kind of upload it reads: ``figures`` (template, DfE file, wide table) or
    ``bright_spots`` (the survey template)."""

    check: Check
    kind: str

    @property
    def name(self) -> str:
        return self.check.__name__


def _all(kind: str, *fns: Check) -> list[Registered]:
    return [Registered(fn, kind) for fn in fns]


# Every upload check, in the order its problems are listed (tests/unit/test_checks.py proves that each
# check function is here and has a file that fails it).
CHECKS: list[Registered] = [
    *_all(
        "figures",
        not_empty,
        text_is_plain,
        indicator_known,
        area_known,
        area_name_matches,
        period_valid,
        value_parses,
        number_checks.percent_scale,
        number_checks.percent_in_range,
        number_checks.count_not_negative,
        no_duplicates,
        number_checks.sn_agrees,
        number_checks.plausible_move,
    ),
    *_all(
        "bright_spots",
        survey_text_is_plain,
        survey_checks.survey_measure_known,
        survey_checks.survey_area_known,
        survey_checks.survey_named,
        survey_checks.survey_wave_valid,
        survey_checks.survey_numbers_parse,
        survey_checks.survey_percent_in_range,
        survey_checks.survey_flag_valid,
        survey_checks.survey_no_duplicates,
    ),
]


def run(cells: pd.DataFrame, ctx: Context, kind: str = "figures") -> list[Problem]:
    """Every check for this kind of upload, in order, so the analyst sees all that is wrong at once."""
    problems: list[Problem] = []
    for registered in CHECKS:
        if registered.kind == kind:
            problems += registered.check(cells, ctx)
    return problems
