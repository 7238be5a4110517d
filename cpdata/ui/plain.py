"""Text from a file, a form, a file name or a URL, made inert for Streamlit's Markdown.

``st.markdown``, ``st.caption``, the alert boxes, headings, ``st.metric`` and ``st.table``'s cells, and
every widget label and help text interpret Markdown (links, images fetched by every visitor, headings)
and Streamlit's own directives (``:red[...]``, ``$maths$``). Whatever such text came from, it goes
through ``md`` before it reaches one of them, so it is shown exactly as written:

* line breaks, control and bidirectional characters become spaces (no heading or quote can start, no
  text is reversed);
* the characters Markdown acts on are backslash-escaped (CommonMark's own escape), as is a leading
  ``-``, ``+`` or ``1.`` that would start a list;
* a web or e-mail address gets an invisible WORD JOINER (U+2060) after ``www``/before ``://`` and ``@``:
  GitHub-flavoured Markdown (which Streamlit uses) also turns bare addresses into links *after*
  escapes are read, so no escape can stop it; the address still reads the same. The same for a
  ``:shortcode:`` (Streamlit turns ``:smile:`` and ``:material/home:`` into an emoji or an icon).

Elements that never interpret Markdown (``st.text``, ``st.code``, ``st.dataframe`` cells, selectbox
options) need none of this.
"""

from __future__ import annotations

import functools
import re

from cpdata.core.plain_text import strip_unsafe

JOINER = "\u2060"
_ACTIVE = re.compile(r"([\\`*\[\]<>#&~|$])|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")  # intraword _ means nothing
_LIST_START = re.compile(r"^(\s*)([-+]|\d+)(?=[.)]|(?<=[-+]))")
_ADDRESS = re.compile(r"(?i)(?<=\bwww)(?=\.)|(?=://)|(?=@)|(?<=:)(?=[\w/+-]+:)")  # and :shortcode: (emoji, icons)


def md(text: object) -> str:
    """``text`` as Markdown that shows exactly these characters, on one line, and means nothing else."""
    text = str(text)
    return _remembered(text) if len(text) <= _REMEMBER_UP_TO else _escaped(text)


_REMEMBER_UP_TO = 2000  # characters: a page's titles and sentences, not a long pasted text


@functools.lru_cache(maxsize=8192)
def _remembered(text: str) -> str:
    """A pledge page escapes the same few hundred strings on every run: 2% of a served page (py-spy)."""
    return _escaped(text)


def _escaped(text: str) -> str:
    plain = _ADDRESS.sub(JOINER, strip_unsafe(text))
    escaped = _ACTIVE.sub(lambda m: "\\" + m.group(0), plain)
    return _LIST_START.sub(_unlisted, escaped, count=1)


def _unlisted(m: re.Match) -> str:
    """``- x`` and ``+ x`` as ``\\- x``; ``2021. x`` as ``2021\\. x``: text, not a list."""
    indent, start = m.group(1), m.group(2)
    return indent + (start + "\\" if start[0].isdigit() else "\\" + start)
