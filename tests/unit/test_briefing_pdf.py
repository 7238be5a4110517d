"""The briefing pack as a PDF: a page per screen, the figures as text, tagged, offline, no count of 1-5.

The text is read back with pdfminer.six, which keeps the charts' own text (axis labels, inside the
drawn SVG) apart from the screen's text, so the screen's words and figures are checked on their own.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import os
import re
import socket

import pypdf
import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTFigure, LTTextContainer
from test_briefing import COUNCILS, RULE, SMALL, YEARS, _planted_briefing

from cpdata.briefing import briefing, briefing_html, briefing_pdf
from cpdata.briefing.running_orders import RunningOrder
from cpdata.catalogue.catalogue import load_frameworks
from cpdata.core.datafolder import DataFolder
from cpdata.figures import disclosure, views
from cpdata.figures.trend import one_year_note


@pytest.fixture(autouse=True)
def pdf_library() -> None:
    """Skip with the reason where Pango is missing, except under CI=true (scripts/test.sh installs it)."""
    reason = briefing_pdf.unavailable()
    if reason and os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the PDF must be tested)", pytrace=False)
    if reason:
        pytest.skip(reason)


def _walk(item, in_chart: bool, out: dict[bool, list[str]]) -> None:
    if isinstance(item, LTFigure):
        for child in item:
            _walk(child, True, out)
    elif isinstance(item, (LTTextContainer, LTChar)):
        out[in_chart].append(item.get_text())
    elif hasattr(item, "__iter__"):
        for child in item:
            _walk(child, in_chart, out)


def _pages(pdf: bytes) -> list[tuple[str, str]]:
    """(screen text, charts' text) of each page, white space made single spaces."""
    pages = []
    for page in extract_pages(io.BytesIO(pdf)):
        out: dict[bool, list[str]] = {False: [], True: []}
        for item in page:
            _walk(item, False, out)
        # A line broken after a hyphen ("up-to-date") joins up again without a space.
        screen = " ".join(" ".join(out[False]).replace("-\n", "-").split())
        pages.append((screen, "".join(out[True])))  # a chart's text comes character by character
    return pages


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def pdfs() -> dict[str, tuple[briefing.Briefing, bytes]]:
    out = {}
    for framework, council in COUNCILS.items():
        b = briefing.build(DataFolder.of(), load_frameworks(DataFolder.of())[framework], council, None)
        out[framework] = (b, briefing_pdf.pack_pdf(b))
    return out


@pytest.mark.parametrize("framework", list(COUNCILS))
def test_one_landscape_page_per_screen_with_every_title_and_headline_figure_as_text(framework, pdfs):
    b, pdf = pdfs[framework]
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == len(b.screens)
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (960, 540)  # 13.333 x 7.5 in, 16:9, as the screens
    pages = _pages(pdf)
    figures = 0
    for screen, (text, _charts) in zip(b.screens, pages, strict=True):
        assert _flat(screen.title) in text, screen.key
        for tile in screen.tiles:
            lone = one_year_note(tile.chart)
            for words in (
                tile.indicator.short_title,
                tile.figure,
                tile.sentence,
                *tile.badges,
                *([lone] if lone else []),
            ):
                assert _flat(words) in text, (screen.key, words)
            figures += 1
        for line in screen.lines:
            assert _flat(line) in text
    assert figures >= 4  # real figures, not empty pages
    selected = [s for s in b.screens if s.kind == "pledge"]
    assert [p.id for p in b.framework.pledges] == [s.key for s in selected]


def test_title_language_tags_and_embedded_fonts(pdfs):
    b, pdf = pdfs["barnet"]
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert (
        reader.metadata.title
        == briefing_html.pack_title(b)
        == "Barnet: Barnet Corporate Parenting Strategy 2024-2027, briefing 2024/25"
    )
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])  # tagged
    tags = _tags(root["/StructTreeRoot"])
    assert tags.count("/H1") == len(b.screens)  # a heading per page
    figures = [alt for tag, alt in zip(tags, _alts(root["/StructTreeRoot"]), strict=True) if tag == "/Figure"]
    charted = [t for s in b.screens for t in s.tiles if not one_year_note(t.chart)]  # one year: said in words
    assert len(figures) == len(charted) >= 4
    assert all(str(alt).startswith("Line chart of ") for alt in figures)  # each chart's text alternative
    assert b"pdfuaid" in pdf or b"pdfuaid" in _xmp(reader)  # says it is PDF/UA-1
    fonts = _fonts(reader)
    assert fonts and all(embedded for embedded in fonts.values()), fonts


def _elements(node) -> list:
    """The structure tree's elements, depth first."""
    node = node.get_object()
    if isinstance(node, pypdf.generic.ArrayObject):
        return [e for child in node for e in _elements(child)]
    if not hasattr(node, "get") or "/S" not in node and "/K" not in node:
        return []
    kids = _elements(node["/K"]) if "/K" in node else []
    return ([node] if "/S" in node else []) + kids


def _tags(tree) -> list[str]:
    return [str(e["/S"]) for e in _elements(tree)]


def _alts(tree) -> list[object]:
    return [e.get("/Alt") for e in _elements(tree)]


def _xmp(reader: pypdf.PdfReader) -> bytes:
    meta = reader.trailer["/Root"].get("/Metadata")
    return meta.get_object().get_data() if meta else b""


def _fonts(reader: pypdf.PdfReader) -> dict[str, bool]:
    """Every font used on a page or in a chart, and whether its file is inside the PDF."""
    found: dict[str, bool] = {}

    def visit(resources) -> None:
        resources = resources.get_object() if resources else {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendant = font.get("/DescendantFonts")
            described = descendant[0].get_object() if descendant else font
            descriptor = described.get("/FontDescriptor")
            files = descriptor.get_object() if descriptor else {}
            found[str(font.get("/BaseFont"))] = any(k in files for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject and id(xobject) not in seen:
                seen.add(id(xobject))
                visit(xobject["/Resources"])

    seen: set[int] = set()
    for page in reader.pages:
        visit(page.get("/Resources"))
    return found


def test_the_pdf_opens_with_no_network_and_none_was_used_to_make_it(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the PDF tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    fw = load_frameworks(DataFolder.of())["barnsley"]
    b = briefing.build(DataFolder.of(), fw, COUNCILS["barnsley"], None)
    # A hostile name that would fetch from the network if it were markup: it stays text.
    b = dataclasses.replace(b, council_name='Barnsley<img src="http://127.0.0.1:9/x.png">')
    pdf = briefing_pdf.pack_pdf(b)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    for number in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(pypdf.generic.IndirectObject(number, 0, reader))
        if hasattr(obj, "keys"):
            assert not {"/URI", "/JS", "/JavaScript", "/Launch", "/GoToR", "/EmbeddedFile"} & set(obj.keys())
    assert '<img src="http://127.0.0.1:9/x.png">' in _pages(pdf)[1][0]
    assert all(_fonts(reader).values())  # nothing to fetch: every font is inside


def test_pdf_holds_no_count_of_1_to_5(data_copy):
    b = _planted_briefing(data_copy)
    pdf = briefing_pdf.pack_pdf(b)
    (text, chart_text) = _pages(pdf)[b.screen_keys().index("independence")]
    screen = b.screen("independence")
    assert "fewer than 6" in text and text.count("fewer than 6") >= 3  # two tiles, and the rule in the foot
    figures = YEARS.sub("", text.replace(_flat(screen.title), "").replace(RULE, ""))
    assert not SMALL.search(figures), figures
    assert "<6" in chart_text  # the charts mark the withheld years instead of drawing them


def test_without_the_disclosure_rule_the_pdf_would_show_the_planted_count(data_copy, monkeypatch):
    """The check above can fail: switch the rule off and the small count is in the PDF's text."""
    monkeypatch.setattr(disclosure, "is_small_count", lambda value: False)
    b = _planted_briefing(data_copy)
    (text, _charts) = _pages(briefing_pdf.pack_pdf(b))[b.screen_keys().index("independence")]
    assert re.search(r"\b3 2024/25\b", text), text


def test_progress_is_reported_and_the_file_name_says_council_framework_and_date():
    fw = load_frameworks(DataFolder.of())["barking_dagenham"]
    b = briefing.build(DataFolder.of(), fw, COUNCILS["barking_dagenham"], None)
    steps: list[tuple[float, str]] = []
    briefing_pdf.pack_pdf(b, lambda f, text: steps.append((f, text)))
    fractions = [f for f, _ in steps]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(steps) >= len(b.screens) + 1
    assert steps[-2][1] == "Laying out the pages"
    name = briefing_pdf.pdf_filename(b, today=datetime.date(2026, 11, 23))
    assert name == "barking-and-dagenham_barking-dagenham_2026-11-23.pdf"


def test_a_full_screen_of_six_tiles_keeps_its_foot_on_the_page():
    """Six tiles are the most a screen holds: the statement of the disclosure rule still fits under them."""
    fw = load_frameworks(DataFolder.of())["barnet"]
    chosen = views.indicator_views(DataFolder.of(), "E09000003", list(fw.pledge("dreams").indicators), None)
    held = [v.indicator.id for v in chosen if v.period is not None]
    order = RunningOrder("six", "barnet", ("dreams",), {"dreams": tuple(held[:6])})
    b = briefing.build(DataFolder.of(), fw, "E09000003", None, order=order)
    assert len(b.screen("dreams").tiles) == 6
    (text, _charts) = _pages(briefing_pdf.pack_pdf(b))[1]
    assert RULE in text and text.endswith("the council's own reports.")
