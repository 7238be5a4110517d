"""Edit frameworks: an analyst shapes a council's pledges, or starts a new council's from a copy."""

import streamlit as st

from cpdata.ui import framework_ui, session, upload_ui

session.ensure_routed()

st.title("Edit frameworks")
st.markdown(
    "A framework is a council's pledges (or promises, expectations): their titles, order and summary, and "
    "the indicators and Bright Spots measures on each page. Saved in the data folder, checked as it is "
    "loaded, and every save can be undone."
)
upload_ui.analyst_or_stop()
data = framework_ui.choose()
if data is None:
    st.stop()
framework_ui.save_and_undo(framework_ui.editor(data))
