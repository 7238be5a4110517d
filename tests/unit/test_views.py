"""Page view models on the sample data: what each indicator block shows."""

import json

import pandas as pd

from cpdata.catalogue.catalogue import load_catalogue, load_frameworks
from cpdata.core.datafolder import DataFolder
from cpdata.figures import charts, scorecard, survey_tables, trend, views

CAT = load_catalogue(DataFolder.of())


def _view(council, ind, year):
    return views.indicator_views(DataFolder.of(), council, [ind], year)[0]


def test_change_compares_published_with_published_only():
    # Barnsley 2020/21: DfE 73% (published); 2019/20 only a local figure (65.6%): no like-for-like change.
    v = _view("E08000016", "care_leavers_eet_19_21", 2021)
    assert (v.value, v.basis, v.local_value) == (73.0, "published", 71.2)
    assert v.change is None
    assert "year before" not in v.sentence
    v22 = _view("E08000016", "care_leavers_eet_19_21", 2022)
    assert v22.change == {"diff": -5.0, "direction": "down", "judgement": "worsened"}  # 68 vs 73


def test_local_only_indicator_uses_local_change():
    v = _view("E08000016", "care_leavers_visits_timely", 2021)
    assert v.basis == "local" and v.value == 98.7 and v.previous == 91.6
    assert v.rank is None  # no ranking for a local measure


def test_latest_held_year_is_used_when_chosen_year_has_none():
    v = _view("E08000016", "cla_reviews_timely", 2025)
    assert v.period == 2022 and v.value == 98.3


def test_chart_keeps_local_and_published_apart_and_never_zeroes_gaps():
    rows = views.indicator_views(DataFolder.of(), "E08000016", ["care_leavers_eet_19_21"], 2025)[0].rows
    data = trend.chart_data(rows)
    local = data[data["series"] == "Council, local figure"].set_index("year")["value"].dropna()
    assert local.to_dict() == {"2018/19": 62.5, "2019/20": 65.6, "2020/21": 71.2, "2021/22": 68.2}
    published = data[data["series"] == "Council"].set_index("year")["value"]
    assert pd.isna(published["2018/19"]) and published["2020/21"] == 73.0


def test_suppressed_years_are_not_in_the_drawn_line():
    v = _view("E09000003", "cla_ks4_eng_maths_4plus", 2025)
    data = trend.chart_data(v.rows)
    spec = json.loads(json.dumps(charts.trend(v.indicator, data)))  # as sent: JSON, missing values null
    drawn = [
        r
        for layer in spec["layer"]
        for r in layer.get("data", {}).get("values", [])
        if r.get("series") == "Council" and "label" in r
    ]
    years = {r["year"] for r in drawn}
    assert "2024/25" not in years and all(r["value"] is not None for r in drawn)
    marks = [r for layer in spec["layer"] for r in layer.get("data", {}).get("values", []) if r.get("symbol") == "c"]
    assert {r["year"] for r in marks} >= {"2024/25"}
    assert "Gaps are years with no figure or a suppressed one" in charts.caption(v.indicator, data)
    assert "2024/25: c" in charts.describe(v.indicator, "Barnet", data)


def test_comparison_lines_for_suppressed_council_figure():
    v = _view("E09000003", "cla_ks4_eng_maths_4plus", 2025)
    lines = scorecard.comparison_lines(v)
    # Four of ten neighbours have a figure: the count goes with the mean.
    assert lines[0] == "Statistical neighbours: 29.4%, 4 of 10 neighbours (no council figure to compare)"
    assert lines[1] == "England: 17% (no council figure to compare)"


def test_comparison_lines_with_rank_and_target():
    v = _view("E09000002", "cla_3plus_placements", 2023)
    assert v.basis == "published" and v.target == 11.0
    lines = scorecard.comparison_lines(v)
    assert any(line.startswith("Rank ") and "quartile" in line for line in lines)
    assert lines[-1] == f"Target 11%: {'met' if v.value <= 11 else 'not met'}"


def test_pledge_with_no_figures_says_so():
    pledge = load_frameworks(DataFolder.of())["barnet"].pledge("listen")
    items = views.indicator_views(DataFolder.of(), "E09000003", list(pledge.indicators), 2025)
    assert not any(v.has_data for v in items)
    assert all("No figures held yet" in v.sentence and "analysts can upload them" in v.sentence for v in items)


def test_scorecard_rows_show_symbol_meaning_not_zero():
    items = views.indicator_views(
        DataFolder.of(), "E09000003", ["cla_ks4_eng_maths_4plus", "care_leavers_eet_19_21"], 2025
    )
    table = scorecard.scorecard_rows(items)
    assert table.loc[0, "Council"].startswith("c")
    assert table.loc[1, "vs neighbours"] == "✔ better" and table.loc[1, "Quartile (A best)"].startswith("A")


def test_bright_spots_display_badges_and_differences():
    df = survey_tables.bright_spots_table(
        DataFolder.of(), "E09000003", ["bs_life_satisfaction", "bs_financial_difficulty"]
    )
    table = survey_tables.bright_spots_display(df, "Barnet")
    sat = table[table["Measure"] == "Satisfied with their life"].iloc[0]
    assert (sat["Barnet"], sat["Comparator %"], sat["Difference"]) == ("91%", "84%", "+7 points (better)")
    assert sat["Bright Spot"] == "★ Bright Spot of practice"
    hard = table[
        (table["Measure"] == CAT.bright_spots["bs_financial_difficulty"].title) & (table["Comparator %"] == "9%")
    ]
    assert hard.iloc[0]["Difference"] == "+10 points (worse)"  # lower is better


def test_caption_mentions_gaps_only_when_there_are_some():
    full = _view("E09000003", "care_leavers_eet_19_21", 2025)
    assert "Gaps" not in charts.caption(full.indicator, trend.chart_data(full.rows))
    late_start = _view("E09000002", "cla_3plus_placements", 2023)  # local figures for two years only
    assert "Gaps" not in charts.caption(late_start.indicator, trend.chart_data(late_start.rows))


def test_a_council_count_is_never_judged_against_englands():
    v = _view("E09000002", "cla_count", 2025)
    assert v.england is not None and v.vs_england is None
    assert "England" not in v.sentence
    assert "England: 81,770 (a count, not comparable)" in scorecard.comparison_lines(v)
    assert scorecard.scorecard_rows([v]).loc[0, "vs England"] == "-"


def test_a_local_count_of_1_to_5_is_withheld_on_every_page_view():
    """Issue 18 item 8: Barking and Dagenham's own report gives 4 adoptions in 2022/23; the pages (open to anyone
    on the intranet) follow the briefings' rule, so nothing a page draws from the view can show the 4."""
    from cpdata.figures import disclosure
    from cpdata.figures.trend import chart_data

    v = views.indicator_views(DataFolder.of(), "E09000002", ["cla_adopted"], None)[0]
    assert (v.period, v.value, v.symbol, v.basis) == (2023, None, disclosure.CHART_MARK, "local")
    assert "fewer than 6" in v.sentence and " 4 " not in v.sentence
    assert v.shown() == "<6" and v.change is None  # no "-12 on the year before" that would give it away
    held = v.history.set_index("Year")
    assert held.loc["2022/23", "Local figure"] == "<6" and "4" not in held.loc["2022/23", "Council"]
    local = chart_data(v.rows).query("series == 'Council, local figure'").set_index("period")
    assert pd.isna(local.loc[2023, "value"]) and local.loc[2023, "symbol"] == "<6"
    assert local.loc[2022, "value"] == 16  # 16 identifies nobody: shown


def test_a_published_count_of_1_to_5_is_shown_as_dfe_published_it():
    v = views.indicator_views(DataFolder.of(), "E09000002", ["cla_adopted"], None)[0]
    rows = v.rows.copy()
    at = rows["period"] == 2023
    rows.loc[at, ["pub_value", "value", "pub_held"]] = 3
    rows.loc[at, ["basis", "symbol"]] = ["published", None]
    shown = views.indicator_view(v.indicator, rows, {}, "E09000002", "Barking and Dagenham", None)
    assert (shown.value, shown.shown(), shown.basis) == (3, "3", "published")


def test_bright_spots_on_the_pages_follow_the_disclosure_rule():
    """Item 8, for the council's own survey results: a percentage of 4 who answered, and 3 respondents, are not
    shown on a page open to anyone on the intranet."""
    df = survey_tables.bright_spots_table(
        DataFolder.of(), "E09000003", list(load_catalogue(DataFolder.of()).bright_spots)
    )
    small = df.head(2).copy()
    small["answered"] = [4, 40]
    small["respondents"] = [3, 40]
    shown = survey_tables.bright_spots_display(small, "Barnet")
    assert shown.loc[0, "Barnet"] == "not shown" and shown.loc[0, "Survey respondents"] == "fewer than 6"
    assert shown.loc[0, "Difference"] == "-" and shown.loc[0, "Significant at 95%"] == "-"
    assert shown.loc[1, "Barnet"].endswith("%") and shown.loc[1, "Survey respondents"] == "40"
