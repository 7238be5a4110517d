"""Checking a 200,000-row Excel workbook: openpyxl against python-calamine, and the whole upload check.

    python -m bench.excelbench [--rows 200000] [--repeat 3]

Writes one workbook shaped like the dashboard's template (indicator, area, period, value, source), then
times, each ``--repeat`` times in this process: reading the sheet with openpyxl (read-only, saved values:
how ``cpdata.uploads.readers`` read workbooks before), reading it with python-calamine (how it reads them
now), and ``cpdata.uploads.ingest.prepare`` on it (read, recognise, check every row, including the scan
of the sheet's XML for formulas with no saved result). Prints the best and median of each.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time

from cpdata.core.datafolder import DataFolder


def workbook(rows: int) -> bytes:
    """``rows`` figures for every council, three indicators and many years (as a big council extract)."""
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Figures")
    ws.append(["indicator_id", "area_code", "period", "value", "source"])
    from cpdata.catalogue.catalogue import load_catalogue
    from cpdata.store import reference

    codes = list(reference.councils(DataFolder.of())["area_code"])  # every council held, so each row names a real one
    ids = [i for i, ind in load_catalogue(DataFolder.of()).indicators.items() if ind.unit == "count"][:20]
    n = 0
    for year in range(1900, 2026):
        for ind in ids:
            for code in codes:
                ws.append([ind, code, str(year), 100 + n % 7, "Council performance report"])
                n += 1
                if n == rows:
                    buf = io.BytesIO()
                    wb.save(buf)
                    return buf.getvalue()
    raise ValueError("too many rows asked for")


def _openpyxl(data: bytes) -> int:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    count = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    return count


def _calamine(data: bytes) -> int:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    count = sum(1 for _ in wb.get_sheet_by_index(0).iter_rows())
    wb.close()
    return count


def _prepare(data: bytes) -> int:
    from cpdata.uploads import ingest

    prepared = ingest.prepare(DataFolder.of(), data, "big.xlsx")
    assert not prepared.failed, [p.text() for p in prepared.problems[:3]]
    return len(prepared.figures)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    data = workbook(args.rows)
    print(f"{args.rows:,} rows, {len(data) / 1e6:.1f} MB workbook")
    for name, fn in (("openpyxl read", _openpyxl), ("calamine read", _calamine), ("ingest.prepare", _prepare)):
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            fn(data)
            times.append(time.perf_counter() - started)
        print(f"{name:16} best {min(times):6.2f} s   median {statistics.median(times):6.2f} s")


if __name__ == "__main__":
    main()
