"""Uploads: recognise the file's shape, turn it into cells, check them, preview the change.

Three shapes are accepted: the dashboard's tidy template, DfE's Explore Education
Statistics open-data CSVs (via recipes), and a council's wide performance table; ``cpdata.uploads.shapes``
reads each into cells. Nothing is written here; ``cpdata.uploads.uploads`` applies a checked upload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cpdata.catalogue.catalogue import load_catalogue
from cpdata.core import periods, symbols
from cpdata.store import queries
from cpdata.uploads import checks, ees, lookups, readers, shapes, surveys, tidy
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


def prepare(data: bytes, filename: str, options: Options | None = None, data_dir: Path | None = None) -> Prepared:
    """Read, recognise and check an upload. Changes nothing."""
    options = options or Options()
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
        prepared.figures = tidy.finalise(cells, "pending", scale)
    return prepared


def _prepare_survey(df: pd.DataFrame, filename: str, data_dir: Path | None) -> Prepared:
    cells, problems = surveys.cells(df, lookups.area_lookup(queries.areas(data_dir)), filename)
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
