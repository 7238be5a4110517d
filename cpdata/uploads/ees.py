"""Explore Education Statistics open-data CSVs -> tidy figures, driven by recipes (data).

A recipe (``cpdata/uploads/recipes/*.toml``) names the filter values and column that make each
catalogue indicator, so a new DfE file needs a recipe, not code; ``cpdata.uploads.recipe_format`` reads and
checks one file. Recipes an analyst makes in the upload page are checked and saved by
``cpdata.uploads.saved_recipes`` into the data folder, where a bad one is skipped with its reason.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from cpdata.catalogue.catalogue import catalogue_files, load_catalogue, shipped_catalogue
from cpdata.core import config, periods, symbols
from cpdata.core.datafolder import DataFolder
from cpdata.core.filestamps import Stamp, stamped
from cpdata.core.schema import ENGLAND
from cpdata.uploads import tidy
from cpdata.uploads.recipe_format import IndicatorRecipe, Recipe, RecipeFileError, read_recipe

RECIPE_DIR = config.PACKAGE_DIR / "uploads" / "recipes"
GEOGRAPHY_COLUMNS = [
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "la_name",
    "new_la_code",
]
# ONS issued Barnsley and Sheffield new codes after their 2025 boundary change; DfE's workforce file uses
# them for 2025, every other file (and the neighbour models) the earlier ones. One council stays one
# area: the new code is read as the code the rest of the data uses.
SUCCESSOR_CODES = {"E08000038": "E08000016", "E08000039": "E08000019"}
log = logging.getLogger(__name__)


def recipe_files(folder: DataFolder) -> list[Path]:
    """Shipped recipes, then those analysts saved in the data folder."""
    files = sorted(RECIPE_DIR.glob("*.toml"))
    saved = folder.recipes
    return files + (sorted(saved.glob("*.toml")) if saved.is_dir() else [])


def load_recipes(folder: DataFolder) -> list[Recipe]:
    """Shipped recipes, then those saved in ``folder`` (the upload's data folder, not just the configured
    one) that can be used; ``recipe_problems`` says why any saved one was left out."""
    return list(_read_recipes(*_keys(folder))[0])


def _keys(folder: DataFolder) -> tuple:
    """The cache key: the recipe files, and the council's indicator files their indicators may be among."""
    root = folder.root
    return stamped(recipe_files(folder)), stamped(catalogue_files(folder)), str(root)


def shipped_recipes() -> list[Recipe]:
    """The recipes that ship with the dashboard only (building the sample data must not depend on what
    analysts saved in a data folder)."""
    return list(_read_recipes(stamped(sorted(RECIPE_DIR.glob("*.toml"))))[0])  # the shipped catalogue only


def recipe_problems(folder: DataFolder) -> list[str]:
    """One plain sentence for each saved recipe left out (which file, why, that it was skipped); none if all read."""
    return list(_read_recipes(*_keys(folder))[1])


@functools.lru_cache(maxsize=8)
def _read_recipes(
    files: tuple[tuple[str, Stamp], ...], catalogue_stamps: tuple = (), root: str = ""
) -> tuple[tuple[Recipe, ...], tuple[str, ...]]:
    """Every recipe, read once per set of files (an edited, replaced or added file is read again).

    Saved recipes are all read on every EES upload, so one that cannot be used (hand-edited, or saved
    before saving was checked) is skipped with its reason, not allowed to stop every upload; a shipped
    recipe that cannot be used is our bug and raises.
    """
    recipes, problems = [], []
    shipped = shipped_catalogue()
    council = load_catalogue(DataFolder(Path(root))) if root else shipped
    for path in (Path(f) for f, _ in files):
        try:
            recipes.append(read_recipe(path, shipped if path.parent == RECIPE_DIR else council))
        except RecipeFileError as exc:
            if path.parent == RECIPE_DIR:
                raise RecipeFileError(f"shipped recipe {path.name}: {exc}") from None
            problems.append(
                f"The saved recipe {path.name!r} in the data folder's recipes folder was skipped: {exc}. "
                "Until it is fixed or removed, files that only it maps are not recognised."
            )
            log.warning("Saved recipe %s skipped: %s", path, exc)
    return tuple(recipes), tuple(problems)


def columns_of(df: pd.DataFrame) -> tuple[dict[str, list[str]], list[str]]:
    """An EES file's filter columns (with their values) and indicator (number) columns."""
    filters: dict[str, list[str]] = {}
    numbers: list[str] = []
    for c in [c for c in df.columns if c not in GEOGRAPHY_COLUMNS]:
        sample = df[c].dropna().astype(str).head(500)
        parsed = sum(symbols.parses(x) for x in sample)
        if parsed >= 0.8 * max(len(sample), 1):
            numbers.append(c)
        else:
            filters[c] = sorted(df[c].astype(str).unique().tolist())[:200]
    return filters, numbers


def is_ees(columns: list[str]) -> bool:
    return {"time_period", "geographic_level"} <= set(columns)


def find_recipe(folder: DataFolder, df: pd.DataFrame, recipes: list[Recipe] | None = None) -> Recipe | None:
    """The first recipe (shipped before saved) that knows the file, from ``recipes`` or those ``folder`` holds.

    Where only saved recipes know it, they are used together: an analyst maps one indicator of a DfE file,
    then another (each applied upload keeps its one recipe), and every one of them is loaded. The first saved
    recipe's name, publication and version rule lead; an indicator two recipes map is taken from the first.
    """
    every = recipes if recipes is not None else load_recipes(folder)
    matching = [r for r in every if r.matches(df)]
    if not matching:
        return None
    shipped = shipped_recipes()  # compared by value (a recipe holds tables, so it cannot be hashed)
    if matching[0] in shipped or len(matching) == 1:
        return matching[0]
    saved = [r for r in matching if r not in shipped]
    seen: dict[str, IndicatorRecipe] = {}
    for r in saved:
        for ind in r.indicators:
            seen.setdefault(ind.id, ind)
    first = saved[0]
    return dataclasses.replace(first, name=" + ".join(r.name for r in saved), indicators=tuple(seen.values()))


LEVEL_CODE_COLUMN = {"Regional": "region_code", "Local authority": "new_la_code"}


def area_codes(df: pd.DataFrame) -> pd.Series:
    """Each row's area: England for a national row, else its region's or council's code; missing
    (NaN) for a blank code or another level. Column-wise, as a row-by-row apply took seconds per 100k rows.
    """
    level = df["geographic_level"]
    codes = pd.Series("", index=df.index, dtype="str").mask(level == "National", ENGLAND)
    for name, column in LEVEL_CODE_COLUMN.items():
        at = level == name
        if at.any():  # a file with no rows at a level need not have its code column
            codes = codes.mask(at, df[column])
    return codes.replace(SUCCESSOR_CODES).where(codes != "")


def _pick_version(df: pd.DataFrame, recipe: Recipe) -> pd.DataFrame:
    """Where a year is published in several versions (Final/Revised), keep the preferred one."""
    col = recipe.version_column
    if not col or col not in df.columns:
        return df
    rank = {v: i for i, v in enumerate(recipe.version_preference)}
    df = df.assign(_vrank=df[col].map(rank).fillna(len(rank)))
    best = df.groupby(["time_period", "_area"])["_vrank"].transform("min")
    return df[df["_vrank"] == best].drop(columns="_vrank")


def source_label(recipe: Recipe, df: pd.DataFrame) -> str:
    """The publication and its latest year; a year that does not parse is the checks' to report."""
    years = []
    for text in df["time_period"].astype(str).unique():
        with contextlib.suppress(ValueError):
            years.append(periods.parse(text))
    return f"{recipe.publication} {max(years)}" if years else recipe.publication


def _columns_used(recipe: Recipe) -> list[str]:
    """The columns ``to_cells`` reads, in a stable order."""
    used = ["time_period", "geographic_level", *LEVEL_CODE_COLUMN.values(), "la_name", "old_la_code"]
    if recipe.version_column:
        used.append(recipe.version_column)
    for ind in recipe.indicators:
        used += [*ind.filters, *(ind.denominator_filters or {}), ind.value]
        used += [c for c in (ind.numerator, ind.denominator) if c]
    return list(dict.fromkeys(used))


def to_cells(df: pd.DataFrame, recipe: Recipe) -> pd.DataFrame:
    """Raw cells for every indicator the recipe names, with the file row and column they came from.

    Values stay text here; ``cpdata.uploads.ingest`` checks them and turns them into figures.
    """
    df = df[[c for c in _columns_used(recipe) if c in df.columns]]  # fewer columns to copy and filter
    df = df.fillna("").astype(str).reset_index(drop=True)
    df["_row"] = df.index + 2  # the header is row 1
    df = df[df["geographic_level"].isin(["National", "Regional", "Local authority"])].copy()
    df["_area"] = area_codes(df) if not df.empty else None
    df = _pick_version(df[df["_area"].notna()], recipe)
    frames = []
    for ind in recipe.indicators:
        mask = pd.Series(True, index=df.index)
        for col, wanted in ind.filters.items():
            mask &= df[col] == wanted
        rows = df[mask]
        council = (rows["geographic_level"] == "Local authority").to_numpy()
        out = pd.DataFrame(
            {
                "indicator_id": ind.id,
                "area_given": rows["_area"].to_numpy(),
                "period_given": rows["time_period"].to_numpy(),
                "figure_type": "value",
                "basis": "published",
                "raw_value": rows[ind.value].to_numpy(),
                "raw_numerator": rows[ind.numerator].to_numpy() if ind.numerator else "",
                "_row": rows["_row"].to_numpy(),
                "_column": ind.value,
                "_numerator_column": ind.numerator or "",
                "_denominator_column": ind.denominator or "",
                # what the row says the council is called and its old code, for the checks to compare
                "area_name_given": _where(council, rows, "la_name"),
                "area_old_given": _where(council, rows, "old_la_code"),
                "_name_column": "la_name",
            }
        )
        if ind.denominator:
            den_mask = pd.Series(True, index=df.index)
            for col, wanted in {**ind.filters, **(ind.denominator_filters or {})}.items():
                den_mask &= df[col] == wanted
            out["raw_denominator"] = _denominators(out, df[den_mask], ind.denominator)
        else:
            out["raw_denominator"] = ""
        frames.append(out)
    cells = pd.concat(frames, ignore_index=True)
    cells["source"] = source_label(recipe, df) if not df.empty else recipe.publication
    return cells


def _where(council: np.ndarray, rows: pd.DataFrame, column: str) -> np.ndarray:
    """A council row's ``column`` (None for other levels, a blank cell, or a file without the column)."""
    if column not in rows:
        return np.full(len(rows), None, dtype=object)
    values = rows[column].to_numpy(dtype=object)
    return np.where(council & (values != ""), values, None)


def _denominators(out: pd.DataFrame, den: pd.DataFrame, column: str) -> list[str]:
    """Each cell's denominator: the denominator row's for the same area and year (the last such
    row, as a lookup built row by row had it), else blank. One join instead of a loop per cell.
    """
    keys = ["_area", "time_period"]
    den = den.drop_duplicates(keys, keep="last")[[*keys, column]].astype({k: object for k in keys})
    cells = pd.DataFrame({"_area": out["area_given"], "time_period": out["period_given"]}, dtype=object)
    found = cells.merge(den.rename(columns={column: "_den"}), how="left", on=keys)
    return found["_den"].fillna("").tolist()


def to_figures(df: pd.DataFrame, recipe: Recipe, extract_id: str) -> pd.DataFrame:
    """Tidy figures for every indicator the recipe names; symbols kept, never zeroed."""
    cells = to_cells(df, recipe)
    cells["area_code"] = cells["area_given"]
    cells["period"] = cells["period_given"].map(periods.parse)
    return tidy.finalise(cells, extract_id)


def areas_in(df: pd.DataFrame) -> pd.DataFrame:
    """The areas an EES file names, with both codes and region, for the reference table."""
    df = df.fillna("").astype(str)
    la = df[df["geographic_level"] == "Local authority"]
    la = la.assign(new_la_code=la["new_la_code"].replace(SUCCESSOR_CODES))
    out = la[["new_la_code", "old_la_code", "la_name", "region_code", "region_name"]].drop_duplicates()
    out.columns = ["area_code", "old_code", "name", "region_code", "region_name"]
    out["level"] = "local_authority"
    reg = df[df["geographic_level"] == "Regional"][["region_code", "region_name"]].drop_duplicates()
    reg = reg.assign(area_code=reg["region_code"], old_code=None, name=reg["region_name"], level="region")
    nat = pd.DataFrame([{"area_code": ENGLAND, "old_code": None, "name": "England", "level": "national"}])
    return pd.concat([out, reg, nat], ignore_index=True)
