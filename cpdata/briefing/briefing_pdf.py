"""The briefing pack as a PDF, made on the server: councillors' papers go out as PDF.

The pages are the pack's own HTML (``briefing_html``), laid out by WeasyPrint, so the PDF is the
same screens, one per landscape page, with nothing to keep in step: charts as vector SVG, text
selectable, the document's title, author and language (en-GB) set, fonts embedded, and tagged
(PDF/UA-1: headings, lists and figures with their text alternatives) for screen readers.

WeasyPrint needs Debian's Pango at run time. Without it the dashboard still runs and the HTML pack
is still offered; ``unavailable()`` says what to install. Nothing is fetched while the PDF is laid
out: the only URLs allowed are the ``data:`` ones of the pack's own charts.
"""

from __future__ import annotations

import ctypes.util
import datetime as dt
import functools
import importlib.util
from collections.abc import Callable

from cpdata.briefing import briefing_html
from cpdata.briefing.briefing import Briefing

INSTALL_HINT = "apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation"
NATIVE = ("gobject-2.0", "pango-1.0", "pangoft2-1.0", "harfbuzz", "fontconfig")  # what WeasyPrint loads
CHARTS_SHARE = 0.8  # of the progress bar: drawing the charts; the rest is laying out the pages


@functools.lru_cache(maxsize=1)
def unavailable() -> str | None:
    """Why a PDF cannot be made on this server (WeasyPrint or Pango missing), or None when it can.

    Looked up without importing WeasyPrint (about a second): the setup page asks on every first view.
    """
    if importlib.util.find_spec("weasyprint") is None:
        return "the PDF library (weasyprint) is not installed: python -m pip install --no-deps -r requirements.lock"
    missing = [name for name in NATIVE if ctypes.util.find_library(name) is None]
    if missing:
        return f"the PDF library cannot find {', '.join(missing)}; on Debian or Ubuntu: {INSTALL_HINT}"
    return None


def pack_pdf(b: Briefing, progress: Callable[[float, str], None] | None = None) -> bytes:
    """Every screen of the briefing as one tagged PDF page each (13.333 x 7.5 in, 16:9)."""
    import weasyprint

    def charts_progress(fraction: float, text: str) -> None:
        if progress and fraction < 1:
            progress(fraction * CHARTS_SHARE, text)

    html = briefing_html.pack_html(b, charts_progress, kind="svg")
    if progress:
        progress(CHARTS_SHARE, "Laying out the pages")
    offline = weasyprint.URLFetcher(allowed_protocols=("data",))
    pdf = weasyprint.HTML(string=html, url_fetcher=offline).write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)
    if progress:
        progress(1.0, "Briefing PDF ready")
    return pdf


def pdf_filename(b: Briefing, today: dt.date | None = None) -> str:
    """``barnet_barnet_2026-11-23.pdf``: council, framework and date, as the HTML pack's name."""
    return briefing_html.pack_filename(b, "pdf", today)
