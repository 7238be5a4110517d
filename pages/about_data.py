"""About the data: every extract held, its source, and what the symbols mean."""

import streamlit as st

from cpdata.catalogue.catalogue import catalogue_problems
from cpdata.figures import provenance
from cpdata.ui import session, ui
from cpdata.ui.plain import md

sel = session.selection()
st.title("About the data")
ui.illustrative_banner()
st.markdown(
    "Every figure on this dashboard comes from one of the extracts below. Published figures are "
    "from the Department for Education's statistics (Explore Education Statistics), which contain "
    "public sector information licensed under the Open Government Licence v3.0. Local figures are "
    "taken from councils' own strategies and reports and are labelled as such wherever they appear."
)
st.header("Extracts held")
st.dataframe(provenance.extracts_table(session.data_folder()), hide_index=True, width="stretch")
st.caption(f"Data version {session.data_version()} · as at {provenance.as_at(session.data_folder())}")

st.header("Frameworks")
st.markdown(
    "A framework is a council's set of pledges and the indicators under each. Frameworks ship with the "
    "dashboard; a council adds its own as a TOML file in the data folder's `frameworks` folder."
)
st.dataframe(provenance.frameworks_table(session.frameworks()), hide_index=True, width="stretch")
for problem in session.framework_problems():
    st.warning(md(problem), icon="⚠️")  # names a file in the data folder and quotes it
for problem in catalogue_problems(session.data_folder()):  # a council's own indicator file left out, and why (as text)
    st.warning("A file of the council's own indicators was left out:", icon="⚠️")
    st.text(problem)

st.header("Symbols")
st.markdown("A symbol is never a zero: such years are gaps in charts and are left out of averages.")
st.dataframe(provenance.symbols_table(), hide_index=True, width="stretch")

st.header(md(f"Statistical neighbours of {sel.council_name}"))
st.markdown(
    "The Department for Education names, for each council, the ten most similar councils. The neighbours' "
    "figure is the simple mean of their published figures, to one decimal place, leaving out any neighbour "
    "with no figure (as in DfE's LAIT). By default each year uses the model in force when it was published: "
    "the April 2021 model up to 2023/24, the May 2025 model from 2024/25."
)
left, right = st.columns(2)
for col, model in ((left, "2021"), (right, "2025")):
    with col:
        st.subheader(f"{model} model")
        st.dataframe(
            provenance.neighbours_table(session.data_folder(), sel.council, model), hide_index=True, width="stretch"
        )
