"""Before and after in one run: two checkouts served side by side, measured in turn by the same client.

    git archive <commit> | tar -x -C /tmp/before
    python -m bench.before_after --before /tmp/before --out bench/results/before_after.json

Each checkout's ``streamlit run dashboard.py`` serves its own copy of the committed sample data; both are
warmed, then for 1, 5 and 20 people at once (``--levels``) each is given the same new sessions and page,
year and council changes (``bench.loadbench``), alternating so that whatever else the machine runs weighs
on both alike; then the first view after an upload on each (``loadbench.upload_first_view``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
from pathlib import Path

from bench import loadbench, protocol, synth

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.before_after")
    ap.add_argument("--before", required=True, help="a checkout of the earlier commit (git archive)")
    ap.add_argument("--after", default=str(REPO))
    ap.add_argument("--levels", default="1,5,20")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    levels = [int(x) for x in args.levels.split(",")]
    opens, steps = loadbench._counts(levels, args.quick)
    kinds = ["page", "year", "council"]
    tmp = Path(tempfile.mkdtemp(prefix="cpdata-bench-ba-"))
    sides = {"before": args.before, "after": args.after}
    out: dict = {"repos": sides, "load": {k: {} for k in sides}, "upload": {}}
    log = sys.stderr.buffer
    with contextlib.ExitStack() as stack:
        bases = {}
        for name, repo in sides.items():
            os.environ["BENCH_SERVER_REPO"] = repo
            bases[name] = stack.enter_context(protocol.serve(synth.copy_sample(tmp / name), log=log))
        for base in bases.values():
            asyncio.run(loadbench.warm(base, loadbench.BARNET_PLEDGES, kinds))
        for n in levels:
            for name, base in bases.items():
                res = asyncio.run(loadbench.load(base, loadbench.BARNET_PLEDGES, kinds, [n], opens, steps))
                out["load"][name].update(res)
                print(f"{name}: {n} at once done", file=sys.stderr, flush=True)
    for name, repo in sides.items():
        os.environ["BENCH_SERVER_REPO"] = repo
        out["upload"][name] = loadbench.upload_first_view(synth.copy_sample(tmp / f"up_{name}"), log)
    os.environ.pop("BENCH_SERVER_REPO", None)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2), encoding="utf-8")
    for n in map(str, levels):
        for kind in ["open", *kinds]:
            b, a = out["load"]["before"][n][kind], out["load"]["after"][n][kind]
            print(
                f"{n:>3} {kind:8s} before p50 {b['p50_s'] * 1000:6.0f}ms p95 {b['p95_s'] * 1000:6.0f}ms "
                f"{b['pages_per_s']:5.1f}/s {b['kb_median']:4.0f}KB | after p50 {a['p50_s'] * 1000:6.0f}ms "
                f"p95 {a['p95_s'] * 1000:6.0f}ms {a['pages_per_s']:5.1f}/s {a['kb_median']:4.0f}KB"
            )
    for name, u in out["upload"].items():
        after, settled = u["first_view_after_s"], u["first_view_settled_s"]
        print(f"upload {name}: straight after {after:.2f}s, 2 s after {settled:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
