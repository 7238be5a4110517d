"""Honest gaps: a figure older than the year shown says 'latest held: 2021/22' in the headline and the
overview; the template offered for a pledge with no figures holds exactly its indicators and the council."""

from __future__ import annotations

from cpdata.catalogue.catalogue import load_frameworks
from cpdata.core.datafolder import DataFolder
from cpdata.figures import exports, views
from cpdata.figures.scorecard import scorecard_rows
from cpdata.uploads import ingest
from cpdata.uploads.pledge_template import template_for

BARNSLEY = "E08000016"


def test_a_figure_older_than_the_year_shown_says_latest_held():
    pep, eet = views.indicator_views(DataFolder.of(), BARNSLEY, ["cla_pep", "care_leavers_eet_19_21"], 2025)
    assert pep.period == 2022 and pep.stale
    assert pep.year_label == "latest held: 2021/22"
    assert pep.stale_note("Barnsley") == (
        "No figure for 2024/25 is held for Barnsley; this is the latest held, for 2021/22."
    )
    assert not eet.stale and eet.year_label == "2024/25" and eet.stale_note("Barnsley") == ""
    table = scorecard_rows([pep, eet])
    assert list(table["Year"]) == ["latest held: 2021/22", "2024/25"]


def test_the_year_shown_itself_is_not_stale():
    (pep,) = views.indicator_views(DataFolder.of(), BARNSLEY, ["cla_pep"], 2022)
    assert not pep.stale and pep.year_label == "2021/22"


def test_the_template_for_a_pledge_holds_exactly_its_indicators_and_the_council(data_copy):
    pledge = load_frameworks(DataFolder.of())["barnet"].pledge("listen")
    table = template_for(list(pledge.indicators), "E09000003", "Barnet", 2025)
    assert list(table["indicator_id"]) == list(pledge.indicators)
    assert set(table["area_code"]) == {"E09000003"} and set(table["period"]) == {"2024/25"}
    table.loc[0, "value"] = "61"  # an analyst fills one figure in
    prepared = ingest.prepare(DataFolder.of(), exports.safe_csv(table), "template.csv")
    assert prepared.shape == "template" and not prepared.failed, [p.text() for p in prepared.problems]
    figs = prepared.figures
    assert list(figs["indicator_id"]) == [pledge.indicators[0]] and figs["value"].iloc[0] == 61.0
    assert figs["basis"].iloc[0] == "local"


def test_a_briefing_tile_of_an_old_figure_says_latest_held():
    from cpdata.briefing import briefing

    pep, eet = views.indicator_views(DataFolder.of(), BARNSLEY, ["cla_pep", "care_leavers_eet_19_21"], 2025)
    assert briefing.tile(pep, "Barnsley").year == "latest held: 2021/22"
    assert briefing.tile(eet, "Barnsley").year == "2024/25"
