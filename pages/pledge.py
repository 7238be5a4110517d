"""One pledge: every indicator's headline, comparison and trend, then Bright Spots."""

import streamlit as st

from cpdata.ui import briefing_ui, gaps, session, ui
from cpdata.ui.plain import md

sel = session.selection()
pledge = sel.framework.pledge(st.session_state["pledge_id"])

st.title(md(f"{sel.framework.pledge_word} {pledge.order}: {pledge.title}"))  # a council's framework file
ui.context_line(sel)
ui.illustrative_banner()
briefing_ui.present_link(sel, pledge.id)
items = ui.views_for(sel, list(pledge.indicators))
gaps.no_figures_at_all(sel, pledge, items)  # said at the top, with a template of exactly these measures
if pledge.summary:
    st.markdown(md(pledge.summary))

held, not_held = ui.split_held(items)
if held:  # no heading with nothing under it
    st.header("How we are doing")
for view in held:
    ui.indicator_block(view, sel)

ui.bright_spots_section(sel, list(pledge.bright_spots))
ui.not_held_section(not_held)
