"""Shared fixtures. Tests run on the committed sample data unless they build their own folder."""

from __future__ import annotations

import ast
import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cpdata.core import config
from cpdata.ops import launch
from cpdata.uploads import auth

FIXTURES = Path(__file__).parent / "fixtures"


def cpdata_nodes(leaving_out: str) -> Iterator[tuple[str, ast.AST]]:
    """Every syntax node of cpdata's modules but ``leaving_out`` (the one module whose job a test keeps to
    itself), with where it stands (``path:line``): for the tests that prove no other module does that job."""
    for path in sorted(config.PACKAGE_DIR.rglob("*.py")):
        if path.name != leaving_out:
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                yield f"{path.relative_to(config.PACKAGE_DIR)}:{getattr(node, 'lineno', 0)}", node


def analysts_secrets(path: Path, password: str) -> Path:
    """A secrets.toml at ``path`` holding only the analysts' password (as its SHA-256, as an operator writes it)."""
    digest = hashlib.sha256(password.encode("utf-8")).hexdigest()
    path.write_text(f'[analysts]\npassword_sha256 = "{digest}"\n', encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def routed_as_on_a_server(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every AppTest run goes through dashboard.py, as every run does on a server after its first (see
    ``launch.routed_as_on_a_server``). Tests of the first-session path itself are marked ``legacy_routing``."""
    if request.node.get_closest_marker("legacy_routing"):
        return
    from streamlit.runtime.pages_manager import PagesManager

    monkeypatch.setattr(PagesManager, "__init__", launch.routed_as_on_a_server(PagesManager.__init__))
    monkeypatch.setattr(PagesManager, "uses_pages_directory", PagesManager.uses_pages_directory)  # restored after


@pytest.fixture(autouse=True)
def fresh_sign_in_limiter(monkeypatch: pytest.MonkeyPatch) -> None:
    """Failed sign-ins are counted per process; each test starts with none, whatever ran before it."""
    monkeypatch.setattr(auth, "LIMITER", auth.SignInLimiter())


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of sample_data, set as the data folder, for tests that change data."""
    target = tmp_path / "data"
    shutil.copytree(config.SAMPLE_DATA_DIR, target)
    monkeypatch.setenv("CPDATA_DIR", str(target))
    return target
