"""Explore Education Statistics open-data CSVs -> tidy figures, driven by recipes (data).

A recipe (``cpdata/recipes/*.toml``) names the filter values and column that make each
catalogue indicator, so a new DfE file needs a recipe, not code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cpdata import config, periods, symbols

RECIPE_DIR = config.PACKAGE_DIR / "recipes"
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
ENGLAND = "E92000001"


@dataclass(frozen=True)
class IndicatorRecipe:
    id: str
    filters: dict[str, str]
    value: str
    numerator: str | None = None
    denominator: str | None = None
    denominator_filters: dict[str, str] | None = None


@dataclass(frozen=True)
class Recipe:
    name: str
    file: str
    publication: str
    match_columns: tuple[str, ...]
    indicators: tuple[IndicatorRecipe, ...]
    version_column: str | None = None
    version_preference: tuple[str, ...] = ()
    match_values: tuple[tuple[str, str], ...] = ()

    def matches(self, df: pd.DataFrame) -> bool:
        """Columns present, and (where two DfE files share columns) a telling filter value."""
        if not set(self.match_columns) <= set(df.columns):
            return False
        return all((df[col].astype(str) == value).any() for col, value in self.match_values)


def load_recipes(directory: Path = RECIPE_DIR) -> list[Recipe]:
    out = []
    for path in sorted(directory.glob("*.toml")):
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
        out.append(
            Recipe(
                name=raw["name"],
                file=raw.get("file", path.stem + ".csv"),
                publication=raw["publication"],
                match_columns=tuple(raw["match_columns"]),
                indicators=tuple(IndicatorRecipe(**i) for i in raw["indicator"]),
                version_column=raw.get("version_column"),
                version_preference=tuple(raw.get("version_preference", [])),
                match_values=tuple(raw.get("match_values", {}).items()),
            )
        )
    return out


def is_ees(columns: list[str]) -> bool:
    return {"time_period", "geographic_level"} <= set(columns)


def find_recipe(df: pd.DataFrame, recipes: list[Recipe] | None = None) -> Recipe | None:
    for recipe in recipes if recipes is not None else load_recipes():
        if recipe.matches(df):
            return recipe
    return None


def area_code(row: pd.Series) -> str | None:
    level = row["geographic_level"]
    if level == "National":
        return ENGLAND
    if level == "Regional":
        return row["region_code"] or None
    if level == "Local authority":
        return row["new_la_code"] or None
    return None


def _pick_version(df: pd.DataFrame, recipe: Recipe) -> pd.DataFrame:
    """Where a year is published in several versions (Final/Revised), keep the preferred one."""
    col = recipe.version_column
    if not col or col not in df.columns:
        return df
    rank = {v: i for i, v in enumerate(recipe.version_preference)}
    df = df.assign(_vrank=df[col].map(rank).fillna(len(rank)))
    best = df.groupby(["time_period", "_area"])["_vrank"].transform("min")
    return df[df["_vrank"] == best].drop(columns="_vrank")


def _cells(series: pd.Series) -> tuple[list, list]:
    values, syms = [], []
    for raw in series:
        v, s = symbols.parse_cell(raw)
        values.append(v)
        syms.append(s)
    return values, syms


def source_label(recipe: Recipe, df: pd.DataFrame) -> str:
    latest = max(periods.parse(p) for p in df["time_period"].astype(str).unique())
    return f"{recipe.publication} {latest}"


def to_figures(df: pd.DataFrame, recipe: Recipe, extract_id: str) -> pd.DataFrame:
    """Tidy figures for every indicator the recipe names; symbols kept, never zeroed."""
    df = df.fillna("").astype(str)
    df = df[df["geographic_level"].isin(["National", "Regional", "Local authority"])].copy()
    df["_area"] = df.apply(area_code, axis=1)
    df = _pick_version(df[df["_area"].notna()], recipe)
    df["_period"] = df["time_period"].map(periods.parse)
    source = source_label(recipe, df)
    frames = []
    for ind in recipe.indicators:
        mask = pd.Series(True, index=df.index)
        for col, wanted in ind.filters.items():
            mask &= df[col] == wanted
        rows = df[mask]
        values, syms = _cells(rows[ind.value])
        out = pd.DataFrame(
            {
                "indicator_id": ind.id,
                "area_code": rows["_area"].to_numpy(),
                "period": rows["_period"].to_numpy(),
                "figure_type": "value",
                "basis": "published",
                "value": values,
                "symbol": syms,
            }
        )
        out["numerator"] = _cells(rows[ind.numerator])[0] if ind.numerator else None
        if ind.denominator:
            den_mask = pd.Series(True, index=df.index)
            for col, wanted in {**ind.filters, **(ind.denominator_filters or {})}.items():
                den_mask &= df[col] == wanted
            den = df[den_mask]
            keys = zip(den["_area"], den["_period"], strict=True)
            lookup = dict(zip(keys, _cells(den[ind.denominator])[0], strict=True))
            out["denominator"] = [lookup.get(k) for k in zip(out["area_code"], out["period"], strict=True)]
        else:
            out["denominator"] = None
        frames.append(out)
    figures = pd.concat(frames, ignore_index=True)
    figures["source"] = source
    figures["note"] = None
    figures["extract_id"] = extract_id
    return figures


def areas_in(df: pd.DataFrame) -> pd.DataFrame:
    """The areas an EES file names, with both codes and region, for the reference table."""
    df = df.fillna("").astype(str)
    la = df[df["geographic_level"] == "Local authority"]
    out = la[["new_la_code", "old_la_code", "la_name", "region_code", "region_name"]].drop_duplicates()
    out.columns = ["area_code", "old_code", "name", "region_code", "region_name"]
    out["level"] = "local_authority"
    reg = df[df["geographic_level"] == "Regional"][["region_code", "region_name"]].drop_duplicates()
    reg = reg.assign(area_code=reg["region_code"], old_code=None, name=reg["region_name"], level="region")
    nat = pd.DataFrame([{"area_code": ENGLAND, "old_code": None, "name": "England", "level": "national"}])
    return pd.concat([out, reg, nat], ignore_index=True)
