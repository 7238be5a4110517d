"""Saved recipes are read from the data folder an upload is checked against, not whatever CPDATA_DIR says."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cpdata import config, ingest, saved_recipes
from tests.test_saved_recipes import PEPS, _peps_recipe


@pytest.fixture
def own_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of sample_data that is passed as ``data_dir``, while CPDATA_DIR points at an empty folder."""
    target = tmp_path / "data"
    shutil.copytree(config.SAMPLE_DATA_DIR, target)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.setenv("CPDATA_DIR", str(tmp_path / "elsewhere"))
    return target


def test_a_recipe_saved_in_the_folder_given_is_used_whatever_cpdata_dir_says(own_folder):
    assert ingest.prepare(PEPS, "peps.csv", data_dir=own_folder).failed  # no recipe knows it yet
    saved_recipes.save(_peps_recipe(), own_folder)
    prepared = ingest.prepare(PEPS, "peps_next_month.csv", data_dir=own_folder)
    assert not prepared.failed, [p.text() for p in prepared.problems]
    assert prepared.figures.iloc[0][["indicator_id", "value"]].tolist() == ["cla_pep", 97.0]
