"""Where the data lives and which council/framework a deployment starts on.

A real deployment points ``CPDATA_DIR`` at its own data folder; everything else has
defaults that work on the committed sample data.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
SAMPLE_DATA_DIR = REPO_DIR / "sample_data"

DEFAULT_COUNCIL = "E09000003"  # Barnet
DEFAULT_FRAMEWORK = "barnet"


def data_dir() -> Path:
    """The data folder in use: ``CPDATA_DIR`` if set, else the bundled sample data."""
    configured = os.environ.get("CPDATA_DIR", "").strip()
    if not configured:
        return SAMPLE_DATA_DIR
    return _resolved(configured, "" if os.path.isabs(configured) else os.getcwd())


@functools.lru_cache(maxsize=16)
def _resolved(configured: str, cwd: str) -> Path:
    """Resolving a path walks the file system; a page asks for the folder dozens of times a run (~5% of a
    warm pledge page), so each setting (and working folder, for a relative one) is resolved once."""
    return Path(configured).expanduser().resolve()


def default_council() -> str:
    return os.environ.get("CPDATA_COUNCIL", DEFAULT_COUNCIL).strip() or DEFAULT_COUNCIL


def default_framework() -> str:
    return os.environ.get("CPDATA_FRAMEWORK", DEFAULT_FRAMEWORK).strip() or DEFAULT_FRAMEWORK
