"""Check, preview and apply one EES-shaped CSV, in a process of its own (for its peak memory).

    python -m bench.ingestbench --data DIR --csv FILE --out result.json

Times ``cpdata.uploads.ingest.prepare`` (read, recognise, check), ``Prepared.changes`` and
``uploads.apply`` on a writable data folder (a copy), and reports this process's peak RSS
(``VmHWM``; see ``peak_rss_mb``) and its RSS before the file was read.

The upload limit (``cpdata.uploads.readers.MAX_UPLOAD_BYTES``, 50 MB) refuses files larger than that, as
the page and the command line do; with ``--lift-limit`` this process raises it for the run (the
report says so), so the pipeline's own cost at that size can be measured.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

from cpdata.core.datafolder import DataFolder


def rss_now_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    """This process's peak RSS: VmHWM, which starts afresh at exec. (On Linux, getrusage's ru_maxrss
    keeps the parent's high-water mark across fork and exec, so a big parent would show through.)"""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--csv", required=True)
    ap.add_argument("--lift-limit", action="store_true")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    os.environ["CPDATA_DIR"] = str(Path(args.data).resolve())

    from cpdata.store import reference, store
    from cpdata.uploads import ingest, readers, uploads

    store.cursor(DataFolder.of()).close()  # the database of the current data version, as a running server has it
    reference.areas(DataFolder.of())
    result: dict = {"csv": args.csv, "rss_before_mb": rss_now_mb()}
    data = Path(args.csv).read_bytes()
    result["file_mb"] = len(data) / 1e6
    result["rows"] = data.count(b"\n") - 1
    result["upload_limit_mb"] = readers.MAX_UPLOAD_BYTES / 2**20
    result["over_upload_limit"] = len(data) > readers.MAX_UPLOAD_BYTES
    if result["over_upload_limit"] and args.lift_limit:
        readers.MAX_UPLOAD_BYTES = len(data) + 1
        result["limit_lifted_for_benchmark"] = True
    t0 = time.perf_counter()
    prepared = ingest.prepare(DataFolder.of(), data, Path(args.csv).name, ingest.Options())
    t1 = time.perf_counter()
    result["check_s"] = t1 - t0
    result["shape"] = prepared.shape
    result["failed"] = prepared.failed
    result["problems"] = {
        "fail": sum(p.severity == "fail" for p in prepared.problems),
        "advisory": sum(p.severity == "advisory" for p in prepared.problems),
        "first": prepared.problems[0].text()[:200] if prepared.problems else None,
    }
    result["figures"] = len(prepared.figures)
    if not prepared.failed:
        changes = prepared.changes
        t2 = time.perf_counter()
        result["preview_s"] = t2 - t1
        result["preview"] = {k: len(v) for k, v in changes.items()}
        entry = uploads.apply(DataFolder.of(), prepared, data, "benchmark")
        t3 = time.perf_counter()
        result["apply_s"] = t3 - t2
        result["applied_rows"] = entry["rows"]
        result["total_s"] = t3 - t0
    result["peak_rss_mb"] = peak_rss_mb()
    Path(args.out).write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
