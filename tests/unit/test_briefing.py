"""Members' briefings: disclosure control, every screen for three councils, the offline pack, running orders."""

from __future__ import annotations

import base64
import dataclasses
import re

import pandas as pd
import pytest

from cpdata.briefing import briefing, briefing_html, running_orders
from cpdata.briefing.running_orders import RunningOrder, RunningOrderError
from cpdata.catalogue.catalogue import load_frameworks
from cpdata.core.datafolder import DataFolder
from cpdata.figures import disclosure, views
from cpdata.figures.trend import one_year_note
from cpdata.uploads import ingest, uploads

COUNCILS = {"barnet": "E09000003", "barnsley": "E08000016", "barking_dagenham": "E09000002"}
YEARS = re.compile(r"\b\d{4}/\d{2}\b|\b\d{4}\b")
SMALL = re.compile(r"(?<![\d.,])[1-5](?![\d.,%])")
RULE = "Counts of 1 to 5 children"  # the rule itself, said on every screen


def _figures_text(text: str) -> str:
    """Text with years and the statement of the rule taken out, leaving the figures."""
    return YEARS.sub("", text.replace(RULE, ""))


# --- disclosure rules ------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"), [(0, "0"), (1, None), (3, None), (5, None), (5.4, None), (6, "6"), (27, "27")]
)
def test_counts_of_1_to_5_are_never_shown(value, shown):
    safe = disclosure.protect(value, "count", 0)
    if shown is None:
        assert (safe.value, safe.text, safe.withheld) == (None, disclosure.FEWER_THAN_6, True)
        assert "1 to 5" in safe.note
    else:
        assert (safe.text, safe.withheld) == (shown, False)


def test_percentages_of_too_few_are_withheld_with_a_note(monkeypatch):
    assert disclosure.protect(40, "percent", 0, base=8).withheld
    assert disclosure.protect(40, "percent", 0, base=10).text == "40%"
    assert disclosure.protect(40, "percent", 0, base=None).text == "40%"  # base unknown: as published
    monkeypatch.setenv("CPDATA_MIN_BASE", "25")
    safe = disclosure.protect(40, "percent", 0, base=20)
    assert safe.withheld and "fewer than 25" in safe.note
    monkeypatch.setenv("CPDATA_MIN_BASE", "2")  # never below the 1-5 rule
    assert disclosure.min_base() == 6


def test_symbols_stay_symbols_and_withheld_points_are_gaps_not_zero():
    assert disclosure.protect(None, "percent", 0, "c").text == "c"
    assert disclosure.protect_series([3, 0, None, 12], "count") == [None, 0.0, None, 12.0]


# --- every screen for the three councils -----------------------------------------


@pytest.mark.parametrize("framework", list(COUNCILS))
def test_every_pledge_screen_builds_with_its_charts(framework):
    fw = load_frameworks(DataFolder.of())[framework]
    b = briefing.build(DataFolder.of(), fw, COUNCILS[framework], None)
    assert b.screen_keys() == ["cover", *[p.id for p in fw.pledges], "summary"]
    summary = b.screen("summary")
    assert len(summary.lines) == len(fw.pledges)
    tiles = 0
    for s in b.screens:
        assert len(s.tiles) <= running_orders.MAX_INDICATORS
        html = briefing_html.screen_html(b, s.key, briefing_html.images_for(b, s.key))
        lone = [t for t in s.tiles if one_year_note(t.chart)]  # one year to draw: said in words, not a lone dot
        assert html.count('<img src="data:image/svg+xml;base64,') == len(s.tiles) - len(lone)
        assert html.count('class="bf-note bf-lone"') == len(lone)
        assert b.council_name in html and "<script" not in html
        for t in s.tiles:
            assert t.figure and t.sentence.endswith(".")
            assert f'data-indicator="{t.indicator.id}"' in html
        tiles += len(s.tiles)
        _assert_no_small_counts(s)
    assert tiles >= len(fw.pledges)  # real figures, not empty screens


def _assert_no_small_counts(screen: briefing.Screen) -> None:
    for t in screen.tiles:
        if t.indicator.unit != "count":
            continue
        text = _figures_text(" ".join([t.figure, t.sentence, *t.badges, *t.notes]))
        assert not SMALL.search(text), (t.indicator.id, text)
        drawn = t.chart["value"].dropna()
        assert not ((drawn > 0) & (drawn < 5.5)).any(), (t.indicator.id, drawn.tolist())


# --- planted small numbers --------------------------------------------------------

PLANTED = (
    b"indicator_id,area_code,period,value,source\n"
    b"independence_workshop_attendance,E09000003,2024/25,3,test\n"
    b"independence_workshop_attendance,E09000003,2023/24,4,test\n"
    b"care_leavers_supported_lodgings,E09000003,2024/25,40,test\n"
    b"care_leavers_supported_lodgings,E09000003,2023/24,2,test\n"
    b"asdan_modules_completed,E09000003,2024/25,5,test\n"
)


def _planted_briefing(data_copy) -> briefing.Briefing:
    prepared = ingest.prepare(DataFolder(data_copy), PLANTED, "small.csv")
    assert not prepared.failed, [p.text() for p in prepared.problems]
    uploads.apply(DataFolder(data_copy), prepared, PLANTED, "tester")
    fw = load_frameworks(DataFolder.of())["barnet"]
    ids = ("independence_workshop_attendance", "care_leavers_supported_lodgings", "asdan_modules_completed")
    order = RunningOrder("planted", "barnet", ("independence",), {"independence": ids})
    return briefing.build(DataFolder(data_copy), fw, "E09000003", None, order=order)


def test_planted_counts_of_1_to_5_show_as_fewer_than_6_on_screens_and_in_the_pack(data_copy):
    b = _planted_briefing(data_copy)
    tiles = {t.indicator.id: t for t in b.screen("independence").tiles}
    assert tiles["independence_workshop_attendance"].figure == "fewer than 6"
    assert tiles["asdan_modules_completed"].figure == "fewer than 6"
    lodgings = tiles["care_leavers_supported_lodgings"]
    assert lodgings.figure == "40"
    assert "up from" not in lodgings.sentence  # the year before was 2: no "up from 2", no difference of 38
    for t in tiles.values():
        _assert_no_small_counts(briefing.Screen("x", "pledge", "x", tiles=(t,)))
    pack = briefing_html.pack_html(b)
    for article in re.findall(r'<article class="bf-tile".*?</article>', pack, flags=re.DOTALL):
        alts = " ".join(re.findall(r'alt="([^"]*)"', article))  # the charts' text alternatives too
        text = _figures_text(re.sub(r"<[^>]+>", " ", re.sub(r'src="data:[^"]+"', "", article)) + " " + alts)
        assert not SMALL.search(text), text
    assert pack.count("fewer than 6") >= 2


def test_without_the_disclosure_rule_the_planted_count_would_show(data_copy, monkeypatch):
    """The check above can fail: switch the rule off and the small count appears."""
    monkeypatch.setattr(disclosure, "is_small_count", lambda value: False)
    b = _planted_briefing(data_copy)
    tiles = {t.indicator.id: t for t in b.screen("independence").tiles}
    assert tiles["independence_workshop_attendance"].figure == "3"


def test_a_percentage_of_too_few_children_is_withheld():
    v = views.indicator_views(DataFolder.of(), "E09000003", ["care_leavers_eet_19_21"], None)[0]
    rows = v.rows.copy()
    rows.loc[rows["period"] == v.period, "pub_denominator"] = 8
    t = briefing.tile(dataclasses.replace(v, rows=rows), "Barnet")
    assert t.withheld and t.figure == "not shown" and "fewer than 10" in t.notes[0]
    assert t.chart.loc[(t.chart["period"] == v.period) & (t.chart["series"] == "Council"), "value"].isna().all()
    assert not t.badges  # no "better than neighbours" for a withheld figure


# --- the pack -----------------------------------------------------------------------


def test_pack_holds_every_chosen_pledge_with_png_charts_and_needs_no_network():
    fw = load_frameworks(DataFolder.of())["barnsley"]
    order = RunningOrder("", "barnsley", ("future", "safe_home"), {"future": ("care_leavers_eet_19_21",)})
    order = dataclasses.replace(
        order, indicators={**order.indicators, "safe_home": fw.pledge("safe_home").indicators[:2]}
    )
    b = briefing.build(DataFolder.of(), fw, COUNCILS["barnsley"], None, order=order)
    steps: list[float] = []
    pack = briefing_html.pack_html(b, lambda f, _text: steps.append(f))
    assert steps[-1] == 1.0 and len(steps) == len(b.screens) + 1
    assert pack.count('<section class="bf-screen') == 4  # cover, two pledges, summary
    assert pack.index('id="bf-future-title"') < pack.index('id="bf-safe_home-title"')  # the chosen order
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', pack)
    assert len(images) == sum(len(s.tiles) for s in b.screens) == 3
    assert all(base64.b64decode(i)[:8] == b"\x89PNG\r\n\x1a\n" for i in images)
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", pack, flags=re.IGNORECASE)
    assert "<script" not in pack and "<link" not in pack and "@import" not in pack
    assert "break-after:page" in pack


def test_pack_file_name_says_council_framework_and_date():
    fw = load_frameworks(DataFolder.of())["barking_dagenham"]
    b = briefing.build(DataFolder.of(), fw, COUNCILS["barking_dagenham"], None)
    name = briefing_html.pack_filename(b, today=pd.Timestamp("2026-11-23").date())
    assert name == "barking-and-dagenham_barking-dagenham_2026-11-23.html"


# --- running orders --------------------------------------------------------------


def test_running_order_saved_and_reused(data_copy):
    fw = load_frameworks(DataFolder.of())["barnet"]
    order = RunningOrder("Committee Q3", "barnet", ("health", "dreams"), {"dreams": ("care_leavers_eet_19_21",)})
    path = running_orders.save(DataFolder(data_copy), order, fw, by="tester")
    assert path.name == "committee-q3.json"
    again = running_orders.saved(DataFolder(data_copy), fw)["committee-q3"]
    assert again == dataclasses.replace(order, indicators={"health": (), "dreams": ("care_leavers_eet_19_21",)})
    b = briefing.build(DataFolder(data_copy), fw, "E09000003", None, order=again)
    assert b.screen_keys() == ["cover", "health", "dreams", "summary"]
    assert [t.indicator.id for t in b.screen("dreams").tiles] == ["care_leavers_eet_19_21"]
    assert running_orders.saved(DataFolder(data_copy), load_frameworks(DataFolder.of())["barnsley"]) == {}


@pytest.mark.parametrize(
    ("order", "message"),
    [
        (RunningOrder("../../etc", "barnet", ("dreams",)), "name it"),
        (RunningOrder("ok", "barnet", ("nope",)), "not a pledge"),
        (RunningOrder("ok", "barnet", ("dreams", "dreams")), "twice"),
        (RunningOrder("ok", "barnsley", ("dreams",)), "framework"),
        (RunningOrder("ok", "barnet", ("dreams",), {"dreams": ("cla_count",)}), "not in this pledge"),
    ],
)
def test_bad_running_orders_are_refused_and_nothing_is_written(order, message, data_copy):
    fw = load_frameworks(DataFolder.of())["barnet"]
    with pytest.raises(RunningOrderError, match=message):
        running_orders.save(DataFolder(data_copy), order, fw, by="tester")
    assert not list(DataFolder(data_copy).running_orders.glob("*"))


def test_more_than_six_indicators_on_a_screen_is_refused():
    fw = load_frameworks(DataFolder.of())["barnet"]
    seven = fw.pledge("dreams").indicators[:7]
    assert len(seven) == 7
    with pytest.raises(RunningOrderError, match="at most 6"):
        running_orders.validate(RunningOrder("x", "barnet", ("dreams",), {"dreams": seven}), fw)


def test_an_unreadable_saved_order_is_skipped(data_copy):
    folder = DataFolder(data_copy).running_orders
    folder.mkdir()
    (folder / "broken.json").write_text("{not json", encoding="utf-8")
    assert running_orders.saved(DataFolder(data_copy), load_frameworks(DataFolder.of())["barnet"]) == {}


def test_a_running_order_is_written_under_the_writers_lock_so_the_tidy_leaves_it_alone(data_copy, monkeypatch):
    """The start-up tidy removes temporary files only when it gets the writers' lock; a save holds it."""
    from cpdata.core import atomic
    from cpdata.store import integrity, store

    seen = {}
    real_write = atomic.write_bytes

    def write_while_tidy_runs(path, data):
        (path.parent / f".{path.name}.abc.tmp").write_bytes(data[:10])  # as a killed save would leave
        seen["lock_free"] = (fh := store.try_writer_lock(data_copy)) is not None
        if fh:
            fh.close()
        seen["tidied"] = integrity.tidy(data_copy).tidied
        real_write(path, data)

    monkeypatch.setattr(atomic, "write_bytes", write_while_tidy_runs)
    order = RunningOrder("Committee Q3", "barnet", ("dreams",))
    running_orders.save(DataFolder(data_copy), order, load_frameworks(DataFolder.of())["barnet"], by="tester")
    assert seen == {"lock_free": False, "tidied": []}
    assert running_orders.saved(DataFolder(data_copy), load_frameworks(DataFolder.of())["barnet"])[
        "committee-q3"
    ].pledges == ("dreams",)


# --- what the summary and the pack say (issue 18) -------------------------------------


def test_summary_counts_a_higher_than_neighbours_tile_where_neither_is_better():
    """Barking and Dagenham's "best care" screen shows "▲ higher than neighbours" for children in care (a count,
    neither higher nor lower better): the summary must not say "none compared with neighbours"."""
    b = briefing.build(
        DataFolder.of(), load_frameworks(DataFolder.of())["barking_dagenham"], COUNCILS["barking_dagenham"], None
    )
    best = b.screen("best_care")
    assert any(x.startswith("▲ higher than neighbours") for t in best.tiles for x in t.badges)
    line = b.screen("summary").lines[0]
    assert "none compared" not in line
    assert line == "1. The best care: higher than neighbours on 1 (neither higher nor lower is better)."


def test_pack_alt_text_calls_local_figures_local_never_published():
    b = briefing.build(DataFolder.of(), load_frameworks(DataFolder.of())["barnsley"], COUNCILS["barnsley"], None)
    local = [(s.key, t) for s in b.screens for t in s.tiles if t.basis.startswith("Local")]
    assert local
    for key, t in local:
        html = briefing_html.screen_html(b, key, {t.indicator.id: ("image/png", b"x")})
        alt = re.search(rf'data-indicator="{t.indicator.id}".*?alt="([^"]*)"', html, re.DOTALL).group(1)
        assert "(local figures)" in alt and "(published)" not in alt, alt
