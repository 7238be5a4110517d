"""Judgements and sentences on hand-worked cases."""

import pytest

from cpdata.catalogue.catalogue import Indicator, load_catalogue
from cpdata.core.datafolder import DataFolder
from cpdata.figures import compare, sentences

EET = load_catalogue(DataFolder.of()).indicator("care_leavers_eet_19_21")
MOVES = load_catalogue(DataFolder.of()).indicator("cla_3plus_placements")


@pytest.mark.parametrize(
    ("value", "other", "polarity", "expected"),
    [
        (64, 58.1, "higher", "better"),
        (64, 58.1, "lower", "worse"),
        (10, 9.5, "lower", "worse"),
        (9, 9.5, "lower", "better"),
        (64, 64.3, "higher", "in line"),  # within the rounding of a whole-number figure
        (64, 64.5, "higher", "worse"),
        (40, 30, "neither", "higher"),
        (None, 30, "higher", None),
        (float("nan"), 30, "higher", None),
    ],
)
def test_versus(value, other, polarity, expected):
    assert compare.versus(value, other, polarity, 0, 1) == expected


def test_change_is_polarity_aware():
    assert compare.change(64, 69, "higher", 0) == {"diff": -5.0, "direction": "down", "judgement": "worsened"}
    assert compare.change(8, 11, "lower", 0) == {"diff": -3.0, "direction": "down", "judgement": "improved"}
    assert compare.change(5, 5, "lower", 0)["judgement"] == "no change"
    assert compare.change(5, None, "lower", 0) is None


def test_target_status():
    assert compare.target_status(13, 11, "lower", 0) == "not met"
    assert compare.target_status(72, 69, "higher", 0) == "met"
    assert compare.target_status(69, 69, "higher", 0) == "met"
    assert compare.target_status(None, 69, "higher", 0) is None
    assert compare.target_status(50, None, "higher", 0) is None


def test_headline_sentence_better_than_both_and_trend():
    text = sentences.headline(EET, "Barnet", 2025, 64, None, 58.1, 54, 69)
    assert text == (
        "64% of Barnet's care leavers aged 19 to 21 were in education, employment or training in 2024/25: "
        "better than its statistical neighbours (58.1%) and England (54%), and 5 points lower than the year before."
    )


def test_headline_mixed_comparison_and_lower_is_better():
    text = sentences.headline(MOVES, "Barking and Dagenham", 2023, 13, None, 9.5, 14, 13)
    assert "worse than its statistical neighbours (9.5%) but better than England (14%)" in text
    assert text.endswith("the same as the year before.")


def test_headline_suppressed_says_so_and_shows_no_number():
    text = sentences.headline(EET, "Rutland", 2025, None, "c", 58.1, 54, 60)
    assert "suppressed to protect confidentiality (c)" in text
    assert "0%" not in text


def test_headline_single_year_and_no_comparators():
    text = sentences.headline(EET, "Barnsley", 2019, 62.5, None)
    assert text == (
        "63% of Barnsley's care leavers aged 19 to 21 were in education, employment or training in 2018/19."
    )


def test_headline_for_a_count_without_sentence_text():
    plain = Indicator("t", "Test count", "Test", "count", "neither", 0, "d", "s")
    assert sentences.headline(plain, "X", 2021, 1234, None) == "Test count in X was 1,234 in 2020/21."


def test_two_proportion_test_hand_worked():
    # 91% of 100 vs 84% of 1000: pooled 931/1100; se = sqrt(p(1-p)(1/100+1/1000)) = 0.03782; z = 1.851.
    t = compare.two_proportion_test(91, 100, 84, 1000)
    assert t["z"] == pytest.approx(1.8509, abs=1e-3)
    assert t["p"] == pytest.approx(0.0642, abs=1e-3)
    assert t["significant"] is False
    assert compare.two_proportion_test(91, 400, 84, 4000)["significant"] is True
    assert compare.two_proportion_test(91, None, 84, 1000) is None


def test_bright_spots_without_numbers_answering_are_not_tested():
    from cpdata.figures import survey_tables

    df = survey_tables.bright_spots_table(DataFolder.of(), "E09000003", ["bs_life_satisfaction"])
    table = survey_tables.bright_spots_display(df, "Barnet")
    assert table.iloc[0]["Significant at 95%"] == "not tested (numbers answering not held)"
