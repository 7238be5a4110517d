"""Where the data lives and which council/framework a deployment starts on.

A real deployment points ``CPDATA_DIR`` at its own data folder; everything else has
defaults that work on the committed sample data.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = PACKAGE_DIR.parent
SAMPLE_DATA_DIR = REPO_DIR / "sample_data"

DEFAULT_COUNCIL = "E09000003"  # Barnet
DEFAULT_FRAMEWORK = "barnet"
# Saved recipes and running orders: each folder holds at most this many (every one is read when the list
# is; a folder this full wants tidying by hand).
MAX_SAVED = 200


def data_dir() -> Path:
    """The data folder in use: ``CPDATA_DIR`` if set, else the bundled sample data."""
    configured = os.environ.get("CPDATA_DIR", "").strip()
    if not configured:
        return SAMPLE_DATA_DIR
    # Made absolute without following links: cheap (a page asks dozens of times a run; resolving links cost
    # ~5% of a warm pledge page), and a folder reached through a link that operators re-point (a release
    # swap) is followed at once.
    return Path(os.path.normpath(os.path.abspath(os.path.expanduser(configured))))


def default_council() -> str:
    return os.environ.get("CPDATA_COUNCIL", DEFAULT_COUNCIL).strip() or DEFAULT_COUNCIL


def default_framework() -> str:
    return os.environ.get("CPDATA_FRAMEWORK", DEFAULT_FRAMEWORK).strip() or DEFAULT_FRAMEWORK
