"""Upload figures: check a file, preview what changes, apply it, and undo any upload."""

import streamlit as st

from cpdata.ui import indicator_form, session, ui, upload_templates, upload_ui
from cpdata.ui.plain import md
from cpdata.uploads import ees, ingest, readers

session.ensure_routed()

st.title("Upload figures")
ui.illustrative_banner()
st.markdown(
    "Accepted: the dashboard's template, a DfE Explore Education Statistics CSV as downloaded, or your "
    "council's wide performance table (one row per indicator, columns like '2021/22 Outturn'). CSV or Excel."
)
who = upload_ui.analyst_or_stop()
upload_templates.template_downloads()

st.header("Check and apply a file")
# a saved recipe that cannot be used is skipped; say which and why
for problem in ees.recipe_problems(session.data_folder()):
    st.warning(md(problem))
uploaded = st.file_uploader("File to upload", type=["csv", "xlsx"], max_upload_size=readers.MAX_UPLOAD_BYTES // 2**20)
if uploaded is not None:
    data = upload_ui.read_bytes(uploaded)
    options = ingest.Options()
    if readers.is_excel(uploaded.name):
        try:
            options.sheet = st.selectbox("Sheet", readers.sheet_names(data))
        except readers.ReadError as exc:
            st.error(md(exc))
            st.stop()
    councils = session.council_options()
    options.council = st.selectbox(
        "Whose figures (for a council's own table)",
        list(councils),
        format_func=councils.get,
        index=list(councils).index(st.session_state.get("council", next(iter(councils)))),
    )
    scale = st.radio(
        "Percentages are written as",
        ["auto", "percent", "proportion"],
        horizontal=True,
        format_func={
            "auto": "work it out (ask if unsure)",
            "percent": "62.5 (out of 100)",
            "proportion": "0.625 (out of 1)",
        }.get,
    )
    options.percent_scale = scale
    options.source = st.text_input("Source to record with these figures", value=f"Uploaded: {uploaded.name}")
    upload_ui.check_map_and_apply(data, uploaded.name, options, who)

indicator_form.own_indicators(who)
upload_ui.history_and_undo(who)
