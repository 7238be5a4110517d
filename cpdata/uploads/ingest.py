"""The upload workflow up to Apply: read the file once, recognise its shape, turn it into cells, check
them (``checks.CHECKS``) and make the figures, as one ``Prepared`` upload the page only draws.

Three shapes are accepted: the dashboard's tidy template, DfE's Explore Education
Statistics open-data CSVs (via recipes), and a council's wide performance table; ``cpdata.uploads.shapes``
reads each into cells (a Bright Spots file goes through ``surveys``). A DfE file no recipe knows comes
back as ``needs_recipe``: checked again, on the table already read, once the analyst has mapped it.
Nothing is written here; ``cpdata.uploads.uploads`` applies a checked upload (and the mapping with it).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import pandas as pd

from cpdata.catalogue.catalogue import load_catalogue
from cpdata.core.datafolder import DataFolder
from cpdata.core.plain_text import unsafe_characters
from cpdata.store import reference, upload_queries
from cpdata.uploads import checks, ees, lookups, preview, readers, shapes, surveys, tidy
from cpdata.uploads.problems import Context, Problem, fail


@dataclass
class Options:
    """Choices the analyst makes on upload."""

    sheet: str | None = None
    council: str | None = None  # for a wide table: whose figures these are
    mapping: dict[str, str] = field(default_factory=dict)  # wide-table names -> indicator ids, confirmed
    percent_scale: str = "auto"  # auto | percent | proportion
    source: str | None = None
    recipe: ees.Recipe | None = None  # an EES mapping made in the page (or given to the command line)
    save_recipe: bool = False  # keep ``recipe`` in the data folder when the upload is applied


@dataclass
class Prepared:
    """An upload read, recognised and checked: everything the page draws and ``uploads.apply`` writes.

    It carries the table it read (``frame``: checking it again with a mapping reads nothing again), the
    figures already held for it (asked once, for the checks and the preview alike) and the areas (for
    names beside codes). ``needs_recipe`` is set for a DfE file that no recipe knows: the analyst maps it.
    """

    filename: str
    shape: str  # template | ees | wide | bright_spots | unknown
    problems: list[Problem]
    cells: pd.DataFrame = field(default_factory=pd.DataFrame)
    figures: pd.DataFrame = field(default_factory=pd.DataFrame)
    unmatched: dict[str, str | None] = field(default_factory=dict)  # wide names with a suggestion
    frame: pd.DataFrame | None = None  # the table as read from the file
    held: pd.DataFrame = field(default_factory=pd.DataFrame)  # what is held now for these figures
    areas: pd.DataFrame = field(default_factory=pd.DataFrame)
    needs_recipe: shapes.NeedsRecipe | None = None
    recipe_to_save: ees.Recipe | None = None  # saved by ``uploads.apply`` with the figures

    @property
    def kind(self) -> str:
        """Which store table it goes to: ``figures`` or ``bright_spots``."""
        return "bright_spots" if self.shape == "bright_spots" else "figures"

    @property
    def failed(self) -> bool:
        return any(p.severity == "fail" for p in self.problems)

    @functools.cached_property
    def changes(self) -> dict[str, pd.DataFrame]:
        """What applying would do (new, changed, unchanged), worked out once per prepared upload."""
        if self.kind == "bright_spots":
            return preview.survey_changes(self.figures, self.held)
        return preview.figure_changes(self.figures, self.held, self.areas)


def prepare(
    folder: DataFolder,
    data: bytes,
    filename: str,
    options: Options | None = None,
    frame: pd.DataFrame | None = None,
) -> Prepared:
    """Read, recognise and check an upload. Changes nothing. ``frame``: the table this file was read as
    before (the same sheet), so checking it again with the analyst's mapping does not read it again."""
    options = options or Options()
    if odd := unsafe_characters(filename):  # it is recorded in the manifest and shown in the history
        fix = "Rename the file without it and upload it again."
        return Prepared(filename, "unknown", [fail("unsafe file name", f"The file's name contains {odd[0]}.", fix)])
    if frame is None:
        try:
            frame = readers.read(data, filename, options.sheet)
        except readers.ReadError as exc:
            return Prepared(
                filename, "unknown", [fail("unreadable", str(exc), "Fix the file as described and upload it again.")]
            )
    df = frame
    if unreadable := shapes.reading_problems(df):  # a cell missing, or one that only looks empty
        return Prepared(filename, "unknown", unreadable, frame=df)
    shape = shapes.detect(df)
    if shape == "bright_spots":
        return _prepare_survey(folder, df, filename)
    unmatched: dict = {}
    if shape == "template":
        cells, problems = shapes.template_cells(df, filename, options)
    elif shape == "ees":
        recipe = options.recipe or ees.find_recipe(folder, df)
        if recipe is None:
            needs = shapes.NeedsRecipe.of(df)
            return Prepared(filename, shape, [needs.problem()], frame=df, needs_recipe=needs)
        cells, problems = shapes.ees_cells(df, recipe)
    elif shape == "wide":
        cells, problems, unmatched = shapes.wide_cells(folder, df, options)
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
            frame=df,
        )
    if cells.empty and not problems and "area_given" not in cells:  # e.g. a wide table with no figures in it
        problems = [fail("empty", "The file has a header but no figures.", "Add at least one row of figures.")]
    if problems and cells.empty:
        return Prepared(filename, shape, problems, unmatched=unmatched, frame=df)
    areas = reference.areas(folder)
    cells = lookups.resolve(cells, areas)
    held = lookups.held(folder, cells)
    ctx = Context(load_catalogue(folder), areas, held, lookups.sn_means(folder), options.percent_scale)
    problems += checks.run(cells, ctx)
    prepared = Prepared(filename, shape, problems, cells, unmatched=unmatched, frame=df, held=held, areas=areas)
    if not prepared.failed:
        scale = "proportion" if options.percent_scale == "proportion" else "percent"
        prepared.figures = tidy.finalise(cells, "pending", scale, ctx.catalogue)
        if options.recipe is not None and options.save_recipe:
            prepared.recipe_to_save = options.recipe
    return prepared


def _prepare_survey(folder: DataFolder, df: pd.DataFrame, filename: str) -> Prepared:
    areas = reference.areas(folder)
    cells, problems = surveys.cells(folder, df, lookups.area_lookup(areas), filename)
    if not cells.empty:
        problems += checks.run(cells, Context(load_catalogue(folder), areas), kind="bright_spots")
    prepared = Prepared(filename, "bright_spots", problems, cells, frame=df, areas=areas)
    if not prepared.failed and not cells.empty:
        prepared.figures = surveys.finalise(cells, "pending", filename)
        prepared.held = upload_queries.bright_spots_for(folder, sorted(set(prepared.figures["area_code"])))
    elif cells.empty and not problems:
        prepared.problems.append(fail("empty", "The file has a header but no results.", "Add at least one row."))
    return prepared
