"""A new data version's default pages are built before anyone asks (cpdata.ui.warm), under the same cache
keys the pages use, so the first visitor after an upload finds them built."""

from __future__ import annotations

import shutil
import threading

import pytest
import streamlit as st

from cpdata.core import config
from cpdata.figures import views
from cpdata.ui import shared_views, ui, warm
from tests.app.test_app import no_errors, open_page, start


@pytest.fixture
def data(tmp_path, monkeypatch):
    root = tmp_path / "data"
    shutil.copytree(config.SAMPLE_DATA_DIR, root)
    monkeypatch.setenv("CPDATA_DIR", str(root))
    st.cache_resource.clear()
    shared_views.clear()
    st.cache_data.clear()
    yield root
    st.cache_resource.clear()
    shared_views.clear()


@pytest.fixture
def counted(monkeypatch):
    calls = []
    real = views.indicator_views

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(views, "indicator_views", counting)
    charts = []
    real_trend = ui.trend.chart_data
    monkeypatch.setattr(ui.trend, "chart_data", lambda rows: charts.append(1) or real_trend(rows))
    return calls, charts


def test_the_default_pledge_pages_and_overview_find_their_figures_built(data, counted):
    calls, charts = counted
    assert warm.warm(config.data_dir()) == 7  # the overview and Barnet's six pledge pages
    built_views, built_charts = len(calls), len(charts)
    assert built_views == 1 and built_charts > 0  # the overview's views are every pledge page's too
    at = start()
    no_errors(at)
    for page in ("barnet-dreams", "barnet-health", "barnet-there-for-you"):
        at = open_page(at, page)
        no_errors(at)
    assert (len(calls), len(charts)) == (built_views, built_charts)  # nothing rebuilt by the pages


def test_another_council_is_still_built_by_its_first_run(data, counted):
    calls, _ = counted
    warm.warm(config.data_dir())
    before = len(calls)
    at = start(council="E08000016")
    no_errors(at)
    assert len(calls) == before + 1


def test_an_upload_of_one_figure_rebuilds_that_indicators_view_and_chart_only(data, counted, tmp_path):
    from cpdata.ops import cli

    calls, charts = counted
    warm.warm(config.data_dir())
    before = len(charts)
    csv = tmp_path / "one.csv"
    csv.write_text("indicator_id,area_code,period,value\ncla_good_outstanding_school,E09000003,2024/25,91\n")
    assert cli.main(["load", str(csv), "--by", "test"]) == 0
    calls.clear()
    warm.warm(config.data_dir())  # the new version's pages: that indicator's view again, and its chart
    assert [list(c[2]) for c in calls] == [["cla_good_outstanding_school"]]
    assert len(charts) == before + 1
    at = open_page(start(), "barnet-dreams")
    no_errors(at)
    assert "91%" in [m.value for m in at.metric]  # and the page shows the new figure


def test_the_build_gives_way_while_a_visitors_run_is_under_way():
    done = threading.Event()
    run = threading.Thread(target=done.wait, name=warm.SCRIPT_THREAD)  # named as Streamlit names a run's thread
    run.start()
    assert warm.visitors_running()
    threading.Timer(0.2, done.set).start()
    warm.give_way(limit_s=30)
    assert done.is_set()  # it waited for the run to end
    run.join()
    assert not warm.visitors_running()
    blocked = threading.Event()
    stuck = threading.Thread(target=blocked.wait, name=warm.SCRIPT_THREAD)
    stuck.start()
    warm.give_way(limit_s=0.05)  # a run that never ends only delays the build by the limit
    assert stuck.is_alive()
    blocked.set()
    stuck.join()


def test_not_started_inside_apptest_nor_when_switched_off(data, monkeypatch):
    at = start()
    no_errors(at)
    assert not [t for t in threading.enumerate() if t.name == "cpdata-warm"]
    monkeypatch.setenv("CPDATA_WARM", "off")
    assert warm.enabled() is False and warm.start() is False
