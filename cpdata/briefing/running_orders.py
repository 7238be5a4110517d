"""Named running orders: which pledges a presenter shows, which indicators, in what order.

Saved as small JSON files in ``<data dir>/running_orders/`` so next quarter's briefing starts
from this quarter's choices. They hold only ids that the framework and catalogue know, so a
saved order can never point a query at anything else.
"""

from __future__ import annotations

import datetime as dt
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
MAX_EARLIER = 20  # earlier savers kept in a running order's file
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ,.'()&-]{0,59}$")


class RunningOrderError(ValueError):
    """A running order that cannot be used or saved; the message says why."""


class AlreadySaved(RunningOrderError):
    """A running order of this name is saved already: replacing it must be asked for; says who saved it, when."""

    def __init__(self, name: str, by: str, at: str) -> None:
        self.name, self.by, self.at = name, by, at
        super().__init__(f"a running order called '{name}' is saved already (by {by or 'someone'}, {at or 'earlier'})")


@dataclass(frozen=True)
class RunningOrder:
    name: str
    framework: str
    pledges: tuple[str, ...]
    indicators: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def key(self) -> tuple:
        """Hashable form, for caches."""
        return (self.name, self.framework, self.pledges, tuple((p, self.indicators.get(p, ())) for p in self.pledges))


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


def save(
    folder: DataFolder,
    order: RunningOrder,
    framework: Framework,
    *,
    by: str,
    replace: bool = False,
    now: dt.datetime | None = None,
) -> Path:
    """Write atomically, recording who saved it and when (the caller has checked the role).

    Two names that make the same file name ("Committee Q3", "committee (q3)") would overwrite each other,
    so a name whose file holds another order's name is refused; an order of the same name is replaced
    only when ``replace`` is asked for (else ``AlreadySaved`` says by whom and when it was saved), and
    the file keeps who saved each earlier version and when.
    """
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
        "saved_by": by,
        "saved_at": (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
    }
    target_dir = folder.running_orders
    path = target_dir / f"{slug(order.name)}.json"
    # Under the writers' lock: the start-up tidy never removes this save's temporary file, and two saves
    # cannot both pass the count below.
    with store.writer_lock(folder):
        target_dir.mkdir(parents=True, exist_ok=True)
        if not path.exists() and len(list(target_dir.glob("*.json"))) >= MAX_SAVED:
            raise RunningOrderError(f"{MAX_SAVED} running orders are saved already; remove some first")
        if path.exists():
            body["earlier"] = _replacing(path, order.name, replace)
        atomic.write_bytes(path, json.dumps(body, indent=2).encode("utf-8"))
    return path


def _replacing(path: Path, name: str, replace: bool) -> list[dict]:
    """Who saved the file being replaced, and when (with its own history); refuses a clash or an unasked replace."""
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
        old_name, by, at = str(old["name"]), str(old.get("saved_by", "")), str(old.get("saved_at", ""))
        earlier = [e for e in old.get("earlier", []) if isinstance(e, dict)]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        old_name, by, at, earlier = "", "", "", []  # an unreadable file is not an order: replacing it loses none
    if old_name and old_name != name:
        raise RunningOrderError(
            f"'{name}' would be saved in the same file as the running order '{old_name}' (names that differ only "
            f"in capitals, spaces or punctuation do); choose another name, or use exactly '{old_name}' to replace it"
        )
    if old_name and not replace:
        raise AlreadySaved(old_name, by, at)
    return ([{"saved_by": by, "saved_at": at}] + earlier)[:MAX_EARLIER] if old_name else []


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


def saved(folder: DataFolder, framework: Framework) -> dict[str, RunningOrder]:
    """Saved running orders for this framework that still fit it, by slug (unreadable files skipped)."""
    out = {}
    for path in sorted(folder.running_orders.glob("*.json")):
        order = _read(path)
        if order is None or order.framework != framework.id:
            continue
        try:
            out[path.stem] = validate(order, framework)
        except RunningOrderError:
            continue
    return out
