"""The upload page's "a new indicator": add one in the form (checked, previewed), map a DfE file the catalogue
does not know to it behind the mapping guard, apply, see it on a pledge page, undo the upload and the
indicator."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from cpdata.catalogue.catalogue import load_catalogue, pledge_url
from cpdata.core.datafolder import DataFolder
from cpdata.store import queries
from cpdata.uploads import uploads
from tests.app.test_app import open_page
from tests.app.test_upload_page import _signed_in
from tests.unit.test_own_indicators import BARNET, MISSING, WENT_MISSING, dfe_shaped_file

FRAMEWORK = (
    'id = "ours"\ntitle = "Our plan"\ncouncil_code = "E09000003"\n[[pledge]]\nid = "safe"\norder = 1\n'
    'title = "Keep you safe"\nindicators = ["cla_went_missing", "cla_3plus_placements"]\n'
)


def _by_key(widgets, key: str):
    return next(w for w in widgets if w.key == key)


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def _fill_form(at: AppTest, **overrides: str) -> AppTest:
    keys = {"id": "ni_id_map", "title": "ni_title_map", "short_title": "ni_short_map", "source": "ni_src_map"}
    for key, value in ({keys[k]: v for k, v in WENT_MISSING.items() if k in keys} | overrides).items():
        _by_key(at.text_input, key).set_value(value)
    _by_key(at.text_area, "ni_def_map").set_value(WENT_MISSING["definition"])
    _by_key(at.selectbox, "ni_unit_map").set_value("percent")
    _by_key(at.radio, "ni_pol_map").set_value("lower")
    _by_key(at.checkbox, "ni_pub_map").check()
    return at


def _upload(at: AppTest, path: Path) -> AppTest:
    return at.file_uploader[0].set_value((path.name, path.read_bytes(), "text/csv")).run()


def test_add_an_indicator_map_a_file_apply_see_it_and_undo(data_copy, tmp_path):
    path = tmp_path / "la_cla_missing.csv"
    percent = dfe_shaped_file(path)
    at = _upload(_signed_in(), path)
    assert not at.exception
    _by_key(at.radio, "map_target").set_value("new").run()

    # A bad id is refused with nothing written, and the reason shown as text.
    _fill_form(at, ni_id_map="Went Missing")
    next(b for b in at.button if b.label == "Check this indicator").click().run()
    assert any("lower-case letters" in t.value for t in at.text)
    assert not (data_copy / "catalogue").exists()

    _fill_form(at)
    next(b for b in at.button if b.label == "Check this indicator").click().run()
    assert sum("Preview" in m.value for m in at.markdown) == 1  # in this form only, not the one below too
    assert not (data_copy / "catalogue").exists()  # previewed, not yet written
    _button(at, "Add this indicator").click().run()
    assert not at.exception
    assert (data_copy / "catalogue" / "cla_went_missing.toml").is_file()

    # The mapping now targets the new indicator; the guard asks for the polarity and refuses a count column.
    assert _by_key(at.selectbox, "ees_ind").value == "cla_went_missing"
    _by_key(at.selectbox, "ees_f_missing_status").set_value(MISSING)
    _by_key(at.selectbox, "ees_value").set_value("children_count").run()
    assert any("looks like a count" in t.value for t in at.text)
    assert not any(b.label == "Apply this upload" for b in at.button)
    _by_key(at.selectbox, "ees_value").set_value("children_percent")
    _by_key(at.selectbox, "ees_num").set_value("children_count").run()
    assert any("Confirm the polarity" in t.value for t in at.text)
    assert not any(b.label == "Apply this upload" for b in at.button)
    _by_key(at.checkbox, "polarity_ok_cla_went_missing").check().run()
    assert not at.exception
    _button(at, "Apply this upload").click().run()
    assert any("Applied as upload_" in s.value for s in at.success)
    card = queries.scorecard_table(DataFolder(data_copy), BARNET, 2025).set_index("indicator_id")
    assert card.loc["cla_went_missing", "council"] == float(percent[BARNET])

    # On a pledge page of a framework that names it.
    (data_copy / "frameworks").mkdir()
    (data_copy / "frameworks" / "ours.toml").write_text(FRAMEWORK)
    page = AppTest.from_file(str(Path(__file__).parents[2] / "dashboard.py"), default_timeout=60).run()
    page = open_page(page, pledge_url("ours", "safe"))
    assert not page.exception
    assert any(h.value == "Went missing" for h in page.subheader)
    assert any(m.value == f"{percent[BARNET]}%" for m in page.metric)

    # Undo: the upload, then (once no framework names it) the indicator and the recipe made for it.
    at = open_page(at, "upload")
    _button(at, "Undo this upload").click().run()
    assert uploads.history(DataFolder(data_copy)).iloc[0]["status"].startswith("undone")
    _by_key(at.selectbox, "ni_undo_target").set_value("cla_went_missing")
    _button(at, "Undo: remove this indicator").click().run()
    assert any("framework file ours.toml" in t.value for t in at.text)  # refused while the framework names it
    (data_copy / "frameworks" / "ours.toml").unlink()
    _button(at, "Undo: remove this indicator").click().run()
    assert any("Removed cla_went_missing" in s.value for s in at.success)
    assert "cla_went_missing" not in load_catalogue(DataFolder(data_copy)).indicators
    assert not list((data_copy / "recipes").glob("*.toml"))
    assert len(list((data_copy / "removed").iterdir())) == 2  # kept aside, not deleted


def test_the_form_offers_every_unit():
    from cpdata.catalogue.catalogue import UNITS
    from cpdata.ui import indicator_form

    assert set(indicator_form.UNIT_WORDS) == UNITS


def test_about_the_data_says_why_a_council_indicator_file_was_left_out(data_copy):
    (data_copy / "catalogue").mkdir()
    (data_copy / "catalogue" / "ours.toml").write_text('[[indicator]]\nid = "cla_count"\n')
    at = open_page(
        AppTest.from_file(str(Path(__file__).parents[2] / "dashboard.py"), default_timeout=60).run(), "about-data"
    )
    assert not at.exception
    assert any("ours.toml" in t.value and "has no 'title'" in t.value for t in at.text)
