"""Protocol-level load on real servers (``python -m bench.loadbench``; ``bench/run.py`` runs it).

Starts ``streamlit run dashboard.py`` on a data folder (and, with ``--peer-dir``, the fair peer
``bench/naive_peer.py`` on its CSVs), warms each (one visitor opens every page and makes every move
that is timed, as the first member of a committee would), then, for 1, 5, 20 and 50 people at once:

* ``open``: each opens a pledge link in a new session, ``--opens`` times in turn;
* ``page`` / ``council`` / ``year``: each, already on a pledge page, switches page, council or year.

With ``--upload-data`` it also times the first view of the dreams page after an upload is applied
(``python -m cpdata load``, as an operator or the upload page would apply it) on a server that had served
the page warm before. Writes JSON; timings are seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import pagebench, protocol

REPO = Path(__file__).resolve().parents[1]
BARNET_PLEDGES = pagebench.pledge_pages()  # the pages the page benchmark times, named once there
DREAMS = "barnet-dreams"
PEER_PAGE = ""  # the peer is a single page at the root
UPLOAD_ROW = ("cla_good_outstanding_school", "2024/25")


async def warm(base: str, pages: list[str], kinds: list[str]) -> dict:
    """One visitor makes every timed move once, on every page: the first person to open a page, council or
    year after the server starts pays for building it (the cold figures are the upload's), later ones not."""
    t0 = time.perf_counter()
    first, s = await protocol.open_page(base, pages[0])
    try:
        councils = [c for c in protocol.COUNCILS if c in s.widget("Council").options]
        for i, p in enumerate(pages):
            if i:
                await s.rerun(page=p)
            if "year" in kinds:
                years = s.widget("Year").options[:4]
                for y in [*years[1:], years[0]]:
                    await s.rerun(change=("Year", y))
            if "council" in kinds:
                for c in [*councils[1:], councils[0]]:
                    await s.rerun(change=("Council", c))
    finally:
        await s.close()
    return {"first_run_s": first.seconds, "warm_s": time.perf_counter() - t0}


async def load(base: str, pages: list[str], kinds: list[str], levels: list[int], opens: dict, steps: dict) -> dict:
    out: dict = {}
    for n in levels:
        res = {"open": await protocol.new_sessions(base, n, opens[n], pages, "")}
        if kinds:
            res |= await protocol.navigate(base, n, kinds, steps[n], pages)
        out[str(n)] = res
        line = ", ".join(f"{k} p50 {v['p50_s'] * 1000:.0f}ms p95 {v['p95_s'] * 1000:.0f}ms" for k, v in res.items())
        print(f"  {n:>2} at once: {line}", file=sys.stderr, flush=True)
    return out


def _counts(levels: list[int], quick: bool) -> tuple[dict, dict]:
    opens = {1: 8, 5: 4, 20: 2, 50: 1} if not quick else {1: 4, 5: 2, 20: 1, 50: 1}
    steps = {1: 12, 5: 4, 20: 2, 50: 1} if not quick else {1: 6, 5: 2, 20: 1, 50: 1}
    return {n: opens.get(n, 1) for n in levels}, {n: steps.get(n, 1) for n in levels}


def upload_first_view(data_dir: Path, log, settle_s: float = 2.0) -> dict:
    """Serve ``data_dir`` warm, apply a one-row upload (``python -m cpdata load``, as an operator would) and
    time a new visitor's dreams page straight after it; then apply another and time a visitor who comes
    ``settle_s`` later (a committee member opening the link a moment after the analyst applied it)."""
    folder = Path(tempfile.mkdtemp(prefix="cpdata-bench-up-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CPDATA_")} | {"CPDATA_DIR": str(data_dir)}
    ind, period = UPLOAD_ROW

    def apply(value: int) -> float:
        csv = folder / f"upload_{value}.csv"
        csv.write_text(f"indicator_id,area_code,period,value\n{ind},E09000003,{period},{value}\n", encoding="utf-8")
        t0 = time.perf_counter()
        cmd = [sys.executable, "-m", "cpdata", "load", str(csv), "--by", "bench"]
        subprocess.run(cmd, cwd=REPO, env=env, check=True, stdout=log, stderr=subprocess.STDOUT)
        return time.perf_counter() - t0

    async def visit(base: str, keep_text: bool = False) -> protocol.Run:
        run, s = await protocol.open_page(base, DREAMS, keep_text=keep_text)
        await s.close()
        return run

    with protocol.serve(data_dir, log=log) as base:
        before = asyncio.run(visit(base))
        time.sleep(settle_s)
        warm_run = asyncio.run(visit(base))
        apply_s = apply(91)
        now = asyncio.run(visit(base, keep_text=True))
        again = asyncio.run(visit(base))
        apply(92)
        time.sleep(settle_s)
        later = asyncio.run(visit(base, keep_text=True))
    return {
        "first_run_after_start_s": before.seconds,
        "warm_before_s": warm_run.seconds,
        "apply_s": apply_s,
        "first_view_after_s": now.seconds,
        "second_view_after_s": again.seconds,
        "settle_s": settle_s,
        "first_view_settled_s": later.seconds,
        "shows_new_figure": any("91%" in t for t in now.texts) and any("92%" in t for t in later.texts),
        "errors": now.errors + later.errors,
    }


def deploy_load(data_dir: Path, workers: int, levels_arg: str, quick: bool, log) -> dict:
    """The same load through nginx in front of ``workers`` processes (``cpdata.ops.serve``), each warmed
    directly first. The protocol client sends no cookie, so nginx spreads its sessions over the workers."""
    from cpdata.ops import launch, serve

    if not Path(serve.NGINX).exists():
        return {"missing": "nginx not installed (apt-get install nginx)"}
    levels = [int(x) for x in levels_arg.split(",") if x]
    opens, steps = _counts(levels, quick)
    cluster = serve.start(workers=workers, port=launch.free_port(), data_dir=data_dir, log=log)
    try:
        kinds = ["page", "year", "council"]
        for p in cluster.worker_ports:
            asyncio.run(warm(f"http://127.0.0.1:{p}", BARNET_PLEDGES, kinds))
        out = {"workers": workers, "load": asyncio.run(load(cluster.url, BARNET_PLEDGES, kinds, levels, opens, steps))}
    finally:
        cluster.stop()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.loadbench")
    ap.add_argument("--data", help="data folder for the dashboard's load runs")
    ap.add_argument("--peer-dir", help="the peer's CSVs (bench.peer_data); also load the fair peer")
    ap.add_argument("--levels", default="1,5,20,50")
    ap.add_argument("--peer-levels", default="1,5,20")
    ap.add_argument("--upload-data", action="append", default=[], help="LABEL=FOLDER: first view after an upload")
    ap.add_argument("--deploy-data", help="also load deploy/'s set-up (nginx and --deploy-workers) on this folder")
    ap.add_argument("--deploy-workers", type=int, default=2)
    ap.add_argument("--deploy-levels", default="50")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    levels = [int(x) for x in args.levels.split(",") if x]
    result: dict = {}
    log = sys.stderr.buffer
    if args.data:
        opens, steps = _counts(levels, args.quick)
        with protocol.serve(Path(args.data), log=log) as base:
            kinds = ["page", "year", "council"]
            result["warm_up"] = asyncio.run(warm(base, BARNET_PLEDGES, kinds))
            print(f"ours: warmed in {result['warm_up']['warm_s']:.1f}s", file=sys.stderr, flush=True)
            result["ours"] = asyncio.run(load(base, BARNET_PLEDGES, kinds, levels, opens, steps))
            result["counts"] = {"opens_per_user": opens, "moves_per_user": steps}
    if args.peer_dir:
        plevels = [int(x) for x in args.peer_levels.split(",") if x]
        opens, steps = _counts(plevels, args.quick)
        with protocol.serve(None, script="bench/naive_peer.py", env={"BENCH_PEER_DIR": args.peer_dir}, log=log) as b:
            result["peer_warm_up"] = asyncio.run(warm(b, [PEER_PAGE], ["council"]))
            print(f"peer: warmed in {result['peer_warm_up']['warm_s']:.1f}s", file=sys.stderr, flush=True)
            result["peer"] = asyncio.run(load(b, [PEER_PAGE], ["council"], plevels, opens, steps))
        with protocol.serve(Path(args.data), log=log) as base:  # ours on the same single page, for the ratio
            asyncio.run(warm(base, [DREAMS], ["council"]))
            result["ours_dreams"] = asyncio.run(load(base, [DREAMS], ["council"], plevels, opens, steps))
    if args.deploy_data:
        result["deploy"] = deploy_load(Path(args.deploy_data), args.deploy_workers, args.deploy_levels, args.quick, log)
    for spec in args.upload_data:
        label, folder = spec.split("=", 1)
        result.setdefault("upload", {})[label] = upload_first_view(Path(folder), log)
        print(f"upload {label}: {result['upload'][label]}", file=sys.stderr, flush=True)
    Path(args.out).write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
