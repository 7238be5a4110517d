"""Uploads: recognise the file's shape, turn it into cells, check them, preview the change.

Three shapes are accepted: the dashboard's tidy template, DfE's Explore Education
Statistics open-data CSVs (via recipes), and a council's wide performance table; ``cpdata.uploads.shapes``
reads each into cells. Nothing is written here; ``cpdata.uploads.uploads`` applies a checked upload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cpdata.catalogue.catalogue import load_catalogue
from cpdata.core import periods, schema, symbols
from cpdata.core.plain_text import unsafe_characters
from cpdata.store import queries
from cpdata.uploads import checks, ees, lookups, readers, shapes, surveys
from cpdata.uploads.cell_values import parse_cells
from cpdata.uploads.problems import Context, Problem, fail


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
    if odd := unsafe_characters(filename):  # it is recorded in the manifest and shown in the history
        fix = "Rename the file without it and upload it again."
        return Prepared(filename, "unknown", [fail("unsafe file name", f"The file's name contains {odd[0]}.", fix)])
    try:
        df = readers.read(data, filename, options.sheet)
    except readers.ReadError as exc:
        return Prepared(
            filename, "unknown", [fail("unreadable", str(exc), "Fix the file as described and upload it again.")]
        )
    shape = shapes.detect(df)
    if shape == "bright_spots":
        return _prepare_survey(df, filename, data_dir)
    unmatched: dict = {}
    if shape == "template":
        cells, problems = shapes.template_cells(df, filename, options)
    elif shape == "ees":
        cells, problems = shapes.ees_cells(df, options, data_dir)
    elif shape == "wide":
        cells, problems, unmatched = shapes.wide_cells(df, options)
    else:
        return Prepared(
            filename,
            shape,
            [
                fail(
                    "unrecognised",
                    f"We could not tell what kind of file this is (columns: {', '.join(map(str, df.columns[:12]))}).",
                    "Use the dashboard's template, a DfE open-data CSV as downloaded, or a table with one row "
                    "per indicator and columns headed like '2021/22 Outturn'.",
                )
            ],
        )
    if cells.empty and not problems and "area_given" not in cells:  # e.g. a wide table with no figures in it
        problems = [fail("empty", "The file has a header but no figures.", "Add at least one row of figures.")]
    if problems and cells.empty:
        return Prepared(filename, shape, problems, unmatched=unmatched)
    areas = queries.areas(data_dir)
    cells = lookups.resolve(cells, areas)
    ctx = Context(
        load_catalogue(), areas, lookups.held(cells, data_dir), lookups.sn_means(data_dir), options.percent_scale
    )
    problems += checks.run(cells, ctx)
    prepared = Prepared(filename, shape, problems, cells, unmatched=unmatched)
    if not prepared.failed:
        scale = "proportion" if options.percent_scale == "proportion" else "percent"
        prepared.figures = finalise(cells, "pending", scale)
    return prepared


def _prepare_survey(df: pd.DataFrame, filename: str, data_dir: Path | None) -> Prepared:
    cells, problems = surveys.cells(df, lookups.area_lookup(queries.areas(data_dir)), filename)
    problems += checks.text_is_plain(cells)
    prepared = Prepared(filename, "bright_spots", problems, cells)
    if not prepared.failed and not cells.empty:
        prepared.figures = surveys.finalise(cells, "pending", filename)
    elif cells.empty and not problems:
        prepared.problems.append(fail("empty", "The file has a header but no results.", "Add at least one row."))
    return prepared


def preview(prepared: Prepared, data_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """What applying would do: rows new, changed (old -> new), unchanged; refused rows are the problems."""
    if prepared.kind == "bright_spots":
        areas = sorted(set(prepared.figures["area_code"]))
        return surveys.preview(prepared.figures, queries.bright_spots_for(areas, data_dir))
    figs = prepared.figures
    key = ["indicator_id", "area_code", "period", "figure_type", "basis"]
    held = lookups.held(prepared.cells, data_dir) if not figs.empty else pd.DataFrame(columns=key + ["value", "symbol"])
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
