"""The data folder: parquet extracts listed in a manifest, queried through DuckDB.

Layout of a data folder::

    manifest.json              which extracts are active, in the order they were applied
    reference/areas.parquet    councils (old and new codes), regions, England
    reference/sn_models.parquet  DfE statistical-neighbour models, 2021 and 2025
    extracts/<id>.parquet      one file per extract (figures or Bright Spots)

Writers put the extract file in place first and then replace the manifest atomically, so a
reader (or a process killed half way) sees one whole version or the next. Each data version
gets its own in-memory DuckDB database, built from the very manifest bytes its token hashes;
every query takes its own cursor from it, so sessions and threads never share one connection.
``pinned()`` holds one version for a block of queries (a page run), so a page's several
queries never straddle an upload. Opening a version first checks the folder
(``cpdata.store.integrity``): leftovers of a killed writer are tidied, damage is reported plainly.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import errno
import fcntl
import functools
import hashlib
import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cpdata.core import atomic, datafolder
from cpdata.core.datafolder import DataFolder
from cpdata.store import versions

MANIFEST = datafolder.MANIFEST
LOCK = datafolder.LOCK
KINDS = ("figures", "bright_spots")
_lock = threading.Lock()
_writing = threading.local()  # the data folders whose writers' lock this thread holds


class StoreError(RuntimeError):
    """The data folder is missing or inconsistent; the message says what to do."""


@dataclass(frozen=True)
class Snapshot:
    """One data version: its token, its database (queries take cursors from it), its manifest (what
    "as at" and "illustrative" are read from, so they describe the very figures shown) and its stamps
    (``stamps``); all read only."""

    root: str
    token: str
    db: duckdb.DuckDBPyConnection
    manifest: dict
    stamps: dict[str, str]


_pin: contextvars.ContextVar[Snapshot | None] = contextvars.ContextVar("cpdata_store_pin", default=None)


def _manifest_bytes(root: Path) -> bytes:
    try:
        return (root / MANIFEST).read_bytes()
    except FileNotFoundError:
        raise StoreError(
            f"No {MANIFEST} in {root}: point CPDATA_DIR at a data folder, or rebuild sample data."
        ) from None


def parse_manifest(body: bytes, root: Path) -> dict:
    """The manifest as a dict; a damaged one is a ``StoreError`` saying so, not a JSON traceback."""
    try:
        manifest = json.loads(body)
    except ValueError as exc:
        raise StoreError(f"{MANIFEST} in {root} is damaged ({exc}); restore it from a backup.") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("extracts"), list):
        raise StoreError(f"{MANIFEST} in {root} has no list of extracts; restore it from a backup.")
    return manifest


def read_manifest(folder: DataFolder) -> dict:
    """The manifest as it is on disk now (never a pinned one: writers must see the latest)."""
    root = folder.root
    return parse_manifest(_manifest_bytes(root), root)


def _token(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:16]


def _pinned(root: Path) -> Snapshot | None:
    pin = _pin.get()
    return pin if pin is not None and _real(pin.root) == _real(str(root)) else None


@functools.lru_cache(maxsize=64)
def _real(path: str) -> str:
    """A folder's real path, worked out once: every query of a run asks whether it is the pinned folder, and
    ``os.path.realpath`` checks each part of the path on disk each time (4% of a served page, py-spy)."""
    return os.path.realpath(path)


def version(folder: DataFolder) -> str:
    """A token that changes whenever the data changes (a hash of the manifest); the pinned one if pinned."""
    root = folder.root
    pin = _pinned(root)
    return pin.token if pin else _token(_manifest_bytes(root))


def write_manifest(folder: DataFolder, manifest: dict) -> None:
    """Make ``manifest`` the current version: its database file first (``versions.write``: every process
    then opens it rather than building it), then the manifest itself. Writers call it under the lock."""
    root = folder.root
    body = json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8")
    token = _token(body)
    built = versions.write(root, token, manifest)
    try:
        atomic.write_bytes(root / MANIFEST, body)
    except OSError:  # not written: nor is its database kept
        if built is not None:
            built.unlink(missing_ok=True)
        raise
    versions.prune(root, keep=token)


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write a parquet file atomically (temporary file, on disk before the rename)."""
    atomic.write_with(path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))


LOCK_WAIT_S = 30.0  # a write takes a second or two; longer means a writer is stuck, and the page must not hang


class WriterBusy(TimeoutError):
    """The writers' lock stayed taken for ``LOCK_WAIT_S``: another write (an upload, an undo, a framework
    saved, here or in another worker) has not finished. An OSError (ETIMEDOUT), so every writer's
    "nothing changed" handling says it as it says a full disk."""

    def __init__(self, waited_s: float) -> None:
        super().__init__(errno.ETIMEDOUT, f"another change to the data was still being written after {waited_s:.0f} s")

    def __str__(self) -> str:
        return f"{self.strerror}; nothing was changed. Try again in a minute."


def _wait_for(fh: IO, wait_s: float) -> None:
    """Take the lock on ``fh``, trying again every 50 ms, or raise ``WriterBusy`` after ``wait_s``: flock
    alone waits for ever, so one stuck writer would hang every analyst's Apply."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise WriterBusy(wait_s) from None
            time.sleep(0.05)


@contextlib.contextmanager
def writer_lock(folder: DataFolder) -> Iterator[None]:
    """The data folder's writers' lock (fcntl: other processes too), so writes never interleave and the
    start-up check never tidies a write under way. Re-entrant within a thread."""
    root = os.path.realpath(folder.root)
    held: frozenset[str] = getattr(_writing, "roots", frozenset())
    if root in held:
        yield
        return
    with open(Path(root) / LOCK, "a+") as fh:
        _wait_for(fh, LOCK_WAIT_S)
        _writing.roots = held | {root}
        try:
            yield
        finally:
            _writing.roots = held
            fcntl.flock(fh, fcntl.LOCK_UN)


def try_writer_lock(root: Path) -> IO | None:
    """The writers' lock if it is free and the folder writable, else None (never waits)."""
    try:
        fh = open(root / LOCK, "a+")  # noqa: SIM115 - held open by the caller until it is done
    except OSError:
        return None
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        return None
    return fh


def add_extract(folder: DataFolder, table: pa.Table, kind: str, meta: dict) -> dict:
    """Write an extract and make it active in one manifest swap. Returns its manifest entry."""
    if kind not in KINDS:
        raise ValueError(f"unknown extract kind {kind!r}")
    root = folder.root
    with writer_lock(folder):
        manifest = read_manifest(folder)
        extract_id = meta["id"]
        if any(e["id"] == extract_id for e in manifest["extracts"]):
            raise StoreError(f"an extract called {extract_id!r} is already held")
        rel = f"extracts/{extract_id}.parquet"
        write_parquet(table, root / rel)
        entry = {
            "kind": kind,
            "file": rel,
            "rows": table.num_rows,
            "active": True,
            "seq": max((e["seq"] for e in manifest["extracts"]), default=0) + 1,
            "applied_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            **meta,
        }
        manifest["extracts"].append(entry)
        try:
            write_manifest(folder, manifest)
        except OSError:  # e.g. the disk filled between the two writes: the folder is left as it was
            (root / rel).unlink(missing_ok=True)
            raise
    return entry


def add_frame(
    folder: DataFolder,
    frame: pd.DataFrame,
    kind: str,
    *,
    extract_id: str,
    source_file: str,
    sha256: str,
    applied_by: str,
    description: str,
    **more: str,
) -> dict:
    """A frame of figures (or survey results) in its kind's shape, made an extract with the record every
    extract carries: where it came from (file name and hash), who applied it, what it holds (and ``more``,
    e.g. the upload's shape). One place for the sample data build and uploads alike."""
    from cpdata.core import schema

    shape = schema.FIGURES if kind == "figures" else schema.BRIGHT_SPOTS
    table = schema.to_table(frame.assign(extract_id=extract_id), shape)
    meta = {
        "id": extract_id,
        "source_file": Path(source_file).name,
        "sha256": sha256,
        "applied_by": applied_by,
        "description": description,
        **more,
    }
    return add_extract(folder, table, kind, meta)


active_files = versions.active_files  # what a version is built from, named where it is built


@functools.lru_cache(maxsize=4)
def _database(root: str, token: str, body: bytes) -> tuple[duckdb.DuckDBPyConnection, dict, dict[str, str]]:
    """The database of the version whose manifest is ``body`` (``token`` is its hash), that manifest and the
    version's stamps: the file its writer built (``cpdata.store.versions``) opened read-only, else built here
    in memory. The stamps are read once here, with the database they describe, not cached beside it."""
    from cpdata.store import integrity

    rootp = Path(root)
    manifest = parse_manifest(body, rootp)
    integrity.ensure(rootp, manifest)
    con = versions.open_file(rootp, token, manifest)  # sealed as it is opened
    if con is None:
        con = duckdb.connect(":memory:", config=versions.CONFIG)
        versions.build(con, rootp, manifest)
        con.execute("SET enable_external_access = false")  # everything is loaded: sealed now (versions.SEALED)
        con.execute("SET lock_configuration = true")
    cur = con.cursor()
    try:
        return con, manifest, dict(cur.execute("SELECT name, stamp FROM stamps").fetchall())
    finally:
        cur.close()


def stamps(folder: DataFolder) -> dict[str, str]:
    """For the current (or pinned) version: each indicator's stamp (what its figures come from; equal
    stamps, equal figures), and ``versions.BRIGHT_SPOTS``'s and ``versions.REFERENCE``'s. Read only."""
    return snapshot(folder).stamps


def snapshot(folder: DataFolder) -> Snapshot:
    """The current (or pinned) data version: the manifest is read once, so token and contents agree."""
    root = folder.root
    pin = _pinned(root)
    if pin is not None:
        return pin
    body = _manifest_bytes(root)
    token = _token(body)
    with _lock:
        db, manifest, stamps_held = _database(str(root), token, body)
    return Snapshot(str(root), token, db, manifest, stamps_held)


def manifest(folder: DataFolder) -> dict:
    """The manifest of the version being read (the pinned one during a page run): unlike
    ``read_manifest``, never a newer one than the figures on screen came from. Read only."""
    return snapshot(folder).manifest


def cursor(folder: DataFolder) -> duckdb.DuckDBPyConnection:
    """A fresh cursor on the database for the current (or pinned) data version."""
    return snapshot(folder).db.cursor()


def frame(folder: DataFolder, sql: str, params: dict | list | None = None) -> pd.DataFrame:
    """One query (values as bound parameters) on a cursor of its own, closed after it, as a DataFrame: the way
    every query module asks, so sessions and threads never share a cursor."""
    cur = cursor(folder)
    try:
        return cur.execute(sql, params or {}).df()
    finally:
        cur.close()


@contextlib.contextmanager
def pinned(folder: DataFolder) -> Iterator[Snapshot]:
    """Every query in the block sees one data version, so a page never mixes figures across an upload."""
    token = _pin.set(snapshot(folder))
    try:
        yield _pin.get()  # type: ignore[misc]
    finally:
        _pin.reset(token)
