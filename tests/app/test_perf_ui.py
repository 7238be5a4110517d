"""The page caches keyed on small values draw exactly what the uncached code drew."""

from __future__ import annotations

import dataclasses
import json
import tomllib

import pandas as pd
import pytest
import streamlit as st

from cpdata.catalogue.catalogue import load_catalogue, load_frameworks
from cpdata.catalogue.selection import Selection
from cpdata.core import config
from cpdata.core.datafolder import DataFolder
from cpdata.figures import charts, exports, provenance, survey_tables, trend, views
from cpdata.store import store
from cpdata.ui import session, shared_views, ui
from tests.app.test_app import no_errors, open_numbers_behind, open_page, start

BARNET = "E09000003"
DREAMS = list(load_frameworks(DataFolder.of())["barnet"].pledge("dreams").indicators)


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_resource.clear()
    shared_views.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    shared_views.clear()


def _parts(view: views.IndicatorView, council: str = BARNET, name: str = "Barnet", band: bool = True):
    root = config.SAMPLE_DATA_DIR
    return ui.chart_parts(
        store.version(DataFolder(root)), str(root), council, view.indicator.id, None, "auto", band, name, view
    )


def _selection(council: str = BARNET, name: str = "Barnet") -> Selection:
    fw = load_frameworks(DataFolder.of())["barnet"]
    return Selection(framework=fw, council=council, council_name=name, year=None, sn="auto", band=True)


def _views(council: str = BARNET) -> list[views.IndicatorView]:
    return [v for v in views.indicator_views(DataFolder(config.SAMPLE_DATA_DIR), council, DREAMS, None) if v.has_data]


def test_chart_parts_are_what_the_uncached_code_made():
    for v in _views():
        ind = load_catalogue(DataFolder.of()).indicator(v.indicator.id)
        parts = _parts(v)
        data = trend.chart_data(v.rows)
        assert parts.spec == charts.trend(ind, data, v.target, band=True)
        assert parts.caption == charts.caption(ind, data, band=True)
        assert parts.alt_text == charts.describe(ind, "Barnet", data)
        pd.testing.assert_frame_equal(parts.data, data)
        pd.testing.assert_frame_equal(parts.history.to_pandas(), v.history, check_dtype=False)
        root = config.SAMPLE_DATA_DIR
        context = exports.download_context(
            "Barnet",
            BARNET,
            None,
            ui.SN_CHOICES["auto"],
            store.version(DataFolder(root)),
            provenance.as_at(DataFolder.of()),
        )
        with store.pinned(DataFolder(root)):
            csv = ui.chart_csv(v, _selection())
        assert csv == exports.chart_csv(v.history, ind.title, context)
        assert csv.startswith(b"\xef\xbb\xbfArea,Area code,")  # the context leads the download


def _checked(spec: dict) -> dict:
    """The spec as Altair reads it with Vega-Lite's schema check and writes it out again (rows it moved into
    named ``datasets`` put back where they were: the same data, said another way)."""
    import altair as alt

    back = json.loads(alt.LayerChart.from_dict(spec, validate=True).to_json(validate=True))
    named = back.pop("datasets", {})
    for part in (back, *back["layer"]):
        if "name" in part.get("data", {}):
            part["data"] = {"values": named[part["data"]["name"]]}
    return back


@pytest.mark.parametrize(("council", "name"), [(BARNET, "Barnet"), ("E08000016", "Barnsley")])
def test_every_chart_spec_is_valid_vega_lite(council, name):
    """The spec is a dict written without Altair (``charts.trend``); for every chart, Altair must read it with
    Vega-Lite's schema check and write the very same spec back (a misspelt property or a wrong type fails)."""
    ids = list(load_catalogue(DataFolder.of()).indicators)
    held = [v for v in views.indicator_views(DataFolder(config.SAMPLE_DATA_DIR), council, ids, None) if v.has_data]
    assert len(held) > 20
    for v in held:
        for band in (True, False):
            data = trend.chart_data(v.rows)
            spec = _parts(v, council, name, band).spec
            assert spec == charts.trend(v.indicator, data, v.target, band=band), v.indicator.id
            assert _checked(spec) == json.loads(json.dumps(spec)), v.indicator.id


def test_chart_parts_follow_their_key():
    first = _views()[0]
    assert _parts(first) is _parts(first)  # built once
    assert _parts(first, band=False) is not _parts(first)
    other = next(v for v in _views("E08000016") if v.indicator.id == first.indicator.id)
    assert _parts(other, "E08000016", "Barnsley").alt_text != _parts(first).alt_text
    assert "Barnsley" in _parts(other, "E08000016", "Barnsley").alt_text


def test_symbols_stay_symbols_in_the_cached_chart_and_table():
    for v in _views():
        parts = _parts(v)
        held = v.rows[v.rows["symbol"].notna()]
        for symbol in held["symbol"]:
            assert symbol in set(parts.data["symbol"].dropna())
            assert any(symbol in str(c) for c in parts.history.column("Council").to_pylist())


def test_pledge_page_shows_the_views_tables():
    at = open_page(start(), "barnet-dreams")
    no_errors(at)
    held = _views()
    open_numbers_behind(at, [v.indicator.id for v in held])
    shown = [d.value for d in at.dataframe]
    assert len(shown) == len(held) + 1  # one table per chart, then Bright Spots
    for table, v in zip(shown, held, strict=False):
        pd.testing.assert_frame_equal(table.reset_index(drop=True), v.history, check_dtype=False)
    survey = survey_tables.bright_spots_display(
        survey_tables.bright_spots_table(
            DataFolder(config.SAMPLE_DATA_DIR),
            BARNET,
            list(load_frameworks(DataFolder.of())["barnet"].pledge("dreams").bright_spots),
        ),
        "Barnet",
    )
    pd.testing.assert_frame_equal(shown[-1].reset_index(drop=True), survey, check_dtype=False)


def test_history_is_made_when_first_shown_and_is_the_same_table():
    ids = list(load_catalogue(DataFolder.of()).indicators)
    all_views = views.indicator_views(DataFolder(config.SAMPLE_DATA_DIR), BARNET, ids, 2023)
    assert not any("history" in v.__dict__ for v in all_views)  # the overview never pays for them
    for v in all_views:
        if v.has_data:
            pd.testing.assert_frame_equal(v.history, trend.history_table(v.indicator, v.rows))
            assert v.history is v.history  # made once
        else:
            assert v.history.empty and list(v.history.columns) == []


def test_a_charts_table_is_made_only_when_its_numbers_are_opened():
    """The numbers behind a chart sit in a collapsed expander, drawn only once it is opened; making them with
    every chart was a fifth of a chart nobody had drawn yet."""
    v = _views()[0]
    parts = _parts(v)
    assert parts.chart is not None
    assert "history" not in parts.__dict__ and "history" not in v.__dict__  # the chart alone made no table
    table = parts.history
    assert parts.history is table  # made once, then kept with the chart
    pd.testing.assert_frame_equal(table.to_pandas(), v.history, check_dtype=False)


def test_council_and_year_pickers_share_one_copy_across_sessions():
    """cache_resource: a rerun reads the shared dict and list; cache_data unpickled a copy on every call."""
    folder = DataFolder(config.SAMPLE_DATA_DIR)
    assert session.council_names(folder) is session.council_names(folder)
    ids = tuple(load_frameworks(DataFolder.of())["barnet"].indicator_ids())
    assert session.years_held(BARNET, ids, folder) is session.years_held(BARNET, ids, folder)


def test_server_does_not_collect_garbage_after_every_run():
    """Streamlit's default full gc.collect() after each run was two thirds of a server's time under load."""
    settings = tomllib.loads((config.REPO_DIR / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["runner"]["postScriptGC"] is False


def test_the_server_watches_no_source_files():
    """Streamlit's file watcher (on by default) re-listed every imported module on each run: a new session
    took 730 ms, not 100 ms, with the README's command. The benchmark's servers start without the override
    that once hid it, so they measure the README's server."""
    settings = tomllib.loads((config.REPO_DIR / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["server"]["fileWatcherType"] == "none"
    from cpdata.ops import launch

    assert "--server.fileWatcherType" not in launch.server_command(8501)


def test_a_new_data_version_rebuilds_only_the_charts_whose_figures_changed():
    first, second = _views()[:2]

    def parts(stamp: str, view: views.IndicatorView):
        root = str(config.SAMPLE_DATA_DIR)  # the folder the parts are read from (the catalogue)
        return ui.chart_parts(stamp, root, BARNET, view.indicator.id, None, "auto", True, "Barnet", view)

    # Same figures under another stamp (another year shown, say): the drawn chart and table are not rebuilt.
    assert (
        parts("v1", first).spec is parts("v2", first).spec and parts("v1", first).history is parts("v2", first).history
    )
    numbers = first.rows.select_dtypes("float64").columns
    changed = dataclasses.replace(first, rows=first.rows.assign(**{c: first.rows[c] + 1 for c in numbers}))
    assert parts("v3", changed).spec is not parts("v1", first).spec
    assert parts("v3", changed).spec != parts("v1", first).spec
    assert parts("v2", second).spec is not parts("v2", first).spec


def test_collapsed_numbers_are_not_sent_until_opened():
    """Streamlit sends a collapsed expander's contents; ours are drawn when it is opened."""
    at = open_page(start(), "barnet-dreams")
    no_errors(at)
    held = _views()
    assert len(at.expander) >= len(held)
    assert len(at.dataframe) == 1  # Bright Spots only
    assert not [b for b in at.get("download_button") if b.proto.label.startswith("Download these figures")]
    first = held[0].indicator.id
    at.session_state[f"more_{first}"] = True
    at.run()
    no_errors(at)
    assert len(at.dataframe) == 2
    pd.testing.assert_frame_equal(at.dataframe[0].value.reset_index(drop=True), held[0].history, check_dtype=False)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count("Download these figures (CSV)") == 1 and "Download the chart (PNG, print resolution)" in labels
    assert "**Definition.**" in "\n".join(m.value for m in at.markdown)
