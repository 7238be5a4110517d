"""How the dashboard and Chromium are started on loopback for the browser tests and the cold-start benchmark.

One home for the command line, so that what the tests drive and what the benchmark times is the same
server, started the same way.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package: Playwright cannot download its own browser here
# Headless as root, and nothing that reaches for Google's servers (this machine's network refuses them).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    """A port nobody is listening on now (the OS picks it), on 127.0.0.1 only."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The dashboard as the README starts it: ``streamlit run dashboard.py`` through cpdata.ui.server, which has
# Streamlit route a server's first session through dashboard.py as it does every later one.
DASHBOARD_COMMAND = (sys.executable, "-m", "cpdata.ui.server")


def server_command(
    port: int, extra: Sequence[str] = (), script: str = "dashboard.py", plain: bool = False
) -> list[str]:
    """The dashboard (``DASHBOARD_COMMAND``), headless on 127.0.0.1:port, with no usage statistics: otherwise
    as the README starts it, so a timing measures what a council runs (``.streamlit/config.toml`` turns the
    file watcher off for both; passing it off here once hid that the README's server had it on). ``script`` is
    another script run the same way with plain ``streamlit run`` (the benchmark's peer); ``plain`` runs the
    dashboard so too (a checkout from before ``python -m cpdata run``, in a before/after benchmark)."""
    dashboard = script == "dashboard.py" and not plain
    start = list(DASHBOARD_COMMAND) if dashboard else [sys.executable, "-m", "streamlit", "run", script]
    return [
        *start,
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        *extra,
    ]


def routed_as_on_a_server(init: Callable) -> Callable:
    """Streamlit's ``PagesManager.__init__`` wrapped so that every run goes through dashboard.py, as every run
    does on a server after its first. A folder called ``pages/`` makes Streamlit's legacy router handle a
    server's first session, and AppTest switches that handling back on before each run, so a rerun of the
    overview, upload or briefing page would otherwise run the page script alone (no router, sidebar, error
    guard or data-version pin). Used by the AppTest tests and the page benchmark."""

    def routed(self, *args, **kwargs) -> None:
        init(self, *args, **kwargs)
        type(self).uses_pages_directory = False

    routed.routed_as_on_a_server = True  # type: ignore[attr-defined]
    return routed


def healthy(base_url: str) -> bool:
    """Streamlit's health endpoint answers 200 (the server is up; the page has not run yet)."""
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=1) as r:  # loopback only
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


def stop(proc: subprocess.Popen, grace_s: float = 10) -> None:
    """Stop a server started here: ask (SIGTERM), wait ``grace_s``, then kill. One way, so the browser
    tests and the benchmarks leave no server behind in the same way."""
    proc.terminate()
    try:
        proc.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=grace_s)
