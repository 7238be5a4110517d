"""The framework page: an analyst edits a council's framework (pledges' titles, order and summary, their
indicators and Bright Spots measures) or starts a new council's from a copy of a shipped one; saved to the
data folder by ``cpdata.uploads.framework_writer`` (checked as the loader checks, undoable).

Plain widgets, one set per pledge, so every choice is a labelled control (keyboard and screen reader) and
AppTest can drive it. The edit is kept in the session until saved; what the analyst typed is shown as text.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cpdata.catalogue.catalogue import FRAMEWORK_DIR, framework_problems, load_catalogue, load_frameworks
from cpdata.ui import session
from cpdata.ui.plain import md
from cpdata.uploads import framework_writer

EDIT = "_framework_edit"  # (source key, data) of the framework being edited
FLASH = "_framework_done"  # what the last undo did, shown after the page is redrawn


def choose() -> dict | None:
    """Which framework to edit, or which shipped one a new council copies; the edit it starts (or resumes)."""
    for problem in framework_problems(session.data_folder()):
        st.warning("A framework file in the data folder was left out:")
        st.text(problem)
    fws = load_frameworks(session.data_folder())
    how = st.radio(
        "What to do",
        ["edit", "new"],
        format_func={"edit": "edit a council's framework", "new": "start a new council's framework"}.get,
        horizontal=True,
        key="fw_how",
    )
    if how == "edit":
        fw_id = st.selectbox("Framework", list(fws), format_func=lambda f: fws[f].title, key="fw_pick")
        source = ("edit", fw_id)
        start = lambda: framework_writer.as_dict(fws[fw_id])  # noqa: E731 - made only when needed
    else:
        shipped = [f for f in fws if (FRAMEWORK_DIR / f"{f}.toml").exists()]
        base = st.selectbox("Start from a copy of", shipped, format_func=lambda f: fws[f].title, key="fw_base")
        councils = session.council_options()
        council = st.selectbox("Council", list(councils), format_func=councils.get, key="fw_council")
        new_id = st.text_input("Id of the new framework (lower-case letters, digits and _)", key="fw_new_id")
        title = st.text_input("Title of the new framework", key="fw_new_title")
        if not new_id or not title:
            st.info("Give the new framework an id and a title to start from the copy.")
            return None
        source = ("new", base, new_id, title, council)
        start = lambda: framework_writer.copy_of(fws[base], new_id, title, council)  # noqa: E731
    held = st.session_state.get(EDIT)
    if not held or held[0] != source:
        forget_edits()
        st.session_state[EDIT] = (source, start())
    return st.session_state[EDIT][1]


def editor(data: dict) -> dict:
    """Every field of the framework as a control; returns the framework as the controls now say."""
    cat = load_catalogue(session.data_folder())
    key = f"{data['id']}"
    out = {
        "id": data["id"],
        "title": st.text_input("Title", data["title"], key=f"fw_title_{key}"),
        "council_code": data["council_code"],
        "pledge_word": st.text_input("What a pledge is called (Pledge, Promise, Expectation)", data["pledge_word"],
                                     key=f"fw_word_{key}"),
        "source": st.text_input("Source", data.get("source", ""), key=f"fw_source_{key}"),
        "pledge": [],
    }  # fmt: skip
    ids, measures = list(cat.indicators), list(cat.bright_spots)
    for i, p in enumerate(data["pledge"]):
        with st.expander(md(f"{i + 1}. {p['title'] or 'new pledge'}"), expanded=not p["title"]):
            k = f"{key}_{i}"
            if st.checkbox("Remove this pledge", key=f"fw_drop_{k}"):
                continue
            pledge = {
                "id": st.text_input("Id (part of the page's link)", p["id"], key=f"fw_pid_{k}"),
                "order": int(st.number_input("Order", 1, 50, int(p["order"]), key=f"fw_order_{k}")),
                "title": st.text_input("Title", p["title"], key=f"fw_ptitle_{k}"),
                "short_title": st.text_input("Short title (the menu)", p["short_title"], key=f"fw_pshort_{k}"),
                "summary": st.text_area("Summary", p.get("summary", ""), key=f"fw_psum_{k}"),
                "indicators": st.multiselect(
                    "Indicators, in the order shown", ids, [x for x in p["indicators"] if x in cat.indicators],
                    format_func=lambda x: f"{cat.indicators[x].short_title} ({x})", key=f"fw_pind_{k}",
                ),
                "bright_spots": st.multiselect(
                    "Bright Spots measures", measures, [x for x in p["bright_spots"] if x in cat.bright_spots],
                    format_func=lambda x: cat.bright_spots[x].title, key=f"fw_pbs_{k}",
                ),
                "measures_of_success": st.text_area(
                    "Measures of success (one a line)", "\n".join(p.get("measures_of_success", [])),
                    key=f"fw_pmos_{k}",
                ).splitlines(),
            }  # fmt: skip
            out["pledge"].append(pledge)
    if st.button("Add a pledge", key=f"fw_add_{key}"):
        n = len(data["pledge"]) + 1
        data["pledge"].append(
            {"id": f"pledge_{n}", "order": n, "title": "", "short_title": "", "summary": "", "indicators": [],
             "bright_spots": [], "measures_of_success": []}
        )  # fmt: skip
        st.rerun()
    return out


def save_and_undo(data: dict) -> None:
    """Check (as the loader does), save, and undo the last save; every message is plain text."""
    left, middle, right = st.columns(3)
    if left.button("Check this framework", key="fw_check"):
        _checked(data)
    if middle.button("Save this framework", type="primary", key="fw_save"):
        fw = _checked(data)
        if fw is not None:
            try:
                path = framework_writer.save(session.data_folder(), data)
            except (framework_writer.FrameworkRefused, OSError) as exc:
                st.error("Not saved:")
                st.text(str(exc))
            else:
                st.success(md(f"Saved as {path.name} in the data folder's frameworks. Its pages show it now."))
    if framework_writer.saves(session.data_folder(), data["id"]) and right.button("Undo the last save", key="fw_undo"):
        try:
            done = framework_writer.undo(session.data_folder(), data["id"])
        except framework_writer.FrameworkRefused as exc:
            st.error("Not undone:")
            st.text(str(exc))
        else:
            forget_edits()
            st.session_state[FLASH] = done  # said on the run that redraws the controls from the file
            st.rerun()
    if done := st.session_state.pop(FLASH, None):
        st.success(done)


CHOICES = ("fw_how", "fw_pick", "fw_base", "fw_council", "fw_new_id", "fw_new_title")


def forget_edits() -> None:
    """Drop the edit and its controls' values (a control keeps its value over a new default otherwise)."""
    st.session_state.pop(EDIT, None)
    for k in [k for k in st.session_state if str(k).startswith("fw_") and k not in CHOICES]:
        del st.session_state[k]


def _checked(data: dict):
    try:
        fw = framework_writer.check(session.data_folder(), data)
    except framework_writer.FrameworkRefused as exc:
        st.error("This framework cannot be saved yet:")
        st.text(str(exc))
        return None
    rows = [
        {"order": p.order, "title": p.title, "indicators": len(p.indicators), "Bright Spots": len(p.bright_spots)}
        for p in fw.pledges
    ]
    st.info(md(f"Checked: {len(fw.pledges)} {fw.pledge_word.lower()}s, as the pages will show them."))
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", alt="The framework as checked")
    return fw
