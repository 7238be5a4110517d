"""Corporate parenting dashboard: the entry point and router (``streamlit run dashboard.py``).

Every framework's pledge pages are registered on every run (those of other frameworks
hidden), so a shared link to any pledge resolves; opening one switches to its framework.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from cpdata.catalogue.catalogue import pledge_url
from cpdata.store import store
from cpdata.ui import errors, navigation, session, warm

st.set_page_config(page_title="Corporate parenting dashboard", page_icon="🏠", layout="wide")
warm.start()  # once per server process: each new data version's default pages are built as it appears

with errors.shown_plainly(stop=True):  # e.g. a damaged data folder: a plain message and a reference
    session.init_state()
frameworks = session.frameworks()
active = st.session_state["framework"]

page = navigation.page  # st.Page, made once per process (see there)
PAGES = Path(__file__).parent / "pages"
overview = page(PAGES / "overview.py", title="Overview", url_path="overview", default=True)
pledge_pages: dict[st.Page, tuple[str, str]] = {}
for fw_id, fw in frameworks.items():
    for p in fw.pledges:
        one = page(
            PAGES / "pledge.py",
            title=f"{p.order}. {p.short_title}",
            url_path=pledge_url(fw_id, p.id),
            visibility="visible" if fw_id == active else "hidden",
        )
        pledge_pages[one] = (fw_id, p.id)
more = [
    page(PAGES / "context.py", title="Children in care: context", url_path="context"),
    page(PAGES / "about_data.py", title="About the data", url_path="about-data"),
    page(PAGES / "accessibility.py", title="Accessibility statement", url_path="accessibility"),
]

briefings = [
    page(PAGES / "briefing_setup.py", title="Prepare a briefing", url_path="briefing-setup"),
    page(PAGES / "briefing.py", title="Briefing (big screen)", url_path="briefing"),
]
analysts = [
    page(PAGES / "upload.py", title="Upload figures", url_path="upload"),
    page(PAGES / "frameworks.py", title="Edit frameworks", url_path="frameworks"),
]
sections = {
    "": [overview],
    f"{frameworks[active].pledge_word}s": list(pledge_pages),
    "Members' briefings": briefings,
    "More": more,
    "Analysts": analysts,
}
# Registered without Streamlit's sidebar menu (its section markup is an invalid list); our own links instead.
current = st.navigation([overview, *pledge_pages, *more, *briefings, *analysts], position="hidden")
chosen = session.take_framework_choice()  # the sidebar changed the framework (or a council brought its own)
if current in pledge_pages:
    fw_id, pledge_id = pledge_pages[current]
    if fw_id != active and chosen:  # chosen on another framework's pledge page: open the new framework
        st.switch_page(overview)
    if fw_id != active:  # a link to another framework's pledge: show that framework
        st.session_state["framework"] = fw_id
        st.rerun()
    st.session_state["pledge_id"] = pledge_id
with (
    errors.shown_plainly(),
    store.pinned(session.data_folder()),
):  # one data version per run; a plain message and reference on error
    if current != briefings[1]:  # the big screen has no sidebar; its URL carries the choices
        navigation.sidebar_links({k: [p for p in v if p.visibility != "hidden"] for k, v in sections.items()}, current)
        session.sidebar()
    current.run()
