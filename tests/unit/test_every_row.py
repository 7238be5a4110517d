"""Every row of a file accounted for: refused with its row, column and fix, listed as an advisory, or applied;
and a file that would change nothing says so and is not applied."""

from __future__ import annotations

import csv
import io

import pytest

from cpdata.core.datafolder import DataFolder
from cpdata.ops import cli
from cpdata.uploads import ingest, uploads
from tests.unit.test_failures_said_plainly import folder_hash

GOOD = b"indicator_id,area_code,period,value\ncla_reviews_timely,E09000003,2024/25,97.5\n"


def test_a_file_that_changes_nothing_is_not_applied(data_copy):
    uploads.apply(DataFolder(data_copy), ingest.prepare(DataFolder(data_copy), GOOD, "first.csv"), GOOD, "Ana")
    again = ingest.prepare(DataFolder(data_copy), GOOD, "again.csv")
    assert not again.failed and uploads.changes_nothing(again)
    before = folder_hash(data_copy)
    with pytest.raises(uploads.ChangesNothing, match=r"0 new, 0 changed"):
        uploads.apply(DataFolder(data_copy), again, GOOD, "Ana")
    assert folder_hash(data_copy) == before


def test_the_command_line_says_a_file_changes_nothing_and_applies_nothing(data_copy, tmp_path, capsys):
    upload = tmp_path / "refresh.csv"
    upload.write_bytes(GOOD)
    assert cli.main(["load", str(upload), "--by", "Ana"]) == 0
    before = folder_hash(data_copy)
    assert cli.main(["load", str(upload), "--by", "Ana"]) == 0  # a scheduled load of a file held already
    assert "would change nothing" in capsys.readouterr().out
    assert folder_hash(data_copy) == before


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
@pytest.mark.parametrize("delimiter", ["\t", ","])
def test_a_utf16_file_from_excel_is_read(encoding, delimiter):
    """Excel's "Unicode text" is UTF-16 with a byte-order mark and tabs between the cells."""
    text = GOOD.decode().replace(",", delimiter)
    data = ("\ufeff" + text).encode(encoding) if encoding == "utf-16-be" else text.encode(encoding)
    prepared = ingest.prepare(DataFolder.of(), data, "unicode.txt")
    assert not prepared.failed, [p.text() for p in prepared.problems]
    assert prepared.figures["value"].tolist() == [97.5]


def test_a_short_row_is_refused_not_dropped(data_copy):
    data = GOOD + b"cla_reviews_timely,E09000003,2023/24\n"
    prepared = ingest.prepare(DataFolder(data_copy), data, "short.csv")
    assert prepared.failed
    (p,) = prepared.problems
    assert (p.row, p.column) == (3, "value") and "missing or extra comma" in p.fix


def test_the_command_line_scorecard_csv_is_formula_safe(data_copy, capsys):
    """A source label (or any text) that Excel would run as a formula is neutralised, as in page downloads."""
    import pandas as pd

    from cpdata.core import schema
    from cpdata.store import store

    row = {"indicator_id": "care_leavers_eet_19_21", "area_code": "E09000003", "period": 2026, "figure_type": "value"}
    row |= {"basis": "local", "value": 66.0, "symbol": None, "numerator": None, "denominator": None}
    row |= {"source": '=HYPERLINK("https://evil.example","x")', "note": None, "extract_id": "formula_source"}
    store.add_extract(
        DataFolder.of(), schema.to_table(pd.DataFrame([row]), schema.FIGURES), "figures", {"id": "formula_source"}
    )
    assert cli.main(["scorecard", "--council", "302", "--year", "2026", "--format", "csv"]) == 0
    cells = [c for r in csv.reader(io.StringIO(capsys.readouterr().out)) for c in r]
    assert any("HYPERLINK" in c for c in cells)
    assert all(c.startswith("'=") for c in cells if "HYPERLINK" in c)  # text, not a formula, in Excel


EES_HEAD = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "old_la_code,la_name,new_la_code,care_leaver_age,breakdown,care_leaver_count,care_leaver_percent\n"
)
BARNET = "2025,Reporting year,Local authority,E92000001,England,E13000002,Outer London,302,Barnet,E09000003,"
USED = '19 to 21 years,"Total in education, employment or training",171,64\n'


def test_a_dfe_council_name_only_spelt_differently_is_an_advisory_not_a_refusal():
    data = (EES_HEAD + BARNET.replace(",Barnet,", ",London Borough of Barnet,") + USED).encode()
    prepared = ingest.prepare(DataFolder.of(), data, "activity.csv")
    assert not prepared.failed and len(prepared.figures) == 1
    (p,) = [p for p in prepared.problems if p.check == "code and name disagree"]
    assert p.severity == "advisory" and (p.row, p.column) == (2, "la_name")


def test_a_bad_cell_in_a_row_no_indicator_uses_is_listed_as_an_advisory():
    other = BARNET + '19 to 21 years,"Some breakdown no recipe reads",12,sixty-four\n'
    prepared = ingest.prepare(DataFolder.of(), (EES_HEAD + BARNET + USED + other).encode(), "activity.csv")
    assert not prepared.failed and len(prepared.figures) == 1  # the used row is applied
    (p,) = [p for p in prepared.problems if p.check == "unused row"]
    assert p.severity == "advisory" and (p.row, p.column) == (3, "care_leaver_percent") and "sixty-four" in p.message


def test_the_briefing_html_shows_planted_text_as_text():
    from cpdata.briefing import briefing_html

    planted = '<img src="https://evil.example/x.png">**bold**\u202eTENRAB\n# Heading'
    out = briefing_html._e(planted)
    assert "<img" not in out and "&lt;img" in out and "\u202e" not in out and "\n" not in out
