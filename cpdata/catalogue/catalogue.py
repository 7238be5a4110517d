"""The indicator catalogue and pledge frameworks, read from TOML data files.

Frameworks ship in ``cpdata/catalogue/frameworks``; a council adds its own by dropping a TOML file
of the same shape into ``<data dir>/frameworks``. Nothing here is hard-coded per council.
"""

from __future__ import annotations

import functools
import logging
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from cpdata.core import config
from cpdata.core.datafolder import DataFolder
from cpdata.core.filestamps import Stamp, stamped

CATALOGUE_FILE = config.PACKAGE_DIR / "catalogue" / "indicators.toml"
FRAMEWORK_DIR = config.PACKAGE_DIR / "catalogue" / "frameworks"

UNITS = {"percent", "rate_per_10k", "count", "score", "average"}
POLARITIES = {"higher", "lower", "neither"}
ID_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,39}")
# The URL paths of dashboard.py's pages other than pledges (a test checks this list against the router).
PAGE_PATHS = (
    "overview",
    "context",
    "about-data",
    "accessibility",
    "briefing-setup",
    "briefing",
    "upload",
    "frameworks",
)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    short_title: str
    unit: str
    polarity: str
    decimals: int
    definition: str
    source: str
    topic: str = ""
    published: bool = False
    sentence: str = ""


@dataclass(frozen=True)
class BrightSpotsMeasure:
    id: str
    title: str
    survey: str
    polarity: str
    definition: str = ""


@dataclass(frozen=True)
class Pledge:
    id: str
    order: int
    title: str
    short_title: str
    summary: str = ""
    indicators: tuple[str, ...] = ()
    bright_spots: tuple[str, ...] = ()
    measures_of_success: tuple[str, ...] = ()


@dataclass(frozen=True)
class Framework:
    id: str
    title: str
    council_code: str
    pledge_word: str
    source: str
    pledges: tuple[Pledge, ...] = field(default_factory=tuple)

    def pledge(self, pledge_id: str) -> Pledge:
        for p in self.pledges:
            if p.id == pledge_id:
                return p
        raise KeyError(f"framework {self.id!r} has no pledge {pledge_id!r}")

    def indicator_ids(self) -> list[str]:
        """Every indicator in the framework, in pledge order, each once."""
        seen: dict[str, None] = {}
        for p in self.pledges:
            seen.update(dict.fromkeys(p.indicators))
        return list(seen)


class CatalogueError(ValueError):
    """A catalogue or framework file is malformed; the message names the file and entry."""


@dataclass(frozen=True)
class Catalogue:
    indicators: dict[str, Indicator]
    bright_spots: dict[str, BrightSpotsMeasure]
    own: frozenset[str] = frozenset()  # the ids a council added in its data folder

    def indicator(self, indicator_id: str) -> Indicator:
        try:
            return self.indicators[indicator_id]
        except KeyError:
            raise KeyError(f"{indicator_id!r} is not in the indicator catalogue") from None


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{path.name}: not valid TOML ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"{path.name}: not UTF-8 text; save it as UTF-8") from exc
    except OSError as exc:  # permissions, a folder named *.toml, a broken link
        raise CatalogueError(f"{path.name}: cannot be read ({exc.strerror or exc})") from exc


def parse_indicators(data: dict, name: str, council: bool = True) -> dict[str, Indicator]:
    """The ``[[indicator]]`` tables of one file, each checked (``council_indicators.check`` says how)."""
    from cpdata.catalogue.council_indicators import check

    indicators: dict[str, Indicator] = {}
    raws = data.get("indicator", [])
    if not isinstance(raws, list):
        raise CatalogueError(f"{name}: 'indicator' must be a list of [[indicator]] tables")
    for raw in raws:
        ind = check(raw, name, council)
        if ind.id in indicators:
            raise CatalogueError(f"{name}: indicator {ind.id!r} is listed twice")
        indicators[ind.id] = ind
    return indicators


@functools.cache
def shipped_catalogue(path: Path = CATALOGUE_FILE) -> Catalogue:
    """The catalogue that ships in the package (a fault in it is our bug and raises)."""
    data = _read_toml(path)
    indicators = parse_indicators(data, path.name, council=False)
    measures = {}
    for raw in data.get("bright_spots_measure", []):
        m = BrightSpotsMeasure(**raw)
        if m.polarity not in POLARITIES:
            raise CatalogueError(f"{path.name}: Bright Spots measure {m.id!r} has polarity {m.polarity!r}")
        measures[m.id] = m
    return Catalogue(indicators=indicators, bright_spots=measures)


def catalogue_files(folder: DataFolder) -> list[Path]:
    """A council's own indicator files: ``<data folder>/catalogue/*.toml``."""
    own = folder.catalogue
    return sorted(own.glob("*.toml")) if own.is_dir() else []


def load_catalogue(folder: DataFolder) -> Catalogue:
    """The shipped catalogue with the data folder's own indicators beside it (read again when a file
    changes); ``catalogue_problems`` says why any of the council's files was left out."""
    from cpdata.catalogue.council_indicators import merged

    files = catalogue_files(folder)
    return merged(stamped(files))[0] if files else shipped_catalogue()


def catalogue_problems(folder: DataFolder) -> list[str]:
    """Why any of the data folder's indicator files was left out, one line each (none when all loaded)."""
    from cpdata.catalogue.council_indicators import merged

    return list(merged(stamped(catalogue_files(folder)))[1])


def parse_framework(data: dict, catalogue: Catalogue, name: str = "framework") -> Framework:
    """Build a framework from parsed TOML, refusing ids the catalogue does not hold.

    Any other malformation (a missing key, an order that is not a number, a pledge that is not a
    table) is a CatalogueError naming the file too, never a bare KeyError from deep inside.
    """
    try:
        return _framework(data, catalogue, name)
    except CatalogueError:
        raise
    except KeyError as exc:
        raise CatalogueError(f"{name}: missing {exc.args[0]!r}") from exc
    except (ValueError, TypeError, AttributeError) as exc:
        raise CatalogueError(f"{name}: not a framework of the expected shape ({exc})") from exc


def _framework(data: dict, catalogue: Catalogue, name: str) -> Framework:
    pledges = []
    for raw in data.get("pledge", []):
        for ind in raw.get("indicators", []):
            if ind not in catalogue.indicators:
                raise CatalogueError(f"{name}: pledge {raw.get('id')!r} names unknown indicator {ind!r}")
        for bs in raw.get("bright_spots", []):
            if bs not in catalogue.bright_spots:
                raise CatalogueError(f"{name}: pledge {raw.get('id')!r} names unknown Bright Spots measure {bs!r}")
        pledges.append(
            Pledge(
                id=raw["id"],
                order=int(raw["order"]),
                title=raw["title"],
                short_title=raw.get("short_title", raw["title"]),
                summary=raw.get("summary", ""),
                indicators=tuple(raw.get("indicators", [])),
                bright_spots=tuple(raw.get("bright_spots", [])),
                measures_of_success=tuple(raw.get("measures_of_success", [])),
            )
        )
    if not pledges:
        raise CatalogueError(f"{name}: no [[pledge]] entries")
    for ident in [data["id"], *(p.id for p in pledges)]:
        if not isinstance(ident, str) or not ID_PATTERN.fullmatch(ident):
            raise CatalogueError(f"{name}: id {ident!r} must be lower-case letters, digits and _ (it is part of URLs)")
    if len({p.id for p in pledges}) < len(pledges):
        raise CatalogueError(f"{name}: two pledges share an id")
    return Framework(
        id=data["id"],
        title=data["title"],
        council_code=data.get("council_code", config.DEFAULT_COUNCIL),
        pledge_word=data.get("pledge_word", "Pledge"),
        source=data.get("source", ""),
        pledges=tuple(sorted(pledges, key=lambda p: p.order)),
    )


def context_indicators() -> list[str]:
    """The context page's indicators, from ``catalogue/context.toml``."""
    ids = _read_toml(config.PACKAGE_DIR / "catalogue" / "context.toml")["indicators"]
    catalogue = shipped_catalogue()
    for i in ids:
        catalogue.indicator(i)
    return list(ids)


def framework_files(folder: DataFolder) -> list[Path]:
    """Shipped frameworks, then any the deployment's data folder adds."""
    files = sorted(FRAMEWORK_DIR.glob("*.toml"))
    extra = folder.frameworks
    if extra.is_dir():
        files += sorted(extra.glob("*.toml"))
    return files


def load_frameworks(folder: DataFolder) -> dict[str, Framework]:
    """Every framework, parsed once per set of files (a changed or added file is read again, and so is
    every framework when the council's own indicators change, as a framework may name them)."""
    return _parse_frameworks(stamped(framework_files(folder)), stamped(catalogue_files(folder)))[0]


def framework_problems(folder: DataFolder) -> list[str]:
    """Why any framework file in the data folder was left out, one line each (none when all loaded)."""
    return list(_parse_frameworks(stamped(framework_files(folder)), stamped(catalogue_files(folder)))[1])


def pledge_url(framework_id: str, pledge_id: str) -> str:
    """Pledge URLs are unique across frameworks: ``barnet-dreams``, ``barnsley-future``."""
    return f"{framework_id}-{pledge_id}".replace("_", "-")


def _clash(fw: Framework, loaded: dict[str, Framework]) -> str | None:
    """A pledge URL that is another page's, or another framework's pledge's (a framework with the same id
    is being replaced, so its URLs are free)."""
    taken = set(PAGE_PATHS) | {pledge_url(o.id, p.id) for o in loaded.values() if o.id != fw.id for p in o.pledges}
    for p in fw.pledges:
        if (url := pledge_url(fw.id, p.id)) in taken:
            return f"pledge {p.id!r} would be at /{url}, which another page already uses"
    return None


@functools.lru_cache(maxsize=8)
def _parse_frameworks(
    files: tuple[tuple[str, Stamp], ...], catalogue_stamps: tuple[tuple[str, Stamp], ...] = ()
) -> tuple[dict[str, Framework], tuple[str, ...]]:
    """A council's own file that cannot be read is left out with a reason, so one bad file does not take
    the dashboard down in front of a committee; a shipped file that cannot be read is our bug and raises.
    Shipped frameworks are checked against the shipped catalogue only; a council's against its own too."""
    from cpdata.catalogue.council_indicators import merged

    shipped = shipped_catalogue()
    council = merged(catalogue_stamps)[0] if catalogue_stamps else shipped
    out: dict[str, Framework] = {}
    problems: list[str] = []
    for path in (Path(f) for f, _ in files):
        try:
            fw = parse_framework(_read_toml(path), shipped if path.parent == FRAMEWORK_DIR else council, path.name)
            if clash := _clash(fw, out):
                raise CatalogueError(f"{path.name}: {clash}")
        except CatalogueError as exc:
            if path.parent == FRAMEWORK_DIR:
                raise
            problems.append(f"Not loaded from the data folder's frameworks: {exc}")
            log.warning("Framework file not loaded: %s", exc)
            continue
        out[fw.id] = fw
    # Barnet first (the default), then by title.
    ordered = dict(sorted(out.items(), key=lambda kv: (kv[0] != config.DEFAULT_FRAMEWORK, kv[1].title)))
    return ordered, tuple(problems)
