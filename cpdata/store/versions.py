"""Each data version's database: built once, by the writer that makes the version, and kept as a file.

A version's database is every active extract loaded into DuckDB, with the latest figure for each key
picked out. Building it took 0.4 s on the sample data and 8 s at 100x, and every server process built it
for itself when it first saw the version, so the first visitor after an upload waited for it. Now the
writer builds it into ``versions/<token>.duckdb`` (the token is the hash of the manifest that names it)
before it swaps the manifest in, and every process opens that file read-only in milliseconds. A folder
written by something else (an older version of this code, or by hand) simply has no file for its version,
and the database is built in memory as before; so is one whose extracts no longer match the file.

Each database also holds ``stamps``: for every indicator, a digest of the extract files its figures come
from (their ids, apply order, sizes and modification times), and one for the Bright Spots results and one
for the reference tables. Equal stamps mean equal figures, so the pages can keep what they worked out for
an indicator across an upload that did not touch it (``cpdata.ui.shared_views``).
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from cpdata.core import atomic, schema

VERSIONS = "versions"
KEEP = 3  # version files kept: the current one and the two before (a process may still be opening one)
REFERENCE = "__reference__"  # the stamp of the areas and neighbour models
BRIGHT_SPOTS = "__bright_spots__"  # the stamp of the Bright Spots results
CONFIG = {"threads": 2, "memory_limit": "1GB"}
# Once loaded, a version's database reads no other file, and no one can change that. Given when a version's
# file is opened, not SET afterwards: DuckDB keeps one instance per file in a process, so a file opened again
# while a page still held the first connection came back already locked, and the SET failed.
SEALED = {"enable_external_access": False, "lock_configuration": True}
_log = logging.getLogger(__name__)


def path_for(root: Path, token: str) -> Path:
    return root / VERSIONS / f"{token}.duckdb"


def active_files(manifest: dict, kind: str, root: Path) -> list[tuple[str, int, Path]]:
    return [(e["id"], e["seq"], root / e["file"]) for e in manifest["extracts"] if e["kind"] == kind and e["active"]]


def _read(path: Path) -> pa.Table:
    from cpdata.store.store import StoreError

    try:
        return pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise StoreError(f"{path} cannot be read ({exc}); restore it from a backup.") from None


def _load(con: duckdb.DuckDBPyConnection, name: str, files: list[tuple[str, int, Path]], shape: pa.Schema) -> None:
    """Materialise a kind's active extracts as one table with their apply order (seq)."""
    tables = []
    for extract_id, seq, path in files:
        t = _read(path).select(shape.names).cast(shape)
        # pa.repeat, not a Python list per row (a second at 2.4M rows)
        ids = pa.repeat(pa.scalar(extract_id, pa.string()), t.num_rows)
        t = t.set_column(t.schema.get_field_index("extract_id"), "extract_id", ids)
        tables.append(t.append_column("seq", pa.repeat(pa.scalar(seq, pa.int32()), t.num_rows)))
    combined = pa.concat_tables(tables) if tables else shape.append(pa.field("seq", pa.int32())).empty_table()
    con.register("_incoming", combined)
    con.execute(f"CREATE TABLE {name} AS SELECT * FROM _incoming")
    con.unregister("_incoming")


def _file_id(path: Path) -> str:
    """What identifies a file's contents cheaply: size and modification time (extracts are never rewritten)."""
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


def sources(root: Path, manifest: dict) -> dict[str, str]:
    """Each file the version is built from, by extract id (and the two reference files), with ``_file_id``."""
    kinds = ("figures", "bright_spots")
    out = {e_id: _file_id(p) for kind in kinds for e_id, _, p in active_files(manifest, kind, root)}
    for name in ("areas", "sn_models"):
        out[f"reference/{name}"] = _file_id(root / "reference" / f"{name}.parquet")
    return out


def _digest(parts: list[str]) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _stamps(con: duckdb.DuckDBPyConnection, manifest: dict, files: dict[str, str]) -> None:
    """The ``stamps`` table: one digest per indicator, plus the Bright Spots results and the reference."""
    seqs = {e["id"]: e["seq"] for e in manifest["extracts"]}
    used = con.execute("SELECT DISTINCT indicator_id, extract_id FROM figures_all ORDER BY ALL").fetchall()
    by_indicator: dict[str, list[str]] = {}
    for indicator_id, extract_id in used:
        by_indicator.setdefault(indicator_id, []).append(f"{extract_id}:{seqs[extract_id]}:{files[extract_id]}")
    spots = con.execute("SELECT DISTINCT extract_id FROM bright_spots_all ORDER BY ALL").fetchall()
    rows = [(i, _digest(parts)) for i, parts in by_indicator.items()]
    rows.append((BRIGHT_SPOTS, _digest([f"{e}:{seqs[e]}:{files[e]}" for (e,) in spots])))
    rows.append((REFERENCE, _digest([files["reference/areas"], files["reference/sn_models"]])))
    con.execute("CREATE TABLE stamps (name VARCHAR, stamp VARCHAR)")
    con.executemany("INSERT INTO stamps VALUES (?, ?)", rows)
    con.execute("CREATE TABLE sources (name VARCHAR, file_id VARCHAR)")
    con.executemany("INSERT INTO sources VALUES (?, ?)", sorted(files.items()))


def build(con: duckdb.DuckDBPyConnection, root: Path, manifest: dict) -> None:
    """Load the version named by ``manifest`` into ``con`` (empty): its tables and its stamps."""
    files = sources(root, manifest)
    _load(con, "figures_all", active_files(manifest, "figures", root), schema.FIGURES)
    _load(con, "bright_spots_all", active_files(manifest, "bright_spots", root), schema.BRIGHT_SPOTS)
    for name in ("areas", "sn_models"):
        con.register("_ref", _read(root / "reference" / f"{name}.parquet"))
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM _ref")
        con.unregister("_ref")
    # The latest applied figure wins for each key; older ones stay in figures_all (history).
    # Tables, not views: built once per data version instead of on every query.
    for table, key in (("figures", schema.FIGURE_KEY), ("bright_spots", schema.SURVEY_KEY)):
        con.execute(
            f"""CREATE TABLE {table} AS SELECT * EXCLUDE (rn) FROM (
                 SELECT *, row_number() OVER (PARTITION BY {", ".join(key)} ORDER BY seq DESC) AS rn
                 FROM {table}_all) WHERE rn = 1 ORDER BY {", ".join(key)}"""
        )
    _stamps(con, manifest, files)


def write(root: Path, token: str, manifest: dict) -> Path | None:
    """Build the version's database file (atomically: whole or not at all); the path, or None if it was there.
    A database that cannot be built here is no reason to refuse the write: readers build it in memory."""
    path = path_for(root, token)
    if path.exists():
        return None

    def fill(tmp: str) -> None:
        os.unlink(tmp)  # DuckDB makes its own file; it refuses an empty one
        con = duckdb.connect(tmp, config=CONFIG)
        try:
            build(con, root, manifest)
            con.execute("CHECKPOINT")
        finally:
            con.close()

    try:
        atomic.write_with(path, fill)
    except duckdb.Error:
        _log.exception("the database of data version %s was not kept as a file; it is built when opened", token)
        return None
    return path


def open_file(root: Path, token: str, manifest: dict) -> duckdb.DuckDBPyConnection | None:
    """The version's database file opened read-only, if there is one and it was built from the files the
    folder holds now; else None (the caller builds it in memory)."""
    path = path_for(root, token)
    if not path.is_file():
        return None
    try:
        con = duckdb.connect(str(path), read_only=True, config=CONFIG | SEALED)
    except duckdb.Error:
        _log.warning("data version %s: its database file could not be opened; building it in memory", token)
        return None
    try:
        built_from = dict(con.execute("SELECT name, file_id FROM sources").fetchall())
        now = sources(root, manifest)
    except (duckdb.Error, OSError):
        built_from, now = {}, None
    if built_from != now:
        con.close()
        _log.warning("data version %s: its database file is not of the files held now; building it in memory", token)
        return None
    return con


def mtime_ns(path: Path) -> int:
    """A version file's modification time; -1 if it has gone since the folder was listed. Readers look at
    the folder without the writers' lock (``cpdata.store.integrity``) while a writer prunes it: a file
    removed meanwhile is neither a leftover nor an error (a stat of it raised FileNotFoundError, CI)."""
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return -1


def prune(root: Path, keep: str) -> None:
    """Remove all but the newest ``KEEP`` version files (``keep``, the one just made current, always stays)
    and anything a killed build left. Called by writers, under the writers' lock."""
    folder = root / VERSIONS
    if not folder.is_dir():
        return
    files = sorted(folder.glob("*.duckdb"), key=mtime_ns, reverse=True)
    kept = {path_for(root, keep).name, *(p.name for p in files[:KEEP])}
    for p in folder.iterdir():
        if p.name not in kept:
            p.unlink(missing_ok=True)
