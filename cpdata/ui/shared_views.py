"""Indicator views shared by every session and kept per indicator, by what their figures come from.

The pages' views were cached per page and data version (``st.cache_resource``), so after any upload every
page worked out all its views again: a third of a second for the dreams page on the sample data and two
seconds at 100x, paid by the first visitor after the upload (and by the process's warm-up thread beside
them), although the upload had changed one indicator. Here each indicator's view is kept under a key made
of what it is worked out from: the stamp of its figures and of the reference tables
(``cpdata.store.versions``: equal stamps, equal figures), the indicator's definition (a council may edit its
own) and the selection (council, year, neighbours). A new data version reuses every view whose figures it
did not change; a page's missing views are worked out together (one query for all of them), and a set
wanted by several visitors at once is worked out once: twenty visitors arriving together after an
upload wait for one computation rather than making twenty (other pages and selections are worked out
meanwhile: DuckDB's queries run beside Python).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from cpdata.catalogue.catalogue import Indicator, load_catalogue
from cpdata.core.datafolder import DataFolder
from cpdata.figures import views
from cpdata.store import store, versions

T = TypeVar("T")
MAX_ENTRIES = 8192  # about 80 pages of 100 councils' selections; a view of the sample data is a few KB
_cache: OrderedDict[str, views.IndicatorView] = OrderedDict()
_lock = threading.Lock()  # guards _cache and _working
_working: dict[tuple, threading.Lock] = {}  # per set of missing views: worked out once, whoever else wants it


def view_key(root: str, stamps: dict[str, str], ind: Indicator, council: str, year: int | None, sn: str) -> str:
    """What an indicator's view is worked out from, as one digest."""
    return _digest(
        root, council, str(year), sn, ind.id, stamps.get(ind.id, "none"), stamps[versions.REFERENCE], repr(ind)
    )


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]


def _found(keys: list[str]) -> dict[str, views.IndicatorView]:
    with _lock:
        out = {k: _cache[k] for k in keys if k in _cache}
        for k in out:
            _cache.move_to_end(k)
    return out


def _keep(made: dict[str, views.IndicatorView]) -> None:
    with _lock:
        _cache.update(made)
        while len(_cache) > MAX_ENTRIES:
            _cache.popitem(last=False)


def indicator_views(
    folder: DataFolder, council: str, ids: list[str], year: int | None, sn: str
) -> list[views.IndicatorView]:
    """``views.indicator_views`` for the current (or pinned) data version, reusing every view it holds for the
    same figures, definition and selection. Views are shared: callers only read them."""
    stamps = store.stamps(folder)
    catalogue = load_catalogue(folder)
    root = str(folder.root)
    keys = [view_key(root, stamps, catalogue.indicator(i), council, year, sn) for i in ids]
    found = _found(keys)
    wanted = tuple(k for k in dict.fromkeys(keys) if k not in found)
    if wanted:
        with _lock_for(wanted):
            found = _found(keys)  # another visitor may have just made them
            missing = [(i, k) for i, k in dict(zip(ids, keys, strict=True)).items() if k not in found]
            if missing:
                made = views.indicator_views(folder, council, [i for i, _ in missing], year, sn, catalogue=catalogue)
                fresh = {}
                for (_, key), view in zip(missing, made, strict=True):
                    view.stamp = key
                    fresh[key] = view
                _keep(fresh)
                found |= fresh
    return [found[k] for k in keys]


def _lock_for(wanted: tuple[str, ...]) -> threading.Lock:
    """One lock per set of views wanted: everyone opening the same page after an upload waits for one
    computation; another page, council or year is worked out meanwhile."""
    with _lock:
        if len(_working) > MAX_ENTRIES:  # locks nobody holds now are only made again
            _working.clear()
        return _working.setdefault(wanted, threading.Lock())


def stamp_of(folder: DataFolder, names: tuple[str, ...] = ()) -> str:
    """One stamp for the reference tables and the figures of ``names`` (indicator ids, or
    ``versions.BRIGHT_SPOTS``) in the current (or pinned) version: for caches of what only they decide (the
    council picker, the years held, the Bright Spots table), so an upload elsewhere leaves them be."""
    stamps = store.stamps(folder)
    return _digest(stamps[versions.REFERENCE], *(f"{n}={stamps.get(n, 'none')}" for n in names))


_kept: list[Callable[[], None]] = []  # the clear() of every ``kept`` cache


def kept(maxsize: int) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """A process-wide cache of a function's results, keyed on its arguments but those named with a leading
    ``_`` (as ``st.cache_resource`` does), for what every session shares and only reads. Streamlit's own
    hashed each argument of each call (eight for each of a page's 18 charts): a twentieth of a served page
    with twenty people opening pages (py-spy). A key asked for by several threads at once (the first visitor
    after an upload and the warm-up thread, say) is made once: the others wait for it."""

    def wrap(fn: Callable[..., T]) -> Callable[..., T]:
        signature = inspect.signature(fn)
        cache: OrderedDict[tuple, T] = OrderedDict()
        working: dict[tuple, threading.Lock] = {}  # keys being made now
        guard = threading.Lock()

        @functools.wraps(fn)
        def cached(*args: object, **kwargs: object) -> T:
            bound = signature.bind(*args, **kwargs)
            key = tuple(v for k, v in bound.arguments.items() if not k.startswith("_"))
            with guard:
                if key in cache:
                    cache.move_to_end(key)
                    return cache[key]
                making = working.setdefault(key, threading.Lock())
            with making:  # one visitor (or the warm-up thread) makes it; the others wait for it
                with guard:
                    if key in cache:
                        return cache[key]
                try:
                    value = fn(*args, **kwargs)
                except BaseException:
                    with guard:
                        working.pop(key, None)
                    raise
                with guard:
                    cache[key] = value
                    working.pop(key, None)
                    while len(cache) > maxsize:
                        cache.popitem(last=False)
            return value

        def clear() -> None:
            with guard:
                cache.clear()

        cached.clear = clear  # type: ignore[attr-defined]
        _kept.append(clear)
        return cached

    return wrap


def clear() -> None:
    """Forget every view and every ``kept`` value (tests; ``st.cache_resource.clear`` does not reach these)."""
    with _lock:
        _cache.clear()
        _working.clear()
    for forget in _kept:
        forget()
