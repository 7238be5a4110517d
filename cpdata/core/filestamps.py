"""Cache keys for files read once and read again when they change (frameworks, recipes).

A key is each file's path with its inode, modification and status-change times and size: the inode as
well as the times, as two writes a few milliseconds apart can share a time stamp, and the status-change
time so that a fixed permission is noticed. A file that cannot be looked at (a dangling link) gets None;
reading it then says why.
"""

from __future__ import annotations

from pathlib import Path

Stamp = tuple[int, int, int, int] | None


def stamped(files: list[Path]) -> tuple[tuple[str, Stamp], ...]:
    """The files as a hashable key for ``functools.lru_cache``."""
    return tuple((str(path), _stamp(path)) for path in files)


def _stamp(path: Path) -> Stamp:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_ctime_ns, st.st_size
