"""The session's selection: council, framework, year and comparator, kept in the URL and the sidebar.

Also the routing guard a page runs first, and the cached lookups the pickers need.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from cpdata.catalogue import catalogue
from cpdata.catalogue.catalogue import Framework, load_frameworks
from cpdata.catalogue.selection import Selection, url_params
from cpdata.core import config, periods
from cpdata.core.datafolder import DataFolder
from cpdata.store import queries, reference, store
from cpdata.ui import shared_views

T = TypeVar("T")

SN_CHOICES = {
    "auto": "Statistical neighbours (model in force each year)",
    "2021": "Statistical neighbours, April 2021 model (all years)",
    "2025": "Statistical neighbours, May 2025 model (all years)",
}
STATE_KEYS = ("framework", "council", "year", "sn", "band")


def data_folder() -> DataFolder:
    """The data folder the screens show: the configured one (``CPDATA_DIR``), read on each call, as operators
    and tests re-point it. The screens' one way to it: every layer below is handed the folder, never finds it."""
    return DataFolder.of()


def data_version() -> str:
    """Cache keys carry it, so an upload shows on everyone's next interaction."""
    return store.version(data_folder())


# Shared (``shared_views.kept``), not copied: pickers only read these, so every session shares one copy rather
# than unpickling its own on each of the four calls a run makes (as ``st.cache_data`` did). Keyed on a stamp
# of what they are read from (``shared_views.stamp_of``), not the data version: an upload of figures leaves
# the councils (the reference tables) as they were, and most indicators' years too.
@shared_views.kept(maxsize=64)
def _councils(stamp: str, data_dir: str) -> dict[str, str]:
    df = reference.councils(DataFolder(data_dir))
    return dict(zip(df["area_code"], df["name"], strict=True))


@shared_views.kept(maxsize=256)
def _years(stamp: str, data_dir: str, council: str, ids: tuple[str, ...]) -> list[int]:
    return queries.periods_held(DataFolder(data_dir), list(ids), council)


_run_memo = threading.local()


def _once_this_run(name: str, make: Callable[[], T]) -> T:
    """``make()``, worked out once per script run. Frameworks are read from files that can change between
    runs (a council saves its own), so each run looks again, but a run asked four times and each look
    listed and checked every framework file: a tenth of a page switch (py-spy). Streamlit gives each run a
    new ``cursors`` dict; outside a run (or if that ever changes) nothing is kept."""
    ctx = get_script_run_ctx(suppress_warning=True)  # the warm-up thread has none
    run = getattr(ctx, "cursors", None) if ctx is not None else None
    if not isinstance(run, dict):
        return make()
    if getattr(_run_memo, "run", None) is not run:
        _run_memo.run, _run_memo.values = run, {}
    values: dict = _run_memo.values
    if name not in values:
        values[name] = make()
    return values[name]


def framework_problems() -> list[str]:
    """Why a council's own framework file was left out (file name and reason, no figures): every visitor sees
    a notice in the sidebar, so the council notices and fixes it; the reasons are on About the data."""
    return _once_this_run("framework_problems", lambda: catalogue.framework_problems(data_folder()))


def frameworks() -> dict[str, Framework]:
    """Shipped frameworks and any the council added in its data folder."""
    return _once_this_run("frameworks", lambda: load_frameworks(data_folder()))


def _resolve_council(raw: str | None, options: dict[str, str]) -> str | None:
    if not raw:
        return None
    if raw in options:
        return raw
    try:
        code = reference.resolve_area(data_folder(), raw)
    except KeyError:
        return None
    return code if code in options else None


def _default_framework(fws: dict[str, Framework]) -> str:
    """The deployment's default framework if it is loaded, else the first there is."""
    return config.default_framework() if config.default_framework() in fws else next(iter(fws))


def own_framework(council: str, fws: dict[str, Framework]) -> str | None:
    """The framework a council wrote for itself (its ``council_code``), if one is loaded: the first, in the
    frameworks' order, when it has several."""
    return next((fw_id for fw_id, fw in fws.items() if fw.council_code == council), None)


FRAMEWORK_CHOSEN = "_framework_chosen"  # set when the sidebar changed the framework (see take_framework_choice)


def _council_chosen() -> None:
    """A council with a framework of its own opens with it (the Framework picker can still switch away)."""
    own = own_framework(st.session_state["council"], frameworks())
    if own is not None and own != st.session_state.get("framework"):
        st.session_state["framework"] = own
        st.session_state[FRAMEWORK_CHOSEN] = True


def _framework_chosen() -> None:
    st.session_state[FRAMEWORK_CHOSEN] = True


def take_framework_choice() -> bool:
    """Whether the sidebar changed the framework since the last run (then cleared). The router uses it to tell
    a person choosing another framework on a pledge page (go to the new framework) from a link to another
    framework's pledge (show that framework)."""
    return bool(st.session_state.pop(FRAMEWORK_CHOSEN, False))


def _framework_still_loaded() -> None:
    """A framework whose file was removed or broke since the session chose it gives way to the default."""
    if st.session_state["framework"] not in (fws := frameworks()):
        st.session_state["framework"] = _default_framework(fws)


def init_state() -> None:
    """First run of a session: take the view from the link (shareable URLs), else defaults."""
    if st.session_state.get("_initialised") and all(k in st.session_state for k in STATE_KEYS):
        # Re-assigned so they outlive a run with no sidebar (the big screen): Streamlit drops
        # widget-owned values after a run in which their widgets were not drawn.
        for k in STATE_KEYS:
            st.session_state[k] = st.session_state[k]
        _framework_still_loaded()
        return
    # One copy (the last value of each key, as st.query_params[key] gives): a missing key raised and caught
    # inside Streamlit's proxy for each lookup, 2% of a served page under load (py-spy).
    qp = st.query_params.to_dict()
    fws = frameworks()
    options = council_names()
    council = _resolve_council(qp.get("council"), options) or _resolve_council(config.default_council(), options)
    st.session_state["council"] = council or next(iter(options))
    # The link's framework, else the council's own (?council=E09000002 opens Barking and Dagenham's), else the default.
    if qp.get("framework") in fws:
        st.session_state["framework"] = qp.get("framework")
    else:
        st.session_state["framework"] = own_framework(st.session_state["council"], fws) or _default_framework(fws)
    st.session_state["sn"] = qp.get("sn") if qp.get("sn") in SN_CHOICES else "auto"
    year = qp.get("year")
    st.session_state["year"] = int(year) if year and year.isdigit() else None
    st.session_state["band"] = qp.get("band") != "off"
    st.session_state["_initialised"] = True


def sidebar() -> None:
    """The council, framework, year and comparator pickers; every page shares them."""
    fws = frameworks()
    options = council_names()
    with st.sidebar:
        st.selectbox(
            "Council", list(options), key="council", format_func=lambda c: options.get(c, c), on_change=_council_chosen
        )
        st.selectbox(
            "Framework", list(fws), key="framework", format_func=lambda f: fws[f].title, on_change=_framework_chosen
        )
        fw = fws[st.session_state["framework"]]
        years = years_held(st.session_state["council"], tuple(fw.indicator_ids()))
        if st.session_state.get("year") not in years:
            st.session_state["year"] = years[0] if years else None
        if years:
            st.selectbox("Year", years, key="year", format_func=periods.label)
        st.selectbox("Compare with", list(SN_CHOICES), key="sn", format_func=SN_CHOICES.get)
        st.toggle("Show the neighbours' range on charts", key="band")
        if problems := framework_problems():
            files = "1 framework file" if len(problems) == 1 else f"{len(problems)} framework files"
            st.warning(f"{files} in the data folder could not be loaded: see About the data.")
    state = st.session_state
    st.query_params.from_dict(
        url_params(state["framework"], state["council"], state["year"], state["sn"], state.get("band", True))
    )


def council_options() -> dict[str, str]:
    """Current councils, code -> name, for pickers."""
    return council_names()


def council_names(folder: DataFolder | None = None) -> dict[str, str]:
    """Current councils, code -> name, of the current (or pinned) version of ``folder`` (the one in use)."""
    folder = folder or data_folder()
    return _councils(stamp=shared_views.stamp_of(folder), data_dir=str(folder.root))


def years_held(council: str, ids: tuple[str, ...], folder: DataFolder | None = None) -> list[int]:
    """Years with any figure for the council or England, newest first (the year picker)."""
    folder = folder or data_folder()
    stamp = shared_views.stamp_of(folder, ids)
    return _years(stamp=stamp, data_dir=str(folder.root), council=council, ids=ids)


def ensure_routed() -> None:
    """Hand a page run without ``dashboard.py`` back to the router.

    With a folder called ``pages/`` beside it, Streamlit's legacy router handles the first
    session after the server starts, and runs ``pages/<name>.py`` alone when the URL matches a
    file name (``/briefing``, ``/overview``): no state, no sidebar. Turning the legacy router
    off and rerunning sends that run through ``dashboard.py`` and ``st.navigation``.
    """
    if not st.session_state.get("_initialised"):
        PagesManager.uses_pages_directory = False
        st.rerun()
    # Without a rerun (clicks kept): values a run with no sidebar dropped come back from the URL, and a
    # framework whose file has gone falls back to the default (as the router's init_state does).
    if not all(k in st.session_state for k in STATE_KEYS):
        init_state()
    else:
        _framework_still_loaded()


def selection() -> Selection:
    """What the user has chosen, with the names pages need."""
    ensure_routed()
    council = st.session_state["council"]
    return Selection(
        framework=frameworks()[st.session_state["framework"]],
        council=council,
        council_name=council_names()[council],
        year=st.session_state.get("year"),
        sn=st.session_state["sn"],
        band=st.session_state.get("band", True),
    )
