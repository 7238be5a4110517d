"""Briefing screens as HTML: one renderer for the big screen and for the offline pack.

The live page shows a screen with ``st.html``; the pack is the same screens in one
self-contained file (charts as embedded PNGs, no script, no link to anywhere) that prints
one screen per landscape page. Sizes are in a unit tied to the screen's width, so a screen
looks the same at 1920x1080 and 1280x720, and the pack's pages keep the same proportions.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
from collections.abc import Callable

from cpdata.briefing.briefing import Briefing, Screen, Tile
from cpdata.core.plain_text import strip_unsafe
from cpdata.figures import charts
from cpdata.figures.trend import one_year_note

CSS = """
.bf-screen{--u:min(1vw,1.7778vh);box-sizing:border-box;font-family:"Source Sans 3",Arial,sans-serif;color:#0b0c0c;
  background:#fff;padding:calc(var(--u)*1.2) calc(var(--u)*1.6);font-size:calc(var(--u)*1.15);line-height:1.3}
.bf-screen *{box-sizing:border-box}
.bf-top{display:flex;justify-content:space-between;align-items:baseline;gap:calc(var(--u)*2);
  border-bottom:calc(var(--u)*.25) solid #1d70b8;margin-bottom:calc(var(--u)*1)}
.bf-screen h1{font-size:calc(var(--u)*2.1);margin:0 0 calc(var(--u)*.4);line-height:1.15;font-weight:700;padding:0}
.bf-corner{font-size:calc(var(--u)*1.3);font-weight:700;white-space:nowrap;margin:0;color:#0b0c0c}
.bf-warn{background:#fff2cc;border-left:calc(var(--u)*.5) solid #b58100;padding:calc(var(--u)*.3) calc(var(--u)*.8);
  margin:0 0 calc(var(--u)*.8);font-size:calc(var(--u)*1.05)}
.bf-grid{display:grid;gap:calc(var(--u)*1);grid-template-columns:repeat(2,1fr)}
.bf-tile{border:calc(var(--u)*.12) solid #b1b4b6;border-radius:calc(var(--u)*.4);
  padding:calc(var(--u)*.7) calc(var(--u)*.9);min-width:0}
.bf-screen h2{font-size:calc(var(--u)*1.35);margin:0 0 calc(var(--u)*.3);line-height:1.2;padding:0;font-weight:700}
.bf-body{display:grid;grid-template-columns:1fr 1.05fr;gap:calc(var(--u)*1);align-items:start}
.bf-figure{font-size:calc(var(--u)*3.6);font-weight:700;line-height:1;margin:0 0 calc(var(--u)*.4);color:#0b0c0c}
.bf-figure.bf-withheld{font-size:calc(var(--u)*2.2)}
.bf-year{font-size:calc(var(--u)*1.05);font-weight:400;margin-left:calc(var(--u)*.6);color:#383f43}
.bf-badges{list-style:none;margin:0 0 calc(var(--u)*.4);padding:0;font-size:calc(var(--u)*1.05);font-weight:700}
.bf-badges li,.bf-key li{margin:0;padding:0}
.bf-screen ul.bf-badges,.bf-screen ul.bf-key{padding-left:0}
.bf-sentence{margin:0;font-size:calc(var(--u)*1.05)}
.bf-chart{margin:0}.bf-chart img{width:100%;height:auto;display:block}
.bf-note,.bf-basis{font-size:calc(var(--u)*.9);color:#383f43;margin:calc(var(--u)*.3) 0 0}
.bf-missing{margin:calc(var(--u)*.5) 0 0;font-size:calc(var(--u)*1)}
.bf-voice{margin-top:calc(var(--u)*.6);border-left:calc(var(--u)*.5) solid #00703c;padding-left:calc(var(--u)*1)}
.bf-voice h2{font-size:calc(var(--u)*1.3)}
.bf-voice ul,.bf-lines{margin:0;padding-left:calc(var(--u)*1.5)}
.bf-voice li{font-size:calc(var(--u)*1.1)}
.bf-lines li{font-size:calc(var(--u)*1.6);margin-bottom:calc(var(--u)*.6)}
.bf-cover h1{font-size:calc(var(--u)*3.4);margin-top:calc(var(--u)*6)}
.bf-cover .bf-sub{font-size:calc(var(--u)*2.4);font-weight:700;margin:calc(var(--u)*1) 0 calc(var(--u)*2)}
.bf-cover .bf-lines,.bf-summary .bf-lines{list-style:none;padding:0}
.bf-key{list-style:none;display:flex;flex-wrap:wrap;gap:calc(var(--u)*2);margin:calc(var(--u)*.5) 0 0;padding:0;
  font-size:calc(var(--u)*1)}
.bf-key li{display:flex;align-items:center;gap:calc(var(--u)*.5)}
.bf-sw{display:inline-block;width:calc(var(--u)*3);height:calc(var(--u)*.3);min-height:3px}
.bf-dense{gap:calc(var(--u)*.6)}
.bf-dense .bf-tile{padding:calc(var(--u)*.4) calc(var(--u)*.8)}
.bf-dense h2{font-size:calc(var(--u)*1.15);margin:0}
.bf-dense .bf-figure{font-size:calc(var(--u)*2.7);margin:0 0 calc(var(--u)*.2)}
.bf-dense .bf-badges,.bf-dense .bf-sentence{font-size:calc(var(--u)*.9)}
.bf-dense .bf-note,.bf-dense .bf-basis{font-size:calc(var(--u)*.8);margin:0}
.bf-foot{font-size:calc(var(--u)*.9);color:#383f43;margin-top:calc(var(--u)*.8)}
"""

PACK_CSS = """
@page{size:13.333in 7.5in;margin:0}
body{margin:0;background:#505a5f}
.bf-pack .bf-screen{--u:0.13333in;width:13.333in;height:7.5in;overflow:hidden;margin:0 auto .25in;
  break-after:page;page-break-after:always}
.bf-pack .bf-dense .bf-chart img{max-height:calc(var(--u)*8.6);object-fit:contain}
.bf-pack .bf-key li{flex:none;white-space:nowrap}
@media print{body{background:#fff}.bf-pack .bf-screen{margin:0}}
"""

Images = dict[str, tuple[str, bytes]]  # indicator id -> (mime type, image bytes)


def _e(text: object) -> str:
    """Text as HTML text: escaped, and without line-breaking, control or bidirectional characters (a
    right-to-left override would reverse the words after it in the pack as on screen)."""
    return html.escape(strip_unsafe(str(text)), quote=True)


def _top(b: Briefing, title: str, heading_id: str) -> str:
    corner = f"{b.council_name} · {b.year_label}"
    warn = (
        '<p class="bf-warn">Illustrative data: some figures are synthetic, not published statistics.</p>'
        if b.illustrative
        else ""
    )
    return (
        f'<header class="bf-top"><h1 id="{_e(heading_id)}">{_e(title)}</h1>'
        f'<p class="bf-corner">{_e(corner)}</p></header>{warn}'
    )


def _tile(t: Tile, b: Briefing, images: Images) -> str:
    badges = "".join(f"<li>{_e(x)}</li>" for x in t.badges)
    withheld = " bf-withheld" if t.withheld else ""
    chart = ""
    if t.indicator.id in images:
        mime, data = images[t.indicator.id]
        alt = charts.describe(t.indicator, b.council_name, t.chart)
        src = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        chart = f'<figure class="bf-chart"><img src="{src}" alt="{_e(alt)}"></figure>'
    lone = one_year_note(t.chart)
    if lone:
        chart = f'<p class="bf-note bf-lone">{_e(lone)}</p>'
    notes = "".join(f'<p class="bf-note">{_e(n)}</p>' for n in t.notes)
    return (
        f'<article class="bf-tile" data-indicator="{_e(t.indicator.id)}"><h2>{_e(t.indicator.short_title)}</h2>'
        f'<div class="bf-body"><div class="bf-text">'
        f'<p class="bf-figure{withheld}">{_e(t.figure)}<span class="bf-year">{_e(t.year)}</span></p>'
        f'<ul class="bf-badges">{badges}</ul><p class="bf-sentence">{_e(t.sentence)}</p></div>{chart}</div>'
        f'<p class="bf-basis">{_e(t.basis)}</p>{notes}</article>'
    )


def _swatch(colour: str, dash: list[int]) -> str:
    """A line sample in the series' colour and dash pattern, drawn with CSS (no SVG, which some hosts strip)."""
    if len(dash) < 2 or not dash[1]:
        fill = colour
    else:
        stops, at = [], 0
        for n, length in enumerate(dash):
            c = colour if n % 2 == 0 else "transparent"
            stops.append(f"{c} {at * 2}px,{c} {(at + length) * 2}px")  # two stops: WeasyPrint draws these too
            at += length
        fill = f"repeating-linear-gradient(90deg,{','.join(stops)})"
    return f'<span class="bf-sw" aria-hidden="true" style="background:{fill}"></span>'


def _key(s: Screen) -> str:
    """One key for every chart on the screen: a line sample in each series' colour and dash, and its name."""
    charted = [t for t in s.tiles if not one_year_note(t.chart)]
    drawn = sorted({x for t in charted for x in t.chart.loc[t.chart["value"].notna(), "series"]})
    items = [f"<li>{_swatch(colour, dash)}{_e(name)}</li>" for name, colour, _s, dash in charts.briefing_key(drawn)]
    return f'<ul class="bf-key" aria-label="Key to the charts">{"".join(items)}</ul>' if items else ""


def _pledge(b: Briefing, s: Screen, images: Images) -> str:
    cols = " bf-dense" if len(s.tiles) > 4 else ""
    tiles = "".join(_tile(t, b, images) for t in s.tiles)
    body = f'<div class="bf-grid{cols}">{tiles}</div>{_key(s)}' if tiles else ""
    if s.not_held:
        body += f'<p class="bf-missing">No figures held yet for: {_e("; ".join(s.not_held))}.</p>'
    if s.highlights:
        items = "".join(f"<li>{_e(x)}</li>" for x in s.highlights)
        body += (
            '<aside class="bf-voice"><h2>What children and young people told us (Bright Spots)</h2>'
            f"<ul>{items}</ul></aside>"
        )
    return body


def screen_html(b: Briefing, key: str, images: Images | None = None) -> str:
    """One screen as an HTML section (no script, no external reference)."""
    s = b.screen(key)
    images = images or {}
    hid = f"bf-{s.key}-title"
    if s.kind == "cover":
        lines = "".join(f"<li>{_e(x)}</li>" for x in s.lines)
        inner = (
            f'<h1 id="{hid}">{_e(s.title)}</h1><p class="bf-sub">{_e(s.subtitle)}</p><ul class="bf-lines">{lines}</ul>'
        )
        if b.illustrative:
            inner += '<p class="bf-warn">Illustrative data: some figures are synthetic, not published statistics.</p>'
    elif s.kind == "summary":
        lines = "".join(f"<li>{_e(x)}</li>" for x in s.lines)
        inner = _top(b, f"Summary: {b.framework.title}", hid) + f'<ul class="bf-lines">{lines}</ul>'
    else:
        inner = _top(b, s.title, hid) + _pledge(b, s, images)
    foot = (
        f'<p class="bf-foot">Figures as at {_e(b.as_at)}. Counts of 1 to 5 children are shown as '
        f"&quot;fewer than 6&quot;. Source: DfE published statistics and the council's own reports.</p>"
    )
    return f'<section class="bf-screen bf-{s.kind}" aria-labelledby="{hid}">{inner}{foot}</section>'


def images_for(b: Briefing, key: str, kind: str = "svg", scale: float = 2) -> Images:
    """Every chart on one screen, rendered server-side (vl-convert)."""
    mime = "image/svg+xml" if kind == "svg" else "image/png"
    return {
        t.indicator.id: (mime, charts.briefing_image(t.indicator, t.chart, kind, scale))
        for t in b.screen(key).tiles
        if not one_year_note(t.chart)  # one year held: said in words, no chart of a lone point
    }


def pack_title(b: Briefing) -> str:
    """The document's title, the same in the HTML pack and the PDF."""
    return f"{b.council_name}: {b.framework.title}, briefing {b.year_label}"


def pack_html(
    b: Briefing,
    progress: Callable[[float, str], None] | None = None,
    kind: str = "png",
    scale: float = 3,
) -> str:
    """Every screen in one offline HTML document: charts as print-resolution PNGs, or SVG for the PDF."""
    sections = []
    keys = b.screen_keys()
    for n, key in enumerate(keys, start=1):
        if progress:
            progress((n - 1) / len(keys), f"Drawing {b.screen(key).title}")
        sections.append(screen_html(b, key, images_for(b, key, kind, scale)))
    if progress:
        progress(1.0, "Briefing pack ready")
    about = f"Members' briefing for {b.council_name}, {b.framework.title}, {b.year_label}; figures as at {b.as_at}."
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="author" content="{_e(b.council_name)}"><meta name="description" content="{_e(about)}">'
        '<meta name="generator" content="Corporate parenting dashboard">'
        f"<title>{_e(pack_title(b))}</title><style>{CSS}{PACK_CSS}</style></head>"
        f'<body><main class="bf-pack">{"".join(sections)}</main></body></html>'
    )


def pack_filename(b: Briefing, extension: str = "html", today: dt.date | None = None) -> str:
    """``barnet_barnet-pledges_2026-11-23.html``: council, framework and date."""

    def clean(text: str) -> str:
        return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")

    day = (today or dt.date.today()).isoformat()
    return f"{clean(b.council_name)}_{clean(b.framework.id)}_{day}.{extension}"
