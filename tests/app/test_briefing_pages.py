"""The briefing pages through Streamlit's AppTest: every screen opens, the choices are saved and reused."""

from __future__ import annotations

import pytest
from test_app import COUNCILS, no_errors, open_page, start

from cpdata.briefing import running_orders
from cpdata.catalogue.catalogue import load_frameworks


def _html(at) -> str:
    return "\n".join(str(h.proto.body) for h in at.get("html"))


@pytest.mark.parametrize("framework", list(COUNCILS))
def test_every_briefing_screen_opens_for_each_council(framework):
    fw = load_frameworks()[framework]
    at = start(framework=framework, council=COUNCILS[framework])
    for key in ["cover", *[p.id for p in fw.pledges], "summary"]:
        at.query_params["screen"] = key
        open_page(at, "briefing")
        no_errors(at)
        html = _html(at)
        assert f'id="bf-{key}-title"' in html, key
        assert "fewer than 6" in html  # the rule is stated on every screen
        assert at.query_params["screen"] == [key] or at.query_params["screen"] == key
    assert not at.sidebar.selectbox  # the big screen has no pickers in a sidebar


def test_next_moves_to_the_next_screen_and_the_url_follows():
    at = start(framework="barnet", council="E09000003")
    at.query_params["screen"] = "cover"
    open_page(at, "briefing")
    at.button(key="bf_next").click().run()
    no_errors(at)
    assert 'id="bf-dreams-title"' in _html(at)
    at.button(key="bf_prev").click().run()
    assert 'id="bf-cover-title"' in _html(at)


def test_prepare_page_saves_a_running_order_and_builds_the_pack(data_copy):
    at = start(framework="barnsley", council="E08000016")
    open_page(at, "briefing-setup")
    no_errors(at)
    pledges = at.multiselect(key="bf_pledges_barnsley_")
    pledges.set_value(["future", "healthy"]).run()
    at.text_input[0].input("Committee Q3")
    at.button[0].click().run()  # the form's submit button
    no_errors(at)
    saved = running_orders.saved(load_frameworks()["barnsley"], data_copy)
    assert list(saved) == ["committee-q3"]
    assert saved["committee-q3"].pledges == ("future", "healthy")
    at.button(key="bf_build").click().run()
    no_errors(at)
    download = at.get("download_button")
    assert download and "barnsley_barnsley_" in str(download[0].proto.label)


def test_a_data_folder_that_cannot_be_written_says_not_saved_and_the_page_carries_on(data_copy, monkeypatch):
    def read_only(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(running_orders, "save", read_only)
    at = start(framework="barnet", council="E09000003")
    open_page(at, "briefing-setup")
    at.text_input[0].input("Committee Q3")
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == [
        "Not saved: the data folder could not be written (Permission denied). Tell the administrators."
    ]
    assert at.button(key="bf_build")  # the rest of the page is still there
