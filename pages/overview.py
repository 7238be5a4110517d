"""Overview: a scorecard of every indicator in the framework, grouped by pledge."""

import streamlit as st

from cpdata.ui import downloads, session, ui
from cpdata.ui.plain import md

sel = session.selection()
fw = sel.framework

st.title(md(f"{sel.council_name}: corporate parenting scorecard"))
ui.context_line(sel)
ui.illustrative_banner()
st.markdown(f"**{md(fw.title)}.** Each line: the latest figure, how it compares, and its direction of travel.")

all_views = {v.indicator.id: v for v in ui.views_for(sel, fw.indicator_ids())}
downloads.whole_scorecard_download(sel, all_views)
for pledge in fw.pledges:
    st.header(md(f"{fw.pledge_word} {pledge.order}: {pledge.title}"), anchor=pledge.id)
    ui.scorecard(sel, pledge, all_views)
