"""The briefing pages through Streamlit's AppTest: every screen opens, the choices are saved and reused."""

from __future__ import annotations

import hashlib
import json

import pytest
from test_app import COUNCILS, no_errors, open_page, start

from cpdata.briefing import running_orders
from cpdata.catalogue.catalogue import load_frameworks
from cpdata.core.datafolder import DataFolder

EDITOR_PASSWORD = "quarterly briefing"
EDITORS = {"briefing_editors": {"password_sha256": hashlib.sha256(EDITOR_PASSWORD.encode()).hexdigest()}}


def setup_page(signed_in: bool = True, **params: str):
    """The briefing setup page; signed in with the briefing editors' password unless ``signed_in`` is False."""
    at = start(**params)
    for k, v in EDITORS.items():
        at.secrets[k] = v
    open_page(at, "briefing-setup")
    if signed_in:
        at.text_input[0].set_value("Priya")  # the editors' sign-in form comes first
        at.text_input[1].set_value(EDITOR_PASSWORD)
        at.button[0].click().run()
    return at


def _html(at) -> str:
    return "\n".join(str(h.proto.body) for h in at.get("html"))


@pytest.mark.parametrize("framework", list(COUNCILS))
def test_every_briefing_screen_opens_for_each_council(framework):
    fw = load_frameworks(DataFolder.of())[framework]
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
    at = setup_page(framework="barnsley", council="E08000016")
    no_errors(at)
    pledges = at.multiselect(key="bf_pledges_barnsley_")
    pledges.set_value(["future", "healthy"]).run()
    at.text_input[0].input("Committee Q3")
    at.button[0].click().run()  # the form's submit button
    no_errors(at)
    saved = running_orders.saved(DataFolder(data_copy), load_frameworks(DataFolder.of())["barnsley"])
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
    at = setup_page(framework="barnet", council="E09000003")
    at.text_input[0].input("Committee Q3")
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == [
        "Not saved: the data folder could not be written (Permission denied). Tell the administrators."
    ]
    assert at.button(key="bf_build")  # the rest of the page is still there


def test_saving_a_running_order_needs_a_role(data_copy):
    at = setup_page(signed_in=False, framework="barnet", council="E09000003")
    no_errors(at)
    assert any("needs the analyst role" in i.value for i in at.info)
    assert not [b for b in at.button if b.label == "Save running order"]
    at.text_input[0].set_value("Priya")
    at.text_input[1].set_value("a guess")
    at.button[0].click().run()
    assert any("do not give" in e.value for e in at.error)
    assert not DataFolder(data_copy).running_orders.exists()


def test_replacing_a_running_order_is_asked_for_and_recorded(data_copy):
    fw = load_frameworks(DataFolder.of())["barnet"]
    first = running_orders.RunningOrder("Committee Q3", "barnet", ("dreams",))
    running_orders.save(DataFolder(data_copy), first, fw, by="Sam")
    at = setup_page(framework="barnet", council="E09000003")
    save = next(i for i, t in enumerate(at.text_input) if t.label.startswith("Name this"))
    at.text_input[save].set_value("Committee Q3")
    next(b for b in at.button if b.label == "Save running order").click().run()
    assert any("is saved already (by Sam" in w.value for w in at.warning)
    path = DataFolder(data_copy).running_orders / "committee-q3.json"
    assert json.loads(path.read_text())["saved_by"] == "Sam"  # not replaced unasked
    at.checkbox(key="bf_replace").check()
    next(b for b in at.button if b.label == "Save running order").click().run()
    no_errors(at)
    body = json.loads(path.read_text())
    assert body["saved_by"] == "Priya" and body["earlier"][0]["saved_by"] == "Sam" and body["saved_at"]
    at.text_input[save].set_value("committee (q3)")  # another name for the same file
    next(b for b in at.button if b.label == "Save running order").click().run()
    assert any("same file as the running order" in e.value for e in at.error)
    assert json.loads(path.read_text()) == body
