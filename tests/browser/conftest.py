"""Real-browser fixtures: Streamlit servers and one headless Chromium for the whole session.

The main server runs the real app (``python -m cpdata run``: ``streamlit run dashboard.py``) on the committed sample
data, bound to 127.0.0.1 on a free port; tests that upload get a second server on a temporary copy of
the data with an analysts' password (``upload_server``). Chromium is Debian's ``/usr/bin/chromium``
driven by Playwright. Without the browser, Playwright or axe-core the tests skip with a reason, except
under ``CI=true``, where a missing tool is a failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

from cpdata.catalogue.catalogue import pledge_url
from cpdata.ops import launch
from tests.conftest import analysts_secrets

REPO = Path(__file__).resolve().parents[2]
CHROMIUM, CHROMIUM_ARGS = launch.CHROMIUM, launch.CHROMIUM_ARGS
AXE_JS = REPO / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPO / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_DIR = ARTIFACTS / "axe"
# Streamlit scrolls inside its own container, so a tall window shows (almost) a whole page;
# screenshots grow the window further when a page is taller still.
VIEWPORT = {"width": 1400, "height": 3000}
SERVER_START_TIMEOUT = 60.0
TIMEOUT_MS = 30_000

# What the tests open, by council: the framework that goes with it and its new-style code.
COUNCILS = {
    "barnet": {"framework": "barnet", "council": "E09000003", "name": "Barnet"},
    "barnsley": {"framework": "barnsley", "council": "E08000016", "name": "Barnsley"},
    "barking_dagenham": {"framework": "barking_dagenham", "council": "E09000002", "name": "Barking and Dagenham"},
}

# A Streamlit env var or CPDATA_* setting in the caller's shell must not change what the app serves.
_SCRUBBED_ENV = ("CPDATA_DIR", "CPDATA_COUNCIL", "CPDATA_FRAMEWORK")


def pledge_path(framework_id: str, pledge_id: str) -> str:
    """A pledge page's URL path, as the app registers it."""
    return "/" + pledge_url(framework_id, pledge_id)


def unavailable(reason: str) -> None:
    """Skip with a one-line reason, or fail under CI=true, where every tool must be present."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright_api():
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} not found (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as p:
        yield p


@contextlib.contextmanager
def streamlit_server(log_name: str, env: dict[str, str] | None = None, args: list[str] | None = None) -> Iterator[str]:
    """``streamlit run dashboard.py`` on a free loopback port until the block ends; yields its base URL.

    ``env`` adds to the caller's environment (less any CPDATA_* setting); ``args`` adds options.
    Output goes to test-artifacts/<log_name>.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    port = launch.free_port()
    full_env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED_ENV} | (env or {})
    cmd = launch.server_command(port, args or [])
    log = (ARTIFACTS / log_name).open("wb")
    proc = subprocess.Popen(cmd, cwd=REPO, env=full_env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not launch.healthy(base):
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode}; see test-artifacts/{log_name}")
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit not healthy after {SERVER_START_TIMEOUT:.0f} s; see test-artifacts/{log_name}")
            time.sleep(0.25)
        yield base
    finally:
        launch.stop(proc)
        log.close()


@pytest.fixture(scope="session")
def server(playwright_api, browser) -> Iterator[str]:
    """The real app on the committed sample data; its output goes to test-artifacts/streamlit.log.

    Asks for playwright_api first so that a machine without a browser skips before starting it. Its
    first page is opened once here, with a new server's longer wait (imports, connections, the first
    data version's pages built), so no test's own wait pays for the start.
    """
    with streamlit_server("streamlit.log") as base:
        ctx = browser.new_context(viewport=VIEWPORT)
        try:
            wait_for_app(ctx.new_page(), base + "/", timeout_ms=3 * TIMEOUT_MS)
        finally:
            ctx.close()
        yield base


@pytest.fixture(scope="session")
def browser(playwright_api):
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    b = playwright_api.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield b
    b.close()


@dataclass
class FirstVisit:
    """What the very first browser session after the server started saw (a deep link to a pledge)."""

    path: str
    title: str
    page_not_found_dialog: bool
    screenshot: Path


@pytest.fixture(scope="session")
def first_visit(playwright_api, browser) -> Iterator[FirstVisit]:
    """Open a deep link as the very first session of a server of its own (as a committee's first member
    following the agenda's link would), on the committed sample data.

    Streamlit's legacy router handles a server's first session when the page scripts' folder is called
    pages/, and would show a "Page not found" dialog over the right page unless the server is started
    as launch starts it (cpdata.ui.server); test_pages.py checks both the page and the absent dialog.
    """
    path = pledge_path("barnet", "dreams")
    with streamlit_server("first_visit.log") as fresh:
        yield _visit_first(browser, fresh, path)


def _visit_first(browser, base: str, path: str) -> FirstVisit:
    ctx = browser.new_context(viewport=VIEWPORT)
    try:
        page = ctx.new_page()
        # a new server's first page also imports and connects everything, and shares two cores with the rest
        wait_for_app(page, base + path, timeout_ms=3 * TIMEOUT_MS)
        page.wait_for_timeout(500)  # the dialog arrives with the first script run's messages
        dialog = page.get_by_role("dialog").filter(has_text="Page not found")
        shot = SCREENSHOTS / "first_visit_dreams.png"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot))
        return FirstVisit(path, page.locator("h1").first.inner_text(), dialog.count() > 0, shot)
    finally:
        ctx.close()


def wait_for_app(page, url: str, timeout_ms: int = TIMEOUT_MS) -> None:
    """Go to a URL and wait until the script run has finished and the page has a title."""
    from playwright.sync_api import expect

    page.goto(url, wait_until="domcontentloaded")
    # stApp's script state goes initial -> running -> notRunning on the first run.
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_ms)
    wait_for_elements(page, timeout_ms)
    expect(page.locator("h1").first).to_be_visible(timeout=timeout_ms)


def wait_for_elements(page, timeout_ms: int = TIMEOUT_MS) -> None:
    """Every element the run sent is on screen: a new tab shows a stSkeleton in an element's place
    while that element's code loads, even after the run has finished (so absences would prove nothing).
    """
    page.wait_for_function("() => !document.querySelector('[data-testid=stSkeleton]')", timeout=timeout_ms)


class App:
    """The running dashboard: each page opened is a new tab, so a new Streamlit session.

    Tabs share one browser context (and so its HTTP cache of Streamlit's scripts), which keeps the
    suite fast; Streamlit keeps a session per tab, so tests do not share any app state.
    """

    def __init__(self, base: str, context, kept: dict | None = None) -> None:
        self.base = base
        self.context = context
        self._pages = []
        self._kept = {} if kept is None else kept

    def url(self, path: str, **params: str) -> str:
        return self.base + path + (f"?{urlencode(params)}" if params else "")

    def new_page(self):
        page = self.context.new_page()
        self._pages.append(page)
        return page

    def open(self, path: str, **params: str):
        """A new session on ``path`` with query parameters, once its first run has finished.

        A page another test kept (``keep``) for the same URL is handed over instead of loading it
        again: the axe tests keep Barnet's pages for test_page, which saves a load per page.
        """
        url = self.url(path, **params)
        page = self._kept.pop(url, None)
        if page is not None and not page.is_closed():
            self._pages.append(page)
            return page
        page = self.new_page()
        wait_for_app(page, url)
        return page

    def keep(self, page, path: str, **params: str) -> None:
        """Leave this page open for the next test that opens the same URL."""
        self._pages.remove(page)
        self._kept[self.url(path, **params)] = page

    def close(self) -> None:
        for page in self._pages:
            page.close()
        self._pages.clear()


@pytest.fixture(scope="session")
def browser_context(browser):
    ctx = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    yield ctx
    ctx.close()


@pytest.fixture(scope="session")
def kept_pages() -> dict:
    return {}


@pytest.fixture
def app(server, browser_context, kept_pages) -> Iterator[App]:
    a = App(server, browser_context, kept_pages)
    yield a
    a.close()


# No element still loading, every chart has its SVG and every table in view its canvas: the page as drawn.
DRAWN = """() => !document.querySelector('[data-testid=stSkeleton]')
    && [...document.querySelectorAll('[data-testid=stVegaLiteChart]')].every(c => c.querySelector('svg'))
    && [...document.querySelectorAll('[data-testid=stDataFrame]')]
        .filter(d => d.checkVisibility()).every(d => d.querySelector('canvas'))"""


def full_screenshot(page, name: str) -> Path:
    """Whole page, once drawn: Streamlit scrolls inside stMain, so grow the window to the content first."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_function(DRAWN, timeout=TIMEOUT_MS)
    height = page.evaluate(
        "() => Math.max(...['stMain', 'stSidebarContent'].map("
        "id => document.querySelector(`[data-testid=${id}]`)?.scrollHeight || 0))"
    )
    size = page.viewport_size
    if height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 16_000)})
        page.wait_for_timeout(150)  # same width, so charts keep their size; let layout settle
        page.wait_for_function(DRAWN, timeout=TIMEOUT_MS)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core at the version scripts/axe/package-lock.json locks (bash scripts/test.sh installs it)."""
    if not AXE_JS.exists():
        unavailable(f"axe-core not found at {AXE_JS.relative_to(REPO)} (bash scripts/test.sh installs it)")
    locked = json.loads((REPO / "scripts" / "axe" / "package-lock.json").read_text())
    want = locked["packages"]["node_modules/axe-core"]["version"]
    have = json.loads((AXE_JS.parent / "package.json").read_text())["version"]
    if have != want:
        unavailable(f"axe-core {have} installed, {want} locked (bash scripts/test.sh installs the locked one)")
    return AXE_JS


# The analysts' password on the upload server only; its hash sits in a temporary secrets file.
ANALYST_PASSWORD = "correct horse battery staple"


@dataclass
class UploadServer:
    """The app on a private copy of the sample data, with an analysts' password configured."""

    base: str
    data_dir: Path


def data_and_secrets(root: Path) -> tuple[Path, Path]:
    """For a server that uploads: a copy of sample_data under ``root`` (it writes there, never in the repo's)
    and a secrets.toml holding only ANALYST_PASSWORD, to be named by ``--secrets.files``."""
    from cpdata.core import config

    data = root / "data"
    shutil.copytree(config.SAMPLE_DATA_DIR, data)
    return data, analysts_secrets(root / "secrets.toml", ANALYST_PASSWORD)


@pytest.fixture(scope="session")
def upload_server(playwright_api, browser, tmp_path_factory) -> Iterator[UploadServer]:
    """A second server for tests that upload: it writes to a temporary copy of sample_data, never the repo's.

    Secrets come only from a temporary secrets.toml named by ``--secrets.files``, which replaces
    Streamlit's default list (``~/.streamlit`` and ``./.streamlit``): nothing is written in the
    repository and nobody's own secrets are read.
    """

    data, secrets = data_and_secrets(tmp_path_factory.mktemp("upload_server"))
    args = ["--secrets.files", str(secrets)]
    with streamlit_server("streamlit-upload.log", env={"CPDATA_DIR": str(data)}, args=args) as base:
        # Until one session has run dashboard.py (and so st.navigation), Streamlit serves a deep link
        # such as /upload from its legacy pages/ handling: the page script alone, without the router,
        # and on a pledge link with a "Page not found" dialog (see test_pages.py). Open the front page
        # once, as a person would, so the tests see the app as everyone after the first visitor does.
        ctx = browser.new_context(viewport=VIEWPORT)
        try:
            wait_for_app(ctx.new_page(), base + "/")
        finally:
            ctx.close()
        yield UploadServer(base, data)


@pytest.fixture(scope="session")
def upload_context(browser, upload_server):
    """Its own browser context: two servers on one host would otherwise share Streamlit's cookies."""
    ctx = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    yield ctx
    ctx.close()


@pytest.fixture
def upload_app(upload_server, upload_context) -> Iterator[App]:
    a = App(upload_server.base, upload_context)
    yield a
    a.close()


def dismiss_page_not_found(page) -> None:
    """Close Streamlit's "Page not found" dialog if this session got one (known quirk, see test_pages.py)."""
    dialog = page.get_by_role("dialog").filter(has_text="Page not found")
    if dialog.count():
        page.keyboard.press("Escape")
        dialog.wait_for(state="detached", timeout=TIMEOUT_MS)
