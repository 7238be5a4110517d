"""Context: how many children are in care, where they live, care leavers."""

import streamlit as st

from cpdata.catalogue.catalogue import context_indicators
from cpdata.ui import session, ui
from cpdata.ui.plain import md

sel = session.selection()
st.title(md(f"Children in care in {sel.council_name}: context"))
ui.context_line(sel)
ui.illustrative_banner()
st.markdown("Numbers in care, the rate per 10,000 children, starting and ceasing, and where children live.")

held, not_held = ui.split_held(ui.views_for(sel, context_indicators()))
st.header("The figures")
for view in held:
    ui.indicator_block(view, sel)
ui.not_held_section(not_held)
