"""The benchmark's own correctness (no timings): the naive peer shows the dashboard's figures, and the
synthetic data is marked illustrative and never lands in sample_data/."""

from __future__ import annotations

import hashlib
import io
import json
import math

import pandas as pd
import pyarrow.parquet as pq
import pytest
from streamlit.testing.v1 import AppTest

from bench import loadbench, naive_peer, pagebench, peer_data, synth
from cpdata.catalogue.catalogue import load_frameworks, pledge_url
from cpdata.core import config
from cpdata.core.datafolder import DataFolder
from cpdata.figures import trend, views
from cpdata.store import queries
from cpdata.uploads import ees, ingest
from tests.app.test_app import no_errors, open_page, start, text_of

BARNET = "E09000003"
PEER = str(config.REPO_DIR / "bench" / "naive_peer.py")


def _same(a, b) -> bool:
    missing = lambda x: x is None or (isinstance(x, float) and math.isnan(x))  # noqa: E731
    if missing(a) or missing(b):
        return missing(a) and missing(b)
    return float(a) == float(b)


def _snapshot(folder) -> dict:
    return {
        str(p.relative_to(folder)): (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def peer_csvs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("peer_csv")
    peer_data.write_published_csvs(config.SAMPLE_DATA_DIR, folder)
    return folder


def test_peer_and_dashboard_show_the_same_dreams_headline(peer_csvs, monkeypatch):
    monkeypatch.delenv("CPDATA_DIR", raising=False)
    monkeypatch.setenv("BENCH_PEER_DIR", str(peer_csvs))
    peer = AppTest.from_file(PEER, default_timeout=60).run()
    assert not peer.exception, [e.value for e in peer.exception]
    assert (peer.metric[0].label, peer.metric[0].value) == ("Barnet, 2024/25", "64%")
    assert "Statistical neighbours' mean: 58.1%\n- England: 54%" in peer.markdown[1].value
    dreams = list(load_frameworks(DataFolder.of())["barnet"].pledge("dreams").indicators)
    held = [v for v in views.indicator_views(DataFolder(config.SAMPLE_DATA_DIR), BARNET, dreams, None) if v.has_data]
    assert len(peer.get("vega_lite_chart")) == len(held)  # the peer draws every indicator it holds

    ours = open_page(start(), "barnet-dreams")
    no_errors(ours)
    assert (ours.metric[0].label, ours.metric[0].value) == ("Barnet, 2024/25", "64%")
    assert "statistical neighbours (58.1%) and England (54%)" in text_of(ours)
    # ours says "one year held" in words where the peer draws a lone dot; every other chart is on both
    lone = [v for v in held if trend.one_year_note(trend.chart_data(v.rows))]
    assert len(ours.get("vega_lite_chart")) == len(held) - len(lone)


def test_peer_figures_match_ours_for_every_year_and_indicator(peer_csvs):
    dreams = list(load_frameworks(DataFolder.of())["barnet"].pledge("dreams").indicators)
    ours = {v.indicator.id: v for v in views.indicator_views(DataFolder(config.SAMPLE_DATA_DIR), BARNET, dreams, None)}
    compared = 0
    for ind in dreams:
        theirs = naive_peer.indicator_table(peer_csvs, ind, BARNET)
        mine = ours[ind].rows
        assert theirs.empty == mine.empty, ind
        if mine.empty:
            continue
        assert list(theirs["period"]) == [int(p) for p in mine["period"]], ind
        for (_, t), (_, m) in zip(theirs.iterrows(), mine.iterrows(), strict=True):
            for col in ("value", "sn", "region", "england"):
                assert _same(t[col], m[col]), (ind, int(m["period"]), col, t[col], m[col])
            compared += 1
    assert compared >= 30
    eet = naive_peer.indicator_table(peer_csvs, "care_leavers_eet_19_21", BARNET).set_index("period").loc[2025]
    assert (eet["value"], eet["sn"], eet["england"]) == (64, 58.1, 54)


def test_synthetic_data_is_illustrative_and_never_written_into_sample_data(tmp_path, monkeypatch):
    before = _snapshot(config.SAMPLE_DATA_DIR)
    for bad in (config.SAMPLE_DATA_DIR, config.SAMPLE_DATA_DIR / "extracts", config.REPO_DIR):
        with pytest.raises(synth.SyntheticDataError):
            synth.make_scaled_data(bad, 2)
    with pytest.raises(synth.SyntheticDataError):
        synth.copy_sample(config.SAMPLE_DATA_DIR / "copy")

    out = tmp_path / "scaled"
    info = synth.make_scaled_data(out, 3)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    synthetic = [e for e in manifest["extracts"] if e["id"].startswith("synthetic_")]
    assert synthetic and all(e["illustrative"] is True for e in synthetic)
    assert manifest["illustrative"] is True
    assert info["total_rows"] >= 3 * info["base_rows"]
    table = pq.read_table(out / synthetic[0]["file"]).to_pandas()
    assert set(table["source"]) == {synth.SYNTHETIC_SOURCE}
    # Synthetic figures fill only years and indicators the sample does not hold: published figures read the same.
    card = queries.series(DataFolder(out), BARNET, ["care_leavers_eet_19_21"]).set_index("period").loc[2025]
    assert (card["value"], card["sn"], card["england"]) == (64, 58.1, 54)

    monkeypatch.setenv("CPDATA_DIR", str(out))
    at = AppTest.from_file(str(config.REPO_DIR / "dashboard.py"), default_timeout=60).run()
    no_errors(at)
    assert any("Illustrative data" in w.value for w in at.warning)
    assert _snapshot(config.SAMPLE_DATA_DIR) == before


def test_generated_ees_csv_is_recognised_and_passes_the_checks():
    areas = pq.read_table(config.SAMPLE_DATA_DIR / "reference" / "areas.parquet").to_pandas()
    data = synth.ees_activity_csv(5000, areas)
    df = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(df.columns) == synth.EES_ACTIVITY_COLUMNS and len(df) == 5000
    assert ees.find_recipe(DataFolder.of(), df).file == "la_care_leavers_activity.csv"
    assert df["time_period"].astype(int).max() <= 2020  # years DfE's file does not hold
    prepared = ingest.prepare(DataFolder(config.SAMPLE_DATA_DIR), data, "la_care_leavers_activity.csv")
    assert prepared.shape == "ees" and not prepared.failed, [p.text() for p in prepared.problems[:3]]
    assert len(prepared.figures) > 0


def test_every_page_the_issue_names_is_benchmarked():
    names = [name for name, _ in pagebench.pages()]
    assert names[0] == "overview" and names[-1] == "upload"
    assert names[7:] == ["context", "about-data", "briefing-dreams", "briefing-summary", "briefing-setup", "upload"]
    barnet = load_frameworks(DataFolder.of())["barnet"]
    assert names[1:7] == [pledge_url("barnet", p.id) for p in barnet.pledges]  # every pledge, in order
    assert names[1:7] == loadbench.BARNET_PLEDGES  # the load benchmark opens the same pages


def test_scripts_are_compiled_once_as_a_server_does_and_again_after_a_cold_clear(monkeypatch):
    from streamlit.testing.v1 import app_test, local_script_runner

    monkeypatch.setattr(app_test, "ScriptCache", app_test.ScriptCache)  # restored after the test
    monkeypatch.setattr(local_script_runner, "ScriptCache", local_script_runner.ScriptCache)
    monkeypatch.setattr(pagebench, "_SCRIPTS", {})
    pagebench._script_cache_shared()
    shared = pagebench._SCRIPTS["cache"]
    at = start()
    no_errors(at)
    assert shared._cache and app_test.ScriptCache() is shared and local_script_runner.ScriptCache() is shared
    held = dict(shared._cache)
    at.run()
    no_errors(at)
    assert shared._cache.keys() == held.keys()
    assert all(shared._cache[k] is code for k, code in held.items())  # nothing compiled again
    pagebench.clear_caches()
    assert not shared._cache


@pytest.mark.parametrize("name", ["briefing-dreams", "briefing-summary"])
def test_benchmarked_briefing_url_opens_its_screen_and_checks_would_catch_another(name):
    url = dict(pagebench.pages())[name]
    at, measured_run = pagebench.open_session(url, None, timeout=60)
    measured_run()
    checks = pagebench._checks(at, name)
    assert checks["ok"] and checks["screen_shown"] and checks["sidebar_pickers"] == 0, checks
    tiles = checks["screen_charts"] + checks["screen_one_year_notes"]  # each tile: a chart, or "one year held"
    assert tiles == (0 if name == "briefing-summary" else 4) and checks["screen_charts"] >= (name != "briefing-summary")
    other = "briefing-summary" if name == "briefing-dreams" else "briefing-dreams"
    assert not pagebench._checks(at, other)["ok"]  # a run that drew another screen is not counted as this one


def test_served_peer_and_dashboard_show_the_same_headlines_over_the_protocol(peer_csvs, tmp_path):
    """As the load benchmark sees them: both real servers' dreams pages, read over Streamlit's websocket,
    give the same headline figures, indicator by indicator (ours draws no chart for a lone year, the peer
    does)."""
    import asyncio

    from bench import protocol

    async def metrics(base: str, page: str) -> tuple[list[str], int]:
        run, session = await protocol.open_page(base, page, keep_text=True)
        await session.close()
        assert not run.errors, run.errors
        # The figure alone: ours adds a symbol's meaning ("c (suppressed)"), the peer shows the symbol.
        return [t.split(" (")[0] for t in run.texts if t.startswith("metric:")], run.charts

    data = synth.copy_sample(tmp_path / "data")
    with protocol.serve(data) as ours_url:
        ours = asyncio.run(metrics(ours_url, "barnet-dreams"))
    with protocol.serve(None, script="bench/naive_peer.py", env={"BENCH_PEER_DIR": str(peer_csvs)}) as peer_url:
        theirs = asyncio.run(metrics(peer_url, ""))
    assert 0 < ours[1] <= theirs[1]
    assert ours[0] == theirs[0] and "metric:Barnet, 2024/25=64%" in ours[0] and "metric:Barnet, 2024/25=c" in ours[0]
