"""Briefing mode: one screen at a time, big type, for a committee room's screen."""

import streamlit as st

from cpdata.ui import briefing_ui, session

sel = session.selection()
order = briefing_ui.running_order(sel)
brief = briefing_ui.build(sel, order)
screen = briefing_ui.current_key(brief)

briefing_ui.hide_chrome()
briefing_ui.keep_query(sel, screen)
st.html(briefing_ui.screen_html(sel, order, screen))
briefing_ui.controls(brief, screen)
