"""Match the names councils give indicators to catalogue ids (exact after normalising).

Unknown names get a suggestion (closest title or alias) for an analyst to confirm.
"""

from __future__ import annotations

import difflib
import functools
import re
import tomllib

from cpdata.catalogue.catalogue import load_catalogue
from cpdata.core import config
from cpdata.core.datafolder import DataFolder

ALIAS_FILE = config.PACKAGE_DIR / "catalogue" / "aliases.toml"


def normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9+]+", " ", name.lower()).strip()


@functools.cache
def _aliases(folder: DataFolder) -> dict[str, dict[str, str]]:
    with ALIAS_FILE.open("rb") as fh:
        raw = tomllib.load(fh)
    cat = load_catalogue(folder)
    out: dict[str, dict[str, str]] = {"indicator": {}, "bright_spots": {}}
    for ind in cat.indicators.values():
        out["indicator"][normalise(ind.id)] = ind.id
        out["indicator"][normalise(ind.title)] = ind.id
        out["indicator"][normalise(ind.short_title)] = ind.id
    for m in cat.bright_spots.values():
        out["bright_spots"][normalise(m.id)] = m.id
        out["bright_spots"][normalise(m.title)] = m.id
    for kind, known in out.items():
        known.update({normalise(k): v for k, v in raw.get(kind, {}).items()})
    return out


def match(folder: DataFolder, name: str, kind: str = "indicator") -> str | None:
    """The catalogue id this name is known by (among the folder's catalogue and the aliases), or None."""
    return _aliases(folder)[kind].get(normalise(name))


def suggest(folder: DataFolder, name: str, kind: str = "indicator") -> str | None:
    """The closest known id, for an analyst to confirm; None if nothing is close."""
    known = _aliases(folder)[kind]
    close = difflib.get_close_matches(normalise(name), list(known), n=1, cutoff=0.6)
    return known[close[0]] if close else None
