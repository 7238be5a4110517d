"""Hostile and random uploads through the ingest path (``ingest.prepare``: read, recognise, check):
always a clean refusal (a failing Problem with a message and a fix) or a clean accept, never an
unhandled exception, a hang, or memory without bound; and a refused file changes nothing.

Random inputs come from hypothesis: bytes under any name, text, real fixture files mutated cell by
cell, and real workbooks truncated or with bytes flipped. The big fixed cases (millions of columns,
a 100 MB line, lines just under the 50 MB limit, tiny rows, zip bombs, a workbook declaring a huge
sheet) run in a subprocess of their own that measures its peak memory for each.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import math
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpdata.catalogue.catalogue import load_catalogue
from cpdata.core import config, fmt, schema
from cpdata.core.datafolder import DataFolder
from cpdata.uploads import ingest, readers, uploads
from tests.conftest import FIXTURES

LIMIT = readers.MAX_UPLOAD_BYTES
PEAK_MB_BOUND = 1536  # generous: the point is "bounded", not fast
HANG_GUARD_S = 300
FUZZ = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
TRIED: dict[str, int] = {}

_DATA = Path()  # hypothesis cannot use function-scoped fixtures: the properties share one copy of the data


def _folder_hash(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(root)).encode() + path.read_bytes())
    return h.hexdigest()


def _clean(prepared: ingest.Prepared, data: bytes, kind: str) -> None:
    """A clear refusal that changes nothing, or figures that can be stored and shown."""
    TRIED[kind] = TRIED.get(kind, 0) + 1
    assert isinstance(prepared, ingest.Prepared)
    for p in prepared.problems:
        assert p.severity in ("fail", "advisory") and p.message.strip() and p.fix.strip(), p
    if prepared.failed or prepared.figures.empty:
        with pytest.raises(uploads.UploadRefused):
            uploads.apply(DataFolder(_DATA), prepared, data, "fuzz")
        return
    numbers = ["percent", "count", "answered", "respondents"] if prepared.kind == "bright_spots" else ["value"]
    catalogue = load_catalogue(DataFolder.of())
    for col in numbers:
        assert all(math.isfinite(v) for v in prepared.figures[col].dropna()), col
    if prepared.kind == "figures":
        for r in prepared.figures.itertuples():
            ind = catalogue.indicators[r.indicator_id]
            fmt.figure(r.value, r.symbol, ind.unit, ind.decimals)  # every page can show it
    target = schema.BRIGHT_SPOTS if prepared.kind == "bright_spots" else schema.FIGURES
    schema.to_table(prepared.figures.assign(extract_id="x"), target)


def _prepare(data: bytes, name: str, options: ingest.Options | None = None) -> ingest.Prepared:
    return ingest.prepare(DataFolder(_DATA), data, name, options)


@pytest.fixture(scope="module", autouse=True)
def _private_data(tmp_path_factory):
    global _DATA
    _DATA = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(config.SAMPLE_DATA_DIR, _DATA)
    held = _folder_hash(_DATA)
    yield
    assert _folder_hash(_DATA) == held  # nothing hostile changed the data folder
    print(f"\nhostile inputs tried: {TRIED}")


NAMES = ["x.csv", "x.CSV", "x.txt", "x.xlsx", "x.xlsm", "x.pdf", "x", "x.csv.exe", "../../x.csv"]


@FUZZ
@given(st.binary(max_size=4096), st.sampled_from(NAMES))
def test_random_bytes_under_any_name(data, name):
    _clean(_prepare(data, name), data, "random bytes")


@FUZZ
@given(st.text(max_size=2000), st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
def test_random_text(text, encoding):
    data = text.encode(encoding, errors="replace")
    _clean(_prepare(data, "x.csv"), data, "random text")


def _seeds() -> list[tuple[str, list[list[str]]]]:
    paths = [FIXTURES / "barnsley_key_indicators.csv", FIXTURES / "ees_care_leavers_activity_sample.csv"]
    paths += sorted((FIXTURES / "recipes").glob("*.csv")) + sorted((FIXTURES / "bad_uploads").glob("*.csv"))
    seeds = []
    for path in paths:
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
        rows = list(csv.reader(io.StringIO(text, newline="")))[:30]
        if rows:
            seeds.append((path.name, rows))
    survey = "area_code,survey,wave,age_band,measure,percent,answered,comparator,comparator_percent\n"
    survey += "302,Your Life Your Care,2023,11-17,Satisfied with their life,91,400,other councils,84\n"
    seeds.append(("survey.csv", list(csv.reader(io.StringIO(survey)))))
    return seeds


SEEDS = _seeds()
POOL = ["", " ", "c", "x", "z", "k", "low", "u", ":", "~", "N/A", "-", "0", "-0", "1e400", "-1e400", "1e308"]
POOL += ["nan", "inf", "9" * 400, "0.0000001", "62.5%", "%", "1,234", "£5", "2020/21", "202021", "2021", "1900"]
POOL += ["99999999999999999999", "2020-21", "20/21", "²", "٢٠٢١", "302", "E09000003", "Barnet", "E92000001"]
POOL += ["National", "Regional", "Local authority", "value", "sn_average", "national", "target", "published"]
POOL += ["local", "cla_count", "care_leavers_eet_19_21", "Satisfied with their life", "yes", "=SUM(A1)", '"']
POOL += ["\n", "\r", "\x00", "\ufeff", "😀", "indicator_id", "area_code", "period", "time_period", "2021/22 Outturn"]


@st.composite
def mutated_file(draw) -> tuple[bytes, str, ingest.Options]:
    """A real file (good or bad) with cells, rows, columns and headers changed."""
    name, rows = draw(st.sampled_from(SEEDS))
    rows = [list(r) for r in rows]
    cell = st.one_of(st.sampled_from(POOL), st.text(max_size=6))
    for _ in range(draw(st.integers(0, 8))):
        op = draw(st.sampled_from(["cell", "cell", "cell", "row", "column", "duplicate", "header"]))
        i = draw(st.integers(0, len(rows) - 1))
        if op == "cell" and rows[i]:
            rows[i][draw(st.integers(0, len(rows[i]) - 1))] = draw(cell)
        elif op == "row" and len(rows) > 1:
            del rows[max(i, 1)]
        elif op == "column" and rows[0]:
            j = draw(st.integers(0, len(rows[0]) - 1))
            rows = [r[:j] + r[j + 1 :] for r in rows]
        elif op == "duplicate" and len(rows) > 1:
            rows.append(list(rows[max(i, 1)]))
        elif op == "header" and rows[0]:
            rows[0][draw(st.integers(0, len(rows[0]) - 1))] = draw(st.sampled_from(POOL))
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    data = buf.getvalue().encode(draw(st.sampled_from(["utf-8", "cp1252"])), errors="replace")
    ids = list(load_catalogue(DataFolder.of()).indicators)
    options = ingest.Options(
        council=draw(st.sampled_from([None, "E09000003", "E08000016"])),
        percent_scale=draw(st.sampled_from(["auto", "percent", "proportion"])),
        mapping={r[0]: draw(st.sampled_from(ids)) for r in rows[1:3] if r and draw(st.booleans())},
    )
    return data, name, options


@settings(FUZZ, max_examples=120)
@given(mutated_file())
def test_real_files_mutated(case):
    data, name, options = case
    _clean(_prepare(data, name, options), data, "mutated real files")


def _workbook() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["indicator_id", "area_code", "period", "value"])
    for year in range(2019, 2026):
        ws.append(["cla_reviews_timely", "E09000003", str(year), 90 + year % 7])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


WORKBOOK = _workbook()


@FUZZ
@given(st.integers(0, len(WORKBOOK) - 1), st.lists(st.tuples(st.integers(0, len(WORKBOOK) - 1), st.integers(1, 255))))
def test_damaged_workbooks(cut, flips):
    damaged = bytearray(WORKBOOK)
    for at, xor in flips:
        damaged[at] ^= xor
    for data in (bytes(damaged), WORKBOOK[:cut]):
        _clean(_prepare(data, "book.xlsx"), data, "damaged workbooks")


def test_a_workbook_needing_an_unknown_zip_version_is_refused_plainly():
    """Found by the fuzz test above: zipfile raises NotImplementedError, not BadZipFile, for this field."""
    damaged = bytearray(WORKBOOK)
    entry = damaged.index(b"PK\x01\x02")  # the first central-directory entry
    damaged[entry + 6] = 90  # "version needed to extract": 9.0
    prepared = _prepare(bytes(damaged), "book.xlsx")
    assert prepared.failed and "not a valid Excel workbook" in prepared.problems[0].message
    _clean(prepared, bytes(damaged), "damaged workbooks")


def _parts(sheet_xml: bytes | str) -> bytes:
    """A whole .xlsx around a sheet's XML."""
    ns = 'xmlns="http://schemas.openxmlformats.org/'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    files = {
        "[Content_Types].xml": f'<Types {ns}package/2006/content-types"><Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>",
        "_rels/.rels": f'<Relationships {ns}package/2006/relationships"><Relationship Id="rId1" '
        f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook {ns}spreadsheetml/2006/main" xmlns:r="{rel}"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships {ns}package/2006/relationships"><Relationship Id="rId1" '
        f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, body in files.items():
            zf.writestr(name, body)
    return buf.getvalue()


def _lying(xlsx: bytes, declared_size: int) -> bytes:
    """The workbook with its sheet's uncompressed size misstated in the zip's local and central headers."""
    out = bytearray(xlsx)
    sheet = b"xl/worksheets/sheet1.xml"
    # (signature, where the uncompressed size is, where the name is) in local and central headers
    for sig, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = out.find(sig)
        while at >= 0:
            if out[at + name_at : at + name_at + len(sheet)] == sheet:
                out[at + size_at : at + size_at + 4] = declared_size.to_bytes(4, "little")
            at = out.find(sig, at + 4)
    return bytes(out)


def _sheet(rows: str, dimension: str | None = None, prolog: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    body = f"<worksheet {main}>{dim}<sheetData>{rows}</sheetData></worksheet>"
    return f'<?xml version="1.0" encoding="UTF-8"?>{prolog}{body}'


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _big_cases(folder: Path) -> dict[str, str]:
    """Big inputs written to files (as an upload would arrive), with the refusal each must get."""
    header = b"indicator_id,area_code,period,value\n"
    rows = "".join(f'<row r="{i}">{_cell(f"A{i}", "x")}</row>' for i in range(1, 4000))
    laughs = '<!DOCTYPE d [<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    bomb = _parts(b"<" + b"0" * (210 * 2**20))
    cases = {
        "columns_3m_header.csv": (b"," * 3_000_000 + b"\n1\n", "more than 500 columns"),
        "columns_3m_in_a_row.csv": (header + b"a," * 3_000_000 + b"\n", "the extra cells have no column"),
        "line_100mb.csv": (b"a" * 100_000_000, "the limit is 50 MB"),
        "line_just_under_limit.csv": (b"a" * (LIMIT - 1), "field larger than field limit"),
        "line_just_under_limit_commas.csv": (b"a," * ((LIMIT - 1) // 2), "more than 500 columns"),
        "tiny_rows_just_under_limit.csv": (b"x\n" * ((LIMIT - 1) // 2), "more than 1,048,576 rows"),
        "zip_bomb.xlsx": (bomb, "expands to more than 200 MB"),
        "zip_bomb_lying_about_its_size.xlsx": (_lying(bomb, 1000), "cannot be"),
        "declares_a_huge_sheet.xlsx": (  # 500 columns by 300,000 rows, all padding
            _parts(_sheet(f'<row r="300000">{_cell("A300000", "x")}</row>', "A1:SF300000")),
            "could not tell what kind of file",
        ),
        "declares_500_columns_for_30k_rows.xlsx": (  # one cell a row, padded to 500: 15 million cells
            _parts(
                _sheet("".join(f'<row r="{i}"><c r="A{i}"><v>1</v></c></row>' for i in range(1, 30_001)), "A1:SF30000")
            ),
            "could not tell what kind of file",  # read as the 30,000 cells it holds, not padded to 15 million
        ),
        "two_cells_far_apart.xlsx": (  # A1 and SF300000: a reader would lay out the 150 million cells between
            _parts(_sheet(f'<row r="1">{_cell("A1", "x")}</row><row r="300000">{_cell("SF300000", "x")}</row>')),
            "cells, more than any extract",
        ),
        "damaged_late_in_the_sheet.xlsx": (_parts(_sheet(rows, "A1:A3999")[:-40]), "cannot be read"),
        "billion_laughs.xlsx": (
            _parts(_sheet(f'<row r="1">{_cell("A1", "&a9;")}</row>', prolog=laughs + "]>")),
            "cannot be",
        ),
    }
    expected = {}
    for name, (data, message) in cases.items():
        (folder / name).write_bytes(data.encode() if isinstance(data, str) else data)
        expected[name] = message
    return expected


CHILD = r"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from cpdata.core.datafolder import DataFolder
from cpdata.uploads import ingest
WARM = b"indicator_id,area_code,period,value\ncla_count,E09000003,2025,5\n"
ingest.prepare(DataFolder.of(), WARM, "warm.csv")  # as a server is

def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

out = {}
for path in map(Path, sys.argv[2:]):
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")  # start this case's high-water mark afresh
    data = path.read_bytes()
    started = time.time()
    p = ingest.prepare(DataFolder.of(), data, path.name)
    out[path.name] = {"failed": p.failed, "text": " | ".join(x.text() for x in p.problems)[:400],
                      "peak_mb": round(peak_mb()), "seconds": round(time.time() - started, 1)}
    del data, p
print(json.dumps(out))
"""


def test_big_and_crafted_inputs_are_refused_within_bounded_memory(tmp_path):
    expected = _big_cases(tmp_path)
    try:
        run = subprocess.run(
            [sys.executable, "-c", CHILD, str(config.REPO_DIR), *(str(tmp_path / n) for n in expected)],
            check=False,
            capture_output=True,
            text=True,
            timeout=HANG_GUARD_S,  # a hang guard, not a timing assertion
        )
    finally:
        for name in expected:
            (tmp_path / name).unlink()
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads(run.stdout.strip().splitlines()[-1])
    print("\n" + "\n".join(f"{n}: peak {r['peak_mb']} MB, {r['seconds']} s" for n, r in results.items()))
    for name, message in expected.items():
        got = results[name]
        assert got["failed"] and message in got["text"], (name, got)
        assert got["peak_mb"] < PEAK_MB_BOUND, (name, got)
    TRIED["big and crafted"] = len(results)


def test_command_line_refuses_a_file_over_the_limit_without_reading_it(tmp_path):
    big = tmp_path / "huge.csv"
    with open(big, "wb") as fh:
        fh.truncate(64 * 2**30)  # 64 GB, sparse: reading it would exhaust memory; it costs no disk
    if big.stat().st_blocks > 1024:
        big.unlink()
        pytest.skip("this file system does not keep sparse files")
    run = subprocess.run(
        [sys.executable, "-m", "cpdata", "check", str(big)],
        check=False,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
        cwd=config.REPO_DIR,
    )
    big.unlink()
    assert run.returncode == 1 and "the limit is 50 MB" in run.stderr and "Traceback" not in run.stderr, run


@pytest.mark.parametrize("cell", ["1e400", "9" * 400, "-1e309", "1e15"])
def test_numbers_too_big_to_show_are_refused(cell):
    data = f"indicator_id,area_code,period,value\ncla_count,E09000003,2026,{cell}\n".encode()
    prepared = _prepare(data, "huge.csv")
    assert prepared.failed and "neither a number nor a known symbol" in prepared.problems[0].text()


def test_an_ees_file_missing_a_column_its_recipe_needs_is_refused_plainly():
    data = (FIXTURES / "recipes" / "ks4_la.csv").read_bytes().replace(b"pt_l2basics_95", b"renamed", 1)
    prepared = _prepare(data, "ks4_la.csv")
    assert prepared.failed and "has no column 'pt_l2basics_95'" in prepared.problems[0].text()


@pytest.mark.parametrize("period", ["²", "0", "2021²", " "])
def test_ees_years_that_are_not_years_are_reported_not_raised(period):
    lines = (FIXTURES / "recipes" / "la_care_leavers_activity.csv").read_text(encoding="utf-8-sig").splitlines()
    lines[1:] = [period + line[line.index(",") :] for line in lines[1:]]  # every year unreadable
    data = "\n".join(lines).encode()
    prepared = _prepare(data, "activity.csv")
    assert prepared.shape == "ees" and any(f"'{period}' is not a year" in p.text() for p in prepared.problems)
    unmapped = data.replace(b"care_leaver_age", b"care_leaver_group")  # no recipe: described for mapping
    assert "no recipe maps it" in _prepare(unmapped, "x.csv").problems[0].text()


def test_a_wide_table_with_no_figures_is_refused_plainly():
    prepared = _prepare(b"Indicator,2021/22 Outturn\n", "wide.csv", ingest.Options(council="E09000003"))
    assert prepared.failed and "has a header but no figures" in prepared.problems[0].text()


@pytest.mark.parametrize("start", [b"", codecs.BOM_UTF8 * 2], ids=["pyarrow-reader", "csv-module-reader"])
def test_row_cap_holds_on_both_csv_readers(start, monkeypatch):
    """Plain files go to pyarrow's parser, odd ones (here a second byte-order mark) to the csv module."""
    monkeypatch.setattr(readers, "MAX_UPLOAD_BYTES", 100 * readers.BYTES_PER_ROW)
    with pytest.raises(readers.ReadError, match="more than 100 rows"):
        readers.read_csv(start + b"\r\n".join([b"a,b", *[b"1,2"] * 150]))
    assert len(readers.read_csv(start + b"\r\n".join([b"a,b", *[b"1,2"] * 90]))) == 90


def test_a_file_name_with_a_line_break_or_an_override_is_refused():
    for name in ("a\nb.csv", "x\u202evsc.csv"):
        prepared = _prepare(b"indicator_id,area_code,period,value\ncla_count,E09000003,2025,5\n", name)
        assert prepared.failed and prepared.problems[0].check == "unsafe file name", prepared.problems


def test_markdown_in_a_source_label_is_kept_as_the_text_it_is():
    """Not refused (a source may well contain * or [ ]): stored as written, and shown as text by the pages."""
    source = "**DfE** [site](https://evil.example) ![x](https://evil.example/x.png)"
    prepared = _prepare(
        f"indicator_id,area_code,period,value,source\ncla_count,E09000003,2025,5,{source}\n".encode(), "s.csv"
    )
    assert not prepared.failed and prepared.figures["source"].tolist() == [source]


def test_the_source_typed_on_the_page_is_checked_like_a_cell():
    options = ingest.Options(source="Our report\n# Heading")
    prepared = _prepare(b"indicator_id,area_code,period,value\ncla_count,E09000003,2025,5\n", "s.csv", options)
    assert prepared.failed and "correct it there" in prepared.problems[0].fix and prepared.problems[0].row == 2
