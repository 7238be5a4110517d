"""Excel downloads: the screen's figures as numbers, symbols as text, notes, and never a formula."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import openpyxl
import pytest

from cpdata.catalogue.catalogue import load_frameworks
from cpdata.core import fmt, symbols
from cpdata.core.datafolder import DataFolder
from cpdata.figures import comparators, sentences, views, workbook
from cpdata.figures.scorecard import scorecard_rows

CONTEXT = workbook.Context(
    council="Barnet",
    council_code="E09000003",
    year="2024/25",
    comparator="Statistical neighbours (model in force each year)",
    data_version="abc123",
    as_at="2026-11-23",
    about="Scorecard",
)
HOSTILE = ['=HYPERLINK("http://example.invalid","click")', "=1+1", "+1", "-2+3", "@SUM(A1)", "#N/A"]


def _load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _rows(ws) -> list[dict]:
    values = list(ws.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def _no_formulas(data: bytes, wb: openpyxl.Workbook) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)


def _change_text(diff, judgement, ind) -> str:
    if diff is None:
        return "-"
    if judgement == "no change":
        return "no change"
    return f"{'▲' if diff > 0 else '▼'} {fmt.difference(diff, ind.unit, ind.decimals)} ({judgement})"


@pytest.mark.parametrize(("framework", "council"), [("barnet", "E09000003"), ("barnsley", "E08000016")])
def test_scorecard_workbook_round_trips_with_the_screen_figures(framework, council):
    fw = load_frameworks(DataFolder.of())[framework]
    all_views = {v.indicator.id: v for v in views.indicator_views(DataFolder.of(), council, fw.indicator_ids(), None)}
    tables = {p.short_title: workbook.scorecard_sheet([all_views[i] for i in p.indicators]) for p in fw.pledges}
    data = workbook.workbook(tables, CONTEXT, workbook.sources_of(list(all_views.values())))
    wb = _load(data)
    assert wb.sheetnames[-1] == "Notes" and len(wb.sheetnames) == len(fw.pledges) + 1
    _no_formulas(data, wb)
    compared = 0
    for pledge, ws in zip(fw.pledges, wb.worksheets, strict=False):
        items = [all_views[i] for i in pledge.indicators]
        screen = scorecard_rows(items).to_dict("records")
        for v, shown, got in zip(items, screen, _rows(ws), strict=True):
            ind = v.indicator
            assert got["Indicator"] == shown["Indicator"]
            if v.period is None:
                assert got["Council"] is None and got["Year"] == "no figures held yet"
                continue
            assert got["Year"] == shown["Year"]
            sn_dec = sentences.SN_DECIMALS if v.sn_basis == "computed" else ind.decimals
            if got["Council"] is None:  # a symbol, as text beside an empty figure, never 0
                assert symbols.short(got["Council symbol"]) == shown["Council"]
            else:
                assert isinstance(got["Council"], int | float)
                assert fmt.number(got["Council"], ind.unit, ind.decimals) == shown["Council"]
            neighbours = fmt.figure(got["Neighbours"], None, ind.unit, sn_dec)
            if v.sn_basis == "computed":  # fewer than ten with a figure: the count is shown with the mean
                neighbours = comparators.counted(
                    neighbours, got["Neighbours with a figure"], got["Neighbours in the group"]
                )
            assert neighbours == shown["Neighbours"]
            assert fmt.figure(got["England"], None, ind.unit, ind.decimals) == shown["England"]
            assert (got["vs neighbours"], got["vs England"]) == (shown["vs neighbours"], shown["vs England"])
            change = _change_text(got["Change on year before"], got["Change judgement"], ind)
            assert change == shown["Change on year before"]
            quartile = f"{got['Quartile (A best)']} ({got['Rank (1 best)']}/{got['Councils ranked']})"
            assert (quartile if got["Quartile (A best)"] else "-") == shown["Quartile (A best)"]
            compared += 1
    assert compared >= 10


def test_indicator_workbook_has_every_year_as_numbers_and_symbols_as_text():
    v = views.indicator_views(DataFolder.of(), "E09000003", ["cla_ks4_eng_maths_4plus"], None)[0]
    data = workbook.workbook({v.indicator.short_title: workbook.indicator_sheet(v)}, CONTEXT, workbook.sources_of([v]))
    wb = _load(data)
    _no_formulas(data, wb)
    got = _rows(wb.worksheets[0])
    screen = v.history.to_dict("records")
    assert len(got) == len(screen) > 1
    symbols_seen = 0
    for row, shown in zip(got, screen, strict=True):
        assert row["Year"] == shown["Year"]
        council = row["Council (%)"]
        if council is None:
            assert symbols.describe(row["Council symbol"]) == shown["Council"]
            symbols_seen += 1
        else:
            assert fmt.number(council, "percent", 0) == shown["Council"]
        assert fmt.figure(row["Statistical neighbours (%)"], None, "percent", 1) == shown["Statistical neighbours"]
        assert fmt.figure(row["England (%)"], None, "percent", 0) == shown["England"]
        assert (
            f"{row['Neighbours with a figure']} of {row['Neighbours in the group']}"
            == (shown["Neighbours with a figure"])
        )
    assert symbols_seen  # Barnet's figure is suppressed (c) in some years: kept as a symbol, not a 0
    cell = wb.worksheets[0]["C2"]
    assert cell.number_format == "#,##0" or cell.value is None


def test_a_hostile_source_label_stays_text_and_is_never_a_formula():
    v = views.indicator_views(DataFolder.of(), "E09000003", ["care_leavers_eet_19_21"], None)[0]
    rows = v.rows.copy()
    rows["source"] = [HOSTILE[i % len(HOSTILE)] for i in range(len(rows))]
    hostile = dataclasses.replace(v, rows=rows, source=HOSTILE[0])
    tables = {"=cmd|' /C calc'!A0": workbook.indicator_sheet(hostile), "Scorecard": workbook.scorecard_sheet([hostile])}
    context = dataclasses.replace(CONTEXT, council="=2+5", about="@SUM(1)\x07")
    data = workbook.workbook(tables, context, workbook.sources_of([hostile]))
    wb = _load(data)
    _no_formulas(data, wb)
    sources = [r["Source"] for r in _rows(wb.worksheets[0])]
    assert sources == list(rows["source"])  # exactly the label, no apostrophe added or '=' dropped
    assert _rows(wb["Scorecard"])[0]["Source"] == HOSTILE[0]
    notes = {r["About"]: r["Detail"] for r in _rows(wb["Notes"])}
    assert notes["Council"] == "=2+5 (E09000003)"
    assert notes["Table"] == "@SUM(1)\ufffd"  # a control character Excel refuses is replaced, not written
    assert {r["Detail"] for r in _rows(wb["Notes"]) if r["About"] == "Source"} >= set(rows["source"])
    assert wb.sheetnames[0] == "=cmd|'  C calc'!A0"  # the '/' a sheet name cannot hold is replaced


def test_without_forcing_text_the_hostile_label_would_be_a_formula():
    """The check above can fail: openpyxl left to itself makes a formula of a label beginning '='."""
    wb = openpyxl.Workbook()
    wb.active["A1"] = HOSTILE[1]
    assert wb.active["A1"].data_type == "f"


def test_notes_say_council_year_model_sources_version_and_every_symbol():
    v = views.indicator_views(DataFolder.of(), "E09000003", ["care_leavers_eet_19_21"], None)[0]
    data = workbook.workbook({"Figures": workbook.indicator_sheet(v)}, CONTEXT, workbook.sources_of([v]))
    notes = _rows(_load(data)["Notes"])
    about = {r["About"]: r["Detail"] for r in notes}
    assert about["Council"] == "Barnet (E09000003)"
    assert about["Year"] == "2024/25"
    assert about["Compared with"] == "Statistical neighbours (model in force each year) and England"
    assert (about["Data version"], about["Data as at"]) == ("abc123", "2026-11-23")
    assert any(r["About"] == "Source" and r["Detail"].startswith("DfE: Children looked after") for r in notes)
    for symbol, meaning in symbols.MEANINGS.items():
        assert about[f"Symbol {symbol}"] == meaning
    assert about["Mark ✔ better"] == "better than the comparator"


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    names = [workbook._sheet_name(n, taken) for n in ["A: b/c", "A: b/c", "x" * 40, "x" * 40, "Notes"]]
    assert names[0] == "A  b c" and names[1] == "A  b c (2)"
    assert all(len(n) <= 31 for n in names) and len({n.lower() for n in names}) == len(names)
