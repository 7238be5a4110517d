"""A write the disk refuses (full, no permission, locked) is said plainly, on the page and the command line,
and leaves the data folder exactly as it was."""

from __future__ import annotations

import errno
import hashlib
from pathlib import Path

import pytest

from cpdata.core import atomic
from cpdata.core.datafolder import DataFolder
from cpdata.ops import cli
from cpdata.store import store
from cpdata.uploads import ingest, uploads
from tests.conftest import analysts_secrets

GOOD = b"indicator_id,area_code,period,value\ncla_reviews_timely,E09000003,2024/25,97.5\n"
FAILURES = {
    errno.ENOSPC: "Not applied: the data folder's disk is full; nothing changed",
    errno.EACCES: "Not applied: this server is not allowed to write the data folder (permission denied)",
    errno.EBUSY: "Not applied: the data folder is locked by another program; nothing changed",
    errno.EIO: "Not applied: the data folder could not be written (Input/output error); nothing changed",
}


def folder_hash(root: Path) -> str:
    """Every file's name and bytes, but the writers' lock file (empty; taking the lock may create it)."""
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != store.LOCK):
        h.update(str(path.relative_to(root)).encode() + path.read_bytes())
    return h.hexdigest()


def _failing(code: int):
    def fail(*args, **kwargs):
        raise OSError(code, __import__("os").strerror(code))

    return fail


@pytest.mark.parametrize("code", list(FAILURES))
def test_a_failed_extract_write_is_not_applied_and_changes_nothing(code, data_copy, monkeypatch):
    prepared = ingest.prepare(DataFolder(data_copy), GOOD, "refresh.csv")
    before = folder_hash(data_copy)
    monkeypatch.setattr(atomic, "write_with", _failing(code))
    with pytest.raises(uploads.NotApplied, match=FAILURES[code].replace("(", r"\(").replace(")", r"\)")):
        uploads.apply(DataFolder(data_copy), prepared, GOOD, "Ana")
    assert folder_hash(data_copy) == before


def test_a_manifest_the_disk_refuses_leaves_no_extract_behind(data_copy, monkeypatch):
    prepared = ingest.prepare(DataFolder(data_copy), GOOD, "refresh.csv")
    before = folder_hash(data_copy)
    monkeypatch.setattr(store, "write_manifest", _failing(errno.ENOSPC))
    with pytest.raises(uploads.NotApplied, match="disk is full"):
        uploads.apply(DataFolder(data_copy), prepared, GOOD, "Ana")
    assert folder_hash(data_copy) == before  # the extract written first is gone again


def test_a_lock_that_cannot_be_taken_is_not_applied(data_copy, monkeypatch):
    prepared = ingest.prepare(DataFolder(data_copy), GOOD, "refresh.csv")
    before = folder_hash(data_copy)
    monkeypatch.setattr(store.fcntl, "flock", _failing(errno.ENOLCK))
    with pytest.raises(uploads.NotApplied, match="cannot be locked for writing; nothing changed"):
        uploads.apply(DataFolder(data_copy), prepared, GOOD, "Ana")
    assert folder_hash(data_copy) == before


def test_undo_on_a_full_disk_is_not_undone_and_says_so(data_copy, monkeypatch):
    entry = uploads.apply(
        DataFolder(data_copy), ingest.prepare(DataFolder(data_copy), GOOD, "refresh.csv"), GOOD, "Ana"
    )
    before = folder_hash(data_copy)
    monkeypatch.setattr(atomic, "write_bytes", _failing(errno.ENOSPC))
    with pytest.raises(uploads.NotApplied, match="Not undone: the data folder's disk is full; nothing changed"):
        uploads.undo(DataFolder(data_copy), entry["id"], "Ana")
    assert folder_hash(data_copy) == before


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES])
def test_the_command_line_says_it_in_one_line_with_no_traceback(code, data_copy, tmp_path, monkeypatch, capsys):
    upload = tmp_path / "refresh.csv"
    upload.write_bytes(GOOD)
    before = folder_hash(data_copy)
    monkeypatch.setattr(atomic, "write_with", _failing(code))
    assert cli.main(["load", str(upload), "--by", "Ana"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(FAILURES[code]) and "nothing changed" in err[0], err
    assert folder_hash(data_copy) == before


def test_the_command_line_refuses_the_password_as_the_loaders_name(data_copy, tmp_path, monkeypatch, capsys):
    secrets = tmp_path / "home" / ".streamlit"
    secrets.mkdir(parents=True)
    analysts_secrets(secrets / "secrets.toml", "correct horse")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    upload = tmp_path / "refresh.csv"
    upload.write_bytes(GOOD)
    before = folder_hash(data_copy)
    assert cli.main(["load", str(upload), "--by", "correct horse"]) == 1
    err = capsys.readouterr().err
    assert "--by is the analysts' password" in err and "correct horse" not in err
    assert folder_hash(data_copy) == before


def _held_elsewhere(root: Path):
    """The writers' lock taken on a file description of its own, as another worker's write would hold it."""
    fh = open(root / store.LOCK, "a+")  # noqa: SIM115 - closed by the caller
    store.fcntl.flock(fh, store.fcntl.LOCK_EX)
    return fh


def test_a_writer_stuck_holding_the_lock_is_waited_for_then_said_and_changes_nothing(data_copy, monkeypatch):
    """flock alone would wait for ever: one stuck writer would hang every analyst's Apply."""
    prepared = ingest.prepare(DataFolder(data_copy), GOOD, "refresh.csv")
    before = folder_hash(data_copy)
    monkeypatch.setattr(store, "LOCK_WAIT_S", 0.3)
    held = _held_elsewhere(data_copy)
    try:
        said = r"still being written after 0 s \(an upload, an undo or a framework saved, perhaps by another worker\)"
        with pytest.raises(uploads.NotApplied, match=said + "; nothing changed"):
            uploads.apply(DataFolder(data_copy), prepared, GOOD, "Ana")
        with pytest.raises(uploads.NotApplied, match="Not undone: another change to the data was " + said):
            uploads.undo(DataFolder(data_copy), "any-upload", "Ana")  # the lock is taken before the id is read
    finally:
        held.close()
    assert folder_hash(data_copy) == before
    # the screens that show the error itself (frameworks, indicators) get a sentence, not "[Errno 110] ..."
    assert str(store.WriterBusy(30)) == (
        "another change to the data was still being written after 30 s; nothing was changed. Try again in a minute."
    )


def test_a_lock_freed_while_waiting_is_taken_and_the_upload_applied(data_copy, monkeypatch):
    import threading

    prepared = ingest.prepare(DataFolder(data_copy), GOOD, "refresh.csv")
    monkeypatch.setattr(store, "LOCK_WAIT_S", 60.0)
    held = _held_elsewhere(data_copy)
    threading.Timer(0.3, held.close).start()  # the other write finishes
    entry = uploads.apply(DataFolder(data_copy), prepared, GOOD, "Ana")
    assert entry["rows"] == 1 and uploads.history(DataFolder(data_copy))["id"].iloc[0] == entry["id"]
