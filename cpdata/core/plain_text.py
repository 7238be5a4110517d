"""Characters that change how text is laid out or read, rather than what it says.

Line breaks, other control characters and the bidirectional controls (a right-to-left override reverses
the text after it on screen, so "sdrawkcab" reads as "backwards") have no place in a source label, a
name or a cell. The upload checks refuse them with the row and column (``cpdata.uploads.checks``); the
pages strip them from anything shown (``cpdata.ui.plain``), in case such text arrived some other way.
"""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 controls (tab, line feed, carriage return among them), DEL, the Unicode line and paragraph
# separators, and every bidirectional embedding, override, isolate and mark.
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")


def unsafe_characters(text: str) -> list[str]:
    """The unsafe characters in ``text``, each named as Unicode does (``LINE FEED (LF)``), in order, once."""
    return list(dict.fromkeys(_name(c) for c in UNSAFE.findall(text)))


def _name(char: str) -> str:
    names = {"\n": "a line break", "\r": "a carriage return", "\t": "a tab"}
    return names.get(char) or f"the invisible character U+{ord(char):04X} ({unicodedata.name(char, 'control')})"


def strip_unsafe(text: str) -> str:
    """``text`` with every unsafe character replaced by a space (so two words never run together)."""
    return UNSAFE.sub(" ", text)
