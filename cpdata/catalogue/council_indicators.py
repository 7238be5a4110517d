"""A council's own indicators: ``<data folder>/catalogue/*.toml``, the same fields as the shipped catalogue,
loaded beside it.

Each file holds ``[[indicator]]`` tables. An indicator is checked here field by field (the shipped
catalogue goes through the same check), so a misspelt unit or a decimals of "one" is refused with the file,
the indicator and the fix named, never found later as a crash on a page. A council's file that cannot be
used (unreadable, an id the shipped catalogue or another of the council's files already holds, a bad
field) is left out with its reason, as frameworks are; the rest load. ``cpdata.uploads.indicator_writer``
writes these files (one per indicator, named by its id).
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from cpdata.catalogue.catalogue import (
    ID_PATTERN,
    POLARITIES,
    UNITS,
    Catalogue,
    CatalogueError,
    Indicator,
    _read_toml,
    parse_indicators,
    shipped_catalogue,
)
from cpdata.core.filestamps import Stamp

REQUIRED = ("id", "title", "short_title", "unit", "polarity", "decimals", "definition", "source")
TEXT_FIELDS = ("id", "title", "short_title", "unit", "polarity", "definition", "source", "topic", "sentence")
MAX_DECIMALS = 3
MAX_TEXT = {"title": 200, "short_title": 60, "definition": 2000, "source": 300, "topic": 40, "sentence": 300}
# Council text reaches Markdown on the pages (headings, sentences, definitions): characters Markdown or HTML
# would act on are refused where the text is added, so it stays text.
FORMATTING = set("<>[]`*_#|\\$~{}")
log = logging.getLogger(__name__)


def problem(raw: object, council: bool = True) -> str | None:
    """Why ``raw`` is not a usable indicator table, in words an analyst can act on; None if it is. A council's
    text is also held to plain text (the shipped text is ours, and its Markdown is meant)."""
    if not isinstance(raw, dict):
        return "an [[indicator]] entry is not a table"
    if missing := [k for k in REQUIRED if k not in raw]:
        return f"it has no {missing[0]!r}"
    known = set(REQUIRED) | {"topic", "published", "sentence"}
    if unknown := sorted(set(raw) - known):
        return f"{unknown[0]!r} is not an indicator field (the fields are {', '.join(sorted(known))})"
    for key in TEXT_FIELDS:
        if key in raw and not isinstance(raw[key], str):
            return f"its {key!r} must be text"
    if not ID_PATTERN.fullmatch(raw["id"]):
        return (
            f"its id {raw['id']!r} must be 1 to 40 lower-case letters, digits and _, starting with a letter "
            "(it is used in files and links)"
        )
    if raw["unit"] not in UNITS:
        return f"its unit {raw['unit']!r} is not one of {', '.join(sorted(UNITS))}"
    if raw["polarity"] not in POLARITIES:
        return f"its polarity {raw['polarity']!r} is not one of higher, lower, neither (which direction is better)"
    decimals = raw["decimals"]
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= MAX_DECIMALS:
        return f"its decimals {decimals!r} must be a whole number from 0 to {MAX_DECIMALS}"
    if "published" in raw and not isinstance(raw["published"], bool):
        return "its 'published' must be true or false"
    for key in ("title", "short_title", "definition", "source"):
        if not raw[key].strip():
            return f"its {key!r} is empty"
    for key, limit in MAX_TEXT.items():
        if len(raw.get(key, "")) > limit:
            return f"its {key!r} is longer than {limit} characters"
    if any(ord(ch) < 32 and ch not in "\n\t" for key in TEXT_FIELDS for ch in raw.get(key, "")):
        return "it holds control characters"
    if not council:
        return None
    for key in ("title", "short_title"):
        if "\n" in raw[key] or "\t" in raw[key]:
            return f"its {key!r} must be one line"
    for key in ("title", "short_title", "definition", "source", "sentence"):
        if found := sorted(set(raw.get(key, "")) & FORMATTING):
            return f"its {key!r} holds {' '.join(found)}, which pages would read as formatting; write it without them"
    return None


def check(raw: object, name: str, council: bool = True) -> Indicator:
    """One indicator from its TOML table, or a CatalogueError naming the file, the indicator and the fault."""
    if why := problem(raw, council):
        ident = raw.get("id") if isinstance(raw, dict) else None
        raise CatalogueError(f"{name}: indicator {ident!r}: {why}")
    return Indicator(**raw)  # type: ignore[arg-type]


@functools.lru_cache(maxsize=8)
def merged(files: tuple[tuple[str, Stamp], ...]) -> tuple[Catalogue, tuple[str, ...]]:
    """The shipped catalogue plus every council file that can be used, read once per set of files."""
    base = shipped_catalogue()
    indicators = dict(base.indicators)
    own: set[str] = set()
    problems: list[str] = []
    for path in (Path(f) for f, _ in files):
        try:
            data = _read_toml(path)
            if extra := sorted(set(data) - {"indicator"}):
                raise CatalogueError(f"{path.name}: {extra[0]!r} does not belong here (only [[indicator]] tables)")
            found = parse_indicators(data, path.name)
            for ident in found:
                if ident in base.indicators:
                    raise CatalogueError(
                        f"{path.name}: indicator {ident!r} is already in the shipped catalogue; give yours another id"
                    )
                if ident in own:
                    raise CatalogueError(f"{path.name}: indicator {ident!r} is already in another of your files")
        except CatalogueError as exc:
            problems.append(f"Not loaded from the data folder's catalogue: {exc}")
            log.warning("Council indicator file not loaded: %s", exc)
            continue
        indicators.update(found)
        own.update(found)
    return Catalogue(indicators=indicators, bright_spots=base.bright_spots, own=frozenset(own)), tuple(problems)
