"""A failure on a page: the user sees a plain message and a reference; the server log has the
traceback under the same reference. Streamlit's st.stop and st.rerun still work inside the guard."""

from __future__ import annotations

import logging
import re

import pytest
from streamlit.testing.v1 import AppTest

from cpdata.figures import views
from cpdata.ui import errors
from tests.app.test_app import APP

REFERENCE = re.compile(r"reference ([0-9A-F]{6})")


def _shown(at: AppTest) -> str:
    return "\n".join(
        [e.value for e in at.error] + [m.value for m in at.markdown] + [str(e.value) for e in at.exception]
    )


def _logged(caplog: pytest.LogCaptureFixture, ref: str) -> str:
    found = [r.getMessage() for r in caplog.records if r.name == "cpdata.ui.errors" and ref in r.getMessage()]
    assert len(found) == 1, [r.getMessage()[:200] for r in caplog.records]
    return found[0]


def test_a_page_error_shows_a_reference_and_logs_the_traceback_under_it(data_copy, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ValueError("internal detail 4242 from the views")

    monkeypatch.setattr(views, "indicator_views", broken)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]  # no traceback box
    assert len(at.error) == 1 and at.error[0].value == errors.MESSAGE.format(ref=REFERENCE.search(at.error[0].value)[1])
    ref = REFERENCE.search(at.error[0].value)[1]
    for detail in ("Traceback", "internal detail 4242", "ValueError", "cpdata/"):
        assert detail not in _shown(at)
    logged = _logged(caplog, ref)
    assert "Traceback" in logged and "internal detail 4242" in logged and "in cached_views" in logged
    assert at.sidebar.selectbox, "the rest of the page (the sidebar) is still there"


def test_a_damaged_data_folder_shows_a_reference_on_every_page(data_copy, caplog):
    (data_copy / "extracts" / "dfe_ks4_la.parquet").unlink()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    ref = REFERENCE.search(at.error[0].value)[1]
    assert at.error[0].value == errors.DATA_MESSAGE.format(ref=ref)
    assert "dfe_ks4_la" not in _shown(at)  # paths and file names stay on the server
    assert "extract 'dfe_ks4_la' (dfe_ks4_la.parquet) is missing" in _logged(caplog, ref)


def test_each_failure_gets_its_own_reference(caplog):
    refs = {errors.report(RuntimeError(str(i))) for i in range(20)}
    assert len(refs) == 20 and all(re.fullmatch(r"[0-9A-F]{6}", r) for r in refs)


def test_secret_values_are_blanked_out_of_logged_errors(caplog):
    caplog.set_level(logging.ERROR)
    secrets = {"analysts": {"password_sha256": "ab" * 32, "emails": ["ana@council.gov.uk"]}, "port": 443}
    values = errors.secret_values(secrets)
    assert values == ["ab" * 32, "ana@council.gov.uk"]  # short values (443) would blank innocent text
    text = errors.redact(f"failed for {'ab' * 32} and ana@council.gov.uk on port 443", values)
    assert text == f"failed for {errors.REDACTED} and {errors.REDACTED} on port 443"


def _app_stopping_inside_the_guard() -> None:
    import streamlit as st

    from cpdata.ui import errors

    with errors.shown_plainly():
        st.write("before the stop")
        st.stop()
    st.write("after the stop")


def _app_failing_with_stop() -> None:
    import streamlit as st

    from cpdata.ui import errors

    with errors.shown_plainly(stop=True):
        raise KeyError("no state")
    st.write("after the failure")


def test_st_stop_passes_through_and_stop_true_ends_the_run():
    at = AppTest.from_function(_app_stopping_inside_the_guard).run()
    assert not at.error and [m.value for m in at.markdown] == ["before the stop"]
    at = AppTest.from_function(_app_failing_with_stop).run()
    assert len(at.error) == 1 and not at.markdown and not at.exception


def test_a_broken_council_framework_file_leaves_the_dashboard_working_and_says_why(data_copy):
    from tests.app.test_app import open_page

    (data_copy / "frameworks").mkdir()
    (data_copy / "frameworks" / "ours.toml").write_text('id = "ours"\ntitle = "Ours\n', encoding="utf-8")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and not at.error, _shown(at)
    assert at.title[0].value.endswith("corporate parenting scorecard")  # the overview, drawn as usual
    assert [w.value for w in at.sidebar.warning] == [
        "1 framework file in the data folder could not be loaded: see About the data."
    ]
    open_page(at, "about-data")
    assert not at.exception and not at.error, _shown(at)
    reasons = [w.value for w in at.warning if "ours.toml" in w.value]
    assert reasons and "not valid TOML" in reasons[0] and "line 2" in reasons[0]


@pytest.mark.parametrize("routing", ["server", pytest.param("apptest", marks=pytest.mark.legacy_routing)])
def test_a_session_on_a_council_framework_carries_on_when_its_file_breaks(data_copy, routing):
    """``server``: every run goes through dashboard.py, as on a server after its first run. ``apptest``: AppTest's
    own routing turns Streamlit's legacy pages/ handling back on each run, so a rerun runs the page script alone
    and the page's own guard (session.ensure_routed) must cope, as on a server's first session."""
    folder = data_copy / "frameworks"
    folder.mkdir()
    good = 'id = "ours"\ntitle = "Our promises"\n[[pledge]]\nid = "home"\norder = 1\ntitle = "A stable home"\n'
    (folder / "ours.toml").write_text(good + 'indicators = ["cla_3plus_placements"]\n', encoding="utf-8")
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["framework"] = "ours"
    at.run()
    assert not at.exception and not at.error, _shown(at)
    assert at.session_state["framework"] == "ours"
    (folder / "ours.toml").write_text(good + "indicators = [", encoding="utf-8")  # broken while in use
    at.run()
    assert not at.exception and not at.error, _shown(at)
    assert at.session_state["framework"] == "barnet"  # back on the default
    if routing == "server":
        assert "could not be loaded" in at.sidebar.warning[0].value
