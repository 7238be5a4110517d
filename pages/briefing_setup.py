"""Prepare a members' briefing: choose the screens, save the running order, build the pack."""

import streamlit as st

from cpdata.ui import briefing_ui, session, ui

sel = session.selection()
st.title("Prepare a members' briefing")
ui.context_line(sel)
ui.illustrative_banner()
st.markdown(
    "A briefing shows one screen per pledge in large type for a committee room, with a cover and a "
    "closing summary. Counts of 1 to 5 children are never shown (they appear as “fewer than 6”), and a "
    "percentage of too few children is withheld with a note, so it is safe for a public meeting."
)
order = briefing_ui.choose_order(sel)
slug = briefing_ui.save_form(sel, order)
briefing_ui.start_link(sel, slug, order)
briefing_ui.pack_section(sel, order)
