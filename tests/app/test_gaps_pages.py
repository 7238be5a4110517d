"""Honest gaps in the pages: a pledge with no figures says so at the top with a filled template and has no
empty "How we are doing" heading; a figure older than the year shown says "latest held" in the headline
and the overview."""

from __future__ import annotations

from cpdata.catalogue.catalogue import pledge_url
from tests.app.test_app import no_errors, open_page, start


def test_a_pledge_with_no_figures_says_so_at_the_top_and_offers_its_template():
    at = open_page(start(), pledge_url("barnet", "listen"))
    no_errors(at)
    assert "How we are doing" not in [h.value for h in at.header]
    assert any("No figures are held for Barnet for any of this pledge's 9 measures yet" in i.value for i in at.info)
    buttons = [b for b in at.get("download_button") if "Template for this pledge" in b.proto.label]
    assert len(buttons) == 1


def test_a_pledge_with_figures_keeps_its_heading():
    at = open_page(start(), pledge_url("barnet", "dreams"))
    assert "How we are doing" in [h.value for h in at.header]
    assert not any("No figures are held for Barnet for any" in i.value for i in at.info)


def test_an_old_figure_says_latest_held_in_the_headline_and_the_overview():
    at = open_page(start(framework="barnsley", council="E08000016", year="2025"), pledge_url("barnsley", "education"))
    no_errors(at)
    labels = [m.label for m in at.metric]
    assert "Barnsley, latest held: 2021/22" in labels
    assert "Barnsley, 2024/25" in labels
    assert any("No figure for 2024/25 is held for Barnsley; this is the latest held" in c.value for c in at.caption)
    overview = start(framework="barnsley", council="E08000016", year="2025")  # the default page
    years = [y for t in [*overview.dataframe, *overview.table] for y in t.value.get("Year", [])]
    assert "latest held: 2021/22" in years and "2024/25" in years
