"""Saving a mapping is part of applying the upload it was made for, so the command line keeps it too."""

from __future__ import annotations

import pytest

from cpdata.core.datafolder import DataFolder
from cpdata.ops import cli
from cpdata.store import store
from cpdata.uploads import ingest, saved_recipes, uploads

PEPS = (
    b"time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    b"old_la_code,la_name,new_la_code,measure,pct\n"
    b"2025,Reporting year,Local authority,E92000001,England,E13000002,Outer London,302,Barnet,E09000003,PEPs,97\n"
)
RECIPE = saved_recipes.recipe_from_choice("PEPs by council", "cla_pep", {"measure": "PEPs"}, "pct", "Council extract")


def test_apply_saves_the_mapping_with_the_figures(data_copy):
    prepared = ingest.prepare(DataFolder(data_copy), PEPS, "peps.csv", ingest.Options(recipe=RECIPE, save_recipe=True))
    assert prepared.recipe_to_save == RECIPE
    entry = uploads.apply(DataFolder(data_copy), prepared, PEPS, "Ana")
    assert entry["recipe_saved"] == "peps_by_council.toml"
    assert (data_copy / "recipes" / "peps_by_council.toml").is_file()
    assert store.read_manifest(DataFolder(data_copy))["extracts"][-1]["recipe_saved"] == "peps_by_council.toml"
    again = ingest.prepare(DataFolder(data_copy), PEPS, "next.csv")
    assert again.needs_recipe is None and not again.failed


def test_a_mapping_not_asked_to_be_saved_is_not(data_copy):
    prepared = ingest.prepare(DataFolder(data_copy), PEPS, "peps.csv", ingest.Options(recipe=RECIPE))
    entry = uploads.apply(DataFolder(data_copy), prepared, PEPS, "Ana")
    assert "recipe_saved" not in entry and not (data_copy / "recipes").exists()


def test_an_unknown_file_is_a_state_of_its_own(data_copy):
    prepared = ingest.prepare(DataFolder(data_copy), PEPS, "peps.csv")
    assert prepared.needs_recipe is not None and prepared.failed
    assert prepared.needs_recipe.filters == {"measure": ["PEPs"]} and prepared.needs_recipe.numbers == ["pct"]
    assert prepared.frame is not None and list(prepared.frame.columns)[-1] == "pct"  # what was read, kept


def test_the_command_line_loads_a_file_with_a_recipe_and_saves_it(data_copy, tmp_path, capsys):
    upload = tmp_path / "peps.csv"
    upload.write_bytes(PEPS)
    recipe = tmp_path / "peps.toml"
    recipe.write_text(saved_recipes.toml_text(RECIPE), encoding="utf-8")
    assert cli.main(["check", str(upload)]) == 1  # no recipe knows it
    assert cli.main(["load", str(upload), "--recipe", str(recipe), "--save-recipe", "--by", "ops"]) == 0
    assert "Mapping saved as recipes/peps_by_council.toml" in capsys.readouterr().out
    assert cli.main(["check", str(upload)]) == 0  # recognised now, as the page's saved mapping would be


def test_an_upload_and_its_mapping_take_the_writers_lock_once(data_copy, monkeypatch):
    """One hold of the lock for the whole write (the recipe and the extract), not one per layer."""
    import fcntl

    taken = []
    real = fcntl.flock
    monkeypatch.setattr(store.fcntl, "flock", lambda fh, op: (op & fcntl.LOCK_EX and taken.append(op), real(fh, op)))
    prepared = ingest.prepare(DataFolder(data_copy), PEPS, "peps.csv", ingest.Options(recipe=RECIPE, save_recipe=True))
    entry = uploads.apply(DataFolder(data_copy), prepared, PEPS, "Ana")
    assert entry["recipe_saved"] and len(taken) == 1


def test_map_only_prints_and_load_is_the_one_way_a_mapping_is_saved(data_copy, tmp_path, capsys):
    """``map`` checks a mapping and prints it, writing nothing; only ``load --save-recipe`` keeps it, with the
    figures (``check`` has no such flag). A second way of saving (``map`` writing the data folder, or a
    save option on ``map`` or ``check``) would fail here."""
    upload = tmp_path / "peps.csv"
    upload.write_bytes(PEPS)
    manifest = (data_copy / store.MANIFEST).read_bytes()
    mapping = ["--indicator", "cla_pep", "--value-column", "pct", "--filter", "measure=PEPs", "--polarity-confirmed"]
    assert cli.main(["map", str(upload), *mapping, "--name", "PEPs by council"]) == 0
    printed = capsys.readouterr().out
    assert not (data_copy / "recipes").exists() and (data_copy / store.MANIFEST).read_bytes() == manifest
    recipe = tmp_path / "peps.toml"
    recipe.write_text(printed, encoding="utf-8")
    for saving in (["map", str(upload), *mapping, "--save-recipe"], ["check", str(upload), "--save-recipe"]):
        with pytest.raises(SystemExit):  # argparse: no such option
            cli.main(saving)
    assert cli.main(["check", str(upload), "--recipe", str(recipe)]) == 0
    assert not (data_copy / "recipes").exists()
    assert cli.main(["load", str(upload), "--recipe", str(recipe), "--save-recipe", "--by", "ops"]) == 0
    assert [p.name for p in (data_copy / "recipes").glob("*.toml")] == ["peps_by_council.toml"]
    assert cli.main(["check", str(upload)]) == 0
