"""Replace a file so a crash leaves the old whole file or the new whole file, never half of one.

The new contents go to a temporary file in the same folder (so the rename never crosses file
systems), named ``.<name>.<random>.tmp`` (what ``cpdata.store.integrity`` tidies after a killed writer,
and what no ``*.json``/``*.toml`` reader picks up), synced to disk, renamed over the target, and the
folder synced so the rename itself survives a power cut. One home for this, used by the store's
manifest and extracts, running orders and saved recipes.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


def fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (POSIX records it in the folder, not the file)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _temporary(path: Path) -> Iterator[tuple[int, str]]:
    """A temporary file beside ``path`` (fd and name); renamed over ``path`` if the block ends normally,
    removed if it raises, so ``path`` is never seen half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        yield fd, tmp
        os.chmod(tmp, 0o644)  # mkstemp makes it 0600; readers in other accounts must still read it
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically and durably."""
    with _temporary(path) as (fd, _), os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def write_with(path: Path, write: Callable[[str], None]) -> None:
    """Replace ``path`` atomically with what ``write(temporary_name)`` writes, for writers that need a file
    name rather than bytes (pyarrow's parquet writer)."""
    with _temporary(path) as (fd, tmp):
        os.close(fd)
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
