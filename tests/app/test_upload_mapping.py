"""Mapping a file on the upload page (issue 18, items 14-18): checks wait for the analyst's choice, messages
name the file's own columns, the summary's count agrees with the rows listed, a mapping that passes leaves
no red box behind, and the preview names the areas beside their codes."""

from __future__ import annotations

import pandas as pd

from cpdata.core import config
from cpdata.core.datafolder import DataFolder
from cpdata.store import reference
from cpdata.uploads import checks, readers
from tests.app.test_upload_page import _signed_in

HEAD = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "old_la_code,la_name,new_la_code,measure,pct,number\n"
)
BARNET = "Local authority,E92000001,England,E13000002,Outer London,302,Barnet,E09000003"
UNKNOWN = (HEAD + f"2025,Reporting year,{BARNET},PEPs,97,30\n" + f"2025,Reporting year,{BARNET},Other,1,2\n").encode()


def _problems(at) -> pd.DataFrame:
    """Every problem listed on the page (one table, or more)."""
    return pd.concat([t.value for t in at.table if "How to fix" in t.value.columns], ignore_index=True)


def _counted(monkeypatch, module, name: str) -> list[int]:
    """Calls of ``module.name`` from now on, one 1 each."""
    calls: list[int] = []
    real = getattr(module, name)
    monkeypatch.setattr(module, name, lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def test_an_unknown_file_is_not_checked_before_the_analyst_chooses(data_copy, monkeypatch):
    ran = _counted(monkeypatch, checks, "run")
    at = _signed_in()
    at.file_uploader[0].set_value(("peps.csv", UNKNOWN, "text/csv")).run()
    assert not at.exception
    assert at.selectbox(key="ees_ind").value is None, "no indicator is chosen for the analyst"
    assert not any("problem(s) to fix" in e.value for e in at.error), [e.value for e in at.error]
    assert ran == [], "nothing is checked for a choice nobody made"
    at.selectbox(key="ees_ind").set_value("cla_pep").run()
    assert ran == [], "the filter is not chosen yet either"
    assert not any(b.label == "Apply this upload" for b in at.button)
    at.selectbox(key="ees_f_measure").set_value("PEPs").run()
    assert ran == [], "nor the column of figures (the file has two)"
    at.selectbox(key="ees_value").set_value("pct").run()
    at.checkbox(key="polarity_ok_cla_pep").check().run()  # the mapping guard asks for the polarity
    assert ran == [1]


def test_a_mapping_that_passes_leaves_no_problem_box(data_copy, monkeypatch):
    reads = _counted(monkeypatch, readers, "read")
    at = _signed_in()
    at.file_uploader[0].set_value(("peps.csv", UNKNOWN, "text/csv")).run()
    at.selectbox(key="ees_ind").set_value("cla_pep").run()
    at.selectbox(key="ees_f_measure").set_value("PEPs").run()
    at.selectbox(key="ees_value").set_value("pct").run()
    at.checkbox(key="polarity_ok_cla_pep").check().run()
    assert any("every check passed" in s.value for s in at.success), [s.value for s in at.success]
    assert not at.error, [e.value for e in at.error]
    assert any(b.label == "Apply this upload" for b in at.button)
    assert reads == [1], "the file is read once; the mapping checks the table it read"


def test_problems_name_the_files_own_column(data_copy):
    """The count is in the file's column "number"; a bad one is reported there, not as our "numerator"."""
    rows = [
        ("302", "Barnet", "E09000003", "30"),
        ("303", "Bexley", "E09000004", "abc"),
        ("304", "Brent", "E09000005", "41"),
        ("305", "Bromley", "E09000006", "12"),
        ("306", "Camden", "E09000007", "9"),
    ]
    body = HEAD + "".join(
        f"2025,Reporting year,Local authority,E92000001,England,E13000002,Outer London,{old},{name},{new},PEPs,90,{n}\n"
        for old, name, new, n in rows
    )
    at = _signed_in()
    at.file_uploader[0].set_value(("peps.csv", body.encode(), "text/csv")).run()
    at.selectbox(key="ees_ind").set_value("cla_pep").run()
    at.selectbox(key="ees_value").set_value("pct").run()
    at.selectbox(key="ees_num").set_value("number").run()
    at.checkbox(key="polarity_ok_cla_pep").check().run()
    table = _problems(at)
    bad = table[table["Problem"].str.contains("'abc'")]
    assert bad["Column"].tolist() == ["number"], table.to_dict("records")
    assert not table["Column"].str.contains("numerator").any()
    assert not table["Problem"].str.contains("numerator").any()


def test_the_summary_counts_every_row_the_table_stands_for(data_copy):
    """60 negative counts: 50 listed and "... and 10 more rows like these"; the summary says 60, not 51."""
    codes = reference.councils(DataFolder(config.SAMPLE_DATA_DIR))["area_code"].head(60)
    body = "indicator_id,area_code,period,value\n" + "".join(f"cla_count,{c},2025/26,-5\n" for c in codes)
    at = _signed_in()
    at.file_uploader[0].set_value(("negative.csv", body.encode(), "text/csv")).run()
    assert any("... and 10 more rows like these." in p for p in _problems(at)["Problem"])
    summary = [e.value for e in at.error]
    assert any("60 problem(s) to fix" in s for s in summary), summary


def test_the_preview_names_areas_beside_their_codes(data_copy):
    body = (
        b"indicator_id,area_code,period,value\n"
        b"cla_reviews_timely,E92000001,2025/26,90\n"
        b"cla_reviews_timely,E12000001,2025/26,91\n"
    )
    at = _signed_in()
    at.file_uploader[0].set_value(("national.csv", body, "text/csv")).run()
    assert not at.error, [e.value for e in at.error]
    shown = pd.concat([d.value for d in at.dataframe if "area_code" in d.value.columns])
    pairs = set(zip(shown["area_code"], shown["area"], strict=True))
    assert {("E92000001", "England"), ("E12000001", "North East")} <= pairs, pairs
