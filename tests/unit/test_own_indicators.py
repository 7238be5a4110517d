"""A council adds its own indicator and maps a DfE file the catalogue does not know to it, from the command
line: ``indicator add`` + ``map`` (prints the recipe) + ``load --recipe --save-recipe`` (applies the figures and
keeps the mapping) give scorecard figures equal to the file's, with neighbours and England; bad ids, units,
polarities, clashes and contradicting mappings are refused with nothing written."""

from __future__ import annotations

import csv
import dataclasses
import io
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest

from cpdata.catalogue import catalogue
from cpdata.catalogue.catalogue import load_catalogue, load_frameworks
from cpdata.core.datafolder import DataFolder
from cpdata.ops import cli
from cpdata.store import queries, reference
from cpdata.uploads import mapping_guard

BARNET = "E09000003"
GROUP = "CLA during the year"
MISSING = "Went missing during the year"
HEADER = [
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
    "region_name", "old_la_code", "la_name", "new_la_code", "cla_group", "missing_status", "children_count",
    "children_percent", "episodes",
]  # fmt: skip
# The council's own indicator these tests add, from the command line, the page (tests/app) and a browser
# (tests/browser): its text fields, written once.
WENT_MISSING = {
    "id": "cla_went_missing",
    "title": "Children looked after who went missing",
    "short_title": "Went missing",
    "definition": "Of the children looked after during the year, the percentage who went missing at least once.",
    "source": "DfE: Children looked after in England including adoptions",
}
ADD = [
    "indicator", "add", *[x for k, v in WENT_MISSING.items() for x in (f"--{k.replace('_', '-')}", v)],
    "--unit", "percent", "--polarity", "lower", "--decimals", "0", "--published",
]  # fmt: skip


def _value(i: int) -> str:
    """A council's made-up percentage; every seventh council's is suppressed."""
    return "c" if i % 7 == 3 else str(5 + (i * 13) % 17)


def dfe_shaped_file(path: Path) -> dict[str, str]:
    """A file shaped as DfE's open data (made for this test, not a published file): every council in the
    sample data, London and England, for 2024/25; returns each area's published percentage."""
    areas = reference.areas(DataFolder.of())
    councils = areas[areas["level"] == "local_authority"].reset_index(drop=True)
    rows, percent = [], {}

    def add(level: str, region: tuple[str, str], la: tuple[str, str, str], pct: str, count: str) -> None:
        base = ["2025", "Reporting year", level, "E92000001", "England", *region, *la, GROUP]
        rows.append([*base, MISSING, count, pct, "250"])
        rows.append([*base, "Total children", "500" if count != "c" else "c", "100", "250"])

    add("National", ("", ""), ("", "", ""), "11", "9100")
    percent["E92000001"] = "11"
    add("Regional", ("E12000007", "London"), ("", "", ""), "9", "1200")
    for i, r in councils.iterrows():
        pct = _value(int(i))
        percent[r["area_code"]] = pct
        add(
            "Local authority", ("E13000002", "Outer London"), (r["old_code"] or "", r["name"], r["area_code"]), pct, pct
        )
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([HEADER, *rows])
    path.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))
    return percent


def _map_args(path: Path, *extra: str) -> list[str]:
    return [
        "map", str(path), "--indicator", "cla_went_missing", "--value-column", "children_percent",
        "--count-column", "children_count", "--filter", f"cla_group={GROUP}", "--filter",
        f"missing_status={MISSING}", *extra,
    ]  # fmt: skip


def _load_with(printed: str, path: Path, tmp_path: Path) -> int:
    """``load`` the file with the recipe ``map`` printed, keeping the mapping (the one way it is saved)."""
    recipe = tmp_path / "mapping.toml"
    recipe.write_text(printed, encoding="utf-8")
    return cli.main(["load", str(path), "--recipe", str(recipe), "--save-recipe", "--by", "test"])


def test_add_map_and_load_a_file_the_catalogue_does_not_know(data_copy, tmp_path, capsys):
    path = tmp_path / "la_cla_missing.csv"
    percent = dfe_shaped_file(path)
    assert cli.main(["check", str(path)]) == 1  # not recognised before
    assert cli.main(ADD) == 0
    assert (data_copy / "catalogue" / "cla_went_missing.toml").is_file()
    ind = load_catalogue(DataFolder.of()).indicator("cla_went_missing")
    assert (ind.unit, ind.polarity, ind.published) == ("percent", "lower", True)
    assert "cla_went_missing" in load_catalogue(DataFolder.of()).own
    capsys.readouterr()
    assert cli.main(_map_args(path, "--polarity-confirmed")) == 0
    shown = capsys.readouterr().out
    assert "# Definition: Of the children looked after during the year" in shown
    assert "# Unit: %" in shown and f"missing_status = {MISSING}" in shown
    assert not (data_copy / "recipes").exists()  # map only prints the mapping
    assert _load_with(shown, path, tmp_path) == 0
    assert len(list((data_copy / "recipes").glob("*.toml"))) == 1  # kept with the figures it was made for
    assert cli.main(["check", str(path)]) == 0  # recognised from now on

    card = queries.scorecard_table(DataFolder.of(), BARNET, year=2025).set_index("indicator_id").loc["cla_went_missing"]
    assert card["council"] == float(percent[BARNET])
    assert card["england"] == 11.0
    sn = reference.neighbours(DataFolder.of(), BARNET, "2025")["area_code"]
    held = [Decimal(percent[c]) for c in sn if percent[c] != "c"]
    mean = (sum(held) / len(held)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert card["sn_neighbours_with_figure"] == len(held) < 10  # suppressed ('c') neighbours are left out
    assert Decimal(str(card["statistical_neighbours"])) == mean
    assert card["council_basis"] == "published"


def _nothing_written(root: Path) -> None:
    assert not list((root / "catalogue").glob("*.toml")) if (root / "catalogue").exists() else True
    assert not (root / "recipes").exists() or not list((root / "recipes").glob("*.toml"))


@pytest.mark.parametrize(
    ("flag", "bad", "said"),
    [
        ("--id", "Went Missing", "lower-case letters"),
        ("--id", "a" * 41, "1 to 40"),
        ("--id", "cla_count", "already in the shipped catalogue"),
        ("--unit", "percentage", "is not one of"),
        ("--polarity", "up", "higher, lower, neither"),
        ("--decimals", "one", "whole number from 0 to 3"),
        ("--decimals", "7", "whole number from 0 to 3"),
        ("--title", " ", "is empty"),
    ],
)
def test_a_bad_indicator_is_refused_and_nothing_written(data_copy, capsys, flag, bad, said):
    args = list(ADD)
    args[args.index(flag) + 1] = bad
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert said in err and "Nothing was written" in err
    _nothing_written(data_copy)


def test_the_same_id_twice_is_refused(data_copy, capsys):
    assert cli.main(ADD) == 0
    before = (data_copy / "catalogue" / "cla_went_missing.toml").read_bytes()
    assert cli.main(ADD) == 1
    assert "already one of this council's indicators" in capsys.readouterr().err
    assert (data_copy / "catalogue" / "cla_went_missing.toml").read_bytes() == before


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (("--value-column", "children_count"), "looks like a count"),
        (("--value-column", "episodes"), "cannot be a percentage"),
        (("drop-filter", f"missing_status={MISSING}"), "more than one row for the same area and year"),
        (("--filter", "missing_status=Ran away"), "No row of the file has 'missing_status' = 'Ran away'"),
        (("--value-column", "no_such_column"), "no column 'no_such_column'"),
        (("no-confirm", ""), "Confirm the polarity"),
    ],
)
def test_a_contradicting_mapping_is_refused_and_nothing_written(data_copy, tmp_path, capsys, change, said):
    path = tmp_path / "la_cla_missing.csv"
    dfe_shaped_file(path)
    assert cli.main(ADD) == 0
    args = _map_args(path, "--polarity-confirmed")
    key, value = change
    if key == "drop-filter":
        i = args.index(value)
        del args[i - 1 : i + 1]
    elif key == "no-confirm":
        args.remove("--polarity-confirmed")
    elif key == "--filter":
        args[args.index(f"missing_status={MISSING}")] = value
    else:
        args[args.index(key) + 1] = value
    capsys.readouterr()
    assert cli.main(args) == 1
    out, err = capsys.readouterr()
    assert said in err and out == ""  # no recipe printed to keep
    assert not (data_copy / "recipes").exists()


def test_an_unknown_indicator_cannot_be_mapped(data_copy, tmp_path, capsys):
    path = tmp_path / "la_cla_missing.csv"
    dfe_shaped_file(path)
    assert cli.main(_map_args(path, "--polarity-confirmed")) == 1
    assert "add it first" in capsys.readouterr().err


def test_column_kinds():
    assert mapping_guard.column_kind("children_count") == "count"
    assert mapping_guard.column_kind("t_pupils") == "count"
    assert mapping_guard.column_kind("pt_overall") == "percent"
    assert mapping_guard.column_kind("children_percent") == "percent"
    assert mapping_guard.column_kind("avg_att8") is None


def test_a_bad_council_catalogue_file_is_skipped_with_its_reason(data_copy):
    folder = data_copy / "catalogue"
    folder.mkdir()
    good = 'id = "cla_own_one"\ntitle = "One"\nshort_title = "One"\nunit = "count"\npolarity = "neither"\n'
    good += 'decimals = 0\ndefinition = "A count."\nsource = "Council records"\n'
    (folder / "good.toml").write_text("[[indicator]]\n" + good)
    (folder / "clash.toml").write_text("[[indicator]]\n" + good.replace("cla_own_one", "cla_count"))
    (folder / "broken.toml").write_text("[[indicator\n")
    (folder / "unit.toml").write_text("[[indicator]]\n" + good.replace("cla_own_one", "x2").replace("count", "pct"))
    cat = load_catalogue(DataFolder.of())
    assert "cla_own_one" in cat.indicators and cat.own == frozenset({"cla_own_one"})
    assert cat.indicator("cla_count").title == catalogue.shipped_catalogue().indicator("cla_count").title
    problems = catalogue.catalogue_problems(DataFolder.of())
    assert len(problems) == 3
    assert any("clash.toml" in p and "already in the shipped catalogue" in p for p in problems)
    assert any("broken.toml" in p and "not valid TOML" in p for p in problems)
    assert any("unit.toml" in p and "unit 'pct'" in p for p in problems)


def test_a_council_framework_may_name_the_councils_own_indicator(data_copy):
    assert cli.main(ADD) == 0
    (data_copy / "frameworks").mkdir()
    (data_copy / "frameworks" / "ours.toml").write_text(
        'id = "ours"\ntitle = "Our plan"\n[[pledge]]\nid = "safe"\norder = 1\ntitle = "Safe"\n'
        'indicators = ["cla_went_missing", "cla_count"]\n'
    )
    assert load_frameworks(DataFolder.of())["ours"].pledge("safe").indicators == ("cla_went_missing", "cla_count")
    assert not catalogue.framework_problems(DataFolder.of())
    assert cli.main(["indicator", "remove", "cla_went_missing"]) == 1  # the framework still names it
    (data_copy / "frameworks" / "ours.toml").unlink()
    assert cli.main(["indicator", "remove", "cla_went_missing"]) == 0
    assert "cla_went_missing" not in load_catalogue(DataFolder.of()).indicators


def test_map_prints_the_very_recipe_the_page_makes_and_load_keeps_it(data_copy, tmp_path, capsys):
    import tomllib

    from cpdata.uploads import ees, recipe_format, saved_recipes

    path = tmp_path / "la_cla_missing.csv"
    dfe_shaped_file(path)
    assert cli.main(ADD) == 0
    capsys.readouterr()
    assert cli.main(_map_args(path, "--polarity-confirmed", "--name", "Went missing from DfE")) == 0
    printed = capsys.readouterr().out
    page = saved_recipes.recipe_from_choice(
        "Went missing from DfE",
        "cla_went_missing",
        {"cla_group": GROUP, "missing_status": MISSING},
        "children_percent",
        "DfE: Explore Education Statistics",
        "children_count",
    )
    assert recipe_format.recipe_from_toml(tomllib.loads(printed), "printed") == dataclasses.replace(
        page, file="printed.csv"
    )
    assert _load_with(printed, path, tmp_path) == 0
    (saved,) = (data_copy / "recipes").glob("*.toml")
    catalogue = load_catalogue(DataFolder(data_copy))
    assert recipe_format.read_recipe(saved, catalogue) == dataclasses.replace(page, file=saved.stem + ".csv")
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert ees.find_recipe(DataFolder.of(), df).name == "Went missing from DfE"


def test_a_second_indicator_of_the_same_file_is_mapped_and_both_load(data_copy, tmp_path, capsys):
    path = tmp_path / "la_cla_missing.csv"
    percent = dfe_shaped_file(path)
    assert cli.main(ADD) == 0
    capsys.readouterr()
    assert cli.main(_map_args(path, "--polarity-confirmed")) == 0
    assert _load_with(capsys.readouterr().out, path, tmp_path) == 0
    count = list(ADD)
    for flag, value in (("--id", "cla_went_missing_n"), ("--unit", "count"), ("--short-title", "Went missing (n)")):
        count[count.index(flag) + 1] = value
    assert cli.main(count) == 0
    second = [
        "map", str(path), "--indicator", "cla_went_missing_n", "--value-column", "children_count",
        "--filter", f"cla_group={GROUP}", "--filter", f"missing_status={MISSING}", "--polarity-confirmed",
    ]  # fmt: skip
    capsys.readouterr()
    assert cli.main(second) == 0
    assert _load_with(capsys.readouterr().out, path, tmp_path) == 0
    assert cli.main(second) == 1  # the same indicator again, now that its mapping is kept
    assert "already mapped from files like this one" in capsys.readouterr().err
    assert cli.main(["load", str(path), "--by", "test"]) == 0
    card = queries.scorecard_table(DataFolder.of(), BARNET, year=2025).set_index("indicator_id")
    assert card.loc["cla_went_missing", "council"] == float(percent[BARNET])
    assert card.loc["cla_went_missing_n", "council"] == float(percent[BARNET])  # the fixture's count column


def test_a_file_a_shipped_recipe_knows_is_not_mapped_again(data_copy, capsys):
    from tests.conftest import FIXTURES

    assert cli.main(ADD) == 0
    args = ["map", str(FIXTURES / "dfe" / "la_cla_swcount.csv"), "--indicator", "cla_went_missing",
            "--value-column", "percentage", "--polarity-confirmed"]  # fmt: skip
    assert cli.main(args) == 1
    assert "shipped recipe" in capsys.readouterr().err
