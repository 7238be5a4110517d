"""A new data version's pages built as soon as it appears, so the first visitor after an upload waits no
longer than the next one.

Every run reads the data folder's manifest, pins its version and looks up the shared caches by stamps of
what that version holds (``cpdata.ui.shared_views``), so an upload made anywhere (this process's upload
page, another worker behind nginx, ``python -m cpdata load``) changes what the next run shows. The new
version's database is a file its writer built (``cpdata.store.versions``), and only the views and charts of
the indicators the upload changed are worked out again; this thread does that before anyone asks. One
thread per server process polls the manifest's hash (a small file, twice a second) and, when it changes,
builds what a visitor following a link sees first: the database, the overview and every pledge page of the
deployment's default framework and council, at the latest year, compared with the neighbours in force each
year, band on (the defaults ``session.init_state`` and ``session.sidebar`` pick). Other choices are built by
their first run, as before. A visitor who arrives while the thread is building waits for that build (the
views wanted are worked out once, and the database is opened under the store's lock), not for a second one.

Not in ``AppTest`` (the tests and the page benchmark time and check runs on their own), nor with
``CPDATA_WARM=off``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

from streamlit import config as st_config

from cpdata.core import config
from cpdata.core.datafolder import DataFolder
from cpdata.store import store
from cpdata.ui import session, ui

POLL_S = 0.5
GIVE_WAY_S = 1.0  # at most this long per page part: under constant use the build still goes on
SCRIPT_THREAD = "ScriptRunner.scriptThread"  # the name Streamlit gives the thread of a run under way
_log = logging.getLogger(__name__)
_started: set[str] = set()
_lock = threading.Lock()


def enabled() -> bool:
    """On a server, unless ``CPDATA_WARM=off``; never inside AppTest."""
    if os.environ.get("CPDATA_WARM", "on").strip().lower() in {"off", "0", "false", "no"}:
        return False
    return not st_config.get_option("global.appTest")


def start() -> bool:
    """Start this process's watcher for the data folder in use (once; later calls do nothing)."""
    root = str(session.data_folder().root)
    if not enabled():
        return False
    with _lock:
        if root in _started:
            return False
        _started.add(root)
    threading.Thread(target=_watch, args=(Path(root),), name="cpdata-warm", daemon=True).start()
    return True


def _watch(root: Path) -> None:
    last = None
    while True:
        try:
            now = store.version(DataFolder(root))
            if now != last:
                t0 = time.perf_counter()
                built = warm(root, polite=True)
                _log.info("data version %s: %d pages built in %.2fs", now[:8], built, time.perf_counter() - t0)
                last = now
        except Exception:  # noqa: BLE001 - a damaged folder is the pages' to explain; try on the next change
            _log.exception("building a new data version's pages failed")
            last = None
            time.sleep(5)
        time.sleep(POLL_S)


def visitors_running() -> bool:
    """Whether a visitor's run is under way in this process (Streamlit runs each in a thread of its own)."""
    return any(t.name == SCRIPT_THREAD and t.is_alive() for t in threading.enumerate())


def give_way(limit_s: float = GIVE_WAY_S) -> None:
    """Wait (up to ``limit_s``) while a visitor's run is under way. One process runs one thread of Python at a
    time: a visitor who came straight after an upload shared the core with this build of pages they were
    not asking for (the overview, other pledges) and waited for both."""
    t0 = time.perf_counter()
    while visitors_running() and time.perf_counter() - t0 < limit_s:
        time.sleep(0.01)


def warm(root: Path, polite: bool = False) -> int:
    """Build the default visitor's pages of the data version on disk now; returns how many were built.
    ``polite`` (the watcher): before each part, give way to visitors' runs under way."""
    pause = give_way if polite else (lambda: None)
    data_dir = str(root)
    folder = DataFolder(root)
    with store.pinned(folder) as snap:
        version = snap.token
        fws = session.frameworks()
        options = session.council_names(folder)
        council = session._resolve_council(config.default_council(), options) or next(iter(options))
        fw = fws[session.own_framework(council, fws) or session._default_framework(fws)]  # as init_state picks
        ids = tuple(fw.indicator_ids())
        years = session.years_held(council, ids, folder)
        year = years[0] if years else None
        name = options[council]
        pause()
        ui.cached_views(version=version, data_dir=data_dir, council=council, ids=ids, year=year, sn="auto")
        for pledge in fw.pledges:
            pause()
            held = ui.cached_views(
                version=version, data_dir=data_dir, council=council, ids=tuple(pledge.indicators), year=year, sn="auto"
            )
            for v in held:
                if v.has_data and v.period is not None:
                    pause()
                    ui.chart_parts(
                        stamp=v.stamp,
                        data_dir=data_dir,
                        council=council,
                        indicator_id=v.indicator.id,
                        year=year,
                        sn="auto",
                        band=True,
                        council_name=name,
                        _view=v,
                    )
            if pledge.bright_spots:
                ui.bright_spots_parts(
                    stamp=ui.bright_spots_stamp(folder),
                    data_dir=data_dir,
                    council=council,
                    ids=tuple(pledge.bright_spots),
                    council_name=name,
                )
    return 1 + len(fw.pledges)
