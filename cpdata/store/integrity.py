"""Is a data folder whole? Checked whenever a data version is first opened, and by ``check-store``.

A writer puts an extract file in place and only then swaps the manifest, so a writer killed half
way leaves at most a temporary file (``.<name>.<random>.tmp``) or an extract file the manifest does
not name. Neither holds live figures: temporary files are deleted and unnamed extracts moved to
``orphaned/`` (nothing is destroyed), under the writers' lock so no writer is mid-way. A manifest
that is damaged, or names a missing or unreadable file, is not something a crash of ours leaves:
it is reported as a ``StoreError`` saying what to do, never guessed around.
"""

from __future__ import annotations

import fcntl
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from cpdata.core import datafolder, schema
from cpdata.core.datafolder import DataFolder
from cpdata.store import store, versions

log = logging.getLogger(__name__)
ORPHANED = datafolder.ORPHANED
FIX = (
    "Restore the file from a backup (or rebuild the sample data); an upload can instead be taken "
    "out with: python -m cpdata undo UPLOAD_ID"
)
_ENTRY_KEYS = {"id", "kind", "file", "active", "seq"}


@dataclass
class Report:
    tidied: list[str] = field(default_factory=list)  # leftovers removed or moved aside
    leftovers: list[str] = field(default_factory=list)  # found but left (folder read-only, or a writer busy)
    problems: list[str] = field(default_factory=list)  # damage: the store will not open until it is fixed


def _unreadable(path: Path, what: str, wanted: pa.Schema) -> list[str]:
    if not path.is_file():
        return [f"{what} ({path.name}) is missing"]
    try:
        names = set(pq.read_schema(path).names)
    except (OSError, pa.ArrowException):
        return [f"{what} ({path.name}) is damaged: not a readable parquet file"]
    lacking = [n for n in wanted.names if n not in names]
    return [f"{what} ({path.name}) lacks columns {', '.join(lacking)}"] if lacking else []


def problems(root: Path, manifest: dict) -> list[str]:
    """Everything that would stop this manifest's version opening, in words."""
    out = []
    extracts = os.path.normpath(root / "extracts")
    for i, entry in enumerate(manifest["extracts"]):
        if not isinstance(entry, dict) or not set(entry) >= _ENTRY_KEYS or entry["kind"] not in store.KINDS:
            out.append(f"entry {i + 1} of {store.MANIFEST} is incomplete")
            continue
        if not entry["active"]:
            continue
        path = os.path.normpath(root / str(entry["file"]))
        if os.path.dirname(path) != extracts:
            out.append(f"extract {entry['id']!r} names a file outside extracts/ ({entry['file']})")
            continue
        wanted = schema.FIGURES if entry["kind"] == "figures" else schema.BRIGHT_SPOTS
        out += _unreadable(Path(path), f"extract {entry['id']!r}", wanted)
    out += _unreadable(root / "reference" / "areas.parquet", "the areas reference", schema.AREAS)
    out += _unreadable(root / "reference" / "sn_models.parquet", "the neighbours reference", schema.SN_MODELS)
    return out


# Every folder the dashboard writes into with cpdata.core.atomic (a killed write leaves ``.<name>.<random>.tmp``).
WRITTEN_FOLDERS = ("extracts", "reference", "recipes", "running_orders", "catalogue", "frameworks", "versions")


def leftovers(root: Path, manifest: dict) -> list[Path]:
    """Temporary files of an interrupted write, and extract files the manifest does not name."""
    temps = [
        p
        for folder in (root, *(root / name for name in WRITTEN_FOLDERS))
        if folder.is_dir()
        for p in folder.iterdir()
        if p.name.startswith(".") and p.name.endswith(".tmp")
    ]
    named = {os.path.normpath(root / str(e.get("file", ""))) for e in manifest["extracts"] if isinstance(e, dict)}
    extracts = root / "extracts"
    unnamed = [p for p in extracts.glob("*.parquet") if os.path.normpath(p) not in named] if extracts.is_dir() else []
    return sorted(temps) + sorted(unnamed) + unborn_versions(root)


def unborn_versions(root: Path) -> list[Path]:
    """Database files (``cpdata.store.versions``) of a version that never became current: a writer builds the
    file, then swaps the manifest in, so a file newer than the manifest that is not the manifest's own was
    left by a writer killed between the two (DuckDB's ``.wal`` of a killed build too). Older ones are
    earlier versions, kept on purpose."""
    folder = root / versions.VERSIONS
    manifest = root / store.MANIFEST
    if not folder.is_dir() or not manifest.is_file():
        return []
    current = versions.path_for(root, store.version(DataFolder(root))).name
    since = manifest.stat().st_mtime_ns
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix == ".wal" or (p.suffix == ".duckdb" and p.name != current and versions.mtime_ns(p) > since)
    )


def tidy(root: Path) -> Report:
    """Remove (temporary) or move aside (unnamed extracts) a killed writer's leftovers, if no writer is busy."""
    report = Report()
    found = leftovers(root, store.read_manifest(DataFolder(root)))
    if not found:
        return report
    held = store.try_writer_lock(root)
    if held is None:
        report.leftovers = [str(p.relative_to(root)) for p in found]
        return report
    try:
        for path in leftovers(
            root, store.read_manifest(DataFolder(root))
        ):  # again, under the lock: a writer may have finished
            if path.suffix in (".tmp", ".duckdb", ".wal"):  # half-written, or derived from the extracts
                path.unlink(missing_ok=True)
            else:
                (root / ORPHANED).mkdir(exist_ok=True)
                os.replace(path, root / ORPHANED / path.name)
            report.tidied.append(str(path.relative_to(root)))
    finally:
        fcntl.flock(held, fcntl.LOCK_UN)
        held.close()
    return report


def check(folder: DataFolder, repair: bool = True) -> Report:
    """The whole folder: leftovers (tidied if ``repair``) and problems, for operators and tests."""
    root = folder.root
    try:
        manifest = store.read_manifest(folder)
    except store.StoreError as exc:
        return Report(problems=[str(exc)])
    report = tidy(root) if repair else Report(leftovers=[str(p.relative_to(root)) for p in leftovers(root, manifest)])
    report.problems = problems(root, manifest)
    return report


def ensure(root: Path, manifest: dict) -> None:
    """On opening a version: tidy what a crash left, log it, and refuse plainly if the folder is damaged."""
    report = tidy(root)
    if report.tidied:
        log.warning("Data folder %s: tidied what an interrupted write left: %s", root, ", ".join(report.tidied))
    if report.leftovers:
        log.info("Data folder %s: leftovers not tidied now (a writer is busy or no write access): %s", root, report)
    found = problems(root, manifest)
    if found:
        raise store.StoreError(f"The data folder {root} is damaged: {'; '.join(found)}. {FIX}")
