"""A chart's message made once (``cpdata.ui.vega``) is byte for byte what ``st.vega_lite_chart`` sends."""

from __future__ import annotations

import copy

import pytest
import streamlit as st
from streamlit import delta_generator
from streamlit.testing.v1 import AppTest

from cpdata.catalogue.catalogue import load_frameworks
from cpdata.core import config
from cpdata.core.datafolder import DataFolder
from cpdata.figures import views
from cpdata.store import store
from cpdata.ui import shared_views, ui, vega

BARNET = "E09000003"


def _script() -> None:
    import streamlit as st

    from cpdata.ui import vega

    _, right = st.columns(2)
    for spec, alt in st.session_state["charts"]:
        right.vega_lite_chart(spec=spec, width="stretch", height=340, alt=alt)  # what the page used to call
        vega.draw(right, vega.chart_message(spec, alt), height=340)


def _barnet_charts() -> list[tuple[dict, str]]:
    root = config.SAMPLE_DATA_DIR
    folder = DataFolder(root)
    out = []
    for pledge in load_frameworks(folder)["barnet"].pledges:
        for v in views.indicator_views(folder, BARNET, list(pledge.indicators), None, "auto"):
            if not v.has_data or v.period is None:
                continue
            parts = ui.chart_parts(
                store.version(folder), str(root), BARNET, v.indicator.id, None, "auto", True, "Barnet", v
            )
            if not parts.lone:
                out.append((parts.spec, parts.alt_text))
    return out


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_resource.clear()
    shared_views.clear()
    yield
    st.cache_resource.clear()
    shared_views.clear()


def test_the_chart_sent_is_what_st_vega_lite_chart_sends(monkeypatch):
    charts = _barnet_charts()
    assert len(charts) > 20  # every chart of Barnet's six pledge pages
    before = copy.deepcopy(charts)
    sent: list[bytes] = []
    enqueue = delta_generator._enqueue_message

    def record(msg):
        el = msg.delta.new_element
        if el.WhichOneof("type") == "vega_lite_chart":
            sent.append(el.SerializeToString(deterministic=True))  # the element with its width and height
        return enqueue(msg)

    monkeypatch.setattr(delta_generator, "_enqueue_message", record)
    at = AppTest.from_function(_script, default_timeout=60)
    at.session_state["charts"] = charts
    at.run()
    assert not at.exception
    assert len(sent) == 2 * len(charts)
    for i in range(len(charts)):
        assert sent[2 * i + 1] == sent[2 * i], charts[i][1]
    assert charts == before  # making the message left the cached spec as it was


def test_the_message_carries_the_text_alternative_and_no_data_left_out():
    spec, alt = _barnet_charts()[0]
    msg = vega.chart_message(spec, alt)
    assert msg.alt == alt.strip()
    assert msg.theme == "streamlit"
    assert '"layer"' in msg.spec and '"values"' in msg.spec  # the layers' inline data are in the spec sent
