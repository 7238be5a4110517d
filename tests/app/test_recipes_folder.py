"""Saved recipes are read from the data folder an upload is checked against, not whatever CPDATA_DIR says;
one that cannot be used is skipped with its reason (shown on the upload page), while a broken shipped one raises."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from cpdata.core import config
from cpdata.core.datafolder import DataFolder
from cpdata.uploads import ees, ingest, recipe_format, saved_recipes
from tests.app.test_saved_recipes import PEPS, _peps_recipe
from tests.app.test_upload_page import _signed_in
from tests.conftest import FIXTURES


@pytest.fixture
def own_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of sample_data that is passed as ``data_dir``, while CPDATA_DIR points at an empty folder."""
    target = tmp_path / "data"
    shutil.copytree(config.SAMPLE_DATA_DIR, target)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.setenv("CPDATA_DIR", str(tmp_path / "elsewhere"))
    return target


def test_a_recipe_saved_in_the_folder_given_is_used_whatever_cpdata_dir_says(own_folder):
    assert ingest.prepare(DataFolder(own_folder), PEPS, "peps.csv").failed  # no recipe knows it yet
    saved_recipes.save(DataFolder(own_folder), _peps_recipe())
    prepared = ingest.prepare(DataFolder(own_folder), PEPS, "peps_next_month.csv")
    assert not prepared.failed, [p.text() for p in prepared.problems]
    assert prepared.figures.iloc[0][["indicator_id", "value"]].tolist() == ["cla_pep", 97.0]


GOOD = saved_recipes.toml_text(_peps_recipe())
BAD = {
    "not TOML": (GOOD.replace('name = "PEPs"', 'name = "PEPs'), "it is not valid TOML (Illegal character"),
    "not UTF-8": (GOOD.replace('"PEPs"', '"PEPs\xff"').encode("latin-1"), "it is not UTF-8 text"),
    "missing field": (GOOD.replace('publication = "Council EES extract"\n', ""), "it has no 'publication'"),
    "wrong kind": (GOOD.replace('value = "pct"', "value = 5"), "its indicator 1 has 'value' that is not text"),
    "misspelt field": (GOOD.replace("match_values =", "match_value ="), "it has 'match_value', which is not a recipe"),
    "claims every file": (GOOD.replace('["measure", "pct"]', "[]"), "its 'match_columns' is empty"),
    "unknown indicator": (GOOD.replace("cla_pep", "no_such"), "it names 'no_such', not an indicator in the catalogue"),
    "a folder": (None, "it cannot be read (Is a directory)"),
    "a dangling link": ("link", "it cannot be read (No such file or directory)"),
}


def _put(folder: Path, name: str, body: str | bytes | None) -> None:
    path = folder / "recipes" / name
    if body is None:
        path.mkdir()
    elif body == "link":
        path.symlink_to(folder / "recipes" / "gone.toml")
    else:
        path.write_bytes(body if isinstance(body, bytes) else body.encode())


@pytest.mark.parametrize(("body", "reason"), BAD.values(), ids=BAD.keys())
def test_a_saved_recipe_that_cannot_be_used_is_skipped_with_its_reason(own_folder, body, reason, caplog):
    """Hand-edited, or saved before saving was checked: it used to stop every EES upload being recognised."""
    saved_recipes.save(DataFolder(own_folder), _peps_recipe())
    _put(own_folder, "old.toml", body)
    with caplog.at_level(logging.WARNING, logger="cpdata.uploads.ees"):
        problems = ees.recipe_problems(DataFolder(own_folder))
    assert len(problems) == 1 and problems[0].startswith("The saved recipe 'old.toml' in the data folder's recipes")
    assert f"was skipped: {reason}" in problems[0], problems
    assert "old.toml" in caplog.text and reason in caplog.text
    # The good saved recipe and every shipped one still recognise their files.
    names = [r.file for r in ees.load_recipes(DataFolder(own_folder))]
    assert names == sorted(p.stem + ".csv" for p in ees.RECIPE_DIR.glob("*.toml")) + ["peps.csv"]
    prepared = ingest.prepare(DataFolder(own_folder), PEPS, "peps_next_month.csv")
    assert not prepared.failed and prepared.figures.iloc[0]["indicator_id"] == "cla_pep"
    shipped = (FIXTURES / "recipes" / "la_care_leavers_activity.csv").read_bytes()
    assert not ingest.prepare(DataFolder(own_folder), shipped, "la_care_leavers_activity.csv").failed


def test_a_recipe_file_is_read_again_once_it_changes(own_folder):
    """Recipes are read once per set of files; fixing a bad one, or breaking a good one, is seen at once."""
    path = saved_recipes.save(DataFolder(own_folder), _peps_recipe())
    assert not ees.recipe_problems(DataFolder(own_folder))
    path.write_text(BAD["not TOML"][0])
    assert [r.file for r in ees.load_recipes(DataFolder(own_folder))][-1] != "peps.csv"
    assert len(ees.recipe_problems(DataFolder(own_folder))) == 1
    path.write_text(GOOD)
    assert not ees.recipe_problems(DataFolder(own_folder))
    assert not ingest.prepare(DataFolder(own_folder), PEPS, "peps.csv").failed


def test_a_shipped_recipe_that_cannot_be_used_is_our_bug_and_raises(tmp_path, monkeypatch):
    shipped = tmp_path / "shipped"
    shutil.copytree(ees.RECIPE_DIR, shipped)
    (shipped / "broken.toml").write_text(BAD["unknown indicator"][0])
    monkeypatch.setattr(ees, "RECIPE_DIR", shipped)
    with pytest.raises(recipe_format.RecipeFileError, match="shipped recipe broken.toml: it names 'no_such'"):
        ees.load_recipes(DataFolder(tmp_path))


def test_the_upload_page_says_which_saved_recipe_was_skipped_and_why(data_copy):
    (data_copy / "recipes").mkdir()
    (data_copy / "recipes" / "old.toml").write_text(BAD["missing field"][0])
    at = _signed_in()
    assert not at.exception
    skipped = "The saved recipe 'old.toml' in the data folder's recipes folder was skipped: it has no 'publication'."
    assert [w.value for w in at.warning] == [
        f"{skipped} Until it is fixed or removed, files that only it maps are not recognised."
    ]


def test_building_the_sample_data_uses_only_the_shipped_recipes(tmp_path, monkeypatch):
    """build-sample reads each recipe's published file; one an analyst saved names a file that is not there."""
    monkeypatch.setenv("CPDATA_DIR", str(tmp_path))
    saved_recipes.save(DataFolder(tmp_path), _peps_recipe())
    assert "PEPs" in [r.name for r in ees.load_recipes(DataFolder.of())]
    shipped = ees.shipped_recipes()
    assert "PEPs" not in [r.name for r in shipped]
    assert len(shipped) == len(list(ees.RECIPE_DIR.glob("*.toml")))

    from cpdata.ops import build_sample

    class Reached(Exception):
        pass

    files_read = []

    def read_csv(path):
        if path.name == build_sample.SN_2021:  # past the recipes: all this test asks is which were taken
            raise Reached
        files_read.append(path.name)

    monkeypatch.setattr(build_sample, "read_csv", read_csv)
    monkeypatch.setattr(recipe_format.Recipe, "matches", lambda self, df: True)
    with pytest.raises(Reached):
        build_sample.build(tmp_path / "shared", tmp_path / "out")
    assert files_read == [r.file for r in shipped]
