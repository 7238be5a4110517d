"""The framework page: an analyst edits a council's framework (a pledge's title, order, indicators), saves it
to the data folder as the loader checks it, sees it on the pledge page, and undoes it; a refused save writes
nothing; a new council starts from a copy of a shipped framework."""

from __future__ import annotations

import hashlib

from streamlit.testing.v1 import AppTest

from cpdata.catalogue.catalogue import load_frameworks, pledge_url
from cpdata.core.datafolder import DataFolder
from cpdata.uploads import framework_writer
from tests.app.test_app import APP, open_page
from tests.app.test_upload_page import PASSWORD


def _signed_in() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["analysts"] = {"password_sha256": hashlib.sha256(PASSWORD.encode()).hexdigest()}
    at = open_page(at.run(), "frameworks")
    at.text_input[0].set_value("Ana")
    at.text_input[1].set_value(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    return at


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_the_page_needs_the_analyst_role(data_copy):
    at = open_page(AppTest.from_file(APP, default_timeout=60).run(), "frameworks")
    assert not at.exception
    assert not [w for w in at.text_input if str(w.key).startswith("fw_")]


def test_edit_a_framework_see_it_on_its_page_and_undo(data_copy):
    at = _signed_in()
    at.selectbox(key="fw_pick").set_value("barnet").run()
    at.text_input(key="fw_ptitle_barnet_0").set_value("Dream big, and we will back you")
    at.multiselect(key="fw_pind_barnet_0").set_value(["cla_absence_overall", "care_leavers_eet_19_21"])
    _button(at, "Save this framework").click().run()
    assert not at.exception
    assert any("Saved as barnet.toml" in s.value for s in at.success)
    fw = load_frameworks(DataFolder(data_copy))["barnet"]
    assert fw.pledges[0].title == "Dream big, and we will back you"
    assert fw.pledges[0].indicators == ("cla_absence_overall", "care_leavers_eet_19_21")

    page = open_page(AppTest.from_file(APP, default_timeout=60).run(), pledge_url("barnet", "dreams"))
    assert any("Dream big, and we will back you" in t.value for t in page.title)
    assert [h.value for h in page.subheader][:2] == ["School absence (overall)", "Care leavers 19-21 in EET"]

    _button(at, "Undo the last save").click().run()
    assert not at.exception
    assert any("barnet.toml this page made is taken away again" in s.value for s in at.success)
    assert not (data_copy / "frameworks" / "barnet.toml").exists()  # the shipped framework again
    assert load_frameworks(DataFolder(data_copy))["barnet"].pledges[0].title == "Support you to fulfil your dreams"
    assert at.text_input(key="fw_ptitle_barnet_0").value == "Support you to fulfil your dreams"


def test_a_save_the_loader_would_refuse_writes_nothing(data_copy):
    at = _signed_in()
    at.selectbox(key="fw_pick").set_value("barnet").run()
    at.number_input(key="fw_order_barnet_1").set_value(1)  # two pledges numbered 1
    _button(at, "Save this framework").click().run()
    assert any("order must be 1, 2, 3" in t.value for t in at.text)
    at.number_input(key="fw_order_barnet_1").set_value(2)
    at.text_input(key="fw_pid_barnet_1").set_value("Bad Id")
    _button(at, "Save this framework").click().run()
    assert any("must be lower-case letters" in t.value for t in at.text)
    assert not (data_copy / "frameworks").exists() or not list((data_copy / "frameworks").iterdir())


def test_a_new_council_starts_from_a_copy(data_copy):
    at = _signed_in()
    at.radio(key="fw_how").set_value("new").run()
    at.selectbox(key="fw_base").set_value("barnsley")
    at.selectbox(key="fw_council").set_value("E09000002")
    at.text_input(key="fw_new_id").set_value("newtown")
    at.text_input(key="fw_new_title").set_value("Newtown Corporate Parenting Plan").run()
    _button(at, "Save this framework").click().run()
    assert not at.exception
    fw = load_frameworks(DataFolder(data_copy))["newtown"]
    barnsley = load_frameworks(DataFolder(data_copy))["barnsley"]
    assert fw.council_code == "E09000002" and fw.title == "Newtown Corporate Parenting Plan"
    assert [p.indicators for p in fw.pledges] == [p.indicators for p in barnsley.pledges]
    assert framework_writer.saves(DataFolder(data_copy), "newtown")
