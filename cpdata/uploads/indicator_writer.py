"""Adding (and taking back) a council's own indicator: one TOML file per indicator in
``<data folder>/catalogue/``, read by ``cpdata.catalogue.council_indicators``.

Everything is checked before anything is written: the fields as the loader checks them, and the id against
the shipped catalogue and the council's own, so a bad id, unit or polarity or a clash gets a clear error and
leaves the folder as it was. The file is written whole (``core.atomic``) under the store's writers' lock, so
two analysts adding the same id at once cannot both succeed. Removing one (the undo of an add) is refused
while figures or a framework still use it; the saved recipes made for it alone go with it, into
``<data folder>/removed/`` (nothing is deleted).
"""

from __future__ import annotations

import os
import tomllib
from datetime import UTC, datetime
from pathlib import Path

from cpdata.catalogue import council_indicators
from cpdata.catalogue.catalogue import (
    CatalogueError,
    Indicator,
    framework_files,
    load_catalogue,
    shipped_catalogue,
)
from cpdata.core import atomic
from cpdata.core.datafolder import DataFolder
from cpdata.store import store

FIELD_ORDER = ("id", "title", "short_title", "unit", "polarity", "decimals", "definition", "source", "topic")


class IndicatorRefused(ValueError):
    """An indicator that cannot be added or removed; the message says why and what to do."""


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    from cpdata.uploads.saved_recipes import _toml  # one TOML string writer for the data folder's files

    return _toml(str(value))


def toml_text(fields: dict) -> str:
    """The indicator as its own file holds it."""
    keys = [k for k in FIELD_ORDER if k in fields] + [k for k in ("published", "sentence") if k in fields]
    lines = ["# A council's own indicator, added in the dashboard.", "", "[[indicator]]"]
    return "\n".join([*lines, *(f"{k} = {_toml_value(fields[k])}" for k in keys)]) + "\n"


def check(folder: DataFolder, fields: dict) -> Indicator:
    """The indicator these fields make, or IndicatorRefused saying which field is wrong or whose id it is."""
    fields = {k: v for k, v in fields.items() if v is not None and v != ""}
    if why := council_indicators.problem(fields):
        raise IndicatorRefused(f"Not added: {why}.")
    ident = fields["id"]
    if ident in shipped_catalogue().indicators:
        raise IndicatorRefused(f"Not added: {ident!r} is already in the shipped catalogue; choose another id.")
    if ident in load_catalogue(folder).indicators:
        raise IndicatorRefused(f"Not added: {ident!r} is already one of this council's indicators.")
    body = toml_text(fields)
    try:  # what is written must read back as this very indicator
        back = council_indicators.check(tomllib.loads(body)["indicator"][0], "new indicator")
    except (tomllib.TOMLDecodeError, CatalogueError) as exc:
        raise IndicatorRefused(f"Not added: it cannot be saved as a file ({exc}).") from None
    if back != Indicator(**fields):
        raise IndicatorRefused("Not added: it would not read back as it is.")
    return back


def path_for(folder: DataFolder, ident: str) -> Path:
    return folder.catalogue / f"{ident}.toml"


def add(folder: DataFolder, fields: dict) -> Path:
    """Write a checked indicator to its own file; returns the file. Nothing is written if it is refused."""
    check(folder, fields)
    with store.writer_lock(folder):
        ind = check(folder, fields)  # again under the lock: another analyst may have added it meanwhile
        path = path_for(folder, ind.id)
        if path.exists():
            raise IndicatorRefused(f"Not added: {path.name} already exists in the data folder's catalogue.")
        fields = {k: v for k, v in fields.items() if v is not None and v != ""}
        atomic.write_bytes(path, toml_text(fields).encode("utf-8"))
    return path


def users(folder: DataFolder, ident: str) -> tuple[list[str], list[Path]]:
    """What still uses an indicator (held figures, frameworks, recipes that map other indicators too, each
    named), and the saved recipes made for it alone (taken back with it)."""
    from cpdata.uploads import ees, recipe_format

    root = folder.root
    out, own_recipes = [], []
    cur = store.cursor(folder)
    try:
        n = cur.execute("SELECT count(*) FROM figures WHERE indicator_id = $i", {"i": ident}).fetchone()[0]
    finally:
        cur.close()
    if n:
        out.append(f"{n} figures held (undo the uploads that brought them first)")
    for path in ees.recipe_files(folder):
        if path.parent != root / "recipes":
            continue
        try:
            ids = {i.id for i in recipe_format.read_recipe(path, load_catalogue(folder)).indicators}
        except recipe_format.RecipeFileError:
            continue
        if ids == {ident}:
            own_recipes.append(path)
        elif ident in ids:
            out.append(f"the saved recipe {path.name}, which maps other indicators too")
    for path in framework_files(folder):
        if path.parent == root / "frameworks" and f'"{ident}"' in path.read_text("utf-8", errors="replace"):
            out.append(f"the framework file {path.name} (take it out of the framework first)")
    return out, own_recipes


def remove(folder: DataFolder, ident: str) -> list[Path]:
    """Take back a council's own indicator (the undo of ``add``), with the saved recipes made for it alone,
    unless figures or a framework still use it. Nothing is deleted: the files move to ``<data>/removed/``.
    Returns where they went."""
    root = folder.root
    with store.writer_lock(folder):
        if ident not in load_catalogue(folder).own:
            raise IndicatorRefused(f"{ident!r} is not one of this council's own indicators.")
        path = path_for(folder, ident)
        if not path.exists():
            raise IndicatorRefused(f"{ident!r} was not added here (its file is not {path.name}); remove it by hand.")
        used, recipes = users(folder, ident)
        if used:
            raise IndicatorRefused(f"{ident!r} is still used by {'; '.join(used)}. Nothing was changed.")
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        removed = root / "removed"
        removed.mkdir(exist_ok=True)
        moved = []
        for old in [*recipes, path]:  # the recipes first: a recipe never names an indicator that is gone
            new = removed / f"{stamp}_{old.parent.name}_{old.name}"
            os.replace(old, new)
            atomic.fsync_dir(old.parent)
            moved.append(new)
        atomic.fsync_dir(removed)
    return moved
