"""The upload page's council indicators: "a new indicator" as a mapping target (a form, checked, previewed,
then added), the list of the council's own indicators with undo, and the mapping guard beside a mapping.

Only shown to a signed-in analyst (the page stops before otherwise). The checks and writes are
``cpdata.uploads.indicator_writer``'s and ``cpdata.uploads.mapping_guard``'s; this module only draws them.
Everything from the form or a file is shown as text (``st.text``, tables), never as Markdown.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cpdata.catalogue.catalogue import load_catalogue
from cpdata.core import fmt
from cpdata.ui import session
from cpdata.ui.plain import md
from cpdata.uploads import ees, indicator_writer, mapping_guard

PENDING = "_new_indicator_"  # + the form's place: fields checked and previewed, waiting for "Add"
SELECT = "_select_new_indicator"  # an indicator just added, to pick in the mapping on the next run
TARGET = "map_target"
UNIT_WORDS = {  # in the order offered: the commonest first
    "percent": "percentage (0 to 100)",
    "rate_per_10k": "rate per 10,000 children",
    "count": "count (number of children or events)",
    "score": "score",
    "average": "average (e.g. cases per social worker)",
}  # every unit (tests/app/test_own_indicator_page.py checks)


def mapping_target() -> bool:
    """Before a DfE file is mapped: map it to an indicator in the catalogue, or to a new one made here.
    Returns True while the new indicator's form is open (the page's mapping waits for it)."""
    if added := st.session_state.pop(SELECT, None):  # set before the widgets are drawn, on the run after adding
        st.session_state[TARGET] = "catalogue"
        st.session_state["ees_ind"] = added
        st.success(f"Added {added} to the data folder's catalogue (undo it below). Now map the file to it.")
    choice = st.radio(
        "Map this file to",
        ["catalogue", "new"],
        format_func={"catalogue": "an indicator in the catalogue", "new": "a new indicator"}.get,
        horizontal=True,
        key=TARGET,
    )
    if choice == "new":
        form("map")
        return True
    return False


def form(where: str) -> None:
    """The new indicator's form: checked on "Check", previewed, written on "Add" (undo below)."""
    st.subheader("A new indicator")
    st.caption(
        "Your council's own indicator, saved in the data folder's catalogue beside the shipped one. Say "
        "exactly what is counted: the definition and polarity decide how every page reads its figures."
    )
    with st.form(f"new_indicator_{where}"):
        fields = {
            "id": st.text_input("Id (lower-case letters, digits and _; used in files and links)", key=f"ni_id_{where}"),
            "title": st.text_input("Title", key=f"ni_title_{where}"),
            "short_title": st.text_input("Short title (tables and charts)", key=f"ni_short_{where}"),
            "unit": st.selectbox("Unit", list(UNIT_WORDS), format_func=UNIT_WORDS.get, key=f"ni_unit_{where}"),
            "polarity": st.radio(
                "Which way is better",
                ["higher", "lower", "neither"],
                format_func=mapping_guard.POLARITY_WORDS.get,
                key=f"ni_pol_{where}",
            ),
            "decimals": int(st.number_input("Decimal places", 0, 3, 0, key=f"ni_dec_{where}")),
            "definition": st.text_area("Definition: who is counted, what, over what period", key=f"ni_def_{where}"),
            "source": st.text_input("Source", key=f"ni_src_{where}"),
            "published": st.checkbox("DfE publishes it for every council (ranks shown)", key=f"ni_pub_{where}"),
        }
        checked = st.form_submit_button("Check this indicator")
    if checked:
        try:
            indicator_writer.check(session.data_folder(), fields)
        except indicator_writer.IndicatorRefused as exc:
            st.session_state.pop(PENDING + where, None)
            st.error("This indicator cannot be added:")
            st.text(str(exc))
        else:
            st.session_state[PENDING + where] = fields
    pending = st.session_state.get(PENDING + where)  # each form previews only what was checked in it
    if pending:
        _preview(pending, where)


def _preview(fields: dict, where: str) -> None:
    st.markdown("**Preview: the indicator as it will be added**")
    example = fmt.number(12.5 if fields["decimals"] else 12, fields["unit"], fields["decimals"])
    rows = [
        ("Id", fields["id"]),
        ("Title", fields["title"]),
        ("Short title", fields["short_title"]),
        ("Unit", f"{UNIT_WORDS[fields['unit']]}; a figure is shown like {example}"),
        ("Which way is better", mapping_guard.POLARITY_WORDS[fields["polarity"]]),
        ("Definition", fields["definition"]),
        ("Source", fields["source"]),
        ("Published for every council", "yes" if fields["published"] else "no (a local measure)"),
    ]
    st.table(pd.DataFrame(rows, columns=["Field", "Value"]), hide_index=True)
    if st.button("Add this indicator", type="primary", key=f"ni_add_{where}"):
        try:
            path = indicator_writer.add(session.data_folder(), fields)
        except (indicator_writer.IndicatorRefused, OSError) as exc:
            st.error("Not added:")
            st.text(str(exc))
            return
        st.session_state.pop(PENDING + where, None)
        st.success(md(f"Added. It is in the data folder's catalogue as {path.name}; undo it below."))
        if where == "map":
            st.session_state[SELECT] = fields["id"]
            st.rerun()


def own_indicators(who: str) -> None:
    """The council's own indicators, each with its undo (refused while figures, a recipe or a framework use it)."""
    cat = load_catalogue(session.data_folder())
    st.header("Your council's own indicators")
    for problem in _problems():
        st.warning("A file in the data folder's catalogue was left out:")
        st.text(problem)
    if not cat.own:
        st.write('None yet. Add one when you map a DfE file ("Map this file to: a new indicator") or below.')
    else:
        table = pd.DataFrame(
            [
                {"id": i, "title": cat.indicators[i].title, "unit": cat.indicators[i].unit,
                 "which way is better": cat.indicators[i].polarity}
                for i in sorted(cat.own)
            ]
        )  # fmt: skip
        st.dataframe(table, hide_index=True, width="stretch", alt="Your council's own indicators")
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        target = left.selectbox("Indicator to take back", sorted(cat.own), key="ni_undo_target")
        if right.button("Undo: remove this indicator", key="ni_undo"):
            try:
                indicator_writer.remove(session.data_folder(), target)
            except (indicator_writer.IndicatorRefused, OSError) as exc:
                st.error("Not removed:")
                st.text(str(exc))
            else:
                st.success(md(f"Removed {target} (by {who})."))
    with st.expander("Add an indicator without a file"):
        form("own")


def _problems() -> list[str]:
    from cpdata.catalogue.catalogue import catalogue_problems

    return catalogue_problems(session.data_folder())


def mapping_guard_ok(df: pd.DataFrame, recipe: ees.Recipe) -> bool:
    """The guard beside the page's mapping: the indicator's meaning next to the choices, any contradiction
    refused, and the polarity confirmed by a checkbox. True when the mapping may go on to be checked."""
    chosen = recipe.indicators[0]
    ind = load_catalogue(session.data_folder()).indicator(chosen.id)
    st.markdown("**Check the mapping against the indicator**")
    confirmed = st.checkbox(mapping_guard.polarity_question(ind), key=f"polarity_ok_{ind.id}")
    guard = mapping_guard.check(df, ind, chosen.filters, chosen.value, chosen.numerator, chosen.denominator, confirmed)
    st.table(pd.DataFrame(guard.lines, columns=["", "Chosen"]), hide_index=True)
    for why in guard.refusals:
        st.error("This mapping is refused:" if "polarity" not in why else "Confirm the polarity first:")
        st.text(why)
    return guard.ok
