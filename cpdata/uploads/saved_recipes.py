"""Recipes an analyst makes in the upload page, saved to ``<data folder>/recipes`` so the next such
file maps itself.

Every saved recipe is read on every EES upload; one that cannot be used is skipped (``ees.recipe_problems``
says why), and the files it was made for are no longer recognised. Saving therefore checks what it
writes: a name of at most ``MAX_NAME`` characters without control characters, indicators the catalogue
knows, and TOML that reads back as the very same recipe (values come from uploaded files, so any
character can arrive). It never replaces a saved recipe: a different
recipe whose name makes the same file name gets the next free one (``peps_2.toml``), because the one
there still recognises the files it was made for; the same recipe saved twice stays one file. The
shipped recipes live in the package (``cpdata/uploads/recipes``), never in the data folder, so no save can
reach them.
"""

from __future__ import annotations

import dataclasses
import json
import re
import tomllib
import unicodedata
from pathlib import Path

from cpdata.catalogue.catalogue import load_catalogue
from cpdata.core import atomic, config
from cpdata.core.datafolder import DataFolder
from cpdata.store import store
from cpdata.uploads import ees, recipe_format

MAX_NAME = 120
MAX_SAVED = config.MAX_SAVED  # each is read on every EES upload


class RecipeError(ValueError):
    """A recipe that cannot be saved; the message says why."""


def recipe_from_choice(
    name: str,
    indicator: str,
    filters: dict[str, str],
    value: str,
    publication: str,
    numerator: str | None = None,
    denominator: str | None = None,
) -> ees.Recipe:
    """A recipe made from an analyst's choices (no code), in the page or with ``cpdata map``: the same one.
    A denominator is read from the same row as the figure."""
    match = tuple(sorted({value, *filters, *(c for c in (numerator, denominator) if c)}))
    return ees.Recipe(
        name=name,
        file="",
        publication=publication,
        match_columns=match,
        indicators=(
            recipe_format.IndicatorRecipe(
                id=indicator,
                filters=dict(filters),
                value=value,
                numerator=numerator,
                denominator=denominator,
                denominator_filters={} if denominator else None,
            ),
        ),
        match_values=tuple(filters.items()),
    )


def name_for(title: str, filename: str) -> str:
    """A name ``validate`` accepts for a recipe made from an uploaded file (whose name can be anything)."""
    shown = "".join(ch for ch in filename if unicodedata.category(ch) not in ("Cc", "Cs")).strip()
    return f"{title} from {shown or 'an uploaded file'}"[:MAX_NAME]


def _toml(value: str | dict | list) -> str:
    """A TOML value. A JSON string is a TOML basic string, except that TOML also wants DEL escaped."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml(k)} = {_toml(v)}" for k, v in value.items()) + "}"
    return "[" + ", ".join(_toml(v) for v in value) + "]"


def toml_text(recipe: ees.Recipe) -> str:
    """The recipe as ``recipe_format.read_recipe`` reads it (every field, so nothing is lost on the way)."""
    top: dict[str, object] = {
        "name": recipe.name,
        "publication": recipe.publication,
        "match_columns": list(recipe.match_columns),
        "match_values": dict(recipe.match_values),
    }
    if recipe.version_column:
        top |= {"version_column": recipe.version_column, "version_preference": list(recipe.version_preference)}
    lines = [f"{key} = {_toml(v)}" for key, v in top.items()]
    for ind in recipe.indicators:
        fields = {k: v for k, v in dataclasses.asdict(ind).items() if v is not None}
        lines += ["", "[[indicator]]", *(f"{key} = {_toml(v)}" for key, v in fields.items())]
    return "\n".join(lines) + "\n"


def validate(folder: DataFolder, recipe: ees.Recipe) -> None:
    """Refuse a recipe whose name is empty, long or holds control characters, or that names an
    indicator the catalogue does not know (its figures would fail every upload it recognised)."""
    name = recipe.name.strip()
    if not name or len(name) > MAX_NAME:
        raise RecipeError(f"a recipe needs a name of 1 to {MAX_NAME} characters")
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in name):
        raise RecipeError("a recipe's name cannot hold control characters")
    if not recipe.indicators or not recipe.match_columns:
        raise RecipeError("a recipe needs at least one indicator and the columns that recognise its files")
    known = load_catalogue(folder).indicators
    unknown = [i.id for i in recipe.indicators if i.id not in known]
    if unknown:
        raise RecipeError(f"{', '.join(map(repr, unknown))} is not an indicator in the catalogue")


def _body(recipe: ees.Recipe) -> bytes:
    """The file's bytes, once they are known to read back as this very recipe."""
    text = toml_text(recipe)
    try:
        back = recipe_format.recipe_from_toml(tomllib.loads(text), "recipe")
        body = text.encode("utf-8")
    except (tomllib.TOMLDecodeError, UnicodeEncodeError, recipe_format.RecipeFileError) as exc:
        raise RecipeError(f"this recipe cannot be saved as a file ({exc})") from None
    if dataclasses.replace(back, file=recipe.file) != recipe:
        raise RecipeError("this recipe would not read back as it is; it was not saved")
    return body


def save(folder: DataFolder, recipe: ees.Recipe) -> Path:
    """Write an analyst's recipe atomically under a free name (never over another); returns its file."""
    validate(folder, recipe)
    body = _body(recipe)
    saved_dir = folder.recipes
    slug = re.sub(r"[^a-z0-9]+", "_", recipe.name.lower()).strip("_")[:60] or "recipe"
    with store.writer_lock(folder):  # two analysts saving the same name at once: one gets the next name
        saved_dir.mkdir(parents=True, exist_ok=True)
        held = {p.name: p for p in saved_dir.glob("*.toml")}
        for n in range(1, MAX_SAVED + 2):
            path = saved_dir / (f"{slug}.toml" if n == 1 else f"{slug}_{n}.toml")
            if path.name not in held:
                break
            if path.read_bytes() == body:
                return path  # this very recipe is saved already
        if len(held) >= MAX_SAVED:
            raise RecipeError(f"{MAX_SAVED} recipes are saved already; an administrator can remove old ones")
        atomic.write_bytes(path, body)
    return path
