"""The command line's ``indicator add`` / ``indicator remove`` and ``map``: a council's own indicators and
mappings of DfE files the dashboard has never seen, without code.

``map`` makes the very recipe the upload page makes (``saved_recipes.recipe_from_choice``) after the
mapping guard (``uploads.mapping_guard``) has shown the indicator's meaning beside the choices and found no
contradiction, and prints it (a recipe file, the guard's reading as its comments); it writes nothing.
As in the page, a mapping is kept only when the upload it was made for is applied:
``python -m cpdata load FILE --recipe RECIPE.toml --save-recipe``. ``indicator add`` and ``remove`` write
the data folder, so they refuse (exit code 77) unless this user may write it, and write nothing when refused.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cpdata.core.datafolder import DataFolder
from cpdata.ops.cli import _read_upload, _refuse_unless_writable, refuse


def _add(args: argparse.Namespace) -> int:
    from cpdata.uploads import indicator_writer

    if (refused := _refuse_unless_writable()) is not None:
        return refused
    try:
        decimals: object = int(args.decimals)
    except ValueError:
        decimals = args.decimals  # the checker says what is wrong with it
    fields = {
        "id": args.id,
        "title": args.title,
        "short_title": args.short_title,
        "unit": args.unit,
        "polarity": args.polarity,
        "decimals": decimals,
        "definition": args.definition,
        "source": args.source,
        "topic": args.topic,
        "published": args.published,
        "sentence": args.sentence,
    }
    try:
        path = indicator_writer.add(DataFolder.of(), fields)
    except indicator_writer.IndicatorRefused as exc:
        return refuse(f"{exc} Nothing was written.")
    print(f"Added {args.id} to {path}.")
    print(
        f"Map a file to it: python -m cpdata map FILE --indicator {args.id} --value-column COLUMN --filter COL=VALUE "
        "> RECIPE.toml, then python -m cpdata load FILE --recipe RECIPE.toml --save-recipe"
    )
    return 0


def _remove(args: argparse.Namespace) -> int:
    from cpdata.uploads import indicator_writer

    if (refused := _refuse_unless_writable()) is not None:
        return refused
    try:
        indicator_writer.remove(DataFolder.of(), args.id)
    except indicator_writer.IndicatorRefused as exc:
        return refuse(exc)
    print(f"Removed {args.id} from the data folder's catalogue.")
    return 0


def parse_filters(items: list[str]) -> dict[str, str]:
    """``COL=VALUE`` pairs (the value may itself hold ``=``); ValueError names a malformed one."""
    out: dict[str, str] = {}
    for item in items:
        col, sep, value = item.partition("=")
        if not sep or not col.strip():
            raise ValueError(f"--filter {item!r} is not COLUMN=VALUE")
        if col.strip() in out:
            raise ValueError(f"--filter names {col.strip()!r} twice")
        out[col.strip()] = value
    return out


def _map(args: argparse.Namespace) -> int:
    from cpdata.catalogue.catalogue import load_catalogue
    from cpdata.uploads import ees, mapping_guard, readers, saved_recipes

    try:
        filters = parse_filters(args.filter or [])
    except ValueError as exc:
        return refuse(f"{exc}.", 2)
    catalogue = load_catalogue(DataFolder.of())
    if args.indicator not in catalogue.indicators:
        return refuse(
            f"{args.indicator!r} is not an indicator in the catalogue; add it first with "
            "python -m cpdata indicator add ..."
        )
    ind = catalogue.indicator(args.indicator)
    data = _read_upload(Path(args.file))
    if data is None:
        return 1
    name = Path(args.file).name
    try:
        df = readers.read(data, name, args.sheet)
    except readers.ReadError as exc:
        return refuse(exc)
    if not ees.is_ees(list(df.columns)):
        return refuse(
            "this is not a DfE open-data file (it has no time_period and geographic_level columns); "
            "map a wide table or the template with python -m cpdata load instead."
        )
    known = ees.find_recipe(DataFolder.of(), df)
    if known is not None and any(known == r for r in ees.shipped_recipes()):
        return refuse(
            f"this file is already recognised by the shipped recipe {known.name!r}, which would still be "
            "used first. Load it as it is."
        )
    if known is not None and ind.id in {i.id for i in known.indicators}:
        return refuse(f"{ind.id} is already mapped from files like this one (by {known.name!r}).")
    numerator, denominator = args.count_column, args.denominator_column
    guard = mapping_guard.check(df, ind, filters, args.value_column, numerator, denominator, args.polarity_confirmed)
    if not guard.ok:
        for label, text in guard.lines:
            print(f"{label}: {text}", file=sys.stderr)
        for why in guard.refusals:
            refuse(why)
        return 1
    recipe = saved_recipes.recipe_from_choice(
        args.name or saved_recipes.name_for(ind.short_title, name),
        ind.id,
        filters,
        args.value_column,
        args.publication,
        numerator,
        denominator,
    )
    try:
        saved_recipes.validate(DataFolder.of(), recipe)
    except saved_recipes.RecipeError as exc:
        return refuse(f"{exc}.")
    reading = "".join(f"# {label}: {' '.join(str(text).split())}\n" for label, text in guard.lines)
    print(reading + saved_recipes.toml_text(recipe), end="")
    print(
        f"Check the recipe above, keep it as a file, and load with it: python -m cpdata load {args.file} "
        "--recipe RECIPE.toml --save-recipe (the mapping is saved with the figures).",
        file=sys.stderr,
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``indicator add|remove`` and ``map`` to the command line."""
    ind = sub.add_parser("indicator", help="a council's own indicators (in <data folder>/catalogue/)")
    isub = ind.add_subparsers(dest="indicator_command", required=True)
    add = isub.add_parser("add", help="add an indicator (checked; nothing written if refused)")
    for flag, text in (
        ("--id", "lower-case letters, digits and _, starting with a letter (at most 40)"),
        ("--title", "the full title shown on pages"),
        ("--short-title", "a short title for tables and charts"),
        ("--unit", "percent | rate_per_10k | count | score | average"),
        ("--polarity", "higher | lower | neither (which direction is better)"),
        ("--decimals", "decimal places shown, 0 to 3"),
        ("--definition", "what is counted, of whom, over what period"),
        ("--source", "where the figures come from"),
    ):
        add.add_argument(flag, required=True, help=text)
    add.add_argument("--topic", default="", help="e.g. education, stability, health, practice")
    add.add_argument("--sentence", default="", help="for a percentage: '... of <council>'s <sentence> in <year>'")
    add.add_argument("--published", action="store_true", help="DfE publishes it for every council (ranks shown)")
    add.set_defaults(func=_add)
    rm = isub.add_parser("remove", help="take back an indicator this council added (refused while in use)")
    rm.add_argument("id")
    rm.set_defaults(func=_remove)
    mp = sub.add_parser(
        "map",
        help="print a recipe mapping a DfE file to an indicator (checked as the upload page does; writes nothing)",
    )
    mp.add_argument("file")
    mp.add_argument("--indicator", required=True)
    mp.add_argument("--value-column", required=True, help="the column holding the figure")
    mp.add_argument("--count-column", help="the column holding the count (numerator), if any")
    mp.add_argument("--denominator-column", help="the column holding the denominator (same row), if any")
    mp.add_argument("--filter", action="append", metavar="COL=VALUE", help="one value of a filter column; repeat")
    mp.add_argument("--name", help="the recipe's name (default: from the indicator and the file)")
    mp.add_argument("--publication", default="DfE: Explore Education Statistics", help="the source shown")
    mp.add_argument("--sheet", help="for an Excel workbook: which sheet")
    mp.add_argument(
        "--polarity-confirmed", action="store_true", help="you have checked which direction is better for this file"
    )
    mp.set_defaults(func=_map)
