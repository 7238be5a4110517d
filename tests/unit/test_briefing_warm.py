"""Briefing screens drawn ahead (issue 18 item 13): once a screen is shown, the next ones are drawn in the
background, so Page Down does not leave the room looking at the faded previous screen while charts render."""

from __future__ import annotations

from concurrent.futures import wait

from cpdata.briefing import briefing, briefing_html, warm
from cpdata.catalogue.catalogue import load_frameworks
from cpdata.core.datafolder import DataFolder


def _barnet() -> briefing.Briefing:
    return briefing.build(DataFolder.of(), load_frameworks(DataFolder.of())["barnet"], "E09000003", None)


def test_showing_a_screen_draws_the_next_ones_ahead_in_the_background():
    b, cache = _barnet(), warm.ScreenCache()
    keys = b.screen_keys()
    assert not cache.ready("k", keys[1])
    futures = cache.warm("k", b, "cover")
    assert len(futures) == len(keys) - 1  # every screen after the cover, the next one first
    wait(futures[:1])
    assert cache.ready("k", keys[1])  # Page Down from the cover: the first pledge is drawn already
    wait(futures)
    assert all(cache.ready("k", k) for k in keys[1:])
    assert cache.warm("k", b, "cover") == []  # nothing drawn twice


def test_a_screen_drawn_ahead_is_the_screen_drawn_on_demand():
    b, cache = _barnet(), warm.ScreenCache()
    wait(cache.warm("k", b, "cover"))
    assert cache.get("k", b, "dreams") == briefing_html.screen_html(b, "dreams", briefing_html.images_for(b, "dreams"))


def test_the_screens_before_are_drawn_after_the_ones_ahead_and_the_cache_is_bounded():
    b, cache = _barnet(), warm.ScreenCache(max_screens=3)
    keys = b.screen_keys()
    futures = cache.warm("k", b, keys[2])
    order = [*keys[3:], *reversed(keys[:2])]
    wait(futures)
    assert len(futures) == len(order)
    assert sum(cache.ready("k", k) for k in keys) == 3  # the oldest were let go
