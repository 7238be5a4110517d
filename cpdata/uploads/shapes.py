"""Recognising an upload's shape and turning its table into cells, one row per figure, still text.

Three shapes of figures are accepted: the dashboard's tidy template, DfE's Explore Education
Statistics open-data CSVs (via recipes), and a council's wide performance table; a Bright Spots
survey is recognised here and read by ``cpdata.uploads.surveys``. ``cpdata.uploads.ingest`` checks the cells.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from cpdata.catalogue import aliases
from cpdata.core import periods, schema
from cpdata.core.datafolder import DataFolder
from cpdata.uploads import ees, surveys, wide
from cpdata.uploads.cell_values import parse_cells, year_or_none
from cpdata.uploads.problems import Problem, fail

if TYPE_CHECKING:  # ingest calls these with its options; importing it here would be circular
    from cpdata.uploads.ingest import Options

TEMPLATE_REQUIRED = ["indicator_id", "area_code", "period", "value"]
TEMPLATE_OPTIONAL = ["area_name", "numerator", "denominator", "figure_type", "basis", "source", "note"]


def reading_problems(df: pd.DataFrame) -> list[Problem]:
    """What the reader found it could not read as it stands: rows with fewer cells than the header (or extra
    cells with something in them), and Excel cells that show blank but are not (a formula never calculated,
    an error value). Each would otherwise be read as an empty cell and its figure silently left out."""
    return _unreadable_cells(df) + _ragged_rows(df)


def _unreadable_cells(df: pd.DataFrame) -> list[Problem]:
    fix = (
        "Open the workbook in Excel (which calculates every formula), correct any error cell or leave it empty, "
        "save it and upload it again; or paste the figures as values."
    )
    out = [
        Problem("no saved value", "fail", f"The cell holds {what}, which cannot be read as a figure.", fix, row, col)
        for row, col, what in df.attrs.get("unreadable", [])
    ]
    if df.attrs.get("unreadable_count", 0) > len(out):
        more = df.attrs["unreadable_count"] - len(out)
        out.append(Problem("no saved value", "fail", f"... and {more} more cells like these.", fix))
    return out


def _ragged_rows(df: pd.DataFrame) -> list[Problem]:
    found = df.attrs.get("ragged")
    if not found:
        return []
    header, width = [str(c) for c in df.columns], found["width"]
    fix = (
        "Every row needs a cell for every column: look for a missing or extra comma (a comma inside a figure "
        "or name needs the cell in double quotes), or leave the cell empty; then upload the file again."
    )
    out = []
    for row, cells in found["rows"]:
        if cells < width:
            what = f"Row {row} has {cells} cells but the header has {width}: nothing for '{header[cells]}'"
            what += " and the columns after it." if cells < width - 1 else "."
            out.append(Problem("ragged row", "fail", what, fix, row, header[cells]))
        else:
            what = f"Row {row} has {cells} cells but the header has {width}: the extra cells have no column."
            out.append(Problem("ragged row", "fail", what, fix, row, "(beyond the last column)"))
    if found["count"] > len(found["rows"]):
        out.append(
            Problem("ragged row", "fail", f"... and {found['count'] - len(found['rows'])} more rows like these.", fix)
        )
    return out


def detect(df: pd.DataFrame) -> str:
    """Which shape the file is, from its headers alone, so the right reading is used."""
    cols = [c.strip() for c in df.columns]
    if surveys.is_survey_template(cols):
        return "bright_spots"
    if set(TEMPLATE_REQUIRED) <= set(cols):
        return "template"
    if ees.is_ees(cols):
        return "ees"
    if wide.columns(df):
        return "wide"
    lowered = {c.lower().replace(" ", "_") for c in cols}
    if len(set(TEMPLATE_REQUIRED) & lowered) >= 2:
        return "template"
    return "unknown"


def template_cells(df: pd.DataFrame, filename: str, options: Options) -> tuple[pd.DataFrame, list[Problem]]:
    """The template's rows as cells; a missing column or a figure type or basis we do not know fails."""
    problems = []
    cols = set(df.columns)
    for need in TEMPLATE_REQUIRED:
        if need not in cols:
            close = difflib.get_close_matches(need, list(cols), n=1, cutoff=0.6)
            hint = f" The file has '{close[0]}': rename it to '{need}'." if close else f" Add a column '{need}'."
            problems.append(fail("missing column", f"The column '{need}' is missing.", hint.strip(), need))
    if problems:
        return pd.DataFrame(), problems
    get = lambda name, default="": df[name].str.strip() if name in cols else pd.Series(default, index=df.index)  # noqa: E731
    cells = pd.DataFrame(
        {
            "indicator_id": get("indicator_id"),
            "area_given": get("area_code"),
            "area_name_given": get("area_name").replace("", None) if "area_name" in cols else None,
            "period_given": get("period"),
            "figure_type": get("figure_type").replace("", "value"),
            "basis": get("basis").replace("", "local"),
            "raw_value": get("value"),
            "raw_numerator": get("numerator"),
            "raw_denominator": get("denominator"),
            "source": get("source").replace("", options.source or f"Uploaded file {filename}"),
            "note": get("note").replace("", None),
            "_row": df.index + 2,
            "_column": "value",
        }
    )
    allowed = {
        "figure_type": (schema.FIGURE_TYPES, "bad figure type", "a figure type", "or leave blank for 'value'"),
        "basis": (schema.BASES, "bad basis", "a basis", "or leave blank for 'local'"),
    }
    for column, (values, check, what, blank) in allowed.items():
        for r in cells[~cells[column].isin(values)].head(20).to_dict("records"):
            fix = f"Use one of {', '.join(values)}, {blank}."
            problems.append(Problem(check, "fail", f"'{r[column]}' is not {what}.", fix, int(r["_row"]), column))
    return cells, problems


def ees_cells(df: pd.DataFrame, recipe: ees.Recipe) -> tuple[pd.DataFrame, list[Problem]]:
    """An EES file's cells through the recipe that knows it (``ingest`` finds it, or the analyst maps one)."""
    missing = _ees_missing_columns(df, recipe)
    if missing:
        return pd.DataFrame(), [
            fail(
                "missing column",
                f"The file looks like '{recipe.name}' but has no column {', '.join(repr(c) for c in missing)}.",
                "Download the file again from Explore Education Statistics and upload it without removing columns.",
                missing[0],
            )
        ]
    cells = ees.to_cells(df, recipe)
    if cells.empty:
        return cells, [
            fail(
                "no rows",
                f"The file matches '{recipe.name}' but has no rows for its indicators.",
                "Check the filter values (e.g. age group, breakdown) are as DfE publishes them.",
            )
        ]
    return cells, unused_row_advisories(df, recipe)


UNUSED_LISTED = 20


def unused_row_advisories(df: pd.DataFrame, recipe: ees.Recipe) -> list[Problem]:
    """Cells that are neither a number nor a symbol in rows no indicator of the recipe reads (another
    breakdown, say): nothing is taken from them, so they block nothing, but they are listed, not skipped
    in silence, in case the row was meant to be read (a filter value mistyped, a figure pasted in the
    wrong row)."""
    used = pd.Series(False, index=df.index)
    for ind in recipe.indicators:
        for filters in (ind.filters, {**ind.filters, **(ind.denominator_filters or {})} if ind.denominator else None):
            if filters is None:
                continue
            mask = pd.Series(True, index=df.index)
            for col, wanted in filters.items():
                mask &= df[col].fillna("").astype(str) == wanted
            used |= mask
    unused = df[~used]
    if unused.empty:
        return []
    columns = dict.fromkeys(
        c for i in recipe.indicators for c in (i.value, i.numerator, i.denominator) if c and c in df.columns
    )
    out: list[Problem] = []
    fix = "Nothing is read from this row. If it should be, check its filter values against the recipe's."
    for col in columns:
        raw = unused[col].fillna("").astype(str).str.strip()
        bad = raw[~parse_cells(raw)["ok"].to_numpy()]
        for at, cell in bad.head(UNUSED_LISTED).items():
            message = f"'{cell}' is neither a number nor a known symbol; no indicator uses this row."
            out.append(Problem("unused row", "advisory", message, fix, int(at) + 2, col))
        if len(bad) > UNUSED_LISTED:
            more = f"... and {len(bad) - UNUSED_LISTED} more cells like these in rows no indicator uses."
            out.append(Problem("unused row", "advisory", more, fix, None, col))
    return out


def _ees_missing_columns(df: pd.DataFrame, recipe: ees.Recipe) -> list[str]:
    """Columns the recipe (and the file's own geographic levels) need that the file lacks."""
    need = {
        c
        for i in recipe.indicators
        for c in (i.value, i.numerator, i.denominator, *i.filters, *(i.denominator_filters or {}))
        if c
    }
    levels = set(df["geographic_level"].astype(str))
    need |= {"region_code"} if "Regional" in levels else set()
    need |= {"new_la_code"} if "Local authority" in levels else set()
    return sorted(need - set(df.columns))


@dataclass(frozen=True)
class NeedsRecipe:
    """A DfE file that no recipe knows, as the analyst maps it: its filter columns (each with its values),
    its columns of figures, and what we recognised in it. A state of its own, so no page compares strings."""

    filters: dict[str, list[str]]
    numbers: list[str]
    description: str

    @classmethod
    def of(cls, df: pd.DataFrame) -> NeedsRecipe:
        filters, numbers = ees.columns_of(df)
        years = sorted({periods.label(y) for y in map(year_or_none, df["time_period"].astype(str).unique()) if y})
        levels = sorted(set(df["geographic_level"].astype(str)))
        text = (
            "This is an Explore Education Statistics file, but no recipe maps it to the catalogue. "
            f"Filters: {', '.join(filters) or 'none'}. Indicator columns: {', '.join(numbers) or 'none'}. "
            f"Years: {', '.join(years)}. Geographies: {', '.join(levels)}."
        )
        return cls(filters, numbers, text)

    def problem(self) -> Problem:
        """The file cannot be applied as it is: said as a problem, for the command line and the checks' list."""
        return fail("no recipe", self.description, "Map it to an indicator below, or ask for a recipe.")


def wide_cells(folder: DataFolder, df: pd.DataFrame, options: Options) -> tuple[pd.DataFrame, list[Problem], dict]:
    """A wide table's cells for ``options.council``, plus the row names we could not match (with a suggestion)."""
    problems = []
    if not options.council:
        no_council = fail(
            "no council",
            "A wide table does not say whose figures it holds.",
            "Choose the council these figures are for (on the command line: --council).",
        )
        return pd.DataFrame(), [no_council], {}
    name_col = df.columns[0]
    ids, unmatched = {}, {}
    for name in df[name_col].astype(str).str.strip():
        if not name:
            continue
        found = options.mapping.get(name) or aliases.match(folder, name)
        if found:
            ids[name] = found
        else:
            unmatched[name] = aliases.suggest(folder, name)
    for i, name in enumerate(df[name_col].astype(str).str.strip()):
        if name in unmatched:
            hint = (
                f"The closest is '{unmatched[name]}': confirm it"
                if unmatched[name]
                else "Choose the indicator it measures"
            )
            problems.append(
                Problem(
                    "unmatched indicator",
                    "fail",
                    f"'{name}' is not a name we know.",
                    f"{hint} in the mapping, or rename the row.",
                    i + 2,
                    str(name_col),
                )
            )
    rows = []
    for i, r in df.iterrows():
        name = str(r[name_col]).strip()
        if name not in ids:
            continue
        for col in wide.columns(df):
            raw = str(r[col.header]).strip()
            if raw == "":
                continue  # a blank cell publishes nothing
            label = {
                "value": "local outturn",
                "sn_average": "statistical neighbours as published",
                "national": "national as published",
                "target": "local target",
            }[col.figure_type]
            rows.append(
                {
                    "indicator_id": ids[name],
                    "area_given": options.council,
                    "period_given": periods.label(col.period),
                    "figure_type": col.figure_type,
                    "basis": "local" if col.figure_type in ("value", "target") else "published",
                    "raw_value": raw,
                    "raw_numerator": "",
                    "raw_denominator": "",
                    "source": f"{options.source or 'Council performance table'}, {label}",
                    "note": f"row '{name}', column '{col.header}'",
                    "_row": i + 2,
                    "_column": col.header,
                }
            )
    return pd.DataFrame(rows), problems, unmatched
