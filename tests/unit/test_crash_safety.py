"""A writer killed (SIGKILL) at any point of an apply or undo leaves a store that opens, checks whole,
and holds exactly the version before or the version after; the start-up check tidies what the kill
left and reports real damage plainly.

Writers run in processes forked from a helper that has imported cpdata once (so each kill costs
milliseconds, not an interpreter start). A writer pauses at the named point and this test kills it
there with SIGKILL; other writers are killed at random moments of a run of applies and undos.
"""

from __future__ import annotations

import base64
import dataclasses
import fcntl
import functools
import hashlib
import json
import os
import pickle
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cpdata.core import config, schema
from cpdata.core.datafolder import DataFolder
from cpdata.store import integrity, store
from cpdata.uploads import ingest, uploads

HANG_GUARD_S = 60
VALUES = {"a": 91.0, "b": 92.0}  # each upload's figure for Barnet, so the version shows in the figures

ZYGOTE = r"""
import base64, json, os, pickle, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import pyarrow.parquet as pq
from cpdata.core.datafolder import DataFolder
from cpdata.store import store
from cpdata.uploads import uploads

def say(*parts):
    os.write(1, (" ".join(map(str, parts)) + "\n").encode())

def pause(point):
    say("at", point)
    time.sleep(600)  # the test kills this process here

def arm(point):
    '''Pause at the named point of a write, as if the machine stopped the writer there.'''
    real_replace, real_write_table, real_fdopen = os.replace, pq.write_table, os.fdopen
    if point == "locked":  # the lock is held, nothing is written yet
        real_add, real_manifest = store.add_extract, store.write_manifest
        store.add_extract = lambda *a, **k: (pause(point), real_add(*a, **k))[1]
        store.write_manifest = lambda *a, **k: (pause(point), real_manifest(*a, **k))[1]

    def write_table(table, where, **kw):
        real_write_table(table, where, **kw)
        if point == "parquet_partial":
            os.truncate(where, os.path.getsize(where) // 2)
            pause(point)

    def replace(src, dst):
        kind = {".parquet": "parquet", ".duckdb": "version"}.get(Path(str(dst)).suffix, "manifest")
        if point == kind + "_unrenamed":
            pause(point)
        real_replace(src, dst)
        if point == kind + "_renamed":
            pause(point)

    class Half:
        def __init__(self, fh):
            self.fh = fh
        def __enter__(self):
            return self
        def __exit__(self, *exc):
            self.fh.close()
        def write(self, data):
            self.fh.write(data[: len(data) // 2])
            self.fh.flush()
            pause(point)

    def fdopen(fd, mode="r", *a, **k):
        fh = real_fdopen(fd, mode, *a, **k)
        return Half(fh) if point == "manifest_partial" and "w" in mode else fh

    pq.write_table, os.replace, os.fdopen = write_table, replace, fdopen

def run(job):
    arm(job["point"])
    root, ids = Path(job["root"]), {}
    for i, (op, arg) in enumerate(job["plan"]):
        if op == "apply":
            prepared, data = pickle.loads(base64.b64decode(arg))
            ids[prepared.filename] = uploads.apply(DataFolder(root), prepared, data, "crash test")["id"]
        else:
            uploads.undo(DataFolder(root), ids.get(arg, arg), "crash test")
        say("done", i)
    if job["point"] == "returned":
        pause("returned")

say("ready")
for line in sys.stdin:
    job = json.loads(line)
    pid = os.fork()
    if pid == 0:
        try:
            run(job)
            code = 0
        except BaseException as exc:
            say("error", repr(exc).replace(chr(10), " "))
            code = 1
        os._exit(code)
    say("pid", pid)
    say("exit", os.waitpid(pid, 0)[1])
"""


class Writers:
    """The helper process; ``run`` starts one writer and returns its messages once it is dead."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", ZYGOTE, str(config.REPO_DIR)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(x.strip()) for x in self.proc.stdout], daemon=True).start()
        assert self._next() == "ready"

    def _next(self) -> str:
        try:
            return self.lines.get(timeout=HANG_GUARD_S)
        except queue.Empty:
            raise AssertionError("the writer hung") from None

    def run(
        self, root: Path, plan: list, point: str | None = None, kill_after: tuple[int, float] | None = None
    ) -> dict:
        """Kill the writer when it reaches ``point``, or ``kill_after`` = (n, s): s seconds after its
        n-th operation is done (when, in that operation's successor, is chance). Say what it did."""
        self.proc.stdin.write(json.dumps({"root": str(root), "plan": plan, "point": point}) + "\n")
        self.proc.stdin.flush()
        seen: dict = {"done": 0, "at": None, "error": None, "killed": False}
        pid = None
        while True:
            word, _, rest = self._next().partition(" ")
            if word == "pid":
                pid = int(rest)
            elif word == "done":
                seen["done"] += 1
                if kill_after and seen["done"] == kill_after[0]:
                    time.sleep(kill_after[1])  # chooses when to kill, at random; nothing is asserted about time
                    seen["killed"] = _kill(pid)
            elif word == "error":
                seen["error"] = rest
            elif word == "at":
                seen["at"] = rest
                while pid is None:
                    word, _, rest = self._next().partition(" ")
                    pid = int(rest) if word == "pid" else pid
                seen["killed"] = _kill(pid)
            elif word == "exit":
                status = int(rest)  # a kill that came as it was exiting by itself does not count
                seen["killed"] = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
                return seen

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=HANG_GUARD_S)


def _kill(pid: int) -> bool:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:  # it had already finished
        return False
    return True


@pytest.fixture(scope="module")
def writers():
    w = Writers()
    yield w
    w.close()


@functools.cache
def _checked(value: float) -> tuple[ingest.Prepared, bytes]:
    data = f"indicator_id,area_code,period,value\ncla_reviews_timely,E09000003,2025,{value:g}\n".encode()
    prepared = ingest.prepare(DataFolder(config.SAMPLE_DATA_DIR), data, "upload.csv")  # the same on every copy
    assert not prepared.failed
    return prepared, data


def _upload(name: str) -> str:
    """A checked upload named ``name`` (a... or b...: its figure), ready to send to a writer."""
    prepared, data = _checked(VALUES[name[0]])
    return base64.b64encode(pickle.dumps((dataclasses.replace(prepared, filename=name), data))).decode()


def _folder_hash(root: Path) -> str:
    """The data as held: every file but the lock and what the start-up check moved aside."""
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root)
        if rel.parts[0] in (integrity.ORPHANED, store.LOCK):
            continue
        h.update(str(rel).encode() + path.read_bytes())
    return h.hexdigest()


def _uploads_held(root: Path) -> list[tuple[str, bool]]:
    return [
        (e["source_file"], e["active"])
        for e in store.read_manifest(DataFolder(root))["extracts"]
        if e["id"].startswith("upload_")
    ]


def _figure(root: Path) -> float | None:
    cur = store.cursor(DataFolder(root))
    try:
        row = cur.execute(
            "SELECT value FROM figures WHERE indicator_id = $i AND area_code = $a AND period = 2025",
            {"i": "cla_reviews_timely", "a": "E09000003"},
        ).fetchone()
    finally:
        cur.close()
    return row[0] if row else None


def _open_as_at_start_up(root: Path) -> None:
    """What a (re)started server does: open the store afresh, which runs the start-up check."""
    store._database.cache_clear()
    store.cursor(DataFolder(root)).close()
    report = integrity.check(DataFolder(root), repair=False)
    assert report.leftovers == [] and report.problems == [], report


APPLY_POINTS = {  # where the writer is killed -> (version held afterwards, leftovers before the start-up check)
    "locked": ("previous", []),
    "parquet_partial": ("previous", ["extracts/.tmp"]),
    "parquet_unrenamed": ("previous", ["extracts/.tmp"]),
    "parquet_renamed": ("previous", ["extracts/.parquet"]),
    # the new version's database file (cpdata.store.versions) is built before the manifest is swapped in
    "version_unrenamed": ("previous", ["extracts/.parquet", "versions/.tmp"]),
    "version_renamed": ("previous", ["extracts/.parquet", "versions/.duckdb"]),
    "manifest_partial": ("previous", ["/.tmp", "extracts/.parquet", "versions/.duckdb"]),
    "manifest_unrenamed": ("previous", ["/.tmp", "extracts/.parquet", "versions/.duckdb"]),
    "manifest_renamed": ("new", []),
    "returned": ("new", []),
}
UNDO_POINTS = {k: v for k, v in APPLY_POINTS.items() if not k.startswith("parquet")}
UNDO_POINTS |= {
    "version_unrenamed": ("previous", ["versions/.tmp"]),
    "version_renamed": ("previous", ["versions/.duckdb"]),
    "manifest_partial": ("previous", ["/.tmp", "versions/.duckdb"]),
    "manifest_unrenamed": ("previous", ["/.tmp", "versions/.duckdb"]),
}


def _shape(leftovers: list[str]) -> list[str]:
    def folder(p: str) -> str:
        return next((f for f in ("extracts/", "versions/") if p.startswith(f)), "/")

    return sorted(folder(p) + Path(p).suffix for p in leftovers)


@pytest.mark.parametrize(("op", "point"), [("apply", p) for p in APPLY_POINTS] + [("undo", p) for p in UNDO_POINTS])
def test_killed_writer_leaves_the_previous_or_the_new_version(writers, data_copy, op, point):
    root = data_copy
    if op == "undo":
        uploads.apply(DataFolder(root), *pickle.loads(base64.b64decode(_upload("a.csv"))), "setup")
        plan = [
            (
                "undo",
                next(
                    e["id"] for e in store.read_manifest(DataFolder(root))["extracts"] if e["id"].startswith("upload_")
                ),
            )
        ]
        before = ([("a.csv", True)], VALUES["a"])
        after = ([("a.csv", False)], None)
    else:
        plan = [("apply", _upload("a.csv"))]
        before, after = ([], None), ([("a.csv", True)], VALUES["a"])
    held_before = _folder_hash(root)

    seen = writers.run(root, plan, point)
    assert seen["at"] == point and seen["killed"] and not seen["error"], seen

    expected, leftovers = (APPLY_POINTS if op == "apply" else UNDO_POINTS)[point]
    assert _shape(integrity.check(DataFolder(root), repair=False).leftovers) == leftovers
    _open_as_at_start_up(root)
    assert (_uploads_held(root), _figure(root)) == (before if expected == "previous" else after)
    if expected == "previous":
        assert _folder_hash(root) == held_before  # byte for byte what was held before the writer started
    # and the next writer is not stopped by anything the killed one left (its lock died with it)
    uploads.apply(DataFolder(root), *pickle.loads(base64.b64decode(_upload("b.csv"))), "next")
    assert _uploads_held(root)[-1] == ("b.csv", True)


def test_writers_killed_at_random_moments(writers, data_copy):
    root = data_copy
    rng = random.Random(8)
    kills = 0
    for r in range(10):
        a, b = f"a{r}.csv", f"b{r}.csv"
        plan = [("apply", _upload(a)), ("apply", _upload(b)), ("undo", b), ("undo", a)]
        plan += [("apply", _upload(f"a{r}x.csv"))]
        start = _uploads_held(root)
        states = [start, start + [(a, True)], start + [(a, True), (b, True)], start + [(a, True), (b, False)]]
        states += [start + [(a, False), (b, False)], start + [(a, False), (b, False), (f"a{r}x.csv", True)]]
        seen = writers.run(root, plan, kill_after=(rng.randint(1, len(plan) - 1), rng.uniform(0, 0.02)))
        assert not seen["error"], seen
        kills += seen["killed"]
        _open_as_at_start_up(root)
        held = _uploads_held(root)
        assert held in states[seen["done"] : seen["done"] + 2], (seen, held)  # done, or the one under way
        live = [f for f, active in held if active]
        assert _figure(root) == (VALUES[live[-1][0]] if live else None)
    print(f"\n{kills} writers killed at random moments; every one left a whole version")
    assert kills  # a writer still has operations to do when it is killed; none landing would prove nothing


# The start-up check against each damaged state, made by hand.


def test_leftover_temporary_files_are_removed_and_the_store_opens(data_copy):
    (data_copy / ".manifest.json.abc123.tmp").write_text('{"extracts": [')
    (data_copy / "extracts" / ".upload_x.parquet.def456.tmp").write_bytes(b"PAR1 half")
    for folder in ("recipes", "running_orders"):  # a killed save of a recipe or a running order
        (data_copy / folder).mkdir()
        (data_copy / folder / ".x.toml.1a2b3c.tmp").write_text('name = "half')
    (data_copy / "recipes" / "kept.toml").write_text('name = "kept"')  # a saved file is never touched
    before = _figure(data_copy)
    _open_as_at_start_up(data_copy)
    assert not list(data_copy.rglob("*.tmp"))
    assert (data_copy / "recipes" / "kept.toml").read_text() == 'name = "kept"'
    assert _figure(data_copy) == before


def test_an_extract_the_manifest_does_not_name_is_moved_aside_not_deleted(data_copy):
    stray = data_copy / "extracts" / "upload_20260101T000000000000_deadbeef.parquet"
    stray.write_bytes((data_copy / "extracts" / "seed_barnsley_key_indicators.parquet").read_bytes())
    _open_as_at_start_up(data_copy)
    assert not stray.exists()
    assert (data_copy / integrity.ORPHANED / stray.name).exists()


def test_leftovers_are_left_alone_while_a_writer_holds_the_lock(data_copy):
    leftover = data_copy / "extracts" / ".upload_y.parquet.abc.tmp"
    leftover.write_bytes(b"being written")
    with open(data_copy / store.LOCK, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        store._database.cache_clear()
        store.cursor(DataFolder(data_copy)).close()  # opens regardless
        assert leftover.exists()
        assert integrity.check(DataFolder(data_copy)).leftovers == ["extracts/.upload_y.parquet.abc.tmp"]
    assert integrity.check(DataFolder(data_copy)).tidied == ["extracts/.upload_y.parquet.abc.tmp"]


def test_the_start_up_check_never_moves_aside_an_extract_a_writer_is_about_to_name(data_copy, monkeypatch):
    """Even a writer calling the store directly (not through uploads) holds the lock while it writes."""
    in_place, go, done = threading.Event(), threading.Event(), []
    real_write_manifest = store.write_manifest

    def write_manifest_later(*args, **kwargs):
        in_place.set()
        assert go.wait(HANG_GUARD_S)
        real_write_manifest(*args, **kwargs)

    monkeypatch.setattr(store, "write_manifest", write_manifest_later)
    prepared, _ = _checked(VALUES["a"])
    table = schema.to_table(prepared.figures.assign(extract_id="direct"), schema.FIGURES)
    writer = threading.Thread(
        target=lambda: done.append(store.add_extract(DataFolder(data_copy), table, "figures", {"id": "direct"}))
    )
    writer.start()
    assert in_place.wait(HANG_GUARD_S)  # the extract file is in place; the manifest does not name it yet
    store._database.cache_clear()
    store.cursor(DataFolder(data_copy)).close()  # a server starting meanwhile
    go.set()
    writer.join(HANG_GUARD_S)
    assert done and (data_copy / "extracts" / "direct.parquet").exists()
    _open_as_at_start_up(data_copy)
    assert _figure(data_copy) == VALUES["a"]


def _damage_newest_upload(root: Path, how: str) -> str:
    data = b"indicator_id,area_code,period,value\ncla_reviews_timely,E09000003,2025,91\n"
    entry = uploads.apply(DataFolder(root), ingest.prepare(DataFolder(root), data, "a.csv"), data, "t")
    path = root / entry["file"]
    if how == "missing":
        path.unlink()
    else:
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return entry["id"]


@pytest.mark.parametrize("how", ["missing", "truncated"])
def test_manifest_naming_a_missing_or_damaged_file_is_reported_and_undo_mends_it(data_copy, how):
    upload_id = _damage_newest_upload(data_copy, how)
    store._database.cache_clear()
    with pytest.raises(store.StoreError, match=f"extract '{upload_id}'.*(missing|damaged).*undo"):
        store.cursor(DataFolder(data_copy))
    assert integrity.check(DataFolder(data_copy)).problems
    uploads.undo(DataFolder(data_copy), upload_id, "operator")  # what the message advises
    _open_as_at_start_up(data_copy)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"extracts": [{"id": "x"', "manifest.json .* is damaged"),
        (b"[]", "has no list of extracts"),
        (b'{"extracts": [{"id": "x"}]}', "entry 1 of manifest.json is incomplete"),
        (
            b'{"extracts": [{"id": "x", "kind": "figures", "file": "../../etc/passwd", "active": true, "seq": 1}]}',
            "outside extracts",
        ),
    ],
)
def test_a_damaged_manifest_is_reported_plainly(data_copy, body, message):
    (data_copy / store.MANIFEST).write_bytes(body)
    store._database.cache_clear()
    with pytest.raises(store.StoreError, match=message):
        store.cursor(DataFolder(data_copy))
    assert integrity.check(DataFolder(data_copy)).problems
