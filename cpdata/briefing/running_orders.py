"""Named running orders: which pledges a presenter shows, which indicators, in what order.

Saved as small JSON files in ``<data dir>/running_orders/`` so next quarter's briefing starts
from this quarter's choices. They hold only ids that the framework and catalogue know, so a
saved order can never point a query at anything else.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from cpdata.catalogue.catalogue import Framework
from cpdata.core import atomic, config
from cpdata.core.datafolder import DataFolder
from cpdata.store import store

MAX_INDICATORS = 6  # a screen read from across a room holds no more
DEFAULT_INDICATORS = 4
MAX_SAVED = config.MAX_SAVED
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ,.'()&-]{0,59}$")


class RunningOrderError(ValueError):
    """A running order that cannot be used or saved; the message says why."""


@dataclass(frozen=True)
class RunningOrder:
    name: str
    framework: str
    pledges: tuple[str, ...]
    indicators: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def key(self) -> tuple:
        """Hashable form, for caches."""
        return (self.name, self.framework, self.pledges, tuple((p, self.indicators.get(p, ())) for p in self.pledges))


def folder(data_dir: Path | None = None) -> Path:
    return DataFolder.of(data_dir).running_orders


def slug(name: str) -> str:
    """The file name (and URL value) for a running order's name."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def default(framework: Framework, held: set[str] | None = None) -> RunningOrder:
    """Every pledge in the framework's order, each with its first few indicators that have figures."""
    chosen = {}
    for p in framework.pledges:
        ids = [i for i in p.indicators if held is None or i in held]
        chosen[p.id] = tuple(ids[:DEFAULT_INDICATORS])
    return RunningOrder("", framework.id, tuple(p.id for p in framework.pledges), chosen)


def validate(order: RunningOrder, framework: Framework) -> RunningOrder:
    """Refuse anything the framework does not list, duplicates, or more than six indicators."""
    if order.framework != framework.id:
        raise RunningOrderError(f"this running order is for the {order.framework!r} framework, not {framework.id!r}")
    known = {p.id: p for p in framework.pledges}
    if not order.pledges:
        raise RunningOrderError("choose at least one pledge")
    if len(set(order.pledges)) != len(order.pledges):
        raise RunningOrderError("a pledge is listed twice")
    for pid in order.pledges:
        if pid not in known:
            raise RunningOrderError(f"{pid!r} is not a pledge of {framework.title}")
        ids = order.indicators.get(pid, ())
        if len(ids) > MAX_INDICATORS:
            raise RunningOrderError(f"{known[pid].short_title}: at most {MAX_INDICATORS} indicators on one screen")
        if len(set(ids)) != len(ids):
            raise RunningOrderError(f"{known[pid].short_title}: an indicator is listed twice")
        stray = [i for i in ids if i not in known[pid].indicators]
        if stray:
            raise RunningOrderError(f"{known[pid].short_title}: {', '.join(stray)} not in this pledge")
    return order


def save(order: RunningOrder, framework: Framework, data_dir: Path | None = None) -> Path:
    """Write atomically; a name already used is replaced (the presenter chose the same name)."""
    if not NAME_RE.match(order.name or ""):
        raise RunningOrderError(
            "name it with letters, numbers, spaces or - , . ' ( ) &, up to 60 characters, e.g. 'Committee Q3'"
        )
    validate(order, framework)
    body = {
        "name": order.name,
        "framework": order.framework,
        "pledges": list(order.pledges),
        "indicators": {p: list(order.indicators.get(p, ())) for p in order.pledges},
    }
    target_dir = folder(data_dir)
    path = target_dir / f"{slug(order.name)}.json"
    # Under the writers' lock: the start-up tidy never removes this save's temporary file, and two saves
    # cannot both pass the count below.
    with store.writer_lock(data_dir):
        target_dir.mkdir(parents=True, exist_ok=True)
        if not path.exists() and len(list(target_dir.glob("*.json"))) >= MAX_SAVED:
            raise RunningOrderError(f"{MAX_SAVED} running orders are saved already; remove some first")
        atomic.write_bytes(path, json.dumps(body, indent=2).encode("utf-8"))
    return path


def _read(path: Path) -> RunningOrder | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return RunningOrder(
            name=str(raw["name"]),
            framework=str(raw["framework"]),
            pledges=tuple(str(p) for p in raw["pledges"]),
            indicators={str(k): tuple(str(i) for i in v) for k, v in raw.get("indicators", {}).items()},
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def saved(framework: Framework, data_dir: Path | None = None) -> dict[str, RunningOrder]:
    """Saved running orders for this framework that still fit it, by slug (unreadable files skipped)."""
    out = {}
    for path in sorted(folder(data_dir).glob("*.json")):
        order = _read(path)
        if order is None or order.framework != framework.id:
            continue
        try:
            out[path.stem] = validate(order, framework)
        except RunningOrderError:
            continue
    return out
