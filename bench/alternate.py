"""Checkouts served side by side and given the same load in alternating rounds: a ratio that holds on a busy
machine (``bench.before_after`` does every scenario and the uploads; this only the one under study).

    git archive <commit> | tar -x -C /tmp/before
    python -m bench.alternate before=/tmp/before after=. --users 20 --rounds 4 --switch

Each checkout's server (``protocol.serve`` with ``BENCH_SERVER_REPO``; both run this checkout's launch
command, so the older one must have the same server module) serves its own copy of the sample data, is
warmed on Barnet's six pledge pages, then each round gives every side ``--users`` new sessions at once
opening pledge pages (and, with ``--switch``, two page switches each), the order of the sides reversed every
other round so that whatever else the machine runs weighs on both alike. Prints pages/s and p50/p95.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from bench import loadbench, protocol, synth


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.alternate")
    ap.add_argument("sides", nargs="+", metavar="NAME=CHECKOUT")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--switch", action="store_true", help="also two page switches per person each round")
    args = ap.parse_args(argv)
    sides = dict(s.split("=", 1) for s in args.sides)
    pages = loadbench.BARNET_PLEDGES
    tmp = Path(tempfile.mkdtemp(prefix="cpdata-bench-alt-"))
    res: dict = {name: {"open": [], "page": []} for name in sides}
    try:
        with contextlib.ExitStack() as stack:
            bases = {}
            for name, repo in sides.items():
                os.environ["BENCH_SERVER_REPO"] = str(Path(repo).resolve())
                bases[name] = stack.enter_context(protocol.serve(synth.copy_sample(tmp / name), log=sys.stderr.buffer))
            for base in bases.values():
                asyncio.run(loadbench.warm(base, pages, ["page"]))
                asyncio.run(protocol.new_sessions(base, args.users, 1, pages, ""))
            for r in range(args.rounds):
                for name, base in list(bases.items())[:: 1 if r % 2 == 0 else -1]:
                    res[name]["open"].append(asyncio.run(protocol.new_sessions(base, args.users, 1, pages, "")))
                    if args.switch:
                        moves = asyncio.run(protocol.navigate(base, args.users, ["page"], 2, pages))
                        res[name]["page"].append(moves["page"])
    finally:
        os.environ.pop("BENCH_SERVER_REPO", None)
        shutil.rmtree(tmp, ignore_errors=True)
    for name, kinds in res.items():
        for kind, rounds in kinds.items():
            if rounds:
                rate = sum(x["n"] for x in rounds) / sum(x["wall_s"] for x in rounds)
                p50 = statistics.median(x["p50_s"] for x in rounds) * 1000
                p95 = statistics.median(x["p95_s"] for x in rounds) * 1000
                print(f"{name:10s} {kind:5s} {rate:5.1f} pages/s  p50 {p50:5.0f} ms  p95 {p95:5.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
