"""Statistical-neighbour comparators and code resolution, checked against hand-computed cases.

The figures below are copied from DfE's published files (la_care_leavers_activity.csv,
la_conviction_health_outcome_cla.csv) and the two neighbour models.
"""

import statistics

import pytest

from cpdata.core.datafolder import DataFolder
from cpdata.store import queries, reference

BARNET = "E09000003"

# May 2025 model, Barnet's neighbours (old codes) and their 2024/25 care leavers 19-21 EET %.
EET_2025 = {
    "320": 54,
    "870": 57,
    "310": 67,
    "317": 55,
    "315": 73,
    "306": 52,
    "209": 53,
    "312": 53,
    "309": 54,
    "307": 63,
}
# April 2021 model, Barnet's neighbours and their 2023/24 figures.
EET_2024 = {
    "315": 68,
    "314": 63,
    "870": 43,
    "319": 58,
    "312": 54,
    "317": 58,
    "313": 56,
    "826": 59,
    "307": 57,
    "305": 57,
}
# 2024/25 convictions %: five neighbours suppressed (c), which must be left out, not counted as 0.
CONVICTIONS_2025 = {
    "320": "c",
    "870": "c",
    "310": "c",
    "317": 0,
    "315": 0,
    "306": 4,
    "209": 4,
    "312": "c",
    "309": 4,
    "307": "c",
}


def _row(df, indicator, period):
    return df[(df["indicator_id"] == indicator) & (df["period"] == period)].iloc[0]


def test_sn_mean_and_median_match_hand_computation_2025_model():
    row = _row(queries.series(DataFolder.of(), BARNET, ["care_leavers_eet_19_21"]), "care_leavers_eet_19_21", 2025)
    assert sum(EET_2025.values()) == 581
    assert row["sn_mean"] == pytest.approx(58.1)
    assert row["sn_median"] == pytest.approx(statistics.median(EET_2025.values())) == pytest.approx(54.5)
    assert (row["sn_model"], row["sn_n"]) == ("2025", 10)
    assert (row["value"], row["england"], row["region"]) == (64.0, 54.0, 57.0)


def test_auto_uses_2021_model_before_2024_25():
    row = _row(queries.series(DataFolder.of(), BARNET, ["care_leavers_eet_19_21"]), "care_leavers_eet_19_21", 2024)
    assert row["sn_model"] == "2021"
    assert row["sn_mean"] == pytest.approx(round(sum(EET_2024.values()) / 10, 1)) == pytest.approx(57.3)
    assert row["sn_median"] == pytest.approx(57.5)


def test_right_neighbours_for_each_model():
    n25 = reference.neighbours(DataFolder.of(), BARNET, "2025")
    n21 = reference.neighbours(DataFolder.of(), BARNET, "2021")
    assert list(n25["old_code"]) == list(EET_2025)
    assert list(n21["old_code"]) == list(EET_2024)


def test_user_can_force_one_model_for_all_years():
    row = _row(
        queries.series(DataFolder.of(), BARNET, ["care_leavers_eet_19_21"], sn_model="2025"),
        "care_leavers_eet_19_21",
        2024,
    )
    assert row["sn_model"] == "2025"
    assert row["sn_mean"] != pytest.approx(57.3)


def test_suppressed_neighbours_are_left_out_not_zeroed():
    row = _row(queries.series(DataFolder.of(), BARNET, ["cla_convictions"]), "cla_convictions", 2025)
    held = [v for v in CONVICTIONS_2025.values() if v != "c"]
    assert row["sn_n"] == len(held) == 5
    assert row["sn_mean"] == pytest.approx(round(sum(held) / len(held), 1)) == pytest.approx(2.4)
    assert row["sn_mean"] != pytest.approx(sum(held) / 10)  # what treating 'c' as 0 would give


@pytest.mark.parametrize("key", ["302", "E09000003", "Barnet", "barnet"])
def test_old_and_new_codes_resolve(key):
    assert reference.resolve_area(DataFolder.of(), key) == BARNET


def test_barnsley_and_barking_codes():
    assert reference.resolve_area(DataFolder.of(), "370") == "E08000016"
    assert reference.resolve_area(DataFolder.of(), "301") == "E09000002"
    with pytest.raises(KeyError):
        reference.resolve_area(DataFolder.of(), "999")


def test_published_figure_compared_and_local_kept_beside():
    """Barnsley 2020/21 EET: 73% published by DfE, 71.2% in its own table; SN 50.1% as published."""
    row = _row(queries.series(DataFolder.of(), "E08000016", ["care_leavers_eet_19_21"]), "care_leavers_eet_19_21", 2021)
    assert (row["value"], row["basis"]) == (73.0, "published")
    assert row["local_value"] == 71.2
    assert row["sn_published"] == 50.1 and row["sn_basis"] == "computed"
    assert row["sn"] == row["sn_mean"] != 50.1


def test_published_comparator_used_only_where_no_neighbour_figures():
    """Barnsley's 2018/19 row has only local figures: no comparators computed, its own table's used if any."""
    df = queries.series(DataFolder.of(), "E08000016", ["cla_school_attendance"])
    row = _row(df, "cla_school_attendance", 2019)
    assert row["basis"] == "local" and row["value"] == 95.5
    assert row["sn_n"] == 0 and row["sn"] == 96.1 and row["sn_basis"] == "published"
    assert row["england"] == 95.7 and row["england_basis"] == "published"


def test_bright_spots_held_for_barnet():
    df = queries.bright_spots(DataFolder.of(), BARNET, ["bs_like_school"])
    assert set(df["age_band"]) == {"4-7", "11-17"}
    assert set(df["percent"]) == {85.0, 84.0}
    assert df["bright_spot"].all()
