"""The install is reproducible: the lock files pin every package exactly (with hashes), cover every range we
ask for, agree with each other, and are what the suite is running on.

A fresh machine gets exactly these versions from the README's commands, so a test that passes here passes
there; a stale lock (a range changed without ``bash scripts/lock.sh``) fails here first.
"""

from __future__ import annotations

import json
import re
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from cpdata.core import config

REPO = config.REPO_DIR
PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>[^\s;\\]+)\s*(?:;\s*(?P<marker>[^\\]+?))?\s*\\?$")


def locked(path: Path) -> dict[str, list[tuple[str, str | None, int]]]:
    """Each package's pins in a lock file: (version, marker, number of hashes)."""
    out: dict[str, list[tuple[str, str | None, int]]] = {}
    current = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("--hash="):
            assert current is not None, f"{path.name}: a hash before any package"
            name, i = current
            version, marker, hashes = out[name][i]
            out[name][i] = (version, marker, hashes + 1)
            continue
        m = PIN.match(line)
        assert m, f"{path.name}: not an exact pin: {line!r}"
        name = canonicalize_name(m["name"])
        out.setdefault(name, []).append((m["version"], m["marker"], 0))
        current = (name, len(out[name]) - 1)
    return out


def wanted(path: Path) -> list[Requirement]:
    """The ranges a requirements file asks for (following ``-r``)."""
    reqs = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            reqs += wanted(path.parent / line[3:].strip())
        else:
            reqs.append(Requirement(line))
    return reqs


def in_force(pins: list[tuple[str, str | None, int]]) -> str | None:
    """The version this interpreter installs from a package's pins (markers evaluated here)."""
    for version, marker, _ in pins:
        if marker is None or Marker(marker).evaluate():
            return version
    return None


@pytest.mark.parametrize(
    ("lock", "source"), [("requirements.lock", "requirements.txt"), ("requirements-dev.lock", "requirements-dev.txt")]
)
def test_every_range_is_locked_exactly_with_hashes(lock: str, source: str) -> None:
    pins = locked(REPO / lock)
    for version_list in pins.values():
        assert all(hashes > 0 for _, _, hashes in version_list)
    for req in wanted(REPO / source):
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is in {source} but not in {lock}: run bash scripts/lock.sh"
        version = in_force(pins[name])
        assert version is not None and req.specifier.contains(Version(version), prereleases=True), (req, version)


def test_the_two_locks_agree_on_the_dashboards_packages() -> None:
    app, dev = locked(REPO / "requirements.lock"), locked(REPO / "requirements-dev.lock")
    for name, pins in app.items():
        assert name in dev and in_force(dev[name]) == in_force(pins), name


def test_the_suite_runs_on_the_locked_versions() -> None:
    """What is installed here is what the lock says (a hand-installed upgrade would make a green run lie)."""
    differ = {}
    for name, pins in locked(REPO / "requirements-dev.lock").items():
        version = in_force(pins)
        if version is None:
            continue
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed is None or Version(installed) != Version(version):
            differ[name] = (installed, version)
    assert differ == {}, f"installed vs locked: {differ}; run python -m pip install -r requirements-dev.lock"


def missing_dependencies(lock: Path, source: Path) -> list[str]:
    """What the installed packages of ``source``'s ranges need (following each one's extras) that ``lock``
    does not pin for this interpreter, read from the installed metadata (the suite runs on the lock)."""
    pins = locked(lock)
    todo = [(canonicalize_name(r.name), frozenset(r.extras)) for r in wanted(source)]
    seen: set[tuple[str, frozenset[str]]] = set()
    missing = []
    while todo:
        name, extras = todo.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        for spec in metadata.requires(name) or []:
            req = Requirement(spec)
            if req.marker is not None and not any(req.marker.evaluate({"extra": e}) for e in extras | {""}):
                continue
            dep = canonicalize_name(req.name)
            if dep not in pins or in_force(pins[dep]) is None:
                missing.append(f"{name} needs {spec}")
            else:
                todo.append((dep, frozenset(req.extras)))
    return missing


@pytest.mark.parametrize(
    ("lock", "source"), [("requirements.lock", "requirements.txt"), ("requirements-dev.lock", "requirements-dev.txt")]
)
def test_each_lock_holds_every_dependency_so_it_installs_without_resolving(lock: str, source: str) -> None:
    """Both commands install a lock with ``--no-deps`` (pip 23.2 resolving WeasyPrint's ``fonttools[woff]``
    took fonttools' newest release and refused it as unpinned): safe only while the lock is whole."""
    assert missing_dependencies(REPO / lock, REPO / source) == []


def test_a_lock_missing_a_dependency_is_caught(tmp_path: Path) -> None:
    lock = (REPO / "requirements.lock").read_text(encoding="utf-8")
    cut = re.sub(r"(?ms)^fonttools==.*?(?=^\S)", "", lock)  # weasyprint asks for fonttools[woff]
    (tmp_path / "r.lock").write_text(cut, encoding="utf-8")
    assert any("fonttools" in m for m in missing_dependencies(tmp_path / "r.lock", REPO / "requirements.txt"))


def test_both_commands_install_the_lock_without_resolving() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "python -m pip install --no-deps -r requirements.lock && python -m cpdata run" in readme
    script = (REPO / "scripts" / "test.sh").read_text(encoding="utf-8")
    assert "--no-deps -r requirements-dev.lock" in script and "python -m pip check" in script


def test_a_loose_pin_is_caught(tmp_path: Path) -> None:
    (tmp_path / "x.lock").write_text("pandas>=2\n    --hash=sha256:00\n")
    with pytest.raises(AssertionError, match="not an exact pin"):
        locked(tmp_path / "x.lock")


def test_the_npm_test_tool_is_locked_exactly_with_its_hash():
    """axe-core (the browser tests' accessibility checks) is installed by ``npm ci`` from this lock."""
    folder = config.REPO_DIR / "scripts" / "axe"
    wanted = json.loads((folder / "package.json").read_text())["dependencies"]
    locked = json.loads((folder / "package-lock.json").read_text())["packages"]
    for name, version in wanted.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} {version!r} is a range, not a version"
        entry = locked[f"node_modules/{name}"]
        assert entry["version"] == version and entry["integrity"].startswith("sha512-"), entry
    assert "npm ci --prefix .cache/axe" in (config.REPO_DIR / "scripts" / "test.sh").read_text()
