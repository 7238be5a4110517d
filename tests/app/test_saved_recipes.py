"""Analysts' saved recipes: a save killed half way leaves the recipes folder as it was; a recipe that
would not read back, names an unknown indicator or has an unusable name is refused with nothing
written; a save never replaces another recipe; the page names its recipes so they can be saved."""

from __future__ import annotations

import dataclasses
import io
import os
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Self

import pytest

from cpdata.core.datafolder import DataFolder
from cpdata.uploads import ees, ingest, recipe_format, saved_recipes
from tests.app.test_upload_page import _signed_in

PEPS = (
    b"time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    b"old_la_code,la_name,new_la_code,measure,pct\n"
    b"2025,Reporting year,Local authority,E92000001,England,E13000002,Outer London,302,Barnet,E09000003,PEPs,97\n"
    b"2025,Reporting year,Local authority,E92000001,England,E13000002,Outer London,302,Barnet,E09000003,Other,1\n"
)
KILLED = 77  # the child's exit status when it died inside a write, as planned


def _peps_recipe(name: str = "PEPs", measure: str = "PEPs", indicator: str = "cla_pep") -> ees.Recipe:
    return saved_recipes.recipe_from_choice(name, indicator, {"measure": measure}, "pct", "Council EES extract")


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
    saved_recipes.save(DataFolder(data_copy), _peps_recipe())
    before = _recipes(data_copy)
    other = _peps_recipe("Other", measure="Other")
    assert _killed_mid_write(lambda: saved_recipes.save(DataFolder(data_copy), other)) == KILLED  # it did die mid-write
    after = _recipes(data_copy)
    assert {n: b for n, b in after.items() if n.endswith(".toml")} == before  # no half recipe, the old one whole
    # The next upload of a file the saved recipe knows is still recognised (a half TOML file broke every load).
    again = ingest.prepare(DataFolder(data_copy), PEPS, "peps_next_month.csv")
    assert not again.failed and again.figures.iloc[0]["indicator_id"] == "cla_pep"


def _recognised(data: bytes, root: Path) -> ingest.Prepared:
    prepared = ingest.prepare(DataFolder(root), data, "next_month.csv")
    assert not prepared.failed, [p.text() for p in prepared.problems]
    return prepared


@pytest.mark.parametrize(
    ("recipe", "message"),
    [
        (_peps_recipe(""), "a recipe needs a name of 1 to 120 characters"),
        (_peps_recipe("P" * 121), "a recipe needs a name of 1 to 120 characters"),
        (_peps_recipe("PEPs\x00"), "control characters"),
        (_peps_recipe("PEPs\nname = 'x'"), "control characters"),
        (_peps_recipe(indicator="no_such_indicator"), "'no_such_indicator' is not an indicator in the catalogue"),
        (_peps_recipe(measure="PEPs\ud800"), "cannot be saved as a file"),  # not encodable: no file at all
    ],
    ids=["empty name", "long name", "NUL in name", "newline in name", "unknown indicator", "lone surrogate"],
)
def test_a_recipe_that_cannot_be_saved_is_refused_and_nothing_is_written(data_copy, recipe, message):
    with pytest.raises(saved_recipes.RecipeError, match=message):
        saved_recipes.save(DataFolder(data_copy), recipe)
    assert not (data_copy / "recipes").exists()


def test_any_character_a_file_holds_is_saved_so_it_reads_back(data_copy):
    """A filter value comes from the uploaded file. DEL is legal in JSON strings but not in TOML: written
    unescaped, it made a file that stopped every later EES upload being recognised."""
    odd = "PEPs\x7f\x01\u2028\"\\'é"
    recipe = _peps_recipe(measure=odd)
    saved_recipes.save(DataFolder(data_copy), recipe)
    shipped = ees.load_recipes(DataFolder(data_copy / "no such folder"))
    assert ees.load_recipes(DataFolder(data_copy)) == [*shipped, dataclasses.replace(recipe, file="peps.csv")]
    data = PEPS.replace(b",PEPs,", f",{odd},".encode())
    assert _recognised(data, data_copy).figures.iloc[0][["indicator_id", "value"]].tolist() == ["cla_pep", 97.0]


def test_every_field_of_a_recipe_is_saved():
    """Denominators and versions too (the old writer dropped them), checked by reading the text back."""
    ind = recipe_format.IndicatorRecipe("cla_pep", {"measure": "PEPs"}, "pct", "n", "d", {"measure": "All"})
    recipe = ees.Recipe("PEPs", "peps.csv", "DfE", ("measure", "pct"), (ind,), "version", ("Final", "Revised"))
    text = saved_recipes.toml_text(recipe)
    assert recipe_format.recipe_from_toml(tomllib.loads(text), "peps") == recipe


def test_a_save_never_replaces_another_recipe(data_copy):
    """Two analysts' recipes whose names make the same file name: both kept, each still recognises its files."""
    first = saved_recipes.save(DataFolder(data_copy), _peps_recipe("PEPs"))
    first_bytes = first.read_bytes()
    second = saved_recipes.save(DataFolder(data_copy), _peps_recipe("peps!", measure="Other", indicator="cla_count"))
    assert (first.name, second.name) == ("peps.toml", "peps_2.toml")
    assert first.read_bytes() == first_bytes
    assert _recognised(PEPS, data_copy).figures.iloc[0]["indicator_id"] == "cla_pep"
    other_only = PEPS.replace(b",PEPs,97", b",Sth,97")  # only the second recipe's filter value is in it
    assert _recognised(other_only, data_copy).figures.iloc[0]["indicator_id"] == "cla_count"
    # The same recipe saved again (two analysts mapping the same file) stays one file.
    assert saved_recipes.save(DataFolder(data_copy), _peps_recipe("PEPs")) == first
    assert sorted(_recipes(data_copy)) == ["peps.toml", "peps_2.toml"]


def _fill(root: Path, count: int) -> None:
    """``count`` saved recipes that recognise no file here."""
    nothing = dataclasses.replace(_peps_recipe(), match_columns=("nothing_like_this",))
    for n in range(count):
        saved_recipes.save(DataFolder(root), dataclasses.replace(nothing, name=f"Unrelated {n}"))


@pytest.mark.parametrize("full", [False, True], ids=["saved", "recipes folder full"])
def test_the_page_saves_the_mapping_of_a_file_with_a_long_odd_name(data_copy, full):
    """Through the page: map an unknown EES file and apply it. Its recipe is saved (the name the page makes
    from a 300-character file name is one ``save`` accepts) and recognises the next such file; where it
    cannot be saved, the page says so plainly and the upload stays applied."""
    if full:
        _fill(data_copy, saved_recipes.MAX_SAVED)
    at = _signed_in()
    at.file_uploader[0].set_value(("¬ " + "p" * 300 + ".csv", PEPS, "text/csv")).run()
    at.selectbox(key="ees_ind").set_value("cla_pep").run()
    at.selectbox(key="ees_f_measure").set_value("PEPs").run()
    at.checkbox(key="polarity_ok_cla_pep").check().run()  # the mapping guard asks for the polarity
    next(b for b in at.button if b.label == "Apply this upload").click().run()
    assert not at.exception and any(s.value.startswith("Applied as upload_") for s in at.success)
    if full:
        refused = "200 recipes are saved already; an administrator can remove old ones"
        assert [w.value for w in at.warning] == [f"The upload is applied, but the mapping was not saved: {refused}."]
        assert len(_recipes(data_copy)) == saved_recipes.MAX_SAVED
        return
    assert not at.warning, [w.value for w in at.warning]
    assert any(i.value.startswith("Mapping saved as ") and "_from_ppp" in i.value for i in at.info)
    assert _recognised(PEPS, data_copy).figures.iloc[0]["indicator_id"] == "cla_pep"


def test_the_page_names_a_recipe_so_it_can_be_saved():
    name = saved_recipes.name_for("PEPs", "a\x00b\x1b[31m" + "x" * 300 + ".csv")
    assert name.startswith("PEPs from ab[31mxxx") and len(name) == saved_recipes.MAX_NAME
    saved_recipes.validate(DataFolder.of(), _peps_recipe(name))  # no error
    assert saved_recipes.name_for("PEPs", "\x00\x01") == "PEPs from an uploaded file"
