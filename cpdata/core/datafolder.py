"""A data folder and where each thing lives in it, named once.

Every function below the screens (core, catalogue, store, figures, uploads, briefing) takes the folder it
works on as its first parameter, a ``DataFolder``, and never looks for one itself: which folder is in use is
decided once, where a run starts (the screens' ``cpdata.ui.session.data_folder``, the command line, the
benchmarks and tests), by ``DataFolder.of``, the one fallback to the configured folder (``CPDATA_DIR``).
The folder's layout (manifest, extracts, saved recipes, a council's frameworks and indicators, running
orders ...) is read from its properties rather than spelt at each use. It is also a path (``os.fspath``,
``/``) to its root. tests/unit/test_datafolder.py fails if a fallback creeps back into a lower layer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cpdata.core import config

MANIFEST = "manifest.json"
LOCK = ".write.lock"
ORPHANED = "orphaned"


@dataclass(frozen=True)
class DataFolder:
    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))  # a str root too (the screens' cache keys are str)

    @classmethod
    def of(cls, where: str | os.PathLike | None = None) -> DataFolder:
        """The folder given (a path or a DataFolder), else the configured one (read now, never cached:
        tests and operators re-point ``CPDATA_DIR``). For where a run starts only (see the module's note)."""
        if isinstance(where, DataFolder):
            return where
        return cls(Path(where) if where else config.data_dir())

    def __fspath__(self) -> str:
        return str(self.root)

    def __truediv__(self, part: str) -> Path:
        return self.root / part

    @property
    def manifest(self) -> Path:
        """Which extracts are active, in the order applied (replaced whole by each write)."""
        return self.root / MANIFEST

    @property
    def lock(self) -> Path:
        """The writers' lock file."""
        return self.root / LOCK

    @property
    def extracts(self) -> Path:
        return self.root / "extracts"

    @property
    def reference(self) -> Path:
        """areas.parquet and sn_models.parquet."""
        return self.root / "reference"

    @property
    def orphaned(self) -> Path:
        """Extract files no manifest lists, moved aside by the start-up check (never deleted)."""
        return self.root / ORPHANED

    @property
    def recipes(self) -> Path:
        """Recipes analysts saved (the shipped ones live in the package)."""
        return self.root / "recipes"

    @property
    def frameworks(self) -> Path:
        """A council's own frameworks."""
        return self.root / "frameworks"

    @property
    def framework_history(self) -> Path:
        """The framework files each save replaced, for undo."""
        return self.root / "framework_history"

    @property
    def catalogue(self) -> Path:
        """A council's own indicators."""
        return self.root / "catalogue"

    @property
    def removed(self) -> Path:
        """Indicators (and the recipes made for them) taken out, kept."""
        return self.root / "removed"

    @property
    def running_orders(self) -> Path:
        """Saved briefing running orders."""
        return self.root / "running_orders"
