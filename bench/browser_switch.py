"""A page switch as a person sees it: click in the sidebar to the last chart drawn, in headless Chromium.

``python -m bench.browser_switch --data DIR --out FILE``: serves the data folder (``protocol.serve``,
loopback only), opens Barnet's dreams page in Debian's Chromium (Playwright, ``executable_path``
``/usr/bin/chromium``), clicks once through the six pledge pages to warm the server, then times each
click on the next pledge's link until the new page's title is shown, the run has finished, no element
is still loading and every one of its charts (as many as the server sends for that page) has drawn its
marks.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

from bench import loadbench, protocol
from cpdata.catalogue.catalogue import load_frameworks, pledge_url
from cpdata.core.datafolder import DataFolder
from cpdata.ops import launch

DRAWN = """([title, charts]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  const h1 = document.querySelector('[data-testid="stMain"] h1');
  if (!h1 || h1.innerText.trim() !== title) return false;
  const shown = document.querySelectorAll('[data-testid="stMain"] [data-testid="stVegaLiteChart"]');
  if (shown.length !== charts) return false;
  return [...shown].every(c => c.querySelector('svg.marks, canvas'));
}"""


async def _charts(base: str, pages: list[str]) -> dict[str, int]:
    out = {}
    for p in pages:
        run, s = await protocol.open_page(base, p)
        await s.close()
        out[p] = run.charts
    return out


def measure(data_dir: Path, rounds: int = 2, log=None) -> dict:
    from playwright.sync_api import sync_playwright

    fw = load_frameworks(DataFolder.of())["barnet"]
    pages = loadbench.BARNET_PLEDGES
    titles = {pledge_url(fw.id, p.id): p for p in fw.pledges}
    with protocol.serve(data_dir, log=log) as base:
        charts = asyncio.run(_charts(base, pages))  # before Playwright's own event loop starts
        with sync_playwright() as pw:
            times = _clicks(pw, base, pages, titles, charts, fw, rounds)
    return {
        "browser": "Chromium (Debian) via Playwright, headless",
        "pages": pages,
        "charts": charts,
        "runs_s": times,
        "p50_s": statistics.median(times),
        "p95_s": protocol.pct(times, 95),
    }


def _clicks(pw, base: str, pages: list[str], titles: dict, charts: dict[str, int], fw, rounds: int) -> list[float]:
    """Clicks through the pledge links ``rounds`` times after a first warming round; seconds per click."""
    browser = pw.chromium.launch(executable_path=str(launch.CHROMIUM), args=launch.CHROMIUM_ARGS)
    try:
        page = browser.new_context(viewport={"width": 1400, "height": 1200}).new_page()
        page.goto(f"{base}/{pages[0]}", wait_until="domcontentloaded")

        def wait_drawn(path: str) -> None:
            p = titles[path]
            title = f"{fw.pledge_word} {p.order}: {p.title}"
            page.wait_for_function(DRAWN, arg=[title, charts[path]], polling="raf", timeout=120_000)

        wait_drawn(pages[0])
        times: list[float] = []
        for r in range(rounds + 1):  # the first round warms the server and the browser's caches
            for i in range(1, len(pages) + 1):
                path = pages[i % len(pages)]
                # Streamlit 1.67 writes the sidebar's links relative ("barnet-health"), not "/barnet-health"
                side = '[data-testid="stSidebar"] a'
                link = page.locator(f'{side}[href="{path}"], {side}[href$="/{path}"]')
                t0 = time.perf_counter()
                link.click()
                wait_drawn(path)
                if r:
                    times.append(time.perf_counter() - t0)
    finally:
        browser.close()
    return times


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.browser_switch")
    ap.add_argument("--data", required=True)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    if not launch.CHROMIUM.exists():
        res = {"missing": f"{launch.CHROMIUM} not found"}
    else:
        res = measure(Path(args.data), args.rounds, log=sys.stderr.buffer)
    Path(args.out).write_text(json.dumps(res, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
