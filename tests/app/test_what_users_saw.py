"""What a head of service and a councillor's briefer saw on screen (issue 18), through AppTest: each test
fails without its fix."""

from __future__ import annotations

from test_app import no_errors, open_numbers_behind, open_page, start
from test_briefing_pages import setup_page

from cpdata.briefing import running_orders
from cpdata.catalogue.catalogue import load_frameworks
from cpdata.core.datafolder import DataFolder


def _captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


def test_context_line_keeps_the_months_capital():
    """Item 5: "compared with statistical neighbours, april 2021 model" had the month in lower case."""
    at = open_page(start(sn="2021"), "barnet-dreams")
    no_errors(at)
    assert "compared with statistical neighbours, April 2021 model (all years) and England" in _captions(at)
    assert "april" not in _captions(at)


def test_briefing_picker_marks_only_indicators_with_no_figure():
    """Item 9: every indicator outside the default selection was marked "(no figure)", figures or not
    (Barnsley's average SDQ score, 10.9 in 2024/25, is not among the default four of its pledge)."""
    at = start(framework="barnsley", council="E08000016")
    open_page(at, "briefing-setup")
    no_errors(at)
    options = [o for m in at.multiselect if m.key.startswith("bf_ind_") for o in m.options]
    assert "Average SDQ score" in options, options  # held, so not marked
    assert "Using advocacy services (no figure)" in options  # nothing held: still marked


def test_start_link_keeps_the_saved_order_after_building_the_pack(data_copy):
    """Item 10: after "Build the briefing pack" the start link lost order=, so the bookmark showed the default."""
    at = setup_page(framework="barnsley", council="E08000016")  # saving needs a role (issue 15)
    at.multiselect(key="bf_pledges_barnsley_").set_value(["future", "healthy"]).run()
    next(t for t in at.text_input if t.label.startswith("Name this")).input("Committee Q3")
    next(b for b in at.button if b.label == "Save running order").click().run()
    assert list(running_orders.saved(DataFolder(data_copy), load_frameworks(DataFolder.of())["barnsley"])) == [
        "committee-q3"
    ]
    at.button(key="bf_build").click().run()
    no_errors(at)
    links = [p.proto for p in at.get("page_link") if "Start the briefing" in p.proto.label]
    assert links and "order=committee-q3" in links[0].query_string, links[0].query_string


def test_a_local_count_of_1_to_5_is_not_shown_on_the_pledge_page():
    """Item 8: "4 children left care through adoption" (a local, unpublished count) was on a page open to anyone."""
    at = start(framework="barking_dagenham", council="E09000002")
    open_page(at, "barking-dagenham-best-care")
    no_errors(at)
    adopted = [
        m for m in at.metric if m.label.startswith("Barking and Dagenham") and "2022/23" in m.label and "6" in m.value
    ]
    assert [m.value for m in adopted] == ["<6 (fewer than 6)"], [(m.label, m.value) for m in at.metric]
    text = "\n".join(m.value for m in at.markdown)
    assert "fewer than 6: counts of 1 to 5 children are not shown" in text
    assert "4 children" not in text
    open_numbers_behind(at, load_frameworks(DataFolder.of())["barking_dagenham"].pledge("best_care").indicators)
    tables = [d.value for d in at.dataframe]
    assert tables and not any((t.astype(str) == "4").any().any() for t in tables)


def test_one_year_held_is_said_instead_of_a_lone_dot():
    """Item 7: a local figure held for one year drew a chart of one dot beside DfE's lines."""
    at = start(framework="barking_dagenham", council="E09000002")
    open_page(at, "barking-dagenham-education")
    no_errors(at)
    assert "One year held (2022/23): no trend to draw yet. The figures are in the table below." in [
        i.value for i in at.info
    ]
    blocks = [s.value for s in at.subheader]
    charts = at.get("vega_lite_chart")
    assert len(charts) == len(at.metric) - 2  # Personal Education Plans, and GCSE 5+ (its other years are c)
    assert "Personal Education Plan" in " ".join(blocks)
    open_numbers_behind(at, load_frameworks(DataFolder.of())["barking_dagenham"].pledge("education").indicators)
    pngs = [b for b in at.get("download_button") if "PNG" in b.proto.label]
    assert len(pngs) == len(charts)  # no picture of a lone dot to download either


def test_a_link_with_only_the_council_opens_its_own_framework():
    """Item 3: ``?council=E09000002`` opened Barnet's framework for Barking and Dagenham."""
    at = start(council="E09000002")
    no_errors(at)
    assert at.session_state["framework"] == "barking_dagenham"
    assert "Barking and Dagenham Corporate Parenting Strategy" in at.markdown[0].value
    assert start(council="E09000004").session_state["framework"] == "barnet"  # Bexley has none: the default


def test_choosing_a_council_with_its_own_framework_opens_it_and_the_user_can_switch_back():
    """Item 3: choosing Barnsley kept Barnet's framework ("Barnsley: ... Barnet Corporate Parenting Strategy")."""
    at = start()
    at.sidebar.selectbox(key="council").set_value("E08000016").run()
    no_errors(at)
    assert at.title[0].value == "Barnsley: corporate parenting scorecard"
    assert at.session_state["framework"] == "barnsley"
    assert "Barnsley Children in Care and Care Leavers Strategy" in at.markdown[0].value
    at.sidebar.selectbox(key="framework").set_value("barnet").run()
    assert at.session_state["framework"] == "barnet" and at.session_state["council"] == "E08000016"
    at.sidebar.selectbox(key="year").set_value(2024).run()  # another choice leaves the framework alone
    assert at.session_state["framework"] == "barnet"


def test_scorecards_are_tables_that_show_only_columns_with_something_in_them():
    """Item 4: the grid was cut off at 1440 px, and a pledge with nothing held still grew a "Basis" column."""
    at = start(framework="barnsley", council="E08000016")
    no_errors(at)
    tables = {h.value: t.value for h, t in zip(at.header, at.table, strict=True)}
    identity = next(t for h, t in tables.items() if "respect your identity" in h)
    assert list(identity.columns) == ["Indicator", "Council"]
    assert set(identity["Council"]) == {"no figures held yet"}
    health = next(t for h, t in tables.items() if "healthy" in h)  # every figure published: no Basis column
    assert "Basis" not in health.columns and "Quartile (A best)" in health.columns
    home = next(t for h, t in tables.items() if "safe and caring home" in h)  # local figures: Basis says so
    assert "local figure" in set(home["Basis"])
    assert not at.dataframe  # no scrolling grid on the overview


def test_the_big_screen_draws_the_next_screen_ahead(monkeypatch):
    """Item 13: on a first run-through Page Down showed the faded previous screen ~2 s while charts were drawn."""
    from cpdata.briefing import warm

    cache = warm.ScreenCache()
    monkeypatch.setattr(warm, "SCREENS", cache)
    at = start(framework="barnet", council="E09000003")
    at.query_params["screen"] = "cover"
    open_page(at, "briefing")
    no_errors(at)
    cache._pool.shutdown(wait=True)  # the background drawing, finished
    drawn = {screen for _, screen in cache._html}
    assert {"cover", "dreams", "summary"} <= drawn, drawn
    at.button(key="bf_next").click().run()  # Page Down: the pledge screen comes from what was drawn ahead
    assert 'id="bf-dreams-title"' in "\n".join(str(h.proto.body) for h in at.get("html"))


def test_accessibility_statement_says_what_is_left():
    """Item 19: the statement says axe runs with nothing left out, and names what remains."""
    at = open_page(start(), "accessibility")
    no_errors(at)
    text = "\n".join(m.value for m in at.markdown)
    assert "no rule and no part of the page" in " ".join(text.split())
    assert "aria-current" in text and "presentation-role-conflict" in text
