"""``python -m cpdata scorecard --council all``: every council's rows are that council's own scorecard,
column for column, with rank and quartile as the pages give them; the CSV is formula-safe."""

from __future__ import annotations

import contextlib
import io

import pandas as pd
import pytest

from cpdata.core import config, schema
from cpdata.core.datafolder import DataFolder
from cpdata.figures import all_councils, views
from cpdata.ops import cli
from cpdata.store import queries, reference, store

COUNCILS = {"E09000003": "302", "E06000063": "942", "E10000006": "909", "E08000016": "370"}


def _csv(*args: str) -> pd.DataFrame:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert cli.main(["scorecard", *args, "--format", "csv"]) == 0
    return pd.read_csv(io.StringIO(buf.getvalue()), dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def everyone() -> pd.DataFrame:
    return _csv("--council", "all")


def test_columns_are_the_single_council_ones_with_who_in_front_and_rank_behind(everyone):
    one = _csv("--council", "Barnet")
    assert list(everyone.columns) == [*all_councils.FIRST, *one.columns, *all_councils.LAST]


def test_each_councils_rows_are_its_own_scorecard(everyone):
    for code, old in COUNCILS.items():
        one = _csv("--council", code)
        mine = everyone[everyone["council_code"] == code]
        assert set(mine["council_old_code"]) == {old}
        assert set(mine["council_name"]) == {reference.area(DataFolder.of(), code)["name"]}
        pd.testing.assert_frame_equal(mine[one.columns].reset_index(drop=True), one, obj=code)


def test_every_current_and_former_council_every_year(everyone):
    held = reference.councils(DataFolder.of(), current_only=False)
    assert set(everyone["council_code"]) == set(held["area_code"])
    assert {"E10000006", "E10000021"} <= set(everyone["council_code"])  # Cumbria, Northamptonshire (former)
    card = queries.scorecard_table(DataFolder.of(), "E09000003")
    assert len(everyone[everyone["council_code"] == "E09000003"]) == len(card)
    year = _csv("--council", "all", "--year", "2025")
    assert set(year["period"]) == {"2025"}
    assert len(year) == (everyone["period"] == "2025").sum()


def test_rank_and_quartile_are_the_pages(everyone):
    ids = ["care_leavers_eet_19_21", "cla_3plus_placements", "cla_ks4_attainment8"]
    for code in ("E09000003", "E06000063"):
        for v in views.indicator_views(DataFolder.of(), code, ids, 2025):
            row = everyone[
                (everyone["council_code"] == code)
                & (everyone["indicator_id"] == v.indicator.id)
                & (everyone["period"] == str(v.period))
            ].iloc[0]
            assert row["polarity"] == v.indicator.polarity
            assert (row["rank"], row["rank_of"], row["quartile"]) == (str(v.rank), str(v.ranked), v.quartile)
    neither = everyone[everyone["polarity"] == "neither"]
    assert not neither.empty and (neither["rank"] == "").all() and (neither["quartile"] == "").all()


def test_one_model_for_all_years_on_request():
    forced = _csv("--council", "all", "--year", "2023", "--sn-model", "2021")
    cumberland = forced[forced["council_code"] == "E06000063"]
    assert not cumberland.empty and (cumberland["statistical_neighbours"] == "").all()  # not in the 2021 model
    assert set(forced["sn_model"]) == {"2021"}


def test_the_csv_is_formula_safe(data_copy):
    row = {"indicator_id": "care_leavers_eet_19_21", "area_code": "E09000003", "period": 2026, "value": 61.0}
    df = pd.DataFrame([row]).assign(figure_type="value", basis="local", source='=HYPERLINK("http://x","y")')
    store.add_extract(DataFolder(data_copy), schema.to_table(df, schema.FIGURES), "figures", {"id": "hostile_source"})
    assert config.data_dir() == data_copy
    out = _csv("--council", "all", "--year", "2026")
    assert out["source"].tolist() == ['\'=HYPERLINK("http://x","y")']
    assert _csv("--council", "Barnet", "--year", "2026")["source"].tolist() == out["source"].tolist()
