"""The sidebar's page links, drawn by the dashboard itself rather than by ``st.navigation``'s sidebar menu.

``st.navigation`` with sections draws a ``<ul>`` whose children are section ``<div>``s holding the ``<li>``
links (Streamlit 1.67): invalid list markup that screen readers announce wrongly (axe-core's ``list`` and
``listitem`` rules, serious). So the router registers its pages with ``position="hidden"`` and this draws
each section as a plain label followed by ``st.page_link`` links, in the same order; keyboard users tab
through the links in reading order, then the pickers.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import streamlit as st

from cpdata.ui.plain import md


def page(path: Path, *, title: str, url_path: str, visibility: str = "visible", default: bool = False) -> st.Page:
    """``st.Page(path, ...)`` for this run. The router registers every framework's pledge pages on every run
    (about 25 pages), and ``st.Page`` resolves its script's path each time: a tenth of a new session's run
    with twenty people opening pages (py-spy). Each page is made once per process and a copy handed out, so
    ``st.navigation`` marks only this run's copy as the one to run."""
    return copy.copy(_made(str(path), title, url_path, visibility, default))


@functools.lru_cache(maxsize=256)
def _made(path: str, title: str, url_path: str, visibility: str, default: bool) -> st.Page:
    return st.Page(path, title=title, url_path=url_path, visibility=visibility, default=default)


def sidebar_links(sections: dict[str, list[st.Page]], current: st.Page) -> None:
    """One label per section (none for an empty label) and a link per page; the current page's link says so."""
    with st.sidebar, st.container(key="page_links"):
        for label, pages in sections.items():
            if not pages:
                continue
            if label:  # body-coloured text: a caption's grey on the sidebar's grey fails contrast (axe)
                st.markdown(f"**{md(label)}**")
            for page in pages:  # titles come from council files too: literal text
                here = page.url_path == current.url_path
                # Streamlit shades the current page's link (colour alone, and no aria-current): say it in words too.
                st.page_link(page, label=f"**{md(page.title)}** (this page)" if here else md(page.title))
