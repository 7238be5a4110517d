"""Applying and undoing uploads: atomic, recorded, and nothing held is ever lost.

An applied upload is a new extract file plus one manifest swap; undo marks it inactive
(the file stays, so it can be inspected). Writers take a lock on the data folder so two
uploads never interleave their manifest updates.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from cpdata.core.datafolder import DataFolder
from cpdata.store import store
from cpdata.uploads import saved_recipes
from cpdata.uploads.ingest import Prepared

LOCK = store.LOCK


class UploadRefused(ValueError):
    """The upload failed its checks, or the data folder refused the change."""


class NotApplied(UploadRefused):
    """The data folder could not be written (disk full, no permission, locked): said plainly, nothing changed."""


_WHY = {
    errno.ENOSPC: "the data folder's disk is full",
    errno.EDQUOT: "the data folder's disk quota is used up",
    errno.EACCES: "this server is not allowed to write the data folder (permission denied)",
    errno.EPERM: "this server is not allowed to write the data folder (operation not permitted)",
    errno.EROFS: "the data folder is on a read-only disk",
    errno.EBUSY: "the data folder is locked by another program",
    errno.EAGAIN: "the data folder is locked by another program",
    errno.ENOLCK: "the data folder cannot be locked for writing",
}


class ChangesNothing(UploadRefused):
    """Every figure in the file is held already, the same: applying it would add an extract and change nothing."""


NOTHING_NEW = (
    "Not applied: every figure in this file is held already with the same value (0 new, 0 changed), so "
    "applying it would change nothing."
)


def changes_nothing(prepared: Prepared) -> bool:
    """Nothing new and nothing changed: such a file is said to change nothing and not applied."""
    changes = prepared.changes
    return not len(changes["new"]) and not len(changes["changed"])


def why_not_written(exc: OSError) -> str:
    """A failed write in words an analyst can act on (or pass to the operators)."""
    if isinstance(exc, store.WriterBusy):  # says how long it waited
        return f"{exc.strerror} (an upload, an undo or a framework saved, perhaps by another worker)"
    return _WHY.get(exc.errno or -1) or f"the data folder could not be written ({exc.strerror or exc})"


@contextlib.contextmanager
def said_plainly(what: str = "Not applied") -> Iterator[None]:
    """A write that fails on the disk becomes ``NotApplied``: "Not applied: the disk is full; nothing changed"."""
    try:
        yield
    except OSError as exc:
        raise NotApplied(f"{what}: {why_not_written(exc)}; nothing changed. Tell the server's operators.") from exc


def _writable(folder: DataFolder) -> Path:
    """The data folder, if this user may write it; refused plainly (before the lock) if not."""
    root = folder.root
    if not os.access(root, os.W_OK):
        raise UploadRefused(f"The data folder {root} is not writable by this user; ask the server's operators.")
    return root


def extract_id_for(sha256: str, when: dt.datetime) -> str:
    """An upload's id: when it was applied and the start of its file's hash (given, as the manifest keeps the
    whole hash too and hashing a big file twice is wasted time)."""
    return f"upload_{when:%Y%m%dT%H%M%S%f}_{sha256[:8]}"


def apply(folder: DataFolder, prepared: Prepared, data: bytes, who: str) -> dict:
    """Make a checked upload live in one step, under one hold of the writers' lock. Refuses anything with a
    failing check. A mapping made for it (``prepared.recipe_to_save``) is saved in the same step, so the
    command line keeps it as the page does; the manifest entry says under which name (``recipe_saved``) or
    why it was not (``recipe_not_saved``: the figures are applied all the same)."""
    if prepared.failed:
        raise UploadRefused("The upload has failing checks; fix them first: " + prepared.problems[0].text())
    if prepared.figures.empty:
        raise UploadRefused("The upload holds no figures to apply.")
    if changes_nothing(prepared):
        raise ChangesNothing(NOTHING_NEW)
    sha256 = hashlib.sha256(data).hexdigest()
    extract_id = extract_id_for(sha256, dt.datetime.now(dt.UTC))
    more = {"shape": prepared.shape}
    root = _writable(folder)
    with said_plainly(), store.writer_lock(folder):
        recipes_before = set((root / "recipes").glob("*.toml"))
        if prepared.recipe_to_save is not None:
            try:
                more["recipe_saved"] = saved_recipes.save(folder, prepared.recipe_to_save).name
            except (saved_recipes.RecipeError, OSError) as exc:
                more["recipe_not_saved"] = str(exc)
        try:
            return store.add_frame(
                folder,
                prepared.figures,
                prepared.kind,
                extract_id=extract_id,
                source_file=prepared.filename,
                sha256=sha256,
                applied_by=who,
                description=f"Upload ({prepared.shape}) of {Path(prepared.filename).name}",
                **more,
            )
        except OSError:  # not applied: a mapping saved for it just now goes too, so nothing has changed
            for new in set((root / "recipes").glob("*.toml")) - recipes_before:
                new.unlink(missing_ok=True)
            raise


def undo(folder: DataFolder, extract_id: str, who: str) -> dict:
    """Take an applied upload back out; the figures seen before it return exactly."""
    _writable(folder)
    with said_plainly("Not undone"), store.writer_lock(folder):
        manifest = store.read_manifest(folder)
        entry = next((e for e in manifest["extracts"] if e["id"] == extract_id), None)
        if entry is None:
            raise UploadRefused(f"No upload called {extract_id!r} is held.")
        if not extract_id.startswith("upload_"):
            raise UploadRefused(f"{extract_id!r} is part of the base data, not an upload; it cannot be undone here.")
        if not entry["active"]:
            raise UploadRefused(f"{extract_id!r} was already undone on {entry.get('undone_at', 'an earlier date')}.")
        entry["active"] = False
        entry["undone_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        entry["undone_by"] = who
        store.write_manifest(folder, manifest)
        return entry


def history(folder: DataFolder) -> pd.DataFrame:
    """Every upload, newest first: when, who, file, hash, rows, and whether it is live."""
    manifest = store.read_manifest(folder)
    rows = [
        {
            "id": e["id"],
            "applied_at": e.get("applied_at", ""),
            "applied_by": e.get("applied_by", ""),
            "file": e.get("source_file", ""),
            "sha256": e.get("sha256", "")[:12],
            "rows": e.get("rows"),
            "status": "live" if e["active"] else f"undone {e.get('undone_at', '')} by {e.get('undone_by', '')}",
        }
        for e in manifest["extracts"]
        if e["id"].startswith("upload_")
    ]
    columns = ["id", "applied_at", "applied_by", "file", "sha256", "rows", "status"]
    return pd.DataFrame(rows, columns=columns).iloc[::-1].reset_index(drop=True)
