"""Page server times (AppTest) and query times on one data folder, in a process of its own.

    python -m bench.pagebench --data DIR --label sample --cold 5 --warm 10 --out result.json

For every page: ``cold`` runs (Streamlit's caches and the DuckDB database of the data version
cleared before each, a new session each time) and ``warm`` reruns of the same session with the
caches full. A page's time is the wall time of ``AppTest.run()``: the whole script (router,
sidebar, page) plus AppTest's own handling of the output.

The dashboard keeps its page scripts in ``pages/``, so Streamlit also treats it as a legacy
pages-directory app. In AppTest that makes a request for ``/context``, ``/upload`` or the
default page run ``pages/<name>.py`` on its own, without ``dashboard.py`` (no router, no
sidebar), while the real server runs the router first (checked in Chromium). So that AppTest
times what the server runs, this process switches the legacy handling off before the first run;
each page's ``checks`` record that the sidebar was drawn. Likewise AppTest compiles the scripts
on every run, which a server does once: the scripts' bytecode is kept between runs (as the
server keeps it) and dropped before each cold run (``--compile-every-run`` for AppTest's way).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl

from bench.ingestbench import peak_rss_mb
from cpdata.catalogue.catalogue import pledge_url
from cpdata.core.datafolder import DataFolder
from cpdata.ops import launch

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "dashboard.py")
PEER = str(REPO / "bench" / "naive_peer.py")
BARNET = "E09000003"
PASSWORD = "benchmark only"
BARNET_PLEDGES = ["dreams", "there_for_you", "health", "listen", "independence", "celebrate"]
UPLOAD_ROWS = 20_040  # the size of DfE's la_care_leavers_activity file (5 years)


BRIEFING = f"briefing?framework=barnet&council={BARNET}&screen="


def pledge_pages() -> list[str]:
    """Barnet's pledge pages, by the names (and URL paths) the report uses: the dashboard's own URLs."""
    return [pledge_url("barnet", p) for p in BARNET_PLEDGES]


def pages() -> list[tuple[str, str]]:
    """(name, url); the overview is the default page (empty path). A briefing screen's URL carries its
    framework, council and screen, as a link from the setup page does; the big screen has no sidebar."""
    return (
        [("overview", "")]
        + [(name, name) for name in pledge_pages()]
        + [("context", "context"), ("about-data", "about-data")]
        + [("briefing-dreams", BRIEFING + "dreams"), ("briefing-summary", BRIEFING + "summary")]
        + [("briefing-setup", "briefing-setup"), ("upload", "upload")]
    )


def _router_always_runs() -> None:
    from streamlit.runtime.pages_manager import PagesManager

    if not getattr(PagesManager.__init__, "routed_as_on_a_server", False):
        PagesManager.__init__ = launch.routed_as_on_a_server(PagesManager.__init__)


_SCRIPTS: dict = {}


def _script_cache_shared() -> None:
    """AppTest compiles the app's scripts afresh on every run (a new ``ScriptCache`` each time); a server
    compiles each once (one per runtime) and reruns the bytecode. One shared cache times a rerun as the
    server runs it; it is cleared with the other caches before a cold run. Applies to the peer alike."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    if "cache" in _SCRIPTS:
        return
    _SCRIPTS["cache"] = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: _SCRIPTS["cache"]


def clear_caches() -> None:
    import streamlit as st

    from cpdata.store import store
    from cpdata.ui import shared_views

    st.cache_data.clear()
    st.cache_resource.clear()
    store._database.cache_clear()
    shared_views.clear()
    if "cache" in _SCRIPTS:
        _SCRIPTS["cache"].clear()


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def _checks(at, name: str) -> dict:
    """What the measured run drew, so a page that failed or drew something else is not timed as fast."""
    html = "\n".join(str(h.proto.body) for h in at.get("html"))
    out = {
        "exceptions": [str(e.value)[:200] for e in at.exception],
        "errors": [str(e.value)[:200] for e in at.error],
        "title": at.title[0].value if at.title else None,
        "sidebar_pickers": len(at.sidebar.selectbox),
        "illustrative_banner": any("Illustrative data" in str(w.value) for w in at.warning)
        or "Illustrative data" in html,
        "charts": len(at.get("vega_lite_chart")),
    }
    if at.metric:
        out["first_metric"] = [at.metric[0].label, at.metric[0].value]
    if name == "upload":
        out["preview_shown"] = any("new figures" in str(m.value) for m in at.markdown)
    fine = not out["exceptions"] and not out["errors"]
    if name.startswith("briefing-") and name != "briefing-setup":
        screen = name.removeprefix("briefing-")
        out["screen_shown"] = f'id="bf-{screen}-title"' in html
        out["screen_charts"] = html.count('class="bf-chart"')
        out["screen_one_year_notes"] = html.count("bf-lone")  # a tile with one year held says so instead
        out["ok"] = fine and out["screen_shown"] and out["sidebar_pickers"] == 0  # the big screen has no sidebar
    else:
        out["ok"] = fine and out["title"] is not None and out["sidebar_pickers"] >= 4
    return out


def _upload_bytes(data_dir: Path) -> bytes:
    import pyarrow.parquet as pq

    from bench import synth

    areas = pq.read_table(data_dir / "reference" / "areas.parquet").to_pandas()
    return synth.ees_activity_csv(UPLOAD_ROWS, areas, newest_year=2020)


def open_session(url: str, upload: bytes | None, timeout: float):
    """A new session on the page, signed in and with the file chosen for the upload page.

    Returns the AppTest and a function that performs the measured run.
    """
    from streamlit.navigation.page import calc_hash
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=timeout)
    path, _, query = url.partition("?")
    if path:
        at._page_hash = calc_hash(path)
    for key, value in parse_qsl(query):
        at.query_params[key] = value
    if url != "upload":
        return at, at.run
    at.secrets["analysts"] = {"password_sha256": hashlib.sha256(PASSWORD.encode()).hexdigest()}
    at.run()
    at.text_input[0].set_value("Benchmark")
    at.text_input[1].set_value(PASSWORD)
    at.button[0].click().run()
    return at, lambda: at.file_uploader[0].set_value(("la_care_leavers_activity.csv", upload, "text/csv")).run()


def bench_pages(data_dir: Path, cold: int, warm: int, only: list[str] | None, timeout: float) -> dict:
    upload = _upload_bytes(data_dir)
    results = {}
    for name, url in pages():
        if only and name not in only:
            continue
        cold_times, warm_times = [], []
        at = None
        for _ in range(max(cold, 1)):
            clear_caches()
            at, first_run = open_session(url, upload, timeout)
            clear_caches()  # the upload page's sign-in runs filled them
            cold_times.append(_timed(first_run))
        for _ in range(warm):
            warm_times.append(_timed(at.run))
        results[name] = {
            "url": "/" + url,
            "cold": cold_times[:cold] if cold else [],
            "warm": warm_times,
            "checks": _checks(at, name),
        }
        print(
            f"  {name:24s} cold {min(cold_times):7.3f}s  warm median "
            f"{sorted(warm_times)[len(warm_times) // 2] if warm_times else float('nan'):7.3f}s",
            flush=True,
        )
    return results


def bench_queries(reps: int) -> dict:
    from cpdata.catalogue.catalogue import load_catalogue, load_frameworks
    from cpdata.figures import views
    from cpdata.store import queries, store

    catalogue = load_catalogue(DataFolder.of())
    fw = load_frameworks(DataFolder.of())["barnet"]
    ids = fw.indicator_ids()
    dreams = list(fw.pledge("dreams").indicators)
    published = [i for i in ids if catalogue.indicator(i).published]
    measures = list(dict.fromkeys(m for p in fw.pledges for m in p.bright_spots))
    store.cursor(DataFolder.of()).close()
    year = queries.periods_held(DataFolder.of(), ids, BARNET)[0]

    def load() -> None:
        store._database.cache_clear()
        store.cursor(DataFolder.of()).close()

    cases = {
        "duckdb database, cold (its file opened, or built)": load,
        "queries.series (pledge: dreams)": lambda: queries.series(DataFolder.of(), BARNET, dreams),
        "queries.series (framework)": lambda: queries.series(DataFolder.of(), BARNET, ids),
        "queries.council_values (framework)": lambda: queries.council_values(DataFolder.of(), published),
        "queries.periods_held (framework)": lambda: queries.periods_held(DataFolder.of(), ids, BARNET),
        "queries.bright_spots (framework)": lambda: queries.bright_spots(DataFolder.of(), BARNET, measures),
        "views.indicator_views (framework)": lambda: views.indicator_views(DataFolder.of(), BARNET, ids, year, "auto"),
    }
    out = {}
    for name, fn in cases.items():
        fn()  # once untimed: the database is built (except for the load case, which rebuilds it)
        out[name] = [_timed(fn) for _ in range(reps)]
    sizes = {
        "series_rows_framework": len(queries.series(DataFolder.of(), BARNET, ids)),
        "council_values_rows_framework": len(queries.council_values(DataFolder.of(), published)),
    }
    return {"times": out, "sizes": sizes}


def bench_peer(peer_dir: Path, reps: int, timeout: float) -> dict:
    from streamlit.testing.v1 import AppTest

    os.environ["BENCH_PEER_DIR"] = str(peer_dir)
    at = AppTest.from_file(PEER, default_timeout=timeout)
    first = _timed(at.run)
    times = [_timed(at.run) for _ in range(reps)]
    lines = [str(m.value) for m in at.markdown if "neighbours' mean" in str(m.value)]
    return {
        "first": first,
        "runs": times,
        "checks": {
            "exceptions": [str(e.value)[:200] for e in at.exception],
            "charts": len(at.get("vega_lite_chart")),
            "first_metric": [at.metric[0].label, at.metric[0].value] if at.metric else None,
            "first_comparison": lines[0] if lines else None,
        },
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="data folder (CPDATA_DIR)")
    ap.add_argument("--label", default="")
    ap.add_argument("--cold", type=int, default=3)
    ap.add_argument("--warm", type=int, default=5)
    ap.add_argument("--query-reps", type=int, default=10)
    ap.add_argument("--pages", nargs="*", help="only these pages (names as in the report)")
    ap.add_argument("--peer-dir", help="also time the naive peer on the CSVs in this folder")
    ap.add_argument("--peer-reps", type=int, default=10)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument(
        "--compile-every-run", action="store_true", help="AppTest's default: compile the scripts on every run"
    )
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)

    data_dir = Path(args.data).resolve()
    os.environ["CPDATA_DIR"] = str(data_dir)
    for k in ("CPDATA_COUNCIL", "CPDATA_FRAMEWORK"):
        os.environ.pop(k, None)
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    _router_always_runs()
    if not args.compile_every_run:
        _script_cache_shared()
    from bench import synth

    result = {"label": args.label, "data": synth.describe_folder(data_dir), "reps": vars(args)}
    t0 = time.perf_counter()
    result["pages"] = bench_pages(data_dir, args.cold, args.warm, args.pages, args.timeout)
    result["queries"] = bench_queries(args.query_reps)
    if args.peer_dir:
        result["peer"] = bench_peer(Path(args.peer_dir), args.peer_reps, args.timeout)
    result["peak_rss_mb"] = peak_rss_mb()
    result["seconds"] = time.perf_counter() - t0
    Path(args.out).write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
