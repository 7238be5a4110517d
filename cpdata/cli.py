"""Command line for operators: scorecards and rebuilding the sample data."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cpdata import config


def _scorecard(args: argparse.Namespace) -> int:
    from cpdata import queries

    try:
        council = queries.resolve_area(args.council)
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    df = queries.scorecard_table(council, year=args.year, sn_model=args.sn_model)
    if args.format == "csv":
        df.to_csv(sys.stdout, index=False)
    else:
        print(df.to_string(index=False))
    return 0


def _build(args: argparse.Namespace) -> int:
    from cpdata import build_sample

    counts = build_sample.build(Path(args.source), Path(args.out))
    for key, n in counts.items():
        print(f"{key}: {n}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cpdata", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sc = sub.add_parser("scorecard", help="every indicator with data: council, neighbours, region, England")
    sc.add_argument("--council", required=True, help="old (302) or new (E09000003) code, or name")
    sc.add_argument("--year", type=int, help="year ending, e.g. 2021 for 2020/21 (default: every year)")
    sc.add_argument("--sn-model", choices=["auto", "2021", "2025"], default="auto")
    sc.add_argument("--format", choices=["table", "csv"], default="table")
    sc.set_defaults(func=_scorecard)
    bs = sub.add_parser("build-sample", help="rebuild sample_data from the published CSVs")
    bs.add_argument("--source", default=str(config.REPO_DIR.parent / "shared" / "data"))
    bs.add_argument("--out", default=str(config.SAMPLE_DATA_DIR))
    bs.set_defaults(func=_build)
    args = parser.parse_args(argv)
    return args.func(args)
