"""The upload page through AppTest: refused without the analyst role; upload, preview, apply, undo."""

import hashlib
import json

from streamlit.testing.v1 import AppTest

from cpdata.core.datafolder import DataFolder
from cpdata.store import queries
from cpdata.uploads import uploads
from tests.app.test_app import APP, no_errors, open_page

PASSWORD = "correct horse"
GOOD = b"indicator_id,area_code,period,value\ncla_reviews_timely,E09000003,2024/25,97.5\n"


def _upload_page(secrets: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in (secrets or {}).items():
        at.secrets[k] = v
    return open_page(at.run(), "upload")


def test_refused_without_an_analyst_login_configured(data_copy):
    at = _upload_page()
    assert not at.exception
    assert any("Uploading is switched off" in e.value for e in at.error)
    assert not at.file_uploader


def test_wrong_password_is_refused(data_copy):
    at = _upload_page({"analysts": {"password_sha256": hashlib.sha256(PASSWORD.encode()).hexdigest()}})
    at.text_input[0].set_value("Ana")
    at.text_input[1].set_value("guess")
    at.button[0].click().run()
    assert any("do not give the analyst role" in e.value for e in at.error)
    assert not at.file_uploader
    assert PASSWORD not in str(at)  # the secret never reaches the page


def test_upload_preview_apply_and_undo(data_copy):
    at = _upload_page({"analysts": {"password_sha256": hashlib.sha256(PASSWORD.encode()).hexdigest()}})
    at.text_input[0].set_value("Ana")
    at.text_input[1].set_value(PASSWORD)
    at.button[0].click().run()
    no_errors(at)
    assert at.file_uploader, "the analyst should now see the uploader"
    at.file_uploader[0].set_value(("refresh.csv", GOOD, "text/csv")).run()
    no_errors(at)
    assert any("1 new figures, 0 changed" in m.value for m in at.markdown)
    apply = next(b for b in at.button if b.label == "Apply this upload")
    apply.click().run()
    assert any("Applied as upload_" in s.value for s in at.success)
    card = queries.scorecard_table(DataFolder(data_copy), "E09000003", 2025).set_index("indicator_id")
    assert card.loc["cla_reviews_timely", "council"] == 97.5
    history = uploads.history(DataFolder(data_copy))
    assert history.iloc[0]["applied_by"] == "Ana" and history.iloc[0]["status"] == "live"
    next(b for b in at.button if b.label == "Undo this upload").click().run()
    assert uploads.history(DataFolder(data_copy)).iloc[0]["status"].startswith("undone")
    card = queries.scorecard_table(DataFolder(data_copy), "E09000003", 2025).set_index("indicator_id")
    assert "cla_reviews_timely" not in card.index or card.loc["cla_reviews_timely", "council"] != 97.5


def test_bad_upload_shows_problems_and_no_apply_button(data_copy):
    at = _upload_page({"analysts": {"password_sha256": hashlib.sha256(PASSWORD.encode()).hexdigest()}})
    at.text_input[0].set_value("Ana")
    at.text_input[1].set_value(PASSWORD)
    at.button[0].click().run()
    bad = b"indicator_id,area_code,period,value\ncla_count,E09000003,2025,-12\n"
    at.file_uploader[0].set_value(("bad.csv", bad, "text/csv")).run()
    assert any("Nothing has been changed" in e.value for e in at.error)
    assert not any(b.label == "Apply this upload" for b in at.button)


def _signed_in(secrets: dict | None = None) -> AppTest:
    at = _upload_page(secrets or {"analysts": {"password_sha256": hashlib.sha256(PASSWORD.encode()).hexdigest()}})
    at.text_input[0].set_value("Ana")
    at.text_input[1].set_value(PASSWORD)
    at.button[0].click().run()
    return at


def test_problems_table_row_column_is_whole_numbers_with_blanks(data_copy):
    """A problem on a row and one with the whole file: Row is one integer type (blank, not '', for the file)."""
    at = _signed_in()
    mixed = (
        b"indicator_id,area_code,period,value\n"
        b"cla_count,E09000003,2024/25,xx\n"  # row 2: not a number
        b"care_leavers_eet_19_21,E09000003,2024/25,0.6\n"  # whole file: percentages or proportions?
    )
    at.file_uploader[0].set_value(("mixed.csv", mixed, "text/csv")).run()
    assert not at.exception
    tables = [t.value for t in [*at.table, *at.dataframe] if "Row" in t.value.columns]
    assert len(tables) == 1, "one problems table"
    rows = tables[0]["Row"]
    assert str(rows.dtype) == "Int64", rows.dtype
    assert rows.iloc[0] == 2 and rows.isna().iloc[1], list(rows)
    assert "" not in tables[0].columns, "every column has a header"


def test_upload_page_says_when_the_data_is_illustrative(data_copy):
    at = _upload_page()
    assert not any("Illustrative data" in w.value for w in at.warning)
    manifest = json.loads((data_copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["illustrative"] = True
    (data_copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    at = _upload_page()
    assert any("Illustrative data" in w.value for w in at.warning)


def test_a_file_is_checked_once_until_its_options_or_the_data_change(data_copy, monkeypatch):
    from cpdata.uploads import ingest

    calls = []
    real = ingest.prepare

    def counted(*args, **kwargs):
        calls.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(ingest, "prepare", counted)
    at = _signed_in()
    at.file_uploader[0].set_value(("refresh.csv", GOOD, "text/csv")).run()
    assert calls == ["refresh.csv"]
    at.run()
    at.run()
    assert len(calls) == 1  # a rerun with nothing changed reuses the check
    at.radio[0].set_value("percent").run()
    assert len(calls) == 2  # another option: checked again
    next(b for b in at.button if b.label == "Apply this upload").click().run()
    assert any("Applied as upload_" in s.value for s in at.success) and len(calls) == 2
    at.run()
    assert len(calls) == 3  # a new data version: checked again, and the preview says the figure is now held
    assert any("0 new figures, 0 changed" in m.value for m in at.markdown), [m.value for m in at.markdown]
