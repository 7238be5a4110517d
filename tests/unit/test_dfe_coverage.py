"""Every DfE file the dashboard is given is recognised by the shipped recipe made for it, and the new
measures (placements by distance, social worker changes, absence, key stage 2, workforce) come out with
the published figures, the right polarity and a place in each framework.

The fixtures in ``tests/fixtures/dfe`` are the header and the latest year's rows for England, Barnet and
Barnsley of each published file (tests never read the shared data folder).
"""

from __future__ import annotations

import pandas as pd
import pytest

from cpdata.catalogue.catalogue import load_catalogue, load_frameworks
from cpdata.core.datafolder import DataFolder
from cpdata.store import queries, reference
from cpdata.uploads import ees
from tests.conftest import FIXTURES

DFE = FIXTURES / "dfe"
DFE_FILES = sorted(p.name for p in DFE.glob("*.csv"))
NEW = {
    "la_cla_during_year_new_placements.csv": [
        "cla_new_placements_outside_20_miles",
        "cla_new_placements_inside_under_20_miles",
        "cla_new_placements_out_under_20_miles",
    ],
    "la_cla_swcount.csv": ["cla_3plus_social_workers"],
    "absence_la.csv": [
        "cla_absence_overall",
        "cla_absence_authorised",
        "cla_absence_unauthorised",
        "cla_persistent_absence",
        "cla_severe_absence",
    ],
    "ks2_la.csv": [
        "cla_ks2_rwm_expected",
        "cla_ks2_reading_expected",
        "cla_ks2_writing_expected",
        "cla_ks2_maths_expected",
        "cla_ks2_gps_expected",
        "cla_ks2_science_expected",
    ],
    "csww_indicators_2017_to_2025.csv": [
        "sw_turnover_rate",
        "sw_agency_rate",
        "sw_vacancy_rate",
        "sw_caseload",
        "sw_absence_rate",
    ],
}
LOWER_IS_BETTER = [
    "cla_new_placements_outside_20_miles",
    "cla_3plus_social_workers",
    "cla_absence_overall",
    "cla_absence_authorised",
    "cla_absence_unauthorised",
    "cla_persistent_absence",
    "cla_severe_absence",
    "sw_turnover_rate",
    "sw_agency_rate",
    "sw_vacancy_rate",
    "sw_caseload",
    "sw_absence_rate",
]


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(DFE / name, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def test_there_is_a_fixture_for_every_published_dfe_file():
    assert len(DFE_FILES) == 11
    assert {r.file for r in ees.shipped_recipes()} == set(DFE_FILES)


@pytest.mark.parametrize("name", DFE_FILES)
def test_each_dfe_file_is_recognised_by_its_own_recipe_only(name):
    df = _read(name)
    matching = [r.file for r in ees.shipped_recipes() if r.matches(df)]
    assert matching == [name]  # the health and new-placements files share their columns


@pytest.mark.parametrize("name", sorted(NEW))
def test_the_new_files_make_the_new_indicators(name):
    df = _read(name)
    figs = ees.to_figures(df, ees.find_recipe(DataFolder.of(), df, ees.shipped_recipes()), "t")
    assert set(figs["indicator_id"]) == set(NEW[name])
    assert {"E92000001", "E09000003"} <= set(figs["area_code"])


def _figure(name: str, indicator: str, area: str = "E09000003") -> pd.Series:
    df = _read(name)
    figs = ees.to_figures(df, ees.find_recipe(DataFolder.of(), df, ees.shipped_recipes()), "t")
    rows = figs[(figs["indicator_id"] == indicator) & (figs["area_code"] == area)]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.mark.parametrize(
    ("name", "indicator", "area", "period", "value", "numerator", "denominator"),
    [
        (
            "la_cla_during_year_new_placements.csv",
            "cla_new_placements_outside_20_miles",
            "E09000003",
            2025,
            22,
            79,
            355,
        ),
        (
            "la_cla_during_year_new_placements.csv",
            "cla_new_placements_inside_under_20_miles",
            "E09000003",
            2025,
            31,
            110,
            355,
        ),
        ("la_cla_swcount.csv", "cla_3plus_social_workers", "E92000001", 2024, 27, 22140, 83300),
        ("absence_la.csv", "cla_absence_overall", "E09000003", 2025, 9.6, None, 103),
        ("absence_la.csv", "cla_persistent_absence", "E09000003", 2025, 21.4, 22, 103),
        ("absence_la.csv", "cla_severe_absence", "E92000001", 2025, 6.4, 2180, 33930),
        ("ks2_la.csv", "cla_ks2_reading_expected", "E09000003", 2025, 50, 6, 12),
        ("ks2_la.csv", "cla_ks2_rwm_expected", "E92000001", 2025, 35, None, None),
        ("csww_indicators_2017_to_2025.csv", "sw_caseload", "E09000003", 2025, 14.1, None, None),
        ("csww_indicators_2017_to_2025.csv", "sw_turnover_rate", "E92000001", 2025, 11.8, None, None),
    ],
)
def test_published_figures_come_through_unchanged(name, indicator, area, period, value, numerator, denominator):
    row = _figure(name, indicator, area)
    assert (row["period"], row["value"]) == (period, value)
    if numerator is not None:
        assert row["numerator"] == numerator
    if denominator is not None:
        assert row["denominator"] == denominator


def test_a_suppressed_cell_in_a_new_file_stays_a_symbol():
    row = _figure("la_cla_during_year_new_placements.csv", "cla_new_placements_outside_20_miles", "E08000016")
    barnsley = _read("la_cla_during_year_new_placements.csv")
    cell = barnsley[
        (barnsley["new_la_code"] == "E08000016")
        & (barnsley["breakdown"] == "Placed outside LA boundary more than 20 miles from home")
    ]["children_percent"].iloc[0]
    if cell in ("c", "x", "z"):
        assert pd.isna(row["value"]) and row["symbol"] == cell
    else:
        assert row["value"] == float(cell)
    sw = _figure("la_cla_swcount.csv", "cla_3plus_social_workers")  # Barnet's is published as x
    assert pd.isna(sw["value"]) and sw["symbol"] == "x"


def test_polarity_of_the_new_measures():
    cat = load_catalogue(DataFolder.of())
    for ind in LOWER_IS_BETTER:
        assert cat.indicator(ind).polarity == "lower", ind
    for ind in NEW["ks2_la.csv"] + ["cla_new_placements_inside_under_20_miles"]:
        assert cat.indicator(ind).polarity == "higher", ind
    assert cat.indicator("sw_caseload").unit == "average"


@pytest.mark.parametrize(
    ("framework", "pledge", "wanted"),
    [
        (
            "barnet",
            "there_for_you",
            ["cla_3plus_social_workers", "cla_new_placements_outside_20_miles", "sw_turnover_rate"],
        ),
        ("barnet", "dreams", ["cla_absence_overall", "cla_persistent_absence", "cla_ks2_rwm_expected"]),
        ("barnsley", "safe_home", ["cla_new_placements_outside_20_miles", "cla_3plus_social_workers", "sw_caseload"]),
        ("barnsley", "education", ["cla_absence_overall", "cla_ks2_maths_expected"]),
        (
            "barking_dagenham",
            "safe",
            ["cla_3plus_social_workers", "sw_agency_rate", "cla_new_placements_outside_20_miles"],
        ),
        ("barking_dagenham", "education", ["cla_persistent_absence", "cla_ks2_reading_expected"]),
    ],
)
def test_the_new_measures_sit_where_the_seeds_ask_for_them(framework, pledge, wanted):
    held = load_frameworks(DataFolder.of())[framework].pledge(pledge).indicators
    assert set(wanted) <= set(held)


def test_every_new_indicator_is_in_a_framework():
    placed = {i for fw in load_frameworks(DataFolder.of()).values() for i in fw.indicator_ids()}
    assert {i for ids in NEW.values() for i in ids} <= placed


def test_barnets_latest_scorecard_holds_at_least_40_published_figures():
    card = queries.scorecard_table(DataFolder.of(), "E09000003", year=2025)
    published = card[(card["council_basis"] == "published") & card["council"].notna()]
    assert len(published) >= 40
    row = card.set_index("indicator_id").loc["sw_vacancy_rate"]
    assert (row["council"], row["england"], row["sn_neighbours_with_figure"]) == (14.0, 14.2, 10)


def test_barnsleys_reissued_code_in_the_workforce_file_is_barnsley():
    """DfE's 2025 workforce file names Barnsley E08000038 (ONS's code after a boundary change); every other
    file and the neighbour models use E08000016, so the figure must land there, not on a second Barnsley."""
    row = _figure("csww_indicators_2017_to_2025.csv", "sw_turnover_rate", "E08000016")
    assert row["value"] == 8.0
    areas = ees.areas_in(_read("csww_indicators_2017_to_2025.csv"))
    assert "E08000038" not in set(areas["area_code"])
    assert reference.resolve_area(DataFolder.of(), "370") == "E08000016"
