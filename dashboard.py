"""Corporate parenting dashboard: the entry point and router (``streamlit run dashboard.py``)."""

from __future__ import annotations

import streamlit as st

from cpdata import ui

st.set_page_config(page_title="Corporate parenting dashboard", page_icon="🏠", layout="wide")

ui.init_state()
framework = ui.frameworks()[st.session_state["framework"]]

overview = st.Page("pages/overview.py", title="Overview", url_path="overview", default=True)
pledge_pages = {
    st.Page("pages/pledge.py", title=f"{p.order}. {p.short_title}", url_path=p.id): p.id for p in framework.pledges
}
context = st.Page("pages/context.py", title="Children in care: context", url_path="context")
about = st.Page("pages/about_data.py", title="About the data", url_path="about-data")
accessibility = st.Page("pages/accessibility.py", title="Accessibility statement", url_path="accessibility")

page = st.navigation(
    {
        "": [overview],
        f"{framework.pledge_word}s": list(pledge_pages),
        "More": [context, about, accessibility],
    }
)
st.session_state["pledge_id"] = pledge_pages.get(page)
ui.sidebar()
page.run()
