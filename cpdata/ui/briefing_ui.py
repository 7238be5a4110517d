"""Streamlit pieces of the briefing pages: the running order in use, cached screens, controls.

The URL says which screen is showing (``?screen=dreams``) and which saved running order
(``?order=committee-q3``), so a presenter can bookmark a briefing and reopen it on the day.
"""

from __future__ import annotations

import streamlit as st

from cpdata.briefing import briefing, briefing_html, briefing_pdf, running_orders, warm
from cpdata.briefing.running_orders import RunningOrder
from cpdata.catalogue.catalogue import load_catalogue
from cpdata.catalogue.selection import Selection
from cpdata.core.datafolder import DataFolder
from cpdata.ui import roles, session, ui
from cpdata.ui.plain import md

DRAFT = "bf_draft"
HIDE_CHROME = """<style>
[data-testid="stSidebar"],[data-testid="stSidebarCollapsedControl"],[data-testid="stHeader"],
[data-testid="stToolbar"],[data-testid="stDecoration"],[data-testid="stSidebarNav"]{display:none !important}
[data-testid="stMainBlockContainer"]{padding:0 0 .5rem 0 !important;max-width:100% !important}
[data-testid="stMain"]{margin-left:0 !important}
.st-key-bf_next kbd,.st-key-bf_prev kbd{color:inherit !important;opacity:1 !important}
.stApp .bf-screen{--u:min(1vw,1.62vh);min-height:calc(var(--u)*53)}
.stApp .bf-voice ul{padding-left:calc(var(--u)*1.5)}
</style>"""


@st.cache_data(max_entries=32, show_spinner=False)
def _briefing(version: str, data_dir: str, fw_id: str, council: str, year: int | None, sn: str, order: tuple):
    """Built once per data version and choice of screens; every presenter's click is then instant."""
    fw = session.frameworks()[fw_id]
    return briefing.build(DataFolder(data_dir), fw, council, year, sn, _order_from_key(order) if order else None)


def _order_from_key(key: tuple) -> RunningOrder:
    name, fw, pledges, pairs = key
    return RunningOrder(name, fw, pledges, dict(pairs))


def _saved(sel: Selection) -> dict[str, RunningOrder]:
    return running_orders.saved(session.data_folder(), sel.framework)


def running_order(sel: Selection) -> RunningOrder | None:
    """The saved order named in the URL, else this session's draft, else None (the default order)."""
    slug = st.query_params.get("order")
    if slug:
        found = _saved(sel).get(slug)
        if found is None:
            st.warning(md(f"No saved running order called {slug!r} for {sel.framework.title}: showing the default."))
        return found
    draft = st.session_state.get(DRAFT)
    return draft if draft is not None and draft.framework == sel.framework.id else None


def build(sel: Selection, order: RunningOrder | None) -> briefing.Briefing:
    args = (session.data_version(), str(session.data_folder().root), sel.framework.id, sel.council, sel.year, sel.sn)
    return _briefing(*args, order.key() if order else ())


def screen_html(sel: Selection, order: RunningOrder | None, key: str) -> str:
    """The screen, drawn ahead where it could be (``warm``); the screens around it are then queued to be drawn.

    A screen not drawn yet is drawn under a spinner, so the room sees that the next screen is coming rather
    than the faded previous one."""
    args = (session.data_version(), str(session.data_folder().root), sel.framework.id, sel.council, sel.year, sel.sn)
    brief_key = (*args, order.key() if order else ())
    b = _briefing(*brief_key)
    if warm.SCREENS.ready(brief_key, key):
        html = warm.SCREENS.get(brief_key, b, key)
    else:
        with st.spinner("Drawing this screen's charts…"):
            html = warm.SCREENS.get(brief_key, b, key)
    warm.SCREENS.warm(brief_key, b, key)
    return html


def current_key(b: briefing.Briefing) -> str:
    key = st.query_params.get("screen", "cover")
    return key if key in b.screen_keys() else "cover"


def _go(key: str) -> None:
    st.query_params["screen"] = key


def _picked() -> None:
    _go(st.session_state["bf_pick"])


def keep_query(sel: Selection, key: str) -> None:
    """The URL carries everything needed to reopen this exact screen."""
    st.query_params.from_dict(sel.url_params(screen=key, order=st.query_params.get("order", "")))


def hide_chrome() -> None:
    """No sidebar, header or toolbar on the big screen; the screens' own styles."""
    st.html(HIDE_CHROME + f"<style>{briefing_html.CSS}</style>")


def controls(b: briefing.Briefing, key: str) -> None:
    """Previous / next (a presenter's clicker sends Page Up / Page Down) and a screen picker."""
    keys = b.screen_keys()
    i = keys.index(key)
    titles = {s.key: s.title for s in b.screens}
    left, middle, right, leave = st.columns([1, 3, 1, 1], vertical_alignment="bottom")
    with left:
        st.button(
            "◀ Previous",
            on_click=_go,
            args=(keys[max(i - 1, 0)],),
            disabled=i == 0,
            shortcut="PageUp",
            key="bf_prev",
            help="Page Up",
        )
    with middle:
        st.session_state["bf_pick"] = key
        st.selectbox(
            "Go to screen",
            keys,
            key="bf_pick",
            format_func=titles.get,
            on_change=_picked,
            label_visibility="collapsed",
        )
    with right:
        st.button(
            "Next ▶",
            on_click=_go,
            args=(keys[min(i + 1, len(keys) - 1)],),
            disabled=i == len(keys) - 1,
            shortcut="PageDown",
            key="bf_next",
            help="Page Down",
            type="primary",
        )
    with leave:
        st.page_link("pages/overview.py", label="Leave briefing")


def choose_order(sel: Selection) -> RunningOrder:
    """Pledges and indicators for the briefing, starting from a saved running order or the default."""
    fw = sel.framework
    saved = _saved(sel)
    start = st.selectbox(
        "Start from",
        ["", *saved],
        format_func=lambda s: saved[s].name if s else "The default (every pledge, first indicators with figures)",
        key=f"bf_start_{fw.id}",
    )
    default = build(sel, None)
    base = saved[start] if start else _default_from(default)
    titles = {p.id: f"{p.order}. {p.short_title}" for p in fw.pledges}
    pledges = st.multiselect(
        md(f"{fw.pledge_word}s, in the order to show them"),
        list(titles),
        default=list(base.pledges),
        format_func=titles.get,
        key=f"bf_pledges_{fw.id}_{start}",
    )
    chosen: dict[str, tuple[str, ...]] = {}
    cat = load_catalogue(session.data_folder())
    held = held_indicators(sel)
    for pid in pledges:
        pledge = fw.pledge(pid)
        chosen[pid] = tuple(
            st.multiselect(
                md(f"{titles[pid]}: indicators (up to {running_orders.MAX_INDICATORS})"),
                list(pledge.indicators),
                default=[i for i in base.indicators.get(pid, ()) if i in pledge.indicators],
                max_selections=running_orders.MAX_INDICATORS,
                format_func=lambda i: cat.indicator(i).short_title + ("" if i in held else " (no figure)"),
                key=f"bf_ind_{fw.id}_{start}_{pid}",
            )
        )
    draft = RunningOrder(saved[start].name if start else "", fw.id, tuple(pledges), chosen)
    st.session_state[DRAFT] = draft
    return draft


def held_indicators(sel: Selection) -> set[str]:
    """Every indicator of the framework with a figure for this council and year (not only the default
    screens' indicators: the picker marked every other one "(no figure)", figures or not)."""
    return {v.indicator.id for v in ui.views_for(sel, sel.framework.indicator_ids()) if v.period is not None}


def _default_from(b: briefing.Briefing) -> RunningOrder:
    """The default order as the presenter first sees it: what the default briefing shows."""
    pledges = tuple(s.key for s in b.screens if s.kind == "pledge")
    return RunningOrder("", b.framework.id, pledges, {s.key: tuple(t.indicator.id for t in s.tiles) for s in b.screens})


def save_form(sel: Selection, order: RunningOrder) -> str | None:
    """Save the choices under a name; returns the saved order's slug (for the link).

    Saving writes the data folder, so it needs the analyst role or the briefing-editor role; replacing an
    order of the same name is asked for, and says whose it replaces.
    """
    current = roles.secrets()
    who = roles.editor(current)
    if who is None:
        st.info(
            "Saving a running order needs the analyst role (sign in on Upload figures) or the briefing-editor "
            "role. Without it the briefing still works with the choices above."
        )
        roles.editor_sign_in(current)
        return None
    with st.form("bf_save", border=True):
        name = st.text_input("Name this running order to reuse it next quarter", value=order.name, max_chars=60)
        replace = st.checkbox("Replace the saved running order of this name, if there is one", key="bf_replace")
        if not st.form_submit_button("Save running order"):
            return None
    try:
        named = RunningOrder(name.strip(), order.framework, order.pledges, order.indicators)
        running_orders.save(session.data_folder(), named, sel.framework, by=who, replace=replace)
    except running_orders.AlreadySaved as exc:
        st.warning(md(f"Not saved: {exc}. Tick 'Replace' and save again to replace it."))
        return None
    except running_orders.RunningOrderError as exc:
        st.error(md(f"Not saved: {exc}."))
        return None
    except OSError as exc:  # a read-only or full data folder: the briefing itself still works
        st.error(
            md(f"Not saved: the data folder could not be written ({exc.strerror or exc}). Tell the administrators.")
        )
        return None
    st.success(md(f"Saved as “{named.name}” by {who}. Its link opens this briefing with these choices."))
    return running_orders.slug(named.name)


def saved_slug(sel: Selection, order: RunningOrder) -> str | None:
    """The saved running order with exactly these screens (the one named like the draft first), if any:
    the start link carries it on every run, not only on the run that saved it."""
    same = [s for s, o in _saved(sel).items() if (o.pledges, o.key()[3]) == (order.pledges, order.key()[3])]
    named = [s for s in same if order.name and s == running_orders.slug(order.name)]
    return (named or same or [None])[0]


def start_link(sel: Selection, slug: str | None, order: RunningOrder | None = None) -> None:
    """The big screen with these choices; ``order=`` names the saved running order that matches them."""
    slug = slug or (saved_slug(sel, order) if order is not None and order.pledges else None)
    params = sel.url_params(screen="cover", order=slug or "")
    st.page_link("pages/briefing.py", label="Start the briefing (full screen)", icon="▶️", query_params=params)


def pack_section(sel: Selection, order: RunningOrder) -> None:
    """Build the offline pack (HTML) or the PDF with progress shown; each download keeps the last one built."""
    st.header("Briefing pack")
    st.markdown(
        "Every screen above, one per landscape page: as a **PDF** for the committee papers (text selectable, "
        "charts sharp at any size, tagged for screen readers), or as one **HTML** file that opens in any "
        "browser without a network connection."
    )
    missing = briefing_pdf.unavailable()
    pdf_col, html_col = st.columns(2)
    with pdf_col:
        if missing:
            st.info(md(f"The PDF cannot be made on this server: {missing}. The HTML pack still works."))
        elif st.button("Build the briefing PDF", key="bf_build_pdf", type="primary"):
            b = build(sel, order if order.pledges else None)
            bar = st.progress(0.0, text="Starting")
            try:
                pdf = briefing_pdf.pack_pdf(b, lambda f, text: bar.progress(f, text=text))
            except (ImportError, OSError) as exc:  # a library found but not loadable: say so, keep the page
                bar.empty()
                st.error(md(f"The PDF could not be made on this server ({exc}). The HTML pack still works."))
            else:
                st.session_state["bf_pdf"] = (briefing_pdf.pdf_filename(b), pdf)
        if "bf_pdf" in st.session_state:
            name, data = st.session_state["bf_pdf"]
            st.download_button(
                f"Download {name} ({len(data) / 1e6:.1f} MB)",
                data,
                file_name=name,
                mime="application/pdf",
                key="bf_dl_pdf",
            )
    with html_col:
        if st.button("Build the briefing pack (HTML)", key="bf_build"):
            b = build(sel, order if order.pledges else None)
            bar = st.progress(0.0, text="Starting")
            html = briefing_html.pack_html(b, lambda f, text: bar.progress(f, text=text))
            st.session_state["bf_pack"] = (briefing_html.pack_filename(b), html.encode("utf-8"))
        if "bf_pack" in st.session_state:
            name, data = st.session_state["bf_pack"]
            st.download_button(
                f"Download {name} ({len(data) / 1e6:.1f} MB)", data, file_name=name, mime="text/html", key="bf_dl"
            )


def present_link(sel: Selection, screen: str) -> None:
    """From a pledge page straight to its briefing screen."""
    params = sel.url_params(screen=screen)
    st.page_link(
        "pages/briefing.py", label="Present this on a big screen (briefing mode)", icon="🖥️", query_params=params
    )
