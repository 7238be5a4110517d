"""Reading an uploaded file into a table of text cells, whatever Excel or DfE made it with.

Every cell stays text (codes keep leading zeros); numbers are read later, by the checks.
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_COLUMNS = 500
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
# Real extracts average well over 50 bytes a row and 5 a cell; a file within the size limit with more
# rows or cells than that (tiny rows, or a small workbook declaring a huge sheet) would take minutes
# and gigabytes to read, so reading stops there (scaled from the limit, read at call time).
BYTES_PER_ROW = 50
BYTES_PER_CELL = 5


class ReadError(ValueError):
    """The file cannot be read at all; the message says why and what to do."""


def is_excel(filename: str) -> bool:
    return filename.lower().endswith((".xlsx", ".xlsm"))


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding used: UTF-8 (with or without BOM), else Windows-1252 (Excel's "CSV")."""
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise ReadError(
            f"The file is not readable text (byte {exc.start} cannot be decoded). "
            "Save it from Excel as 'CSV UTF-8 (Comma delimited)' and upload it again."
        ) from exc


UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
SAVE_AS_UTF8 = "save it from Excel as 'CSV UTF-8 (Comma delimited)' and upload that"


def read_csv(data: bytes) -> pd.DataFrame:
    if data.startswith(UTF16_BOMS):  # Excel's "Unicode text": UTF-16, usually with tabs between cells
        return _read_utf16(data)
    if b"\x00" in data[:65536]:
        head = data[:4096]
        if len(head) >= 8 and head[1::2].count(0) > 0.9 * len(head[1::2]):  # ASCII text, every other byte nought
            raise ReadError(
                f"The file looks like UTF-16 text (Excel's 'Unicode text') without its byte-order mark; {SAVE_AS_UTF8}."
            )
        raise ReadError("The file contains binary data, not CSV text. Upload a .csv or .xlsx file.")
    newline = data.find(b"\n")
    if data.count(b",", 0, newline if newline >= 0 else len(data)) + 1 > MAX_COLUMNS:  # "," is one byte
        decode(data)  # an unreadable file is reported as that first, as before
        raise ReadError(f"The file has more than {MAX_COLUMNS} columns; this is not an extract we can read.")
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    # pyarrow checks every cell is UTF-8, and every byte but commas, quotes and line ends is in a cell:
    # if it reads the file, the file is UTF-8, and the 165 MB of text a decode makes are not needed.
    table = _arrow_table(data, start) if _arrow_reads_it_alike(data, start) else None
    if table is not None:
        return _checked_frame(table)
    text, encoding = decode(data)
    if encoding != "UTF-8":
        body = text.encode("utf-8")
        table = _arrow_table(body, 0) if _arrow_reads_it_alike(body, 0) else None
        if table is not None:
            return _checked_frame(table)
    return _read_with_csv_module(text)


def _checked_frame(table: pa.Table) -> pd.DataFrame:
    """The pyarrow path keeps the same row and cell caps as the reference reader."""
    max_rows, max_cells = _limits()
    if table.num_rows > max_rows or table.num_rows * table.num_columns > max_cells:
        raise _too_big()
    return _frame(table)


def _read_utf16(data: bytes) -> pd.DataFrame:
    """A UTF-16 file with its byte-order mark, comma- or tab-separated (what Excel's "Unicode text" saves)."""
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError as exc:
        raise ReadError(
            f"The file is UTF-16 text (Excel's 'Unicode text') but damaged at byte {exc.start}; {SAVE_AS_UTF8}."
        ) from exc
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    return _read_with_csv_module(text.lstrip("\ufeff"), delimiter)


def _read_with_csv_module(text: str, delimiter: str = ",") -> pd.DataFrame:
    """The reference reader (Python's csv module); used where the fast one might read a file differently.

    A row with fewer cells than the header (or extra cells with something in them) is kept as read and
    listed in the frame's ``attrs["ragged"]`` (its row and cell count), for the upload to refuse by row:
    padding it out would shift nothing back into place and silently lose its figure.
    """
    csv.field_size_limit(FIELD_LIMIT)
    try:
        rows = list(_capped(csv.reader(io.StringIO(text), delimiter=delimiter)))
    except csv.Error as exc:
        raise ReadError(f"The CSV is malformed ({exc}). Re-save it from Excel as CSV and upload it again.") from exc
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise ReadError("The file is empty: it has no header row and no figures.")
    header = [h.strip() for h in rows[0]]
    width = len(header)
    if width > MAX_COLUMNS:
        raise ReadError(f"The file has more than {MAX_COLUMNS} columns; this is not an extract we can read.")
    ragged = [
        (n + 2, len(r))
        for n, r in enumerate(rows[1:])
        if len(r) < width or (len(r) > width and any(c.strip() for c in r[width:]))
    ]
    body = [(r + [""] * width)[:width] for r in rows[1:]]
    frame = pd.DataFrame(body, columns=_unique(header), dtype=str)
    if ragged:
        frame.attrs["ragged"] = {"rows": ragged[:MAX_RAGGED_LISTED], "count": len(ragged), "width": width}
    return frame


MAX_RAGGED_LISTED = 50
FIELD_LIMIT = 1024 * 1024
# The characters str.strip() removes (str.isspace); tests/test_perf_readers.py checks the list.
WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
WHITESPACE += "\u2028\u2029\u202f\u205f\u3000"


def _arrow_reads_it_alike(body: bytes, start: int) -> bool:
    """Whether pyarrow's CSV parser reads ``body[start:]`` as the csv module does (what the fuzz test found).

    A NUL (the two treat it differently), a second byte-order mark (pyarrow drops it) or a bare CR
    (pyarrow ends a row there; the csv module refuses it) sends a file to the reference reader.
    """
    return (
        body.find(b"\x00", start) < 0
        and not body.startswith(codecs.BOM_UTF8, start)
        and (body.find(b"\r", start) < 0 or body.count(b"\r", start) == body.count(b"\r\n", start))
    )


def _arrow_table(body: bytes, start: int) -> pa.Table | None:
    """Every cell as text, parsed by pyarrow (tens of times faster); None where it reads differently.

    Differences make it give up rather than guess: rows of unequal width, an unclosed quote, an
    empty file, or a field longer than the csv module's limit all go to the reference reader.
    """
    names = [f"f{i}" for i in range(MAX_COLUMNS + 1)]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(memoryview(body)[start:]),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if table.num_columns > len(names) or any(t != pa.string() for t in table.schema.types):
        return None
    if len(body) - start >= FIELD_LIMIT and any(
        (pc.max(pc.utf8_length(c)).as_py() or 0) >= FIELD_LIMIT for c in table.columns
    ):
        return None
    return table


def _blank_rows(table: pa.Table) -> np.ndarray:
    """Rows whose every cell is blank or white space (the reference reader leaves them out)."""
    blank = np.ones(table.num_rows, dtype=bool)
    for column in table.columns:
        undecided = np.flatnonzero(blank)
        if not undecided.size:
            break
        cells = column.take(pa.array(undecided))
        empty = pc.equal(pc.utf8_trim(cells, characters=WHITESPACE), "").to_numpy(zero_copy_only=False)
        blank[undecided[~empty]] = False
    return blank


def _frame(table: pa.Table) -> pd.DataFrame:
    """The parsed rows as the reference reader returns them: header from the first non-blank row."""
    blank = _blank_rows(table)
    filled = np.flatnonzero(~blank)
    if not filled.size:
        raise ReadError("The file is empty: it has no header row and no figures.")
    first = int(filled[0])
    header = [str(table.column(i)[first].as_py()).strip() for i in range(table.num_columns)]
    rest = filled[1:]
    body = table.slice(first + 1) if rest.size == table.num_rows - first - 1 else table.take(pa.array(rest))
    frame = body.rename_columns(_unique(header)).to_pandas(types_mapper=_STR_TYPES.get)
    return frame.reset_index(drop=True)


_STR_TYPES = {pa.string(): pd.StringDtype(na_value=np.nan)}


def _limits() -> tuple[int, int]:
    return MAX_UPLOAD_BYTES // BYTES_PER_ROW, MAX_UPLOAD_BYTES // BYTES_PER_CELL


def _too_big() -> ReadError:
    max_rows, max_cells = _limits()
    return ReadError(
        f"The file has more than {max_rows:,} rows or {max_cells:,} cells, more than any extract we "
        "read. Remove blank rows and columns, or split it, and upload it again."
    )


def _capped(rows: Iterable[Sequence]) -> Iterator[Sequence]:
    """The rows, refusing once there are more rows or cells than a file within the size limit holds."""
    max_rows, max_cells = _limits()
    count = cells = 0
    for row in rows:
        count, cells = count + 1, cells + len(row)
        if count > max_rows or cells > max_cells:
            raise _too_big()
        yield row


def _unique(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in header:
        name = h or "(blank)"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 0
        out.append(name)
    return out


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = sum(i.file_size for i in zf.infolist())
    except Exception as exc:  # BadZipFile, and NotImplementedError for a damaged "version needed" field, ...
        raise ReadError("The file is not a valid Excel workbook (.xlsx). Open it in Excel and save it again.") from exc
    if total > MAX_XLSX_UNCOMPRESSED:
        raise ReadError("The workbook expands to more than 200 MB; save the sheet you need on its own and try again.")


def _workbook(data: bytes):
    """The workbook opened by python-calamine (Rust: a 200,000-row sheet in about a tenth of openpyxl's
    time, bench/excelbench.py); the zip is checked for bombs first."""
    from python_calamine import CalamineWorkbook

    _check_zip(data)
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own kinds (ZipError, XmlError, CalamineError ...) for damage
        raise ReadError(f"The workbook cannot be opened ({type(exc).__name__}). Save it again from Excel.") from exc


def sheet_names(data: bytes) -> list[str]:
    wb = _workbook(data)
    try:
        return list(wb.sheet_names)
    finally:
        wb.close()


def read_excel(data: bytes, sheet: str | None = None) -> pd.DataFrame:
    """A sheet as text cells. Its formula cells with no saved result and its error cells (#N/A, #DIV/0!),
    which a reader shows as blank, are listed in ``attrs["unreadable"]`` for the upload to refuse by cell."""
    wb = _workbook(data)
    try:
        name = sheet or wb.sheet_names[0]
        if name not in wb.sheet_names:
            raise ReadError(f"The workbook has no sheet called {name!r}; it has {', '.join(wb.sheet_names)}.")
        xml = _sheet_xml(data, name)
        _refuse_huge_extent(xml, name)  # before calamine lays out every cell between the first and the last
        ws = wb.get_sheet_by_name(name)
        max_rows, max_cells = _limits()
        if ws.width > MAX_COLUMNS:
            raise ReadError(f"Sheet {name!r} has more than {MAX_COLUMNS} columns.")
        if ws.height > max_rows or ws.height * ws.width > max_cells:
            raise _too_big()
        first_row, first_col = ws.start or (0, 0)
        rows, numbers = [], []
        for n, r in enumerate(_capped(ws.iter_rows())):
            cells = ["" if c is None else _cell_text(c) for c in r]
            if any(c.strip() for c in cells):
                rows.append(cells)
                numbers.append(first_row + n + 1)  # the row number Excel shows
    except ReadError:
        raise
    except Exception as exc:  # a sheet damaged after the part read on opening
        raise ReadError(f"The workbook cannot be read ({type(exc).__name__}). Save it again from Excel.") from exc
    finally:
        wb.close()
    if not rows:
        raise ReadError(f"Sheet {name!r} is empty.")
    header = [h.strip() for h in rows[0]]
    body = [(r + [""] * len(header))[: len(header)] for r in rows[1:]]
    frame = pd.DataFrame(body, columns=_unique(header), dtype=str)
    columns = list(frame.columns)
    unreadable = [
        (row, columns[col - first_col] if 0 <= col - first_col < len(columns) else ref, what)
        for ref, row, col, what in excel_cells_without_values(xml)
        if row > numbers[0]
    ]
    if unreadable:
        frame.attrs["unreadable"] = unreadable[:MAX_RAGGED_LISTED]
        frame.attrs["unreadable_count"] = len(unreadable)
    return frame


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_REL_TAG = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_REF = re.compile(r"([A-Z]+)([0-9]+)")


def _sheet_part(zf: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding ``sheet``'s cells (by the workbook's own names and relationships)."""
    rid = None
    for tag in _SHEET_TAG.findall(zf.read("xl/workbook.xml")):
        attrs = {k.split(b":")[-1]: html.unescape(v.decode("utf-8", "replace")) for k, v in _ATTR.findall(tag)}
        if attrs.get(b"name") == sheet:
            rid = attrs.get(b"id")
    if rid is None:
        return None
    for tag in _REL_TAG.findall(zf.read("xl/_rels/workbook.xml.rels")):
        attrs = {k: v.decode("utf-8", "replace") for k, v in _ATTR.findall(tag)}
        if attrs.get(b"Id") == rid:
            target = attrs.get(b"Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def _sheet_xml(data: bytes, sheet: str) -> bytes:
    """The sheet's XML (the zip was checked for bombs), or nothing where the parts cannot be found."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            part = _sheet_part(zf, sheet)
            return zf.read(part) if part else b""
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return b""  # the reader reports what is wrong with the file


_COLUMN_LETTERS = re.compile(rb'<c r="([A-Z]{1,3})[0-9]')


def _refuse_huge_extent(xml: bytes, sheet: str) -> None:
    """A sheet's cells are laid out from its first to its last: two cells at A1 and SF300000 would take
    150 million, gigabytes, from a file of a few hundred bytes. Its extent is checked first."""
    last = xml.rfind(b'<row r="')
    rows = int(xml[last + 8 : xml.find(b'"', last + 8)] or 0) if last >= 0 else 0
    letters = set(_COLUMN_LETTERS.findall(xml))
    width = max((_column_number(c.decode()) for c in letters), default=0)
    if width > MAX_COLUMNS:
        raise ReadError(f"Sheet {sheet!r} has more than {MAX_COLUMNS} columns.")
    max_rows, max_cells = _limits()
    if rows > max_rows or rows * width > max_cells:
        raise _too_big()


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def excel_cells_without_values(xml: bytes) -> list[tuple[str, int, int, str]]:
    """Cells of ``sheet`` a reader would show as blank though they are not: a formula with no saved
    result (the workbook was written by a program that does not calculate, and never opened in Excel)
    and an error (#N/A, #DIV/0!). Found in the sheet's XML, as (reference, row, column index, what).

    A workbook with no formula or error cell (nearly all) costs one search of its sheet's text.
    """
    found = []
    hits = sorted({*_positions(xml, b"<f"), *_positions(xml, b' t="e"')})
    seen = set()
    for at in hits:
        start = xml.rfind(b"<c ", 0, at + 1)
        if start < 0 or start in seen:
            continue
        seen.add(start)
        close = xml.find(b">", start)
        end = xml.find(b"</c>", close)
        if close < 0 or xml[close - 1 : close] == b"/" or end < 0:
            continue
        attrs = dict(_ATTR.findall(xml[start:close]))
        body = xml[close + 1 : end]
        ref = attrs.get(b"r", b"").decode("ascii", "replace")
        v0 = body.find(b"<v")
        value = body[body.find(b">", v0) + 1 : body.find(b"</v>")] if v0 >= 0 and b"</v>" in body else b""
        if attrs.get(b"t") == b"e":
            what = f"the error {html.unescape(value.decode('utf-8', 'replace')) or '#VALUE!'}"
        elif b"<f" in body and not value:
            what = "a formula with no saved result"
        else:
            continue
        if m := _REF.fullmatch(ref):
            found.append((ref, int(m.group(2)), _column_number(m.group(1)) - 1, what))
    return found


def _positions(haystack: bytes, needle: bytes) -> Iterator[int]:
    at = haystack.find(needle)
    while at >= 0:
        yield at
        at = haystack.find(needle, at + 1)


def read(data: bytes, filename: str, sheet: str | None = None) -> pd.DataFrame:
    """Any accepted upload as a table of text; ``ReadError`` with a plain reason otherwise."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ReadError(f"The file is {len(data) / 1e6:.0f} MB; the limit is {MAX_UPLOAD_BYTES // 1024 // 1024} MB.")
    if len(data) == 0:
        raise ReadError("The file is empty: it has no header row and no figures.")
    if is_excel(filename):
        return read_excel(data, sheet)
    if not filename.lower().endswith((".csv", ".txt")):
        raise ReadError(f"{filename!r} is not a CSV or Excel (.xlsx) file.")
    return read_csv(data)
