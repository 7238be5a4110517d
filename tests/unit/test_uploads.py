"""Uploads: every bad file refused with its message and the data folder byte-for-byte unchanged;
good files previewed, applied, visible on the scorecard, and undone exactly."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from cpdata.core.datafolder import DataFolder
from cpdata.store import queries, store
from cpdata.uploads import ees, ingest, readers, saved_recipes, uploads
from tests.conftest import FIXTURES

BAD = FIXTURES / "bad_uploads"
EXPECTED = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))


def folder_hash(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def test_there_are_at_least_25_bad_files():
    assert len(EXPECTED) >= 25
    assert {p.name for p in BAD.iterdir()} - {"expected.json"} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_is_refused_with_its_message_and_changes_nothing(name, data_copy):
    before = folder_hash(data_copy)
    data = (BAD / name).read_bytes()
    prepared = ingest.prepare(
        DataFolder.of(), data, name, ingest.Options(council="E09000003" if name.startswith("wide") else None)
    )
    assert prepared.failed, [p.text() for p in prepared.problems]
    texts = " | ".join(p.text() for p in prepared.problems)
    assert EXPECTED[name] in texts
    with pytest.raises(uploads.UploadRefused):
        uploads.apply(DataFolder(data_copy), prepared, data, "tester")
    assert folder_hash(data_copy) == before


def test_problems_name_row_column_and_fix():
    prepared = ingest.prepare(DataFolder.of(), (BAD / "percent_over_100.csv").read_bytes(), "percent_over_100.csv")
    p = next(x for x in prepared.problems if x.check == "percentage out of range")
    assert (p.row, p.column) == (2, "value")
    assert p.fix and p.severity == "fail"


def test_every_problem_is_reported_at_once():
    data = (
        b"indicator_id,area_code,period,value\n"
        b"nope,E09000003,2025,5\ncla_count,E09999999,2025,5\ncla_count,E09000003,spring,5\ncla_count,E09000003,2025,-1\n"
    )
    checks = {p.check for p in ingest.prepare(DataFolder.of(), data, "many.csv").problems}
    assert {"unknown indicator", "unknown area", "bad period", "negative count"} <= checks


def _scorecard(council: str, year: int, data_dir: Path) -> pd.DataFrame:
    return queries.scorecard_table(DataFolder.of(data_dir), council, year=year)


def test_template_round_trip_apply_then_undo_restores_exactly(data_copy):
    before_card = _scorecard("E09000003", 2025, data_copy)
    before_hash = store.version(DataFolder(data_copy))
    data = (
        b"indicator_id,area_code,period,value,source\n"
        b"care_leavers_eet_19_21,302,2024/25,66,Barnet refresh\n"  # changes a published year? no: basis local
        b"cla_reviews_timely,E09000003,2024/25,97.5,Barnet monthly report\n"
    )
    prepared = ingest.prepare(DataFolder(data_copy), data, "refresh.csv")
    assert not prepared.failed, [p.text() for p in prepared.problems]
    changes = prepared.changes
    assert (len(changes["new"]), len(changes["changed"])) == (2, 0)
    entry = uploads.apply(DataFolder(data_copy), prepared, data, "tester")
    after = _scorecard("E09000003", 2025, data_copy).set_index("indicator_id")
    assert after.loc["cla_reviews_timely", "council"] == 97.5
    assert after.loc["care_leavers_eet_19_21", "council"] == 64.0  # published still compared
    assert after.loc["care_leavers_eet_19_21", "local_outturn"] == 66.0  # local shown beside
    assert uploads.history(DataFolder(data_copy)).iloc[0]["applied_by"] == "tester"
    uploads.undo(DataFolder(data_copy), entry["id"], "tester")
    pd.testing.assert_frame_equal(_scorecard("E09000003", 2025, data_copy), before_card)
    assert store.version(DataFolder(data_copy)) != before_hash  # the undo itself is recorded
    with pytest.raises(uploads.UploadRefused, match="already undone"):
        uploads.undo(DataFolder(data_copy), entry["id"], "tester")


def test_newer_upload_supersedes_and_history_keeps_both(data_copy):
    first = b"indicator_id,area_code,period,value\ncla_reviews_timely,E09000003,2025,90\n"
    second = b"indicator_id,area_code,period,value\ncla_reviews_timely,E09000003,2025,95\n"
    uploads.apply(DataFolder(data_copy), ingest.prepare(DataFolder(data_copy), first, "a.csv"), first, "t")
    p2 = ingest.prepare(DataFolder(data_copy), second, "b.csv")
    changes = p2.changes
    assert changes["changed"].iloc[0][["old", "new"]].tolist() == ["90", "95"]
    e2 = uploads.apply(DataFolder(data_copy), p2, second, "t")
    assert _scorecard("E09000003", 2025, data_copy).set_index("indicator_id").loc["cla_reviews_timely", "council"] == 95
    uploads.undo(DataFolder(data_copy), e2["id"], "t")
    assert _scorecard("E09000003", 2025, data_copy).set_index("indicator_id").loc["cla_reviews_timely", "council"] == 90
    assert len(uploads.history(DataFolder(data_copy))) == 2


def test_barnsley_wide_table_round_trip(data_copy):
    data = (FIXTURES / "barnsley_key_indicators.csv").read_bytes()
    prepared = ingest.prepare(DataFolder(data_copy), data, "barnsley.csv", ingest.Options(council="E08000016"))
    assert prepared.shape == "wide" and not prepared.failed
    assert {p.check for p in prepared.problems} == {"implausible change"}  # dental checks fell in 2020/21
    # The committed sample data already holds this table: applying it changes no figure.
    assert len(prepared.changes["changed"]) == 0
    fig = prepared.figures.set_index(["indicator_id", "period", "figure_type"])
    assert fig.loc[("care_leavers_eet_19_21", 2021, "value"), "value"] == 71.2
    assert fig.loc[("care_leavers_eet_19_21", 2021, "sn_average"), "value"] == 50.1


def test_ees_round_trip_matches_scorecard(data_copy):
    data = (FIXTURES / "ees_care_leavers_activity_sample.csv").read_bytes()
    prepared = ingest.prepare(DataFolder(data_copy), data, "activity.csv")
    assert prepared.shape == "ees" and not prepared.failed
    card = _scorecard("E09000003", 2025, data_copy).set_index("indicator_id")
    mine = prepared.figures.set_index(["indicator_id", "area_code", "period"])
    assert (
        mine.loc[("care_leavers_eet_19_21", "E09000003", 2025), "value"]
        == card.loc["care_leavers_eet_19_21", "council"]
    )
    assert len(prepared.changes["unchanged"]) == len(prepared.figures)


def test_windows_1252_and_percent_signs_and_leading_zeros():
    text = "indicator_id,area_code,period,value,note\ncla_reviews_timely,302,2024/25,62.5%,“quoted” – café\n"
    prepared = ingest.prepare(DataFolder.of(), text.encode("cp1252"), "excel.csv")
    assert not prepared.failed, [p.text() for p in prepared.problems]
    assert prepared.figures.iloc[0]["value"] == 62.5
    assert prepared.figures.iloc[0]["area_code"] == "E09000003"
    assert readers.read_csv(b"a,b\n007,1\n").iloc[0, 0] == "007"


def test_proportions_converted_when_the_analyst_says_so():
    data = b"indicator_id,area_code,period,value\ncare_leavers_eet_19_21,E09000003,2026,0.64\n"
    assert ingest.prepare(DataFolder.of(), data, "p.csv").failed
    prepared = ingest.prepare(DataFolder.of(), data, "p.csv", ingest.Options(percent_scale="proportion"))
    assert not prepared.failed and prepared.figures.iloc[0]["value"] == pytest.approx(64.0)


def test_excel_with_sheet_picker():
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active.append(["nothing here"])
    ws = wb.create_sheet("Figures")
    ws.append(["indicator_id", "area_code", "period", "value"])
    ws.append(["cla_reviews_timely", "E09000003", "2024/25", 97])
    buf = io.BytesIO()
    wb.save(buf)
    assert readers.sheet_names(buf.getvalue()) == ["Notes", "Figures"]
    prepared = ingest.prepare(DataFolder.of(), buf.getvalue(), "book.xlsx", ingest.Options(sheet="Figures"))
    assert not prepared.failed and prepared.figures.iloc[0]["value"] == 97


def test_wide_table_mapping_confirmed_by_analyst():
    data = b"Indicator,20/21 Outturn\nCare leavers happiness index,50%\n"
    p = ingest.prepare(DataFolder.of(), data, "w.csv", ingest.Options(council="E09000003"))
    assert p.failed and "Care leavers happiness index" in p.unmatched
    ok = ingest.prepare(
        DataFolder.of(),
        data,
        "w.csv",
        ingest.Options(council="E09000003", mapping={"Care leavers happiness index": "bright_spots_response_rate"}),
    )
    assert not ok.failed and ok.figures.iloc[0]["indicator_id"] == "bright_spots_response_rate"


def test_bright_spots_upload_round_trip_with_significance(data_copy):
    from cpdata.figures import survey_tables

    data = (
        b"area_code,survey,wave,age_band,measure,percent,answered,comparator,comparator_percent,comparator_answered,"
        b"bright_spot\n"
        b"370,Your Life Your Care,2023,11-17,Satisfied with their life,91,400,other councils' children,84,4000,yes\n"
    )
    prepared = ingest.prepare(DataFolder(data_copy), data, "barnsley_bright_spots.csv")
    assert prepared.shape == "bright_spots" and not prepared.failed, [p.text() for p in prepared.problems]
    assert len(prepared.changes["new"]) == 1
    entry = uploads.apply(DataFolder(data_copy), prepared, data, "tester")
    df = survey_tables.bright_spots_table(DataFolder(data_copy), "E08000016", ["bs_life_satisfaction"])
    table = survey_tables.bright_spots_display(df, "Barnsley")
    assert table.iloc[0]["Barnsley"] == "91%" and table.iloc[0]["Bright Spot"].startswith("★")
    assert table.iloc[0]["Significant at 95%"].startswith("yes (p = ")
    uploads.undo(DataFolder(data_copy), entry["id"], "tester")
    assert survey_tables.bright_spots_table(DataFolder(data_copy), "E08000016", ["bs_life_satisfaction"]).empty


def test_unmapped_ees_file_mapped_by_analyst_and_saved_for_next_time(data_copy):
    from cpdata.uploads import ees

    data = (
        b"time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
        b"old_la_code,la_name,new_la_code,measure,pct\n"
        b"2025,Reporting year,Local authority,E92000001,England,E13000002,Outer London,302,Barnet,E09000003,PEPs,97\n"
        b"2025,Reporting year,Local authority,E92000001,England,E13000002,Outer London,302,Barnet,E09000003,Other,1\n"
    )
    first = ingest.prepare(DataFolder(data_copy), data, "peps.csv")
    assert first.failed and "Filters: measure. Indicator columns: pct" in first.problems[0].message
    filters, numbers = ees.columns_of(readers.read_csv(data))
    assert filters == {"measure": ["Other", "PEPs"]} and numbers == ["pct"]
    recipe = saved_recipes.recipe_from_choice("PEPs", "cla_pep", {"measure": "PEPs"}, "pct", "Council EES extract")
    mapped = ingest.prepare(DataFolder(data_copy), data, "peps.csv", ingest.Options(recipe=recipe))
    assert not mapped.failed and mapped.figures.iloc[0][["indicator_id", "value"]].tolist() == ["cla_pep", 97.0]
    saved_recipes.save(DataFolder(data_copy), recipe)
    again = ingest.prepare(DataFolder(data_copy), data, "peps_next_month.csv")  # recognised without mapping
    assert not again.failed and again.figures.iloc[0]["indicator_id"] == "cla_pep"


RECIPE_FILES = sorted((FIXTURES / "recipes").glob("*.csv"))  # Barnet and England rows copied from DfE's files


@pytest.mark.parametrize("path", RECIPE_FILES, ids=lambda p: p.stem)
def test_each_recipe_file_round_trip(path, data_copy):
    """Every shipped recipe: the file's figures are the scorecard's; a changed copy applies and undoes exactly."""
    data = path.read_bytes()
    prepared = ingest.prepare(DataFolder(data_copy), data, path.name)
    assert prepared.shape == "ees" and not prepared.failed, [p.text() for p in prepared.problems]
    assert ees.find_recipe(DataFolder.of(), readers.read_csv(data)).file == path.name
    figs = prepared.figures[prepared.figures["area_code"] == "E09000003"]
    assert not figs.empty
    card = queries.scorecard_table(DataFolder(data_copy), "E09000003").set_index(["indicator_id", "period"])
    for r in figs.itertuples():
        held = card.loc[(r.indicator_id, r.period)]
        assert (pd.isna(held["council"]) and r.symbol == held["council_symbol"]) or held["council"] == r.value
    before = queries.scorecard_table(DataFolder(data_copy), "E09000003")
    # The same rows a year later (2025/26): new figures appear, and undo takes exactly them away.
    later = data.replace(b"\n202425,", b"\n202526,").replace(b"\n2025,", b"\n2026,")
    prepared_later = ingest.prepare(DataFolder(data_copy), later, path.name)
    assert not prepared_later.failed, [p.text() for p in prepared_later.problems]
    entry = uploads.apply(DataFolder(data_copy), prepared_later, later, "t")
    after = queries.scorecard_table(DataFolder(data_copy), "E09000003", year=2026)
    assert len(after) == len(
        prepared_later.figures[
            (prepared_later.figures["area_code"] == "E09000003") & (prepared_later.figures["period"] == 2026)
        ]
    )
    uploads.undo(DataFolder(data_copy), entry["id"], "t")
    assert queries.scorecard_table(DataFolder(data_copy), "E09000003", year=2026).empty
    pd.testing.assert_frame_equal(queries.scorecard_table(DataFolder(data_copy), "E09000003"), before)


def test_the_manifest_records_the_file_hash_computed_once(data_copy, monkeypatch):
    """The entry's sha256 is the uploaded file's, its id carries the first 8 hex, and the bytes are hashed once."""
    data = b"indicator_id,area_code,period,value\ncla_reviews_timely,E09000003,2024/25,96\n"
    prepared = ingest.prepare(DataFolder(data_copy), data, "hashed.csv")
    real, passes = hashlib.sha256, []

    def counting(*args, **kwargs):
        passes.extend(a for a in args if a is data)
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "sha256", counting)
    entry = uploads.apply(DataFolder(data_copy), prepared, data, "tester")
    monkeypatch.undo()
    digest = hashlib.sha256(data).hexdigest()
    held = next(e for e in store.read_manifest(DataFolder(data_copy))["extracts"] if e["id"] == entry["id"])
    assert held["sha256"] == digest and held["id"].endswith("_" + digest[:8])
    assert len(passes) == 1
