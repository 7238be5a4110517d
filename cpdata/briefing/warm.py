"""Briefing screens drawn ahead: the next screens are rendered in the background while the presenter talks.

A screen's charts are drawn server-side (vl-convert), about a second each screen cold; on a first run-through
the committee saw the faded previous screen for ~2 s after Page Down. So once a screen is shown, the screens
after it (then before it) are rendered by one background thread into a process-wide cache that every session
shares; by the time the presenter presses Page Down the next screen is usually ready.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Hashable
from concurrent.futures import Future, ThreadPoolExecutor

from cpdata.briefing import briefing_html
from cpdata.briefing.briefing import Briefing

MAX_SCREENS = 512  # rendered screens kept (a few kB to a few hundred kB each)
log = logging.getLogger(__name__)


class ScreenCache:
    """Rendered screen HTML by (briefing key, screen key): drawn once per process, by whichever asks first."""

    def __init__(self, max_screens: int = MAX_SCREENS) -> None:
        self._html: OrderedDict[tuple, str] = OrderedDict()
        self._pending: dict[tuple, Future] = {}
        self._lock = threading.Lock()
        self._max = max_screens
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="briefing-warm")

    def get(self, brief_key: Hashable, b: Briefing, key: str) -> str:
        """The screen's HTML: from the cache, from a background render under way, or drawn now."""
        k = (brief_key, key)
        with self._lock:
            if k in self._html:
                self._html.move_to_end(k)
                return self._html[k]
            pending = self._pending.get(k)
        if pending is not None:
            return pending.result()
        return self._store(k, _render(b, key))

    def ready(self, brief_key: Hashable, key: str) -> bool:
        with self._lock:
            return (brief_key, key) in self._html

    def warm(self, brief_key: Hashable, b: Briefing, current: str) -> list[Future]:
        """Queue the screens after ``current``, then those before it, that are not drawn or queued yet."""
        keys = b.screen_keys()
        i = keys.index(current) if current in keys else 0
        futures = []
        for key in [*keys[i + 1 :], *reversed(keys[:i])]:
            k = (brief_key, key)
            with self._lock:
                if k in self._html or k in self._pending:
                    continue
                future = self._pool.submit(self._render_and_store, k, b, key)
                self._pending[k] = future
            futures.append(future)
        return futures

    def _render_and_store(self, k: tuple, b: Briefing, key: str) -> str:
        try:
            return self._store(k, _render(b, key))
        except Exception:  # a screen that cannot be drawn ahead is drawn (and its error shown) when asked for
            log.exception("Briefing screen %s not drawn ahead", key)
            raise
        finally:
            with self._lock:
                self._pending.pop(k, None)

    def _store(self, k: tuple, html: str) -> str:
        with self._lock:
            self._html[k] = html
            self._html.move_to_end(k)
            while len(self._html) > self._max:
                self._html.popitem(last=False)
        return html


def _render(b: Briefing, key: str) -> str:
    return briefing_html.screen_html(b, key, briefing_html.images_for(b, key, "svg"))


SCREENS = ScreenCache()
