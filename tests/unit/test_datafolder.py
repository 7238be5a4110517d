"""One DataFolder names the data folder's layout, and the folder in use is decided once, where a run starts.

Every function in the layers below the screens (core, catalogue, store, figures, uploads, briefing) is
handed the folder it works on; none falls back to the configured one (``CPDATA_DIR``) by itself. The
fallback, ``DataFolder.of``, is for where a run starts: the screens (through ``session.data_folder`` only),
the command line and server (``cpdata/ops``), the benchmarks and the tests. ``fallbacks`` reads the source,
so a fallback that creeps back in (an optional folder parameter, a call to ``DataFolder.of`` or
``config.data_dir``, ``CPDATA_DIR`` read directly) fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from cpdata.core import config
from cpdata.core.datafolder import DataFolder
from cpdata.store import reference, store
from cpdata.uploads import ees, ingest

PACKAGE = config.PACKAGE_DIR
FOLDER_PARAMS = {"folder", "data_dir"}
ENTRY_LAYERS = {"ui", "ops"}  # where a run starts, with cpdata/__main__.py
# Where the configured folder is defined: config.data_dir reads CPDATA_DIR, DataFolder.of falls back to it.
THE_FALLBACK = {("core/config.py", "data_dir"), ("core/datafolder.py", "of")}
SCREENS_ONE_WAY = ("ui/session.py", "data_folder")  # the screens' one way to the configured folder


def _enclosing_functions(tree: ast.AST) -> dict[ast.AST, str]:
    """Each node's innermost enclosing function's name (module level: '')."""
    names: dict[ast.AST, str] = {}

    def walk(node: ast.AST, fn: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else fn
            names[child] = inner
            walk(child, inner)

    walk(tree, "")
    return names


def _looks_up_the_configured_folder(node: ast.AST) -> str | None:
    """What a node does to find the configured folder itself, if it does."""
    if isinstance(node, ast.Call):
        func = ast.unparse(node.func)
        if func.endswith(("DataFolder.of", "config.data_dir")) or func == "data_dir":
            return f"calls {func}()"
    if isinstance(node, ast.Constant) and node.value == "CPDATA_DIR":
        return "reads CPDATA_DIR"
    return None


def _optional_folder_params(node: ast.AST) -> list[str]:
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return []
    a = node.args
    positional = a.posonlyargs + a.args
    with_defaults = positional[len(positional) - len(a.defaults) :] if a.defaults else []
    with_defaults += [arg for arg, d in zip(a.kwonlyargs, a.kw_defaults, strict=True) if d is not None]
    return [arg.arg for arg in with_defaults if arg.arg in FOLDER_PARAMS]


def fallbacks(package: Path) -> list[str]:
    """Each place outside where a run starts that finds the configured folder itself, as 'file:line what'."""
    found = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        layer = rel.split("/")[0] if "/" in rel else None
        if layer in ENTRY_LAYERS - {"ui"} or rel == "__main__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        docstrings = {
            id(n.body[0].value)
            for n in ast.walk(tree)
            if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and n.body
            and isinstance(n.body[0], ast.Expr)
            and isinstance(n.body[0].value, ast.Constant)
        }
        enclosing = _enclosing_functions(tree)
        for node in ast.walk(tree):
            if layer != "ui":
                found += [f"{rel}:{node.lineno} {p!r} has a default" for p in _optional_folder_params(node)]
            what = None if id(node) in docstrings else _looks_up_the_configured_folder(node)
            if what is None or (rel, enclosing.get(node, "")) in THE_FALLBACK:
                continue
            if layer == "ui" and (rel, enclosing.get(node, "")) == SCREENS_ONE_WAY:
                continue
            found.append(f"{rel}:{node.lineno} {what}")
    return sorted(set(found))


def test_the_configured_folder_is_read_when_asked(tmp_path, monkeypatch):
    monkeypatch.setenv("CPDATA_DIR", str(tmp_path))
    assert DataFolder.of(None).root == tmp_path
    monkeypatch.delenv("CPDATA_DIR")
    assert DataFolder.of(None).root == config.SAMPLE_DATA_DIR
    assert DataFolder.of(DataFolder(tmp_path)) == DataFolder(tmp_path)
    assert DataFolder(tmp_path).recipes == tmp_path / "recipes" and DataFolder(tmp_path) / "x" == tmp_path / "x"
    assert DataFolder(str(tmp_path)) == DataFolder(tmp_path)  # the screens' cache keys are str


def test_the_folder_handed_down_is_the_one_used_whatever_is_configured(tmp_path, monkeypatch):
    """With CPDATA_DIR pointing at an empty folder, a function given the sample data reads the sample data."""
    monkeypatch.setenv("CPDATA_DIR", str(tmp_path))
    folder = DataFolder(config.SAMPLE_DATA_DIR)
    assert store.version(folder) and len(reference.areas(folder)) > 150
    assert ees.recipe_files(folder)
    data = b"indicator_id,area_code,period,value\ncla_reviews_timely,E09000003,2030/31,97.5\n"
    assert not ingest.prepare(folder, data, "x.csv").failed


def test_no_layer_below_the_screens_falls_back_to_the_configured_folder():
    assert fallbacks(PACKAGE) == []


# A fallback planted in each layer, and what the check says of it: {file: (source, said)}.
PLANTED = {
    "store/bad.py": ("def f(folder=None):\n    pass\n", "'folder' has a default"),
    "figures/bad.py": ("def f(x, *, data_dir: str | None = None):\n    pass\n", "'data_dir' has a default"),
    "uploads/bad.py": ("def f(folder=SAMPLE):\n    pass\n", "'folder' has a default"),
    "catalogue/bad.py": ("def f(folder):\n    return folder or DataFolder.of()\n", "calls DataFolder.of()"),
    "briefing/bad.py": ("def f():\n    return config.data_dir()\n", "calls config.data_dir()"),
    "core/bad.py": ("import os\nDIR = os.environ['CPDATA_DIR']\n", "reads CPDATA_DIR"),
    "ui/bad.py": ("def folder():\n    return DataFolder.of()\n", "calls DataFolder.of()"),
}


@pytest.mark.parametrize("where", sorted(PLANTED))
def test_the_check_catches_a_fallback(tmp_path: Path, where: str) -> None:
    """The checker itself fails on each kind of fallback (so a green run above means something); in the ui
    layer only session.data_folder reaches the configured folder."""
    source, said = PLANTED[where]
    (tmp_path / where).parent.mkdir(parents=True)
    (tmp_path / where).write_text(source)
    found = fallbacks(tmp_path)
    assert len(found) == 1 and said in found[0], found


def test_the_check_lets_the_entry_points_find_the_folder(tmp_path: Path) -> None:
    for where in ("ops/cli.py", "__main__.py", "ui/session.py", "core/datafolder.py"):
        (tmp_path / where).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "ops/cli.py").write_text("def main(data_dir=None):\n    return DataFolder.of(data_dir)\n")
    (tmp_path / "__main__.py").write_text("DataFolder.of()\n")
    (tmp_path / "ui/session.py").write_text("def data_folder():\n    return DataFolder.of()\n")
    of = "class DataFolder:\n    def of(cls, where=None):\n        return config.data_dir()\n"
    (tmp_path / "core/datafolder.py").write_text(of)
    assert fallbacks(tmp_path) == []
