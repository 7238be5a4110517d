"""Briefing mode in a real browser at committee-room sizes, and the pack opened with no network.

Every screen of the three councils is stepped through with Page Down (what a presenter's clicker
sends) at 1920x1080 and 1280x720; each is measured (nothing cut off, nothing overlapping, the
headline at least three times the body text) and saved to test-artifacts/screenshots/.
"""

from __future__ import annotations

import re

import pytest

from cpdata.briefing import briefing, briefing_html
from cpdata.catalogue.catalogue import load_frameworks
from cpdata.core.datafolder import DataFolder
from cpdata.figures.trend import one_year_note

from .conftest import COUNCILS, SCREENSHOTS, TIMEOUT_MS, wait_for_app
from .test_accessibility import serious_violations

pytestmark = pytest.mark.browser

SIZES = [(1920, 1080), (1280, 720)]

MEASURE = """() => {
  const vw = window.innerWidth, vh = window.innerHeight;
  const screen = document.querySelector('.bf-screen').getBoundingClientRect();
  const tiles = [...document.querySelectorAll('.bf-tile')];
  const boxes = tiles.map(t => t.getBoundingClientRect());
  const overlaps = [];
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b, j) => {
    if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
      overlaps.push([i, i + 1 + j]);
  }));
  const clipped = [...document.querySelectorAll('.bf-screen *')].filter(
    e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible'
      || e.scrollHeight > e.clientHeight + 1 && getComputedStyle(e).overflowY !== 'visible'
  ).map(e => e.className);
  const outside = [...document.querySelectorAll('.bf-tile *')].filter((e) => {
    const r = e.getBoundingClientRect(), t = e.closest('.bf-tile').getBoundingClientRect();
    return r.width > 0 && (r.right > t.right + 1 || r.bottom > t.bottom + 1 || r.left < t.left - 1);
  }).map(e => e.tagName + '.' + e.className);
  const size = (s) => {
    const e = document.querySelector(s);
    return e ? parseFloat(getComputedStyle(e).fontSize) : null;
  };
  const next = document.querySelector('.st-key-bf_next button') || [...document.querySelectorAll('button')]
    .find(b => b.innerText.includes('Next'));
  const nb = next.getBoundingClientRect();
  const sidebar = document.querySelector('[data-testid=stSidebar]');
  return {vw, vh, screenBottom: screen.bottom, screenRight: screen.right,
          pageWidth: document.documentElement.scrollWidth, overlaps, clipped, outside,
          figure: size('.bf-figure:not(.bf-withheld)'), body: size('.bf-sentence'),
          nextBottom: nb.bottom, sidebarShown: !!sidebar && sidebar.offsetWidth > 0};
}"""


def _screens(framework: str) -> list[str]:
    return ["cover", *[p.id for p in load_frameworks(DataFolder.of())[framework].pledges], "summary"]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("framework", list(COUNCILS))
def test_every_screen_fits_and_page_down_steps_through(server, browser, framework, size):
    width, height = size
    ctx = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = ctx.new_page()
        wait_for_app(
            page, f"{server}/briefing?framework={framework}&council={COUNCILS[framework]['council']}&screen=cover"
        )
        keys = _screens(framework)
        for n, key in enumerate(keys):
            page.wait_for_selector(f"#bf-{key}-title", timeout=TIMEOUT_MS)
            page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
            page.wait_for_function("() => [...document.querySelectorAll('.bf-chart img')].every(i => i.complete)")
            assert f"screen={key}" in page.url
            m = page.evaluate(MEASURE)
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"briefing_{framework}_{n:02d}_{key}_{width}x{height}.png"))
            where = f"{framework} {key} at {width}x{height}"
            assert m["pageWidth"] <= width, f"{where}: wider than the screen ({m['pageWidth']})"
            assert m["screenBottom"] <= height, f"{where}: screen runs below the fold ({m['screenBottom']})"
            assert m["nextBottom"] <= height, f"{where}: the Next control is off screen"
            assert not m["overlaps"], f"{where}: tiles overlap {m['overlaps']}"
            assert not m["clipped"], f"{where}: content cut off in {m['clipped']}"
            assert not m["outside"], f"{where}: content spills out of its tile: {m['outside'][:5]}"
            assert not m["sidebarShown"], f"{where}: the sidebar is showing"
            if m["figure"]:
                assert m["figure"] >= 3 * m["body"], f"{where}: headline {m['figure']}px vs body {m['body']}px"
            if n + 1 < len(keys):
                page.locator("body").press("PageDown")
    finally:
        ctx.close()


def test_briefing_screens_pass_axe(server, browser, axe_script):
    """The big screen and the prepare page, with nothing excluded (Streamlit's chrome included)."""
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        page = ctx.new_page()
        found = {}
        for path in ("/briefing?framework=barnet&council=E09000003&screen=dreams", "/briefing-setup"):
            wait_for_app(page, server + path)
            page.wait_for_function("() => [...document.querySelectorAll('.bf-chart img')].every(i => i.complete)")
            name = re.sub(r"\W+", "_", path.split("?")[0].strip("/"))
            found[path] = serious_violations(page, axe_script, name)
        assert not any(found.values()), found
    finally:
        ctx.close()


def test_pack_opens_with_no_network_and_prints_one_screen_per_page(browser, tmp_path):
    fw = load_frameworks(DataFolder.of())["barnet"]
    b = briefing.build(DataFolder.of(), fw, COUNCILS["barnet"]["council"], None)
    pack = tmp_path / briefing_html.pack_filename(b)
    pack.write_text(briefing_html.pack_html(b), encoding="utf-8")
    ctx = browser.new_context(offline=True, viewport={"width": 1400, "height": 900})
    requests: list[str] = []
    ctx.on("request", lambda r: requests.append(r.url))
    try:
        page = ctx.new_page()
        page.goto(pack.as_uri())
        page.wait_for_load_state("load")
        images = page.evaluate("() => [...document.images].map(i => [i.complete, i.naturalWidth, i.alt.length])")
        # a tile with one year to draw says so in words instead of a chart (issue 18 item 7)
        tiles = sum(1 for s in b.screens for t in s.tiles if not one_year_note(t.chart))
        assert len(images) == tiles > 0
        assert all(done and w > 1000 and alt > 20 for done, w, alt in images), images  # print resolution
        assert page.locator("section.bf-screen").count() == len(b.screens)
        assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        (SCREENSHOTS / "briefing_pack_barnet.pdf").parent.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / "briefing_pack_barnet.pdf").write_bytes(pdf)
        pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
        assert pages == len(b.screens), f"{pages} printed pages for {len(b.screens)} screens"
    finally:
        ctx.close()
