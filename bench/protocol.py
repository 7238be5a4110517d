"""What a person waits for, measured over Streamlit's own websocket protocol (no browser).

A ``Session`` is what Streamlit's front end is to the server: it opens ``/_stcore/stream`` (subprotocol
``streamlit``), sends ``BackMsg.rerun_script`` with a ``ClientState`` and reads ``ForwardMsg`` frames
until ``script_finished`` says the run finished successfully (a run that ends early for an
``st.rerun`` is followed by the next). As the front end does, it

* names the page by its URL path (``page_name``) and query string on a session's first run, and by
  ``page_script_hash`` (from the server's ``navigation`` message) with an empty query string on a page
  switch;
* sends every widget's current value (``widget_states``: a select box's formatted option as
  ``string_value``, a toggle as ``bool_value``), changing one for a council or year change;
* keeps the messages the server marked ``cacheable`` and sends their hashes (``cached_message_hashes``),
  so the server sends a reference instead of a message the client already holds.

Timed: from sending the ``rerun_script`` (for a new session: from opening the websocket) to the
successful ``script_finished``; bytes are the frames received. A browser's new visit also fetches the
page's HTML and scripts (cached after the first visit) and runs the front end; that is the Chromium
measurement's job (``bench/browser_switch.py``), not this one's.

Loopback only: ``serve`` binds 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from cpdata.ops import launch

REPO = Path(__file__).resolve().parents[1]
FINISHED = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")
TIMEOUT_S = 180.0


@dataclass
class Run:
    """One script run as the client saw it."""

    seconds: float
    bytes: int
    frames: int
    charts: int
    refs: int  # messages sent as a reference to one the client held
    errors: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


@dataclass
class Widget:
    id: str
    label: str
    kind: str  # "select" or "bool"
    value: str | bool | None
    options: list[str] = field(default_factory=list)


class Session:
    """One browser tab's conversation with the server, minus the drawing."""

    def __init__(self, base_url: str, keep_text: bool = False) -> None:
        self.url = base_url.replace("http://", "ws://") + "/_stcore/stream"
        self.keep_text = keep_text
        self.ws = None
        self.pages: dict[str, str] = {}  # url path -> page_script_hash
        self.query_string = ""
        self.widgets: dict[str, Widget] = {}
        self.cache: set[str] = set()
        self.current = ""  # the page script hash the server last ran (the front end's currentPageScriptHash)

    async def connect(self) -> None:
        self.ws = await websockets.connect(
            self.url, subprotocols=["streamlit"], max_size=None, compression=None, open_timeout=TIMEOUT_S
        )

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    def _widget(self, el) -> Widget:
        """The widget's value as the front end would hold it: what the server set, else what the client had
        for the same widget id, else the default."""
        if el.WhichOneof("type") == "selectbox":
            w, kind = el.selectbox, "select"
            options = list(w.options)
            default = options[w.default] if w.HasField("default") and 0 <= w.default < len(options) else None
            value = w.raw_value if w.set_value and w.HasField("raw_value") else default
        else:
            w, kind, options = el.checkbox, "bool", []
            default = w.default
            value = w.value if w.set_value else default
        held = self.widgets.get(w.id)
        if held is not None and not w.set_value:
            value = held.value
        return Widget(w.id, w.label, kind, value, options)

    def widget(self, label: str) -> Widget:
        return next(w for w in self.widgets.values() if w.label == label)

    def _client_state(self, msg: BackMsg) -> None:
        cs = msg.rerun_script
        cs.query_string = self.query_string
        cs.cached_message_hashes.extend(sorted(self.cache))
        for w in self.widgets.values():
            if w.value is None:
                continue
            ws = cs.widget_states.widgets.add()
            ws.id = w.id
            if w.kind == "bool":
                ws.bool_value = bool(w.value)
            else:
                ws.string_value = str(w.value)

    async def rerun(
        self, page: str | None = None, query_string: str | None = None, change: tuple[str, str] | None = None
    ) -> Run:
        """A rerun as the front end sends it: the first run of a session names the page by URL path; a page
        switch by its script hash with the query string cleared; ``change`` sets one widget (label, value)."""
        msg = BackMsg()
        first = not self.pages
        if query_string is not None:
            self.query_string = query_string
        if page is not None and not first:
            self.query_string = ""
        if change is not None:
            label, value = change
            self.widget(label).value = value
        self._client_state(msg)
        if page is not None:
            if first:
                msg.rerun_script.page_name = page
            else:
                msg.rerun_script.page_script_hash = self.pages[page]
        else:
            msg.rerun_script.page_script_hash = self.current
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        return await self._read_run(t0)

    async def _read_run(self, t0: float) -> Run:
        run = Run(0.0, 0, 0, 0, 0)
        drawn: dict[str, Widget] = {}
        while True:
            data = await asyncio.wait_for(self.ws.recv(), TIMEOUT_S)
            run.bytes += len(data)
            run.frames += 1
            fm = ForwardMsg()
            fm.ParseFromString(data)
            kind = fm.WhichOneof("type")
            if fm.metadata.cacheable and fm.hash:
                self.cache.add(fm.hash)
            if kind == "ref_hash":
                run.refs += 1
                continue
            if kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in fm.navigation.app_pages}
                self.current = fm.navigation.page_script_hash
            elif kind == "new_session":
                for p in fm.new_session.app_pages:
                    self.pages.setdefault(p.url_pathname, p.page_script_hash)
            elif kind == "page_info_changed":
                self.query_string = fm.page_info_changed.query_string
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                t = el.WhichOneof("type")
                if t in ("selectbox", "checkbox"):
                    wid = self._widget(el)
                    drawn[wid.id] = wid
                elif t in ("vega_lite_chart", "arrow_vega_lite_chart"):
                    run.charts += 1
                elif t == "exception":
                    run.errors.append(el.exception.message)
                if self.keep_text:
                    for name in ("markdown", "metric", "heading", "text"):
                        if t == name:
                            e = getattr(el, name)
                            run.texts.append(getattr(e, "body", "") or f"{e.label}|{e.body}")
                    if t == "metric":
                        run.texts.append(f"metric:{el.metric.label}={el.metric.body}")
            elif kind == "script_finished":
                if fm.script_finished == FINISHED:
                    run.seconds = time.perf_counter() - t0
                    if drawn:  # the widgets drawn in this run are the ones the front end holds now
                        self.widgets = drawn
                    return run
                drawn = {}


def pct(xs: list[float], q: float) -> float | None:
    return float(np.percentile(xs, q)) if xs else None


def summary(runs: list[Run], wall_s: float | None = None, planned: int | None = None) -> dict:
    secs = [r.seconds for r in runs]
    out = {
        "n": len(runs),
        "planned": planned if planned is not None else len(runs),  # fewer runs made: a time cap stopped them
        "p50_s": float(statistics.median(secs)) if secs else None,
        "p95_s": pct(secs, 95),
        "max_s": max(secs) if secs else None,
        "kb_median": float(statistics.median([r.bytes for r in runs])) / 1024 if runs else None,
        "refs_median": float(statistics.median([r.refs for r in runs])) if runs else None,
        "errors": sorted({e for r in runs for e in r.errors})[:5],
    }
    if wall_s:
        out["wall_s"] = wall_s
        out["pages_per_s"] = len(runs) / wall_s
    return out


# ---- the server ----------------------------------------------------------------------------------------


@contextlib.contextmanager
def serve(
    data_dir: Path | None, script: str = "dashboard.py", env: dict[str, str] | None = None, log=None
) -> Iterator[str]:
    """``streamlit run`` as the README starts it (``launch.server_command``), on a free loopback port;
    yields its base URL and stops it afterwards. ``BENCH_SERVER_REPO`` serves another checkout of the
    project (``git archive`` of an earlier commit) with the same client, for before/after figures."""
    port = launch.free_port()
    base = f"http://127.0.0.1:{port}"
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("CPDATA_", "STREAMLIT_"))}
    if data_dir is not None:
        full_env["CPDATA_DIR"] = str(data_dir)
    full_env |= env or {}
    where = Path(os.environ.get("BENCH_SERVER_REPO") or REPO)  # another checkout's server (a before/after run)
    before_cpdata_run = not (where / "cpdata" / "ui" / "server.py").exists()  # started as its README started it
    proc = subprocess.Popen(
        launch.server_command(port, script=script, plain=before_cpdata_run),
        cwd=where,
        env=full_env,
        stdout=log or subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_healthy(base, proc)
        yield base
    finally:
        launch.stop(proc)


def wait_healthy(base: str, proc: subprocess.Popen | None = None, timeout: float = TIMEOUT_S) -> None:
    t0 = time.perf_counter()
    while not launch.healthy(base):
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        if time.perf_counter() - t0 > timeout:
            raise RuntimeError(f"{base} not healthy in {timeout:.0f}s")
        time.sleep(0.05)


# ---- scenarios -----------------------------------------------------------------------------------------


async def open_page(base: str, page: str, query_string: str = "", keep_text: bool = False) -> tuple[Run, Session]:
    """A visitor following a link: a new websocket session's first run; timed from opening the socket."""
    s = Session(base, keep_text=keep_text)
    t0 = time.perf_counter()
    await s.connect()
    msg = BackMsg()
    s.query_string = query_string
    s._client_state(msg)
    msg.rerun_script.page_name = page
    await s.ws.send(msg.SerializeToString())
    run = await s._read_run(t0)
    return run, s


async def new_sessions(
    base: str, users: int, per_user: int, pages: list[str], qs: str, cap_s: float | None = None
) -> dict:
    """``users`` people at once, each opening ``per_user`` links in turn (a new session each). With ``cap_s``,
    nobody opens another link once ``cap_s`` seconds have passed (those open finish and are counted; pages/s
    is the pages finished over the time they took)."""
    t0 = time.perf_counter()

    async def one(u: int) -> list[Run]:
        runs = []
        for i in range(per_user):
            if i and cap_s is not None and time.perf_counter() - t0 > cap_s:
                break
            run, s = await open_page(base, pages[(u + i) % len(pages)], qs)
            await s.close()
            runs.append(run)
        return runs

    res = await asyncio.gather(*(one(u) for u in range(users)))
    wall = time.perf_counter() - t0
    return summary([r for rs in res for r in rs], wall, planned=users * per_user)


def navigation_steps(kind: str, pages: list[str], councils: list[str], years: list[str], n: int) -> list[dict]:
    if kind == "page":
        return [{"page": pages[(i + 1) % len(pages)]} for i in range(n)]
    if kind == "council":
        return [{"change": ("Council", councils[(i + 1) % len(councils)])} for i in range(n)]
    return [{"change": ("Year", years[(i + 1) % len(years)])} for i in range(n)]


async def navigate(
    base: str, users: int, kinds: list[str], steps: int, pages: list[str], qs: str = "", cap_s: float | None = None
) -> dict:
    """``users`` people at once, each already on a pledge page, each making ``steps`` moves of each kind in
    turn (``page`` switch, ``council`` change, ``year`` change); only the moves are timed, one kind at a
    time (all users make their page switches, then all their council changes, ...). With ``cap_s``, nobody
    starts another move of a kind once ``cap_s`` seconds of that kind have passed."""
    sessions = []
    for u in range(users):  # opened one after another, so that the opening is not what is timed
        _, s = await open_page(base, pages[u % len(pages)], qs)
        sessions.append(s)
    first = sessions[0]
    councils = [c for c in COUNCILS if c in first.widget("Council").options] or first.widget("Council").options[:4]
    years = first.widget("Year").options[:4] if any(w.label == "Year" for w in first.widgets.values()) else []

    async def one(u: int, s: Session, kind: str, t0: float) -> list[Run]:
        if kind == "council" and years:  # council changes start from the latest year, as a visitor's do
            await s.rerun(change=("Year", years[0]))
        runs = []
        rot = pages[u % len(pages) :] + pages[: u % len(pages)]
        for i, step in enumerate(navigation_steps(kind, rot, councils, years, steps)):
            if i and cap_s is not None and time.perf_counter() - t0 > cap_s:
                break
            runs.append(await s.rerun(**step))
        return runs

    out = {}
    try:
        for kind in kinds:
            t0 = time.perf_counter()
            res = await asyncio.gather(*(one(u, s, kind, t0) for u, s in enumerate(sessions)))
            out[kind] = summary([r for rs in res for r in rs], time.perf_counter() - t0, planned=users * steps)
    finally:
        await asyncio.gather(*(s.close() for s in sessions))
    return out


# Councils without a framework of their own (choosing Barnsley opens its own framework's overview instead).
COUNCILS = ["Barnet", "Camden", "Leeds", "Enfield", "Haringey"]
