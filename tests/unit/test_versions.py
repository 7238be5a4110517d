"""Each data version's database is built by the writer that makes it and opened from its file by every
reader (``cpdata.store.versions``); a file that does not match the folder is never trusted; stamps change
exactly where figures change."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from cpdata.core.datafolder import DataFolder
from cpdata.store import integrity, store, versions
from cpdata.uploads import ingest, uploads

BARNET = "E09000003"


def _apply(root: Path, value: int, indicator: str = "cla_good_outstanding_school") -> dict:
    data = f"indicator_id,area_code,period,value\n{indicator},{BARNET},2024/25,{value}\n".encode()
    return uploads.apply(DataFolder(root), ingest.prepare(DataFolder(root), data, f"u{value}.csv"), data, "test")


def _value(root: Path, indicator: str = "cla_good_outstanding_school") -> float | None:
    df = store.frame(
        DataFolder(root),
        "SELECT value FROM figures WHERE indicator_id = $i AND area_code = $a AND period = 2025",
        {"i": indicator, "a": BARNET},
    )
    return None if df.empty else float(df["value"].iloc[0])


def _reopen() -> None:
    store._database.cache_clear()


def _no_build_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if a reader builds a version in memory (it should open the writer's file)."""
    real = versions.build

    def build(con, root, manifest):
        if con.execute("PRAGMA database_list").fetchall()[0][2] is None:  # an in-memory database has no file
            raise AssertionError("built in memory")
        return real(con, root, manifest)

    monkeypatch.setattr(versions, "build", build)


def test_an_upload_writes_its_versions_database_and_readers_open_it(data_copy, monkeypatch):
    _apply(data_copy, 91)  # the sample data has no file of its version: that one is built in memory
    _no_build_in_memory(monkeypatch)
    token = store.version(DataFolder(data_copy))
    assert versions.path_for(data_copy, token).is_file()
    _reopen()
    assert _value(data_copy) == 91.0  # read from the file: building in memory would have failed
    entry = _apply(data_copy, 92)
    _reopen()
    assert _value(data_copy) == 92.0
    uploads.undo(DataFolder(data_copy), entry["id"], "test")  # an undo is a version too
    _reopen()
    assert _value(data_copy) == 91.0


def test_a_file_not_of_the_extracts_held_now_is_not_trusted(data_copy):
    _apply(data_copy, 91)
    token = store.version(DataFolder(data_copy))
    extract = next((data_copy / "extracts").glob("upload_*.parquet"))
    other = _apply(data_copy, 93)  # an extract of another value, copied over the first by hand
    os.replace(data_copy / other["file"], extract)
    uploads.undo(DataFolder(data_copy), other["id"], "test")
    assert store.version(DataFolder(data_copy)) != token
    # the manifest of the first upload again, whose file was built from the first extract
    manifest = store.read_manifest(DataFolder(data_copy))
    for e in manifest["extracts"]:
        e["active"] = e["id"] != other["id"]
    _reopen()
    assert versions.open_file(data_copy, token, manifest) is None
    assert _value(data_copy) == 93.0  # built in memory from the file that is there now


def test_a_damaged_database_file_is_built_in_memory_instead(data_copy):
    _apply(data_copy, 91)
    path = versions.path_for(data_copy, store.version(DataFolder(data_copy)))
    path.write_bytes(b"not a database")
    _reopen()
    assert _value(data_copy) == 91.0


def test_a_folder_with_no_database_files_is_built_in_memory(data_copy):
    _apply(data_copy, 91)
    for p in (data_copy / versions.VERSIONS).iterdir():
        p.unlink()
    _reopen()
    assert _value(data_copy) == 91.0


def test_only_the_newest_files_are_kept(data_copy):
    for value in range(80, 86):
        _apply(data_copy, value)
    files = list((data_copy / versions.VERSIONS).iterdir())
    assert len(files) == versions.KEEP
    assert versions.path_for(data_copy, store.version(DataFolder(data_copy))) in files
    assert integrity.check(DataFolder(data_copy), repair=False).leftovers == []  # earlier versions are no leftovers


def test_a_file_newer_than_the_manifest_and_not_its_own_is_a_killed_writers(data_copy):
    _apply(data_copy, 91)
    stray = versions.path_for(data_copy, "0123456789abcdef")
    stray.write_bytes(b"x")
    assert integrity.check(DataFolder(data_copy), repair=False).leftovers == [f"versions/{stray.name}"]
    assert integrity.check(DataFolder(data_copy)).tidied == [f"versions/{stray.name}"]
    assert not stray.exists()


def test_a_file_pruned_while_a_reader_looks_for_leftovers_is_no_error(data_copy, monkeypatch):
    """A reader opening a version looks for a killed writer's files without the writers' lock, while a
    writer may prune old version files: one listed, then removed before its time was read, failed the
    twenty-sessions test in CI with FileNotFoundError. Here the prune falls exactly between the two."""
    for value in (91, 92):
        _apply(data_copy, value)
    folder = data_copy / versions.VERSIONS
    current = versions.path_for(data_copy, store.version(DataFolder(data_copy)))
    listing = Path.iterdir

    def listed_then_pruned(self: Path):
        names = list(listing(self))
        if self == folder:
            for p in names:
                if p != current:
                    p.unlink()
        return iter(names)

    monkeypatch.setattr(Path, "iterdir", listed_then_pruned)
    assert integrity.unborn_versions(data_copy) == []
    assert integrity.check(DataFolder(data_copy), repair=False).leftovers == []


def test_a_version_file_opened_again_in_the_same_process_opens_sealed(data_copy):
    """DuckDB keeps one instance per database file in a process. A version's file opened a second time while
    a page still held its first connection (the store's cache of databases had let it go) came back with its
    configuration already locked, and opening it failed ("Cannot change configuration option"): the
    benchmark's 10x and 100x page runs, whose folders have version files, stopped there."""
    _apply(data_copy, 91)
    _reopen()
    held = store.snapshot(DataFolder(data_copy))  # a page run holding its version
    _reopen()
    again = store.snapshot(DataFolder(data_copy))
    assert held.db is not again.db and _value(data_copy) == 91.0
    for snap in (held, again):  # sealed either way: no file outside the database can be read
        with pytest.raises(duckdb.Error, match="[Pp]ermission|disabled"):
            snap.db.cursor().execute("SELECT * FROM read_csv('/etc/hostname')").fetchall()
        with pytest.raises(duckdb.Error, match="locked"):
            snap.db.cursor().execute("SET enable_external_access = true")


def test_a_version_built_in_memory_is_sealed_too(data_copy):
    snap = store.snapshot(DataFolder(data_copy))  # the sample data has no file of its version
    assert snap.db.execute("PRAGMA database_list").fetchall()[0][2] is None
    with pytest.raises(duckdb.Error, match="locked"):
        snap.db.cursor().execute("SET enable_external_access = true")


def test_stamps_change_only_for_what_an_upload_changed(data_copy):
    folder = DataFolder(data_copy)
    before = store.stamps(folder)
    _apply(data_copy, 91)
    after = store.stamps(folder)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert changed == {"cla_good_outstanding_school"}
    assert versions.REFERENCE in after and versions.BRIGHT_SPOTS in after
