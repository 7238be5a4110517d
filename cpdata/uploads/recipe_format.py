"""What an EES recipe is, and how one recipe file is read and checked.

A recipe file is TOML: the DfE file it maps (``file``), the columns and filter values that recognise it
(``match_columns``, ``match_values``) and one ``[[indicator]]`` table per catalogue indicator it makes.
``cpdata.uploads.ees`` finds the files (shipped and saved) and uses the recipes;
``cpdata.uploads.saved_recipes`` writes them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cpdata.catalogue.catalogue import Catalogue


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


TEXT, TEXTS, TABLE, INDICATORS = "text", "a list of text", "a table of text", "a list of [[indicator]] tables"
KINDS = {
    TEXT: lambda v: isinstance(v, str),
    TEXTS: lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    TABLE: lambda v: isinstance(v, dict) and all(isinstance(x, str) for x in v.values()),
    INDICATORS: lambda v: isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v),
}
RECIPE_FIELDS = {
    "name": TEXT,
    "publication": TEXT,
    "file": TEXT,
    "match_columns": TEXTS,
    "match_values": TABLE,
    "version_column": TEXT,
    "version_preference": TEXTS,
    "indicator": INDICATORS,
}
INDICATOR_FIELDS = {
    "id": TEXT,
    "filters": TABLE,
    "value": TEXT,
    "numerator": TEXT,
    "denominator": TEXT,
    "denominator_filters": TABLE,
}


class RecipeFileError(ValueError):
    """A recipe file that cannot be used; the message says why, in words an analyst can act on."""


def _table_problem(raw: dict, fields: dict[str, str], required: tuple[str, ...]) -> str | None:
    """Why a TOML table is not of the shape ``fields`` gives (a field missing, unknown or of the wrong kind)."""
    if missing := [k for k in required if k not in raw]:
        return f"has no {missing[0]!r}"
    for key, value in raw.items():
        if key not in fields:
            return f"has {key!r}, which is not a recipe field"
        if not KINDS[fields[key]](value):
            return f"has {key!r} that is not {fields[key]}"
    return None


def recipe_from_toml(raw: dict, stem: str) -> Recipe:
    """A recipe from its parsed TOML (``stem``: its file name, the default for the DfE file it maps).

    Anything missing, misspelt or of the wrong kind is a RecipeFileError here: a number where a column name
    belongs would otherwise fail half way through an upload, and a misspelt filter be silently ignored.
    """
    problem = _table_problem(raw, RECIPE_FIELDS, ("name", "publication", "match_columns", "indicator"))
    if problem:
        raise RecipeFileError(f"it {problem}")
    if not raw["match_columns"]:
        raise RecipeFileError("its 'match_columns' is empty, so it would claim every file")
    for n, ind in enumerate(raw["indicator"], 1):
        if problem := _table_problem(ind, INDICATOR_FIELDS, ("id", "filters", "value")):
            raise RecipeFileError(f"its indicator {n} {problem}")
    return Recipe(
        name=raw["name"],
        file=raw.get("file", stem + ".csv"),
        publication=raw["publication"],
        match_columns=tuple(raw["match_columns"]),
        indicators=tuple(IndicatorRecipe(**i) for i in raw["indicator"]),
        version_column=raw.get("version_column"),
        version_preference=tuple(raw.get("version_preference", [])),
        match_values=tuple(raw.get("match_values", {}).items()),
    )


def read_recipe(path: Path, catalogue: Catalogue) -> Recipe:
    """One recipe file, checked against ``catalogue`` (the data folder's it is used with); a RecipeFileError
    says plainly why it cannot be used."""
    try:
        raw = tomllib.loads(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise RecipeFileError(f"it cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise RecipeFileError("it is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise RecipeFileError(f"it is not valid TOML ({exc})") from None
    recipe = recipe_from_toml(raw, path.stem)
    known = catalogue.indicators
    if unknown := [i.id for i in recipe.indicators if i.id not in known]:
        raise RecipeFileError(f"it names {', '.join(map(repr, unknown))}, not an indicator in the catalogue")
    return recipe
