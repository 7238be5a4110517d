"""The data folder: parquet extracts listed in a manifest, queried through DuckDB.

Layout of a data folder::

    manifest.json              which extracts are active, in the order they were applied
    reference/areas.parquet    councils (old and new codes), regions, England
    reference/sn_models.parquet  DfE statistical-neighbour models, 2021 and 2025
    extracts/<id>.parquet      one file per extract (figures or Bright Spots)

The manifest is replaced atomically, so a reader sees one whole version or the next.
Each data version gets its own in-memory DuckDB database; every query takes its own
cursor from it, so sessions and threads never share one connection.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import tempfile
import threading
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from cpdata import config

MANIFEST = "manifest.json"
KINDS = ("figures", "bright_spots")
_lock = threading.Lock()


class StoreError(RuntimeError):
    """The data folder is missing or inconsistent; the message says what to do."""


def read_manifest(data_dir: Path | None = None) -> dict:
    path = (data_dir or config.data_dir()) / MANIFEST
    if not path.exists():
        raise StoreError(f"No {MANIFEST} in {path.parent}: point CPDATA_DIR at a data folder, or rebuild sample data.")
    return json.loads(path.read_text(encoding="utf-8"))


def version(data_dir: Path | None = None) -> str:
    """A token that changes whenever the data changes (a hash of the manifest)."""
    path = (data_dir or config.data_dir()) / MANIFEST
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_manifest(manifest: dict, data_dir: Path | None = None) -> None:
    body = json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8")
    _atomic_write((data_dir or config.data_dir()) / MANIFEST, body)


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write a parquet file atomically (temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def add_extract(table: pa.Table, kind: str, meta: dict, data_dir: Path | None = None) -> dict:
    """Write an extract and make it active in one manifest swap. Returns its manifest entry."""
    if kind not in KINDS:
        raise ValueError(f"unknown extract kind {kind!r}")
    root = data_dir or config.data_dir()
    manifest = read_manifest(root)
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
    write_manifest(manifest, root)
    return entry


def active_files(manifest: dict, kind: str, root: Path) -> list[tuple[str, int, Path]]:
    return [(e["id"], e["seq"], root / e["file"]) for e in manifest["extracts"] if e["kind"] == kind and e["active"]]


def _load(con: duckdb.DuckDBPyConnection, name: str, files: list[tuple[str, int, Path]], schema: pa.Schema) -> None:
    """Materialise a kind's active extracts as one table with their apply order (seq)."""
    tables = []
    for extract_id, seq, path in files:
        t = pq.read_table(path).select(schema.names).cast(schema)
        # pa.repeat, not a Python list per row (a second at 2.4M rows)
        ids = pa.repeat(pa.scalar(extract_id, pa.string()), t.num_rows)
        t = t.set_column(t.schema.get_field_index("extract_id"), "extract_id", ids)
        tables.append(t.append_column("seq", pa.repeat(pa.scalar(seq, pa.int32()), t.num_rows)))
    combined = pa.concat_tables(tables) if tables else schema.append(pa.field("seq", pa.int32())).empty_table()
    con.register("_incoming", combined)
    con.execute(f"CREATE TABLE {name} AS SELECT * FROM _incoming")
    con.unregister("_incoming")


@functools.lru_cache(maxsize=4)
def _database(root: str, token: str) -> duckdb.DuckDBPyConnection:
    from cpdata import schema

    rootp = Path(root)
    manifest = read_manifest(rootp)
    con = duckdb.connect(":memory:", config={"threads": 2, "memory_limit": "1GB"})
    _load(con, "figures_all", active_files(manifest, "figures", rootp), schema.FIGURES)
    _load(con, "bright_spots_all", active_files(manifest, "bright_spots", rootp), schema.BRIGHT_SPOTS)
    con.register("_areas", pq.read_table(rootp / "reference" / "areas.parquet"))
    con.execute("CREATE TABLE areas AS SELECT * FROM _areas")
    con.register("_sn", pq.read_table(rootp / "reference" / "sn_models.parquet"))
    con.execute("CREATE TABLE sn_models AS SELECT * FROM _sn")
    con.unregister("_areas")
    con.unregister("_sn")
    # The latest applied figure wins for each key; older ones stay in figures_all (history).
    # Tables, not views: built once per data version instead of on every query.
    con.execute(
        """CREATE TABLE figures AS SELECT * EXCLUDE (rn) FROM (
             SELECT *, row_number() OVER (PARTITION BY indicator_id, area_code, period, figure_type, basis
                                          ORDER BY seq DESC) AS rn FROM figures_all) WHERE rn = 1"""
    )
    con.execute(
        """CREATE TABLE bright_spots AS SELECT * EXCLUDE (rn) FROM (
             SELECT *, row_number() OVER (PARTITION BY area_code, survey, wave, age_band, measure_id
                                          ORDER BY seq DESC) AS rn FROM bright_spots_all) WHERE rn = 1"""
    )
    # Everything is in memory now: no file access from queries, and no one can change that.
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def cursor(data_dir: Path | None = None, token: str | None = None) -> duckdb.DuckDBPyConnection:
    """A fresh cursor on the database for the current (or given) data version."""
    root = data_dir or config.data_dir()
    token = token or version(root)
    with _lock:
        db = _database(str(root), token)
        return db.cursor()
