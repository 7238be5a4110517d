"""Uploads: recognise the file's shape, turn it into cells, check them, preview the change.

Three shapes are accepted: the dashboard's tidy template, DfE's Explore Education
Statistics open-data CSVs (via recipes), and a council's wide performance table.
Nothing is written here; ``cpdata.uploads`` applies a checked upload.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cpdata import aliases, checks, ees, periods, queries, readers, schema, store, surveys, symbols, wide
from cpdata.catalogue import load_catalogue
from cpdata.cell_values import each_distinct, parse_cells
from cpdata.problems import Context, Problem

TEMPLATE_REQUIRED = ["indicator_id", "area_code", "period", "value"]
TEMPLATE_OPTIONAL = ["area_name", "numerator", "denominator", "figure_type", "basis", "source", "note"]


@dataclass
class Options:
    """Choices the analyst makes on upload."""

    sheet: str | None = None
    council: str | None = None  # for a wide table: whose figures these are
    mapping: dict[str, str] = field(default_factory=dict)  # wide-table names -> indicator ids, confirmed
    percent_scale: str = "auto"  # auto | percent | proportion
    source: str | None = None
    recipe: ees.Recipe | None = None  # an EES mapping made in the page, for a file no recipe knows


@dataclass
class Prepared:
    filename: str
    shape: str  # template | ees | wide | bright_spots | unknown
    problems: list[Problem]
    cells: pd.DataFrame = field(default_factory=pd.DataFrame)
    figures: pd.DataFrame = field(default_factory=pd.DataFrame)
    unmatched: dict[str, str | None] = field(default_factory=dict)  # wide names with a suggestion

    @property
    def kind(self) -> str:
        """Which store table it goes to: ``figures`` or ``bright_spots``."""
        return "bright_spots" if self.shape == "bright_spots" else "figures"

    @property
    def failed(self) -> bool:
        return any(p.severity == "fail" for p in self.problems)


def _fail(check: str, message: str, fix: str, column: str | None = None) -> Problem:
    return Problem(check, "fail", message, fix, None, column)


def detect(df: pd.DataFrame) -> str:
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


def _template_cells(df: pd.DataFrame, filename: str, options: Options) -> tuple[pd.DataFrame, list[Problem]]:
    problems = []
    cols = set(df.columns)
    for need in TEMPLATE_REQUIRED:
        if need not in cols:
            close = difflib.get_close_matches(need, list(cols), n=1, cutoff=0.6)
            hint = f" The file has '{close[0]}': rename it to '{need}'." if close else f" Add a column '{need}'."
            problems.append(_fail("missing column", f"The column '{need}' is missing.", hint.strip(), need))
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


def _ees_cells(df: pd.DataFrame, filename: str, options: Options) -> tuple[pd.DataFrame, list[Problem]]:
    recipe = options.recipe or ees.find_recipe(df)
    if recipe is None:
        return pd.DataFrame(), [
            _fail("no recipe", describe_unmapped(df), "Map it to an indicator below, or ask for a recipe.")
        ]
    missing = _ees_missing_columns(df, recipe)
    if missing:
        return pd.DataFrame(), [
            _fail(
                "missing column",
                f"The file looks like '{recipe.name}' but has no column {', '.join(repr(c) for c in missing)}.",
                "Download the file again from Explore Education Statistics and upload it without removing columns.",
                missing[0],
            )
        ]
    cells = ees.to_cells(df, recipe)
    if cells.empty:
        return cells, [
            _fail(
                "no rows",
                f"The file matches '{recipe.name}' but has no rows for its indicators.",
                "Check the filter values (e.g. age group, breakdown) are as DfE publishes them.",
            )
        ]
    return cells, []


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


def _year_or_none(text: str) -> int | None:
    try:
        return periods.parse(text)
    except ValueError:
        return None


def describe_unmapped(df: pd.DataFrame) -> str:
    """What we recognised in an EES file with no recipe, so the analyst can map it."""
    filters, numeric = ees.columns_of(df)
    years = sorted({periods.label(y) for y in map(_year_or_none, df["time_period"].astype(str).unique()) if y})
    levels = sorted(set(df["geographic_level"].astype(str)))
    return (
        "This is an Explore Education Statistics file, but no recipe maps it to the catalogue. "
        f"Filters: {', '.join(filters) or 'none'}. Indicator columns: {', '.join(numeric) or 'none'}. "
        f"Years: {', '.join(years)}. Geographies: {', '.join(levels)}."
    )


def wide_cells(df: pd.DataFrame, options: Options) -> tuple[pd.DataFrame, list[Problem], dict]:
    problems = []
    if not options.council:
        no_council = _fail(
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
        found = options.mapping.get(name) or aliases.match(name)
        if found:
            ids[name] = found
        else:
            unmatched[name] = aliases.suggest(name)
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


def _resolve(cells: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    lookup = _area_lookup(areas)
    cells = cells.copy()
    cells["area_code"] = each_distinct(cells["area_given"], lambda a: lookup.get(str(a).strip().lower()))

    def period(text: object) -> int | None:
        try:
            return periods.parse(str(text))
        except ValueError:
            return None

    cells["period"] = each_distinct(cells["period_given"], period)
    return cells


def _held(cells: pd.DataFrame, data_dir: Path | None) -> pd.DataFrame:
    ids = sorted(set(cells["indicator_id"].dropna().unique()))  # unique() first: one value each, not a cell each
    areas = sorted(set(cells["area_code"].dropna().unique()))
    if not ids or not areas:
        return pd.DataFrame(columns=["indicator_id", "area_code", "period", "figure_type", "basis", "value", "symbol"])
    cur = store.cursor(data_dir)
    try:
        return cur.execute(
            "SELECT indicator_id, area_code, period, figure_type, basis, value, symbol, source, extract_id "
            "FROM figures WHERE indicator_id IN (SELECT unnest($i::VARCHAR[])) "
            "AND area_code IN (SELECT unnest($a::VARCHAR[]))",
            {"i": ids, "a": areas},
        ).df()
    finally:
        cur.close()


def _sn_means(data_dir: Path | None):
    def means(keys: pd.DataFrame) -> pd.DataFrame:
        out = []
        for (ind, area), part in keys.groupby(["indicator_id", "area_code"]):
            s = queries.series(area, [ind], data_dir=data_dir)
            s = s[s["period"].isin(part["period"])]
            out.append(s[["indicator_id", "period", "sn_mean"]].assign(area_code=area))
        return pd.concat(out) if out else pd.DataFrame(columns=["indicator_id", "area_code", "period", "sn_mean"])

    return means


def finalise(cells: pd.DataFrame, extract_id: str, percent_scale: str = "percent") -> pd.DataFrame:
    """Checked cells -> tidy figures. Symbols stay symbols; a blank value publishes nothing.

    Column by column (each distinct cell parsed once); the figures are those the row-by-row
    version made, value for value and type for type (tests/test_perf_ingest.py).
    """
    value = parse_cells(cells["raw_value"])
    parts = {p: parse_cells(_column(cells, f"raw_{p}", "")) for p in ("numerator", "denominator")}
    held = (value["value"].notna() | value["symbol"].notna()).to_numpy()
    bad = ~value["ok"].to_numpy() | (held & ~(parts["numerator"]["ok"] & parts["denominator"]["ok"]).to_numpy())
    if bad.any():  # a cell the checks refused: fail as the row-by-row version did, on the same cell
        r = cells.iloc[int(np.flatnonzero(bad)[0])]
        for part in ("value", "numerator", "denominator"):
            symbols.parse_cell(r.get(f"raw_{part}", ""))
    rows = cells[held]
    values = _numbers_or_none(value["value"].to_numpy()[held])
    if percent_scale == "proportion":
        catalogue = load_catalogue()
        units = rows["indicator_id"].map({i: ind.unit for i, ind in catalogue.indicators.items()}).to_numpy()
        values = [
            round(v * 100, 6) if v is not None and u == "percent" else v for v, u in zip(values, units, strict=True)
        ]
    columns = {
        "indicator_id": rows["indicator_id"].tolist(),
        "area_code": rows["area_code"].tolist(),
        "period": [int(p) for p in rows["period"]],
        "figure_type": rows["figure_type"].tolist(),
        "basis": rows["basis"].tolist(),
        "value": values,
        "symbol": value["symbol"].to_numpy()[held].tolist(),
        "numerator": _numbers_or_none(parts["numerator"]["value"].to_numpy()[held]),
        "denominator": _numbers_or_none(parts["denominator"]["value"].to_numpy()[held]),
        "source": rows["source"].tolist(),
        "note": _column(rows, "note", None).tolist(),
        "extract_id": [extract_id] * len(rows),
    }
    if not len(rows):
        return pd.DataFrame([], columns=schema.FIGURES.names)
    return pd.DataFrame(columns, columns=schema.FIGURES.names)  # lists: the types a list of rows gets


def _column(cells: pd.DataFrame, name: str, default: object) -> pd.Series:
    return cells[name] if name in cells else pd.Series([default] * len(cells), index=cells.index, dtype=object)


def _numbers_or_none(values: np.ndarray) -> list[float | None]:
    out = values.astype(object)  # Python floats
    out[np.isnan(values)] = None
    return out.tolist()


def prepare(data: bytes, filename: str, options: Options | None = None, data_dir: Path | None = None) -> Prepared:
    """Read, recognise and check an upload. Changes nothing."""
    options = options or Options()
    try:
        df = readers.read(data, filename, options.sheet)
    except readers.ReadError as exc:
        return Prepared(
            filename, "unknown", [_fail("unreadable", str(exc), "Fix the file as described and upload it again.")]
        )
    shape = detect(df)
    if shape == "bright_spots":
        return _prepare_survey(df, filename, data_dir)
    unmatched: dict = {}
    if shape == "template":
        cells, problems = _template_cells(df, filename, options)
    elif shape == "ees":
        cells, problems = _ees_cells(df, filename, options)
    elif shape == "wide":
        cells, problems, unmatched = wide_cells(df, options)
    else:
        return Prepared(
            filename,
            shape,
            [
                _fail(
                    "unrecognised",
                    f"We could not tell what kind of file this is (columns: {', '.join(map(str, df.columns[:12]))}).",
                    "Use the dashboard's template, a DfE open-data CSV as downloaded, or a table with one row "
                    "per indicator and columns headed like '2021/22 Outturn'.",
                )
            ],
        )
    if cells.empty and not problems and "area_given" not in cells:  # e.g. a wide table with no figures in it
        problems = [_fail("empty", "The file has a header but no figures.", "Add at least one row of figures.")]
    if problems and cells.empty:
        return Prepared(filename, shape, problems, unmatched=unmatched)
    areas = queries.areas(data_dir)
    cells = _resolve(cells, areas)
    ctx = Context(load_catalogue(), areas, _held(cells, data_dir), _sn_means(data_dir), options.percent_scale)
    problems += checks.run(cells, ctx)
    prepared = Prepared(filename, shape, problems, cells, unmatched=unmatched)
    if not prepared.failed:
        scale = "proportion" if options.percent_scale == "proportion" else "percent"
        prepared.figures = finalise(cells, "pending", scale)
    return prepared


def _area_lookup(areas: pd.DataFrame) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for r in areas.itertuples():
        lookup[r.area_code.lower()] = r.area_code
        if isinstance(r.old_code, str) and r.old_code:
            lookup.setdefault(r.old_code.lower(), r.area_code)
        lookup.setdefault(r.name.lower(), r.area_code)
    return lookup


def _prepare_survey(df: pd.DataFrame, filename: str, data_dir: Path | None) -> Prepared:
    cells, problems = surveys.cells(df, _area_lookup(queries.areas(data_dir)), filename)
    prepared = Prepared(filename, "bright_spots", problems, cells)
    if not prepared.failed and not cells.empty:
        prepared.figures = surveys.finalise(cells, "pending", filename)
    elif cells.empty and not problems:
        prepared.problems.append(_fail("empty", "The file has a header but no results.", "Add at least one row."))
    return prepared


def preview(prepared: Prepared, data_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """What applying would do: rows new, changed (old -> new), unchanged; refused rows are the problems."""
    if prepared.kind == "bright_spots":
        areas = sorted(set(prepared.figures["area_code"]))
        return surveys.preview(prepared.figures, queries.bright_spots_for(areas, data_dir))
    figs = prepared.figures
    key = ["indicator_id", "area_code", "period", "figure_type", "basis"]
    held = _held(prepared.cells, data_dir) if not figs.empty else pd.DataFrame(columns=key + ["value", "symbol"])
    merged = figs.merge(
        held[key + ["value", "symbol", "source"]], on=key, how="left", suffixes=("", "_old"), indicator=True
    )
    same = (merged["value"].fillna(-1e308) == merged["value_old"].fillna(-1e308)) & (
        merged["symbol"].fillna("") == merged["symbol_old"].fillna("")
    )
    new = merged[merged["_merge"] == "left_only"]
    held_rows = merged[merged["_merge"] == "both"]
    show = ["indicator_id", "area_code", "period", "figure_type", "basis"]

    def table(df: pd.DataFrame, with_old: bool) -> pd.DataFrame:
        out = df[show].copy()
        out["period"] = out["period"].map(periods.label)
        out["new"] = [
            symbols.describe(s) if pd.isna(v) else f"{v:g}" for v, s in zip(df["value"], df["symbol"], strict=True)
        ]
        if with_old:
            out["old"] = [
                symbols.describe(s) if pd.isna(v) else f"{v:g}"
                for v, s in zip(df["value_old"], df["symbol_old"], strict=True)
            ]
        return out.reset_index(drop=True)

    return {
        "new": table(new, False),
        "changed": table(held_rows[~same.loc[held_rows.index]], True),
        "unchanged": table(held_rows[same.loc[held_rows.index]], False),
    }
