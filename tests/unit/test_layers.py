"""The import contract: cpdata is layered, a lower layer never imports a higher one, figures and uploads
never import each other, and only the ui layer (with dashboard.py and pages/) imports Streamlit.

The check reads the source (every import statement, including those inside functions), so a layer
breach fails here before it can become an import cycle or a Streamlit dependency in the command line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from cpdata.core import config

PACKAGE = config.PACKAGE_DIR
BELOW = {
    "core": set(),
    "catalogue": {"core"},
    "store": {"core", "catalogue"},
    "figures": {"core", "catalogue", "store"},
    "uploads": {"core", "catalogue", "store"},
    "briefing": {"core", "catalogue", "store", "figures", "uploads"},
    "ui": {"core", "catalogue", "store", "figures", "uploads", "briefing"},
    "ops": {"core", "catalogue", "store", "figures", "uploads", "briefing"},
}
STREAMLIT_LAYERS = {"ui"}
LOOSE_ALLOWED = 3  # modules beside __init__.py and __main__.py


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every absolute module name a file imports, with its line (``from cpdata import x`` counts as cpdata.x)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "cpdata":
                found += [(node.lineno, f"cpdata.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.ImportFrom) and node.level:
            found.append((node.lineno, "<relative>"))
    return found


def breaches(package: Path) -> list[str]:
    """Each import that breaks the contract, as 'file:line imports name (why)'."""
    out = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package)
        layer = rel.parts[0] if len(rel.parts) > 1 else None
        if layer is not None and layer not in BELOW:
            out.append(f"{rel}: folder {layer!r} is not a known layer")
            continue
        for line, name in imported_modules(path):
            where = f"{rel}:{line} imports {name}"
            if name == "<relative>":
                out.append(f"{where} (use absolute imports so the layer is visible)")
            elif name.split(".")[0] == "streamlit" and layer not in STREAMLIT_LAYERS:
                out.append(f"{where} (only the ui layer imports Streamlit)")
            elif name.startswith("cpdata.") and layer is not None:
                target = name.split(".")[1]
                if target in BELOW and target != layer and target not in BELOW[layer]:
                    out.append(f"{where} ({layer} may import only {sorted(BELOW[layer]) or 'nothing'})")
    return sorted(set(out))


def test_cpdata_keeps_its_layers() -> None:
    assert breaches(PACKAGE) == []


def test_at_most_three_loose_modules() -> None:
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name not in {"__init__.py", "__main__.py"})
    assert len(loose) <= LOOSE_ALLOWED, loose


def test_every_layer_folder_is_a_package() -> None:
    assert sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py")) == sorted(BELOW)


@pytest.mark.parametrize(
    ("layer", "source", "why"),
    [
        ("core", "from cpdata.store import store\n", "core may import only nothing"),
        ("store", "def f():\n    from cpdata.figures import views\n", "store may import only"),
        ("figures", "from cpdata.uploads import ingest\n", "figures may import only"),
        ("uploads", "import cpdata.figures.views\n", "uploads may import only"),
        ("ops", "from cpdata.ui import session\n", "ops may import only"),
        ("briefing", "import streamlit as st\n", "only the ui layer imports Streamlit"),
        ("figures", "from . import trend\n", "use absolute imports"),
    ],
)
def test_the_check_catches_a_breach(tmp_path: Path, layer: str, source: str, why: str) -> None:
    """The checker itself fails on each kind of breach (so a green run above means something)."""
    for name in BELOW:
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
    (tmp_path / layer / "bad.py").write_text(source)
    found = breaches(tmp_path)
    assert len(found) == 1 and why in found[0], found
