"""Does a page interpret planted text? Every Markdown-reading string on an AppTest page, rendered.

Streamlit renders Markdown with GitHub's flavour in the browser; markdown-it (CommonMark, with GFM's
strikethrough and tables, and linkify for bare addresses, which like GFM's second autolink pass runs on
text after escapes are read) stands in for it here. A planted string is inert when, wherever it is
shown, it renders as its own characters: no link, image, heading, quote or emphasis comes of it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from google.protobuf.message import Message
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

# A source label, name or cell as an attacker (or a careless paste) writes it.
PLANTED = (
    "**bold** [link](https://evil.example) ![img](https://evil.example/x.png) <b>x</b> www.evil.example "
    ":smile: :material/home:\n# Heading"
)
SEEN_AS = "**bold** [link](https://evil.example)"  # how the start of it must read on screen
MARKER = "evil"

_RENDER = MarkdownIt("commonmark", {"linkify": True}).enable(["strikethrough", "table", "linkify"])
_RENDER.linkify.set({"fuzzy_link": False})  # as GFM: only www. and scheme:// addresses, and e-mail
_PLAIN_TYPES = {"text", "code", "html", "arrow_data_frame", "vega_lite_chart", "exception", "json"}
_MARKDOWN_FIELDS = {"body", "label", "help"}


def _strings(message, out: list[str]) -> None:
    for field, value in message.ListFields():
        if field.name in _MARKDOWN_FIELDS and isinstance(value, str):
            out.append(value)
        elif isinstance(value, Message):
            _strings(value, out)


def markdown_texts(at: AppTest) -> Iterator[str]:
    """Every string the browser would read as Markdown: bodies, labels, help, and ``st.table`` cells."""
    for node in at._tree:
        if node.type in _PLAIN_TYPES or getattr(node, "proto", None) is None:
            continue
        if node.type == "table":
            frame = node.value
            yield from (str(c) for c in frame.columns)
            yield from (str(c) for c in frame.to_numpy().ravel())
            continue
        found: list[str] = []
        _strings(node.proto, found)
        yield from found


def rendered(markdown: str) -> str:
    return _RENDER.render(markdown)


def visible(markdown: str) -> str:
    """The text a reader sees (tags dropped, entities read, the invisible joiner removed)."""
    return html.unescape(re.sub(r"<[^>]+>", "", rendered(markdown))).replace("\u2060", "").strip()


def interpreted(markdown: str) -> list[str]:
    """What of the planted text the renderer turned into markup (empty when it is all inert)."""
    out = rendered(markdown)
    found = re.findall(r"<img\b[^>]*>|<a\b[^>]*evil[^>]*>|<h[1-6]>[^<]*Heading|<blockquote>", out)
    return found + [tag for tag in ("<strong>bold</strong>", "<b>x</b>") if tag in out]


def assert_inert(at: AppTest, marker: str = MARKER, seen_as: str = SEEN_AS) -> list[str]:
    """The planted text is on the page, and wherever it is, nothing of it is interpreted."""
    shown = [t for t in markdown_texts(at) if marker in t]
    assert shown, f"the planted text ({marker!r}) is not on the page: the test would prove nothing"
    for text in shown:
        assert not interpreted(text), (text, rendered(text))
    assert any(seen_as in visible(t) for t in shown), [visible(t) for t in shown]
    return shown
