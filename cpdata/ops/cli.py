"""Command line for the server's operators: scorecards, scheduled loads, history, undo.

Who may change the data is decided by the file system: ``load`` and ``undo`` refuse, before reading
anything and with exit code 77, unless this user can write the data folder, its manifest and its
extracts folder (the dashboard's own analyst role applies to the browser). ``check``, ``map``, ``history``,
``scorecard`` and ``check-store`` only read: the recipe ``map`` prints is kept by ``load --recipe R.toml
--save-recipe``, with the figures it maps (as the page keeps it). A file over the upload limit is refused unread.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from cpdata.catalogue.catalogue import load_catalogue
from cpdata.core import config
from cpdata.core.datafolder import DataFolder

EXIT_NOT_ALLOWED = 77  # EX_NOPERM in sysexits.h


def cannot_write(root: Path) -> str | None:
    """Why this user may not change the data folder, or None. (Root passes unless the file system says no.)"""
    from cpdata.store import store

    for path in (root, root / store.MANIFEST, root / "extracts"):
        if path.exists() and not os.access(path, os.W_OK):
            return (
                f"{getpass.getuser()} cannot write {path}: loading and undoing change the data folder, so they "
                "are for users who may write it (run as the dashboard's service user, or ask its operators)."
            )
    return None


def refuse(reason: object, code: int = 1) -> int:
    """Say why a command did nothing, on stderr in the one shape every command uses ("Refused: ..."), and
    return its exit code: one place, so no command (here or in ``cli_indicators``) words it its own way."""
    print(f"Refused: {reason}", file=sys.stderr)
    return code


def _refuse_unless_writable() -> int | None:
    reason = cannot_write(config.data_dir())
    return refuse(f"{reason} Nothing was changed.", EXIT_NOT_ALLOWED) if reason else None


def _not_done(exc: Exception) -> int:
    """An apply or undo that did not happen: the disk's failure as it is said ("Not applied: the disk is full;
    nothing changed"), any other refusal (the file, the request) as a refusal."""
    from cpdata.uploads import uploads

    if isinstance(exc, uploads.NotApplied):
        print(exc, file=sys.stderr)
        return 1
    return refuse(exc)


def _scorecard(args: argparse.Namespace) -> int:
    from cpdata.core import fmt
    from cpdata.figures import exports
    from cpdata.store import queries, reference

    if args.council.strip().lower() == "all":
        from cpdata.figures import all_councils

        df = fmt.exact_columns(
            all_councils.scorecard(DataFolder.of(), args.year, args.sn_model), queries.FIGURE_COLUMNS
        )
        name = "every council"
    else:
        try:
            council = reference.resolve_area(DataFolder.of(), args.council)
        except KeyError as exc:
            print(f"error: {exc.args[0]}", file=sys.stderr)
            return 2
        card = queries.scorecard_table(DataFolder.of(), council, year=args.year, sn_model=args.sn_model)
        df = fmt.exact_columns(card, queries.FIGURE_COLUMNS)
        name = reference.area(DataFolder.of(), council)["name"]
    if args.format == "csv":
        exports.safe_frame(df).to_csv(sys.stdout, index=False)
    else:
        print(df.astype(object).where(df.notna(), "").to_string(index=False))  # no figure: blank, not None
        fallback = df[df["sn_model_note"] != ""]
        if not fallback.empty and "council_name" not in df:
            years = ", ".join(str(p) for p in sorted(set(fallback["period"])))
            print(f"\nNote: {name} is {fallback['sn_model_note'].iloc[0]} (years ending {years}).")
        elif not fallback.empty:
            print(f"\nNote: {len(fallback)} rows use the other neighbour model; see sn_model_note.")
    return 0


def _prepare(args: argparse.Namespace):
    """Read and check a file, printing every problem; None if any check fails."""
    from cpdata.store import reference
    from cpdata.uploads import ingest

    council = args.council
    if council:
        try:
            council = reference.resolve_area(DataFolder.of(), council)
        except KeyError as exc:
            print(f"error: {exc.args[0]}", file=sys.stderr)
            return None
    options = ingest.Options(sheet=args.sheet, council=council, percent_scale=args.percent_scale)
    if args.recipe:  # a DfE file no recipe knows, mapped by a recipe file (as the upload page saves them)
        from cpdata.uploads import recipe_format

        try:
            options.recipe = recipe_format.read_recipe(Path(args.recipe), load_catalogue(DataFolder.of()))
        except recipe_format.RecipeFileError as exc:
            refuse(f"the recipe {args.recipe} cannot be used: {exc}.")
            return None
        options.save_recipe = getattr(args, "save_recipe", False)  # only load has it
    data = _read_upload(Path(args.file))
    if data is None:
        return None
    prepared = ingest.prepare(DataFolder.of(), data, Path(args.file).name, options)
    print(f"{args.file}: recognised as {prepared.shape}")
    for p in prepared.problems:
        print(f"{p.severity.upper()}: {p.text()}")
    if prepared.failed:
        refuse("nothing was changed.")
        return None
    changes = prepared.changes
    print(", ".join(f"{len(v)} {k}" for k, v in changes.items()))
    return prepared, data


def _read_upload(path: Path) -> bytes | None:
    """The file's bytes, unless it is over the upload limit (then it is not read at all) or unreadable."""
    from cpdata.uploads import readers

    try:
        size = path.stat().st_size
        if size > readers.MAX_UPLOAD_BYTES:
            limit = readers.MAX_UPLOAD_BYTES // 2**20
            refuse(f"{path}: the file is {size / 1e6:.0f} MB; the limit is {limit} MB.")
            return None
        return path.read_bytes()
    except OSError as exc:
        refuse(f"cannot read {path} ({exc.strerror or exc}).")
        return None


def name_refused(name: str) -> str | None:
    """Why ``--by`` cannot be recorded (it is shown to every visitor in the history): a line break or an
    invisible character, or the analysts' password from the dashboard's secrets.toml, typed by mistake."""
    import tomllib

    from cpdata.core.plain_text import unsafe_characters
    from cpdata.uploads import auth

    if unsafe_characters(name):
        return "--by holds a line break or an invisible character; give a plain name."
    for path in (config.REPO_DIR / ".streamlit" / "secrets.toml", Path.home() / ".streamlit" / "secrets.toml"):
        try:
            secrets = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if auth.password_ok(name, secrets) or auth.password_ok(name.strip(), secrets):
            return "--by is the analysts' password; give your own name (nothing was recorded)."
    return None


def _check(args: argparse.Namespace) -> int:
    return 0 if _prepare(args) else 1


def _load(args: argparse.Namespace) -> int:
    from cpdata.uploads import uploads

    if (refused := _refuse_unless_writable()) is not None:
        return refused
    ready = _prepare(args)
    if ready is None:
        return 1
    prepared, data = ready
    by = args.by or getpass.getuser()
    if (refused_name := name_refused(by)) is not None:
        return refuse(f"{refused_name} Nothing was changed.")
    try:
        entry = uploads.apply(DataFolder.of(), prepared, data, by)
    except uploads.ChangesNothing as exc:  # not an error: a scheduled load of a file already held
        print(exc)
        return 0
    except uploads.UploadRefused as exc:  # the file or the disk: one plain line, no traceback
        return _not_done(exc)
    print(f"Applied as {entry['id']} ({entry['rows']} rows). Undo with: python -m cpdata undo {entry['id']}")
    if "recipe_saved" in entry:
        print(f"Mapping saved as recipes/{entry['recipe_saved']}: files like this are recognised next time.")
    elif "recipe_not_saved" in entry:
        print(f"The mapping was not saved: {entry['recipe_not_saved']}.", file=sys.stderr)
    return 0


def _history(args: argparse.Namespace) -> int:
    from cpdata.uploads import uploads

    table = uploads.history(DataFolder.of())
    print(table.to_string(index=False) if not table.empty else "No uploads yet.")
    return 0


def _undo(args: argparse.Namespace) -> int:
    from cpdata.uploads import uploads

    if (refused := _refuse_unless_writable()) is not None:
        return refused
    try:
        entry = uploads.undo(DataFolder.of(), args.id, args.by or getpass.getuser())
    except uploads.UploadRefused as exc:
        return _not_done(exc)
    print(f"Undone: {entry['id']} ({entry.get('source_file', '')}).")
    return 0


def _check_store(args: argparse.Namespace) -> int:
    from cpdata.store import integrity

    if args.repair and (refused := _refuse_unless_writable()) is not None:
        return refused
    report = integrity.check(DataFolder.of(), repair=args.repair)
    for word, items in (("tidied", report.tidied), ("left over", report.leftovers), ("PROBLEM", report.problems)):
        for item in items:
            print(f"{word}: {item}")
    print("The data folder is whole." if not report.problems else integrity.FIX)
    return 1 if report.problems else 0


def _serve(args: argparse.Namespace) -> int:
    from cpdata.ops import serve

    return serve.main(args)


def _run(args: argparse.Namespace) -> int:
    """This process becomes the server (signals reach Streamlit directly), started as launch starts it."""
    from cpdata.ops import launch

    command = [*launch.DASHBOARD_COMMAND, *args.streamlit_args]
    os.execv(command[0], command)
    return 0  # not reached: execv replaces this process


def _build(args: argparse.Namespace) -> int:
    from cpdata.ops import build_sample

    counts = build_sample.build(Path(args.source), Path(args.out))
    for key, n in counts.items():
        print(f"{key}: {n}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cpdata", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sc = sub.add_parser("scorecard", help="every indicator with data: council, neighbours, region, England")
    sc.add_argument(
        "--council", required=True, help="old (302) or new (E09000003) code, or name; 'all' for every council"
    )
    sc.add_argument("--year", type=int, help="year ending, e.g. 2021 for 2020/21 (default: every year)")
    sc.add_argument("--sn-model", choices=["auto", "2021", "2025"], default="auto")
    sc.add_argument("--format", choices=["table", "csv"], default="table")
    sc.set_defaults(func=_scorecard)
    for name, func, text in (("check", _check, "check a file, change nothing"), ("load", _load, "check and apply")):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("file")
        cmd.add_argument("--council", help="for a wide table: whose figures (old or new code, or name)")
        cmd.add_argument("--sheet", help="for an Excel workbook: which sheet")
        cmd.add_argument("--percent-scale", choices=["auto", "percent", "proportion"], default="auto")
        cmd.add_argument("--by", help="who is loading (default: the operating-system user)")
        cmd.add_argument("--recipe", help="for a DfE file no recipe knows: a recipe file (TOML, from map) that maps it")
        if name == "load":  # the one way a mapping is kept: with the figures it was made for, as in the page
            cmd.add_argument("--save-recipe", action="store_true", help="with --recipe: keep it in the data folder")
        cmd.set_defaults(func=func)
    sub.add_parser("history", help="every upload, newest first").set_defaults(func=_history)
    un = sub.add_parser("undo", help="take an upload back out")
    un.add_argument("id")
    un.add_argument("--by")
    un.set_defaults(func=_undo)
    cs = sub.add_parser("check-store", help="is the data folder whole? (--repair tidies an interrupted write)")
    cs.add_argument("--repair", action="store_true")
    cs.set_defaults(func=_check_store)
    from cpdata.ops import cli_indicators

    cli_indicators.register(sub)
    bs = sub.add_parser("build-sample", help="rebuild sample_data from the published CSVs")
    bs.add_argument("--source", default=str(config.REPO_DIR.parent / "shared" / "data"))
    bs.add_argument("--out", default=str(config.SAMPLE_DATA_DIR))
    bs.set_defaults(func=_build)
    run = sub.add_parser("run", help="start the dashboard (streamlit run dashboard.py, first session routed too)")
    run.set_defaults(func=_run, streamlit_args=[])  # what follows "run" is streamlit run's own options
    sv = sub.add_parser("serve", help="several dashboard processes behind nginx (see deploy/README.md)")
    sv.add_argument("--workers", type=int, default=2, help="Streamlit processes (about one per core)")
    sv.add_argument("--port", type=int, default=8501, help="the port nginx listens on")
    sv.add_argument("--address", default="127.0.0.1", help="the address nginx listens on (0.0.0.0: every one)")
    sv.add_argument("--sticky", choices=["cookie", "ip"], default="cookie", help="how a browser keeps its worker")
    sv.add_argument("--run-dir", help="where nginx's configuration and logs go (default: a new temporary folder)")
    sv.add_argument("streamlit_args", nargs="*", help="after --: more options for each worker's streamlit run")
    sv.set_defaults(func=_serve)
    args, rest = parser.parse_known_args(argv)
    if args.command == "run":
        args.streamlit_args = rest
    elif rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    return args.func(args)
