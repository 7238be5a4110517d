"""The upload page's pieces: the analyst gate, mapping, problems, preview, apply, history."""

from __future__ import annotations

import hashlib
import io

import pandas as pd
import streamlit as st

from cpdata.catalogue.catalogue import load_catalogue
from cpdata.store import store
from cpdata.ui import indicator_form, roles, session
from cpdata.ui.plain import md
from cpdata.uploads import auth, ees, ingest, saved_recipes, shapes, uploads
from cpdata.uploads.problems import counted


def analyst() -> str | None:
    """The analyst's name, or None after showing why uploading is not allowed."""
    secrets = roles.secrets()
    how = auth.mode(secrets)
    if how == "none":
        st.error(auth.NOT_CONFIGURED)
        return None
    if how == "oidc":
        if not st.user.is_logged_in:
            st.info("Uploading needs the analyst role. Sign in with your council account.")
            st.button("Sign in", on_click=st.login)
            return None
        if not auth.email_is_analyst(st.user.get("email"), secrets):
            st.error("You are signed in, but not as an analyst: ask the dashboard's administrator for the role.")
            return None
        return str(st.user.get("email"))
    if (signed_in := roles.signed_in("analyst", secrets)) is not None:  # re-checked against the secrets now
        return signed_in
    with st.form("analyst_login"):
        name = st.text_input("Your name (recorded with each upload)")
        password = st.text_input("Analysts' password", type="password")
        if st.form_submit_button("Sign in as analyst"):
            attempts = st.session_state.setdefault("analyst_sign_in", auth.Attempts())
            refused = auth.sign_in(name, password, secrets, attempts)
            if refused is None:
                roles.remember("analyst", name.strip(), secrets)
                # Run again without the form: drawn in this run, it would stay on screen with the password
                # in its box until the next interaction (and a widget not drawn in a run loses its value).
                st.rerun()
            st.error(md(refused))
    return None


def analyst_or_stop() -> str:
    """The signed-in analyst's name, said under the page's title; for anyone else the page stops here, after
    saying why (every page that changes the data opens this way)."""
    who = analyst()
    if who is None:
        st.stop()
    st.caption(md(f"Signed in as analyst: {who}"))
    return who


def problems_frame(prepared: ingest.Prepared) -> pd.DataFrame:
    """One line per problem. ``Row`` is a nullable integer: blank for a problem with the whole file."""
    return pd.DataFrame(
        {
            "Kind": ["✖ fix" if p.severity == "fail" else "⚠ check" for p in prepared.problems],
            "Row": pd.array([p.row for p in prepared.problems], dtype="Int64"),
            "Column": [p.column or "" for p in prepared.problems],
            "Problem": [p.message for p in prepared.problems],
            "How to fix": [p.fix for p in prepared.problems],
        }
    )


def problems_table(prepared: ingest.Prepared) -> None:
    if not prepared.problems:
        st.success(md(f"{prepared.filename}: recognised as {prepared.shape}; every check passed."))
        return
    fails, advisories = counted(prepared.problems, "fail"), counted(prepared.problems, "advisory")
    (st.error if fails else st.warning)(
        md(f"{prepared.filename}: recognised as {prepared.shape}. {fails} problem(s) to fix, {advisories} to check.")
        + (" Nothing has been changed." if fails else "")
    )
    # A plain table, so each problem and its fix can be read in full (a grid cuts long text short).
    text = ["Column", "Problem", "How to fix"]  # st.table reads its cells as Markdown: they quote the file
    shown = problems_frame(prepared).assign(**{c: lambda f, c=c: f[c].map(_shown) for c in text})
    st.table(
        shown.style.format(na_rep=""),
        hide_index=True,
        alt=f"Problems found in {prepared.filename}",
    )


SHOWN_MAX = 500  # characters of one problem's text on the page: a cell quoted can be a megabyte long


def _shown(text: str) -> str:
    """A problem's text as the table shows it: plain text, and at most ``SHOWN_MAX`` characters."""
    return md(text if len(text) <= SHOWN_MAX else text[: SHOWN_MAX - 1] + "…")


def mapping_choices(prepared: ingest.Prepared) -> dict[str, str]:
    """For a wide table's unknown names: the analyst confirms the suggested indicator or picks one."""
    cat = load_catalogue(session.data_folder())
    ids = [""] + list(cat.indicators)
    chosen = {}
    st.subheader("Match your table's indicators to the catalogue")
    for name, suggestion in prepared.unmatched.items():
        pick = st.selectbox(
            md(f"'{name}' is"),
            ids,
            index=ids.index(suggestion) if suggestion in ids else 0,
            format_func=lambda i: "choose…" if not i else f"{cat.indicators[i].title} ({i})",
            key=f"map_{name}",
        )
        if pick:
            chosen[name] = pick
    return chosen


def preview_tables(changes: dict[str, pd.DataFrame]) -> None:
    st.markdown(
        f"**If applied:** {len(changes['new'])} new figures, {len(changes['changed'])} changed, "
        f"{len(changes['unchanged'])} unchanged."
    )
    names = {"changed": "Changed", "new": "New", "unchanged": "Unchanged"}
    labels = {key: f"{name} ({len(changes[key])})" for key, name in names.items()}
    # Open on the first tab with figures in it, not on an empty "Changed (0)".
    first = next((labels[k] for k in names if len(changes[k])), labels["changed"])
    tabs = st.tabs(list(labels.values()), default=first)
    for tab, key in zip(tabs, names, strict=True):
        with tab:
            st.dataframe(
                changes[key], hide_index=True, width="stretch", alt=f"{names[key]} figures if this upload is applied"
            )


def history_and_undo(who: str) -> None:
    """Undo first (if asked), then the history, so the table always shows the state after it."""
    st.header("Uploads applied")
    live = list(uploads.history(session.data_folder()).query("status == 'live'")["id"])
    if live:
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        target = left.selectbox("Upload to undo", live, key="undo_target")
        if right.button("Undo this upload", key="undo_button"):
            try:
                uploads.undo(session.data_folder(), target, who)
            except uploads.UploadRefused as exc:
                st.error(md(exc))
            else:
                st.success(md(f"Undone {target}: the figures seen before it are back."))
    table = uploads.history(session.data_folder())
    if table.empty:
        st.write("No uploads yet.")
    else:
        st.dataframe(table, hide_index=True, width="stretch", alt="Uploads applied, newest first")


HELD_CHECKS = 4  # the page checks a file up to three times a run (as read, with a recipe, with a mapping)


def prepare(data: bytes, filename: str, options: ingest.Options, frame: pd.DataFrame | None = None) -> ingest.Prepared:
    """The file checked with these options against this data version, reused while none of them changes.

    Every click on the page reruns it, and checking a 20,040-row file took ~0.2 s on the sample data and
    ~0.7 s at 100x; Apply's own click would check it once more before applying. Kept in the session (an
    upload is the analyst's own), at most ``HELD_CHECKS`` of them; a new data version or file misses.
    """
    key = (store.version(session.data_folder()), hashlib.sha256(data).hexdigest(), filename, repr(options))
    held: dict = st.session_state.setdefault("_upload_checks", {})
    if key not in held:
        held[key] = ingest.prepare(session.data_folder(), data, filename, options, frame=frame)
        while len(held) > HELD_CHECKS:
            held.pop(next(iter(held)))
    return held[key]


def read_bytes(uploaded) -> bytes:
    return uploaded.getvalue() if hasattr(uploaded, "getvalue") else io.BytesIO(uploaded.read()).getvalue()


def ees_mapping(needs: shapes.NeedsRecipe, filename: str) -> tuple[ees.Recipe, bool] | None:
    """For a DfE file no recipe knows: the analyst maps it to an indicator. Returns (recipe, save) once the
    indicator, the column of figures and every filter are chosen; None until then (nothing is checked for
    a choice nobody made). What the file holds is shown as plain text: its names come from the file."""
    cat = load_catalogue(session.data_folder())
    st.subheader("Map this file to an indicator")
    st.text(needs.description)
    if not needs.numbers:
        st.error("No column of figures was found in this file.")
        return None
    st.caption("Pick the indicator, the column holding its figure, and one value for each filter.")
    ids = list(cat.indicators)
    only = lambda options: 0 if len(options) == 1 else None  # noqa: E731 - one choice is made already
    indicator = st.selectbox(
        "Indicator",
        ids,
        index=None,
        placeholder="choose…",
        format_func=lambda i: f"{cat.indicators[i].title} ({i})",
        key="ees_ind",
    )
    value = st.selectbox(
        "Column with the figure", needs.numbers, index=only(needs.numbers), placeholder="choose…", key="ees_value"
    )
    numerator = (
        st.selectbox(
            "Column with the count (optional)",
            ["", *needs.numbers],
            format_func=lambda c: c or "none",
            key="ees_num",
        )
        or None
    )
    chosen = {
        col: st.selectbox(md(f"Filter '{col}'"), values, index=only(values), placeholder="choose…", key=f"ees_f_{col}")
        for col, values in needs.filters.items()
    }
    publication = st.text_input(
        "Publication (the source shown on screen)", value="DfE: Explore Education Statistics", key="ees_pub"
    )
    save = st.checkbox("Save this mapping for files like this next time", value=True, key="ees_save")
    if indicator is None or value is None or any(v is None for v in chosen.values()):
        st.info("Choose the indicator, the column with the figure and a value for each filter to check the file.")
        return None
    recipe = saved_recipes.recipe_from_choice(
        saved_recipes.name_for(cat.indicators[indicator].short_title, filename),
        indicator,
        chosen,
        value,
        publication,
        numerator,
    )
    return recipe, save


def applied(entry: dict) -> None:
    """What Apply did: the figures applied, and whether the mapping made for them was saved."""
    st.success(md(f"Applied as {entry['id']}: {entry['rows']} figures. Every page now shows them."))
    if "recipe_saved" in entry:
        st.info(md(f"Mapping saved as {entry['recipe_saved']}: files like this will be recognised next time."))
    elif "recipe_not_saved" in entry:
        st.warning(md(f"The upload is applied, but the mapping was not saved: {entry['recipe_not_saved']}."))


def check_map_and_apply(data: bytes, filename: str, options: ingest.Options, who: str) -> None:
    """The file checked (once per choice); a DfE file no recipe knows is mapped first and a wide table's
    unknown names matched, then its problems, what it would change, and Apply. Checks wait for the choice."""
    prepared = prepare(data, filename, options)
    if prepared.needs_recipe is not None:
        if indicator_form.mapping_target():  # "a new indicator" as the mapping target: its form is open
            return
        mapped = ees_mapping(prepared.needs_recipe, filename)
        if mapped is None or not indicator_form.mapping_guard_ok(prepared.frame, mapped[0]):
            return
        options.recipe, options.save_recipe = mapped
        prepared = prepare(data, filename, options, frame=prepared.frame)
    if prepared.unmatched:
        options.mapping = mapping_choices(prepared)
        prepared = prepare(data, filename, options, frame=prepared.frame)
    problems_table(prepared)
    if prepared.failed:
        return
    preview_tables(prepared.changes)
    if uploads.changes_nothing(prepared):  # said, and no Apply: it would add an extract and change nothing
        st.info(uploads.NOTHING_NEW)
        return
    if st.button("Apply this upload", type="primary"):
        try:
            entry = uploads.apply(session.data_folder(), prepared, data, who)
        except uploads.UploadRefused as exc:
            st.error(md(exc))
        else:
            applied(entry)
