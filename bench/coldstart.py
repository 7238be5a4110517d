"""Cold start: ``streamlit run dashboard.py`` process start to the first page served.

Each run starts a fresh server on a free loopback port (127.0.0.1 only) and measures, from the
moment the process is started:

* ``health_s``: until ``/_stcore/health`` answers 200;
* ``first_page_s``: until a headless Chromium (Debian's ``/usr/bin/chromium`` driven by
  Playwright, launched before the clock starts) has the overview's first script run finished
  and its title drawn. Without a browser this is left out and the report says why.

Separately, ``apptest_first_run_s`` is a new Python process that imports Streamlit and the app
and completes AppTest's first run of the overview (no server, no browser).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from cpdata.ops import launch

REPO = Path(__file__).resolve().parents[1]
CHROMIUM, CHROMIUM_ARGS = launch.CHROMIUM, launch.CHROMIUM_ARGS
TITLE = "corporate parenting scorecard"
TIMEOUT_S = 120.0


def _env(data_dir: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CPDATA_", "STREAMLIT_"))}
    if data_dir is not None:
        env["CPDATA_DIR"] = str(data_dir)
    return env


def _one_run(data_dir: Path | None, browser, log) -> dict:
    port = launch.free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = launch.server_command(port)
    run: dict = {"port": port}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, env=_env(data_dir), stdout=log, stderr=subprocess.STDOUT)
    try:
        while not launch.healthy(base):
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}")
            if time.perf_counter() - t0 > TIMEOUT_S:
                raise RuntimeError("streamlit not healthy in time")
            time.sleep(0.02)
        run["health_s"] = time.perf_counter() - t0
        if browser is not None:
            ctx = browser.new_context(viewport={"width": 1400, "height": 1200})
            try:
                page = ctx.new_page()
                page.goto(base + "/", wait_until="domcontentloaded", timeout=TIMEOUT_S * 1000)
                page.wait_for_selector(
                    '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=TIMEOUT_S * 1000
                )
                page.locator("h1", has_text=TITLE).first.wait_for(timeout=TIMEOUT_S * 1000)
                run["first_page_s"] = time.perf_counter() - t0
                run["title"] = page.locator("h1").first.inner_text()
                run["exceptions_on_page"] = page.locator('[data-testid="stException"]').count()
            finally:
                ctx.close()
    finally:
        launch.stop(proc)
    return run


APPTEST_SNIPPET = """
import time, logging
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({app!r}, default_timeout=120).run()
assert not at.exception, [e.value for e in at.exception]
assert at.title and {title!r} in at.title[0].value, at.title
"""


def apptest_first_run(data_dir: Path | None) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", APPTEST_SNIPPET.format(app=str(REPO / "dashboard.py"), title=TITLE)],
        cwd=REPO,
        env=_env(data_dir),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=TIMEOUT_S,
    )
    return time.perf_counter() - t0


def measure(
    reps: int = 3, data_dir: Path | None = None, use_browser: bool = True, log_path: Path | None = None
) -> dict:
    result: dict = {"runs": [], "browser": None}
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    try:
        if use_browser and not CHROMIUM.exists():
            result["browser_missing"] = f"{CHROMIUM} not found"
            use_browser = False
        pw = None
        if use_browser:
            try:
                from playwright.sync_api import sync_playwright
            except ImportError:
                result["browser_missing"] = "playwright is not installed"
                use_browser = False
        if use_browser:
            pw = sync_playwright().start()
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            result["browser"] = f"Chromium {browser.version} via Playwright (launched before the clock starts)"
        else:
            browser = None
        try:
            for _ in range(reps):
                result["runs"].append(_one_run(data_dir, browser, log))
        finally:
            if browser is not None:
                browser.close()
            if pw is not None:
                pw.stop()
        result["apptest_first_run_s"] = apptest_first_run(data_dir)
    finally:
        if log_path:
            log.close()
    return result
