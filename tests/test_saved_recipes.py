"""Analysts' saved recipes: a save killed half way leaves the recipes folder as it was, so later
uploads are still recognised."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Self

from cpdata import ees, ingest

PEPS = (
    b"time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    b"old_la_code,la_name,new_la_code,measure,pct\n"
    b"2025,Reporting year,Local authority,E92000001,England,E13000002,Outer London,302,Barnet,E09000003,PEPs,97\n"
    b"2025,Reporting year,Local authority,E92000001,England,E13000002,Outer London,302,Barnet,E09000003,Other,1\n"
)
KILLED = 77  # the child's exit status when it died inside a write, as planned


def _peps_recipe(name: str = "PEPs") -> ees.Recipe:
    return ees.recipe_from_choice(name, "cla_pep", {"measure": "PEPs"}, "pct", "Council EES extract", [])


def _recipes(root: Path) -> dict[str, bytes]:
    """Every file in the saved-recipes folder (temporary ones too), with its bytes."""
    return {p.name: p.read_bytes() for p in sorted((root / "recipes").iterdir())}


def _killed_mid_write(action: Callable[[], object]) -> int:
    """Run ``action`` in a forked child that dies (``os._exit``: no cleanup runs, as with SIGKILL or a power
    cut) once half of the first thing it writes to a file has reached the file; returns its exit status."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            real_open = io.open

            class Half:
                def __init__(self, fh) -> None:
                    self.fh = fh

                def __enter__(self) -> Self:
                    return self

                def __exit__(self, *exc) -> None:
                    self.fh.close()

                def write(self, data) -> None:
                    self.fh.write(data[: len(data) // 2])
                    self.fh.flush()
                    os._exit(KILLED)

            def half_open(file, mode="r", *args, **kwargs):
                fh = real_open(file, mode, *args, **kwargs)
                return Half(fh) if "w" in mode else fh

            io.open = half_open  # what Path.write_text and os.fdopen both open files with
            action()
            code = 0
        finally:
            os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def test_a_save_killed_half_way_leaves_the_recipes_as_they_were(data_copy):
    ees.save_recipe(_peps_recipe(), data_copy)
    before = _recipes(data_copy)
    other = ees.recipe_from_choice("Other", "cla_pep", {"measure": "Other"}, "pct", "Council EES extract", [])
    assert _killed_mid_write(lambda: ees.save_recipe(other, data_copy)) == KILLED  # it did die mid-write
    after = _recipes(data_copy)
    assert {n: b for n, b in after.items() if n.endswith(".toml")} == before  # no half recipe, the old one whole
    # The next upload of a file the saved recipe knows is still recognised (a half TOML file broke every load).
    again = ingest.prepare(PEPS, "peps_next_month.csv", data_dir=data_copy)
    assert not again.failed and again.figures.iloc[0]["indicator_id"] == "cla_pep"
