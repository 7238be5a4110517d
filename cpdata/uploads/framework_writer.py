"""Saving a council's framework from the page: ``<data folder>/frameworks/<id>.toml``, checked as the loader
checks it, written whole under the writers' lock, and undoable.

A framework edited in the page is saved in the data folder under its id; one with a shipped framework's id
takes that framework's place for this council (the loader reads the data folder after the package). A new
council starts from a copy of a shipped framework under a new id. Before each save the file it replaces is
kept in ``<data folder>/framework_history/<id>/`` (a save that made the file records that too), so "undo"
puts back exactly what was there, or takes the file away again. Nothing is deleted.
"""

from __future__ import annotations

import os
import tomllib
from datetime import UTC, datetime
from pathlib import Path

from cpdata.catalogue import catalogue
from cpdata.catalogue.catalogue import CatalogueError, Framework
from cpdata.catalogue.council_indicators import FORMATTING
from cpdata.core import atomic
from cpdata.core.datafolder import DataFolder
from cpdata.store import store

HISTORY = "framework_history"
NONE = ".none"  # a history entry saying: there was no file before this save
TEXT = {"title": 200, "short_title": 60, "summary": 2000, "source": 400, "pledge_word": 30}


class FrameworkRefused(ValueError):
    """A framework that cannot be saved (or a save that cannot be undone); the message says why."""


def as_dict(fw: Framework) -> dict:
    """A loaded framework as the TOML data it is read from (the start of an edit)."""
    return {
        "id": fw.id,
        "title": fw.title,
        "council_code": fw.council_code,
        "pledge_word": fw.pledge_word,
        "source": fw.source,
        "pledge": [
            {
                "id": p.id,
                "order": p.order,
                "title": p.title,
                "short_title": p.short_title,
                "summary": p.summary,
                "indicators": list(p.indicators),
                "bright_spots": list(p.bright_spots),
                "measures_of_success": list(p.measures_of_success),
            }
            for p in fw.pledges
        ],
    }


def copy_of(fw: Framework, new_id: str, title: str, council_code: str) -> dict:
    """A new council's framework, starting from a shipped one under its own id, title and council."""
    data = as_dict(fw)
    data.update(id=new_id, title=title, council_code=council_code, source=f"Started from a copy of {fw.title}")
    return data


def _toml(value: object) -> str:
    from cpdata.uploads.saved_recipes import _toml as text

    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return text(str(value))


def toml_text(data: dict) -> str:
    lines = ["# A council's framework, saved from the dashboard's framework page.", ""]
    lines += [f"{k} = {_toml(data[k])}" for k in ("id", "title", "council_code", "pledge_word", "source") if k in data]
    for p in data.get("pledge", []):
        lines += ["", "[[pledge]]"]
        lines += [f"{k} = {_toml(v)}" for k, v in p.items() if v not in (None, "", [])]
    return "\n".join(lines) + "\n"


def _plain(data: dict) -> None:
    """Titles and summaries reach headings and Markdown: refuse what would be read as formatting."""
    items = [("the framework", k, data.get(k, "")) for k in TEXT if k != "short_title"]
    for p in data.get("pledge", []):
        items += [(f"pledge {p.get('id')!r}", k, p.get(k, "")) for k in ("title", "short_title", "summary")]
        items += [(f"pledge {p.get('id')!r}", "a measure of success", m) for m in p.get("measures_of_success", [])]
    for where, key, text in items:
        if not isinstance(text, str):
            raise FrameworkRefused(f"{where}: its {key} must be text.")
        if key in TEXT and len(text) > TEXT[key]:
            raise FrameworkRefused(f"{where}: its {key} is longer than {TEXT[key]} characters.")
        if found := sorted(set(text) & (FORMATTING - {"#"})) or [
            "#" for line in text.splitlines() if line.lstrip().startswith("#")
        ]:
            raise FrameworkRefused(
                f"{where}: its {key} holds {' '.join(found)}, which pages would read as formatting; "
                "write it without them."
            )
        if any(ord(ch) < 32 and ch != "\n" for ch in text):
            raise FrameworkRefused(f"{where}: its {key} holds control characters.")


def normalised(data: dict) -> dict:
    """The data as it will be written: text trimmed, a missing short title the title, empty entries dropped."""
    out = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k != "pledge"}
    out["pledge"] = []
    for p in data.get("pledge", []):
        p = {k: (v.strip() if isinstance(v, str) else v) for k, v in p.items()}
        p["short_title"] = p.get("short_title") or p.get("title", "")
        p["measures_of_success"] = [m.strip() for m in p.get("measures_of_success", []) if m.strip()]
        out["pledge"].append(p)
    return out


def check(folder: DataFolder, data: dict) -> Framework:
    """The framework ``data`` makes, checked as the loader checks a council's file (ids, known indicators and
    Bright Spots measures, pledge URLs free), plus plain text; FrameworkRefused says what to fix."""
    data = normalised(data)
    _plain(data)
    for p in data.get("pledge", []):
        if not str(p.get("title", "")).strip():
            raise FrameworkRefused(f"pledge {p.get('id')!r}: give it a title.")
    if sorted(int(p.get("order", 0)) for p in data.get("pledge", [])) != list(
        range(1, len(data.get("pledge", [])) + 1)
    ):
        raise FrameworkRefused("The pledges' order must be 1, 2, 3 … with no number twice or missing.")
    try:
        fw = catalogue.parse_framework(data, catalogue.load_catalogue(folder), f"{data.get('id')}.toml")
        loaded = {k: v for k, v in catalogue.load_frameworks(folder).items() if k != fw.id}
        if clash := catalogue._clash(fw, loaded):
            raise CatalogueError(clash)
    except CatalogueError as exc:
        raise FrameworkRefused(str(exc)) from None
    text = toml_text(data)
    back = catalogue.parse_framework(tomllib.loads(text), catalogue.load_catalogue(folder), "check")
    if back != fw:
        raise FrameworkRefused("This framework would not read back as it is; it was not saved.")
    return fw


def path_for(folder: DataFolder, fw_id: str) -> Path:
    return folder.frameworks / f"{fw_id}.toml"


def save(folder: DataFolder, data: dict) -> Path:
    """Check and write the framework, keeping what it replaces for undo; returns the file."""
    root = folder.root
    check(folder, data)
    with store.writer_lock(folder):
        fw = check(folder, data)
        data, path = normalised(data), path_for(folder, fw.id)
        kept = root / HISTORY / fw.id
        kept.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        if path.exists():
            atomic.write_bytes(kept / f"{stamp}.toml", path.read_bytes())
        else:
            atomic.write_bytes(kept / f"{stamp}{NONE}", b"")
        atomic.write_bytes(path, toml_text(data).encode("utf-8"))
    return path


def saves(folder: DataFolder, fw_id: str) -> list[Path]:
    """The versions kept for undo, newest first."""
    kept = folder.framework_history / fw_id
    return sorted((p for p in kept.iterdir() if p.is_file()), reverse=True) if kept.is_dir() else []


def undo(folder: DataFolder, fw_id: str) -> str:
    """Put back what the latest save replaced (or take away the file it made). Returns what was done."""
    root = folder.root
    with store.writer_lock(folder):
        versions = saves(folder, fw_id)
        if not versions:
            raise FrameworkRefused(f"No save of {fw_id!r} from this page to undo.")
        last, path = versions[0], path_for(folder, fw_id)
        used = root / HISTORY / fw_id / "undone"
        used.mkdir(exist_ok=True)
        if path.exists():  # the version undone is kept too
            atomic.write_bytes(used / f"{last.stem}_as_undone.toml", path.read_bytes())
        if last.suffix == NONE:
            path.unlink(missing_ok=True)
            done = f"The framework file {path.name} this page made is taken away again."
        else:
            atomic.write_bytes(path, last.read_bytes())
            done = f"The framework {fw_id!r} is back as it was before the last save."
        os.replace(last, used / last.name)
        atomic.fsync_dir(path.parent)
    return done
