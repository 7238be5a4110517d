"""Streamlit pieces shared by the pages: cached views, indicator blocks, Bright Spots, scorecard.

Only presentation lives here; every figure comes from ``cpdata.figures.views`` and the tables built from it
(``trend``, ``scorecard``, ``survey_tables``).
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa
import streamlit as st
from streamlit import dataframe_util
from streamlit.proto.VegaLiteChart_pb2 import VegaLiteChart

from cpdata.catalogue.catalogue import Indicator, load_catalogue
from cpdata.catalogue.selection import Selection
from cpdata.core import fmt, periods, symbols
from cpdata.core.datafolder import DataFolder
from cpdata.core.schema import SN_DECIMALS
from cpdata.figures import charts, exports, provenance, survey_tables, trend, views
from cpdata.figures.scorecard import comparison_lines, scorecard_rows, shown_columns
from cpdata.store import store, versions
from cpdata.ui import downloads, session, shared_views, vega
from cpdata.ui.plain import md
from cpdata.ui.session import SN_CHOICES, data_version


def cached_views(
    version: str, data_dir: str, council: str, ids: tuple[str, ...], year: int | None, sn: str
) -> list[views.IndicatorView]:
    """The views of ``ids`` for the data version ``version`` (the one pinned for the run), shared by every
    session and kept per indicator by what its figures come from (``shared_views``), so an upload works out
    again only the views of the indicators it changed. Pages only read them."""
    folder = DataFolder(data_dir)
    if store.version(folder) != version:
        raise ValueError(f"views asked for data version {version}, but {store.version(folder)} is pinned")
    return shared_views.indicator_views(folder, council, list(ids), year, sn)


@dataclass(frozen=True)
class SurveyParts:
    """The Bright Spots table as shown, and its sources; ``table`` is None when nothing is held."""

    table: pa.Table | None
    sources: str


@shared_views.kept(maxsize=128)
def bright_spots_parts(stamp: str, data_dir: str, council: str, ids: tuple[str, ...], council_name: str) -> SurveyParts:
    """Built once per council and stamp of the Bright Spots results (``bright_spots_stamp``): shared and
    never changed, like ``chart_parts``, and kept across uploads of figures."""
    df = survey_tables.bright_spots_table(DataFolder(data_dir), council, list(ids))
    if df.empty:
        return SurveyParts(None, "")
    table = dataframe_util.convert_pandas_df_to_arrow_table(survey_tables.bright_spots_display(df, council_name))
    return SurveyParts(table, "; ".join(sorted(set(df["source"]))))


def views_for(sel: Selection, ids: list[str]) -> list[views.IndicatorView]:
    # Keyword arguments: Streamlit looks up the signature for each positional argument of a cached call.
    return cached_views(
        version=data_version(),
        data_dir=str(session.data_folder().root),
        council=sel.council,
        ids=tuple(ids),
        year=sel.year,
        sn=sel.sn,
    )


def _lower_first(label: str) -> str:
    """A picker's label inside a sentence: only its first letter lower-cased ("April" keeps its capital)."""
    return label[:1].lower() + label[1:]


def context_line(sel: Selection) -> None:
    year = periods.label(sel.year) if sel.year else "all years"
    st.caption(
        f"{md(sel.council_name)} · {year} · compared with {_lower_first(SN_CHOICES[sel.sn])} and England · "
        f"data as at {provenance.as_at(session.data_folder())} (version {data_version()[:8]}; see About the data)"
    )


def illustrative_banner() -> None:
    """Anything that is not a published figure says so on screen."""
    if provenance.illustrative(session.data_folder()):
        st.warning("Illustrative data: some figures here are synthetic, not published statistics.", icon="⚠️")


def _delta(v: views.IndicatorView) -> tuple[str | None, str]:
    if not v.change:
        return None, "off"
    if v.change["direction"] == "same":
        return "no change on the year before", "off"
    amount = fmt.difference(v.change["diff"], v.indicator.unit, v.indicator.decimals)
    sign = "+" if v.change["diff"] > 0 else "-"
    text = f"{sign}{amount} on the year before ({v.change['judgement']})"
    colour = {"higher": "normal", "lower": "inverse"}.get(v.indicator.polarity, "off")
    return text, colour


@dataclass(frozen=True)
class BlockParts:
    """What an indicator block draws besides its headline: built once, then only sent."""

    spec: dict  # Vega-Lite spec (charts.trend)
    caption: str
    alt_text: str
    data: pd.DataFrame  # the chart's long form, for the PNG download
    lone: str  # said instead of a chart of one lone point (trend.one_year_note), else ""
    chart: VegaLiteChart | None  # the chart's message as sent (vega.chart_message), None with ``lone``
    view: views.IndicatorView = field(compare=False, repr=False)  # what the parts were drawn from

    @functools.cached_property
    def history(self) -> pa.Table:
        """The numbers behind the chart, as st.dataframe sends them: made when they are first opened (shown in a
        collapsed expander, drawn only once it is open), not with the chart. Making them with every chart was
        a fifth of a chart nobody had drawn yet (py-spy, a cold dreams page). Kept once made."""
        return dataframe_util.convert_pandas_df_to_arrow_table(self.view.history)


@shared_views.kept(maxsize=2048)
def chart_parts(
    stamp: str,
    data_dir: str,
    council: str,
    indicator_id: str,
    year: int | None,
    sn: str,
    band: bool,
    council_name: str,
    _view: views.IndicatorView,
) -> BlockParts:
    """Chart spec, caption, text alternative and table, looked up by what the view was worked out from
    (its ``stamp``: the same across data versions that did not change its figures) and the selection.

    Keyed on small values (the view they come from is determined by them, so it is not hashed here:
    hashing its rows on every rerun took longer than drawing). A new key is looked up by what the chart is
    drawn from (``_drawn_parts``), so the same figures for another year shown are not drawn again.
    Shared (``shared_views.kept``): the parts are never changed (Streamlit copies a spec before it edits
    one), so no copy is made on each rerun.
    """
    ind = load_catalogue(DataFolder(data_dir)).indicator(indicator_id)  # a council's own may differ by folder
    return _drawn_parts(
        digest=_content_digest(_view, ind), band=band, council_name=council_name, _indicator=ind, _view=_view
    )


def _content_digest(view: views.IndicatorView, ind: Indicator) -> str:
    """What a chart and its table are drawn from, as one hash: the indicator's definition, the view's rows
    (its history table is made from them) and target. Equal digests mean equal figures; a digest that
    differs for equal figures only costs a rebuild.

    Not the rows' index, nor the type of a column holding nothing: both come from the query of every
    indicator of the page at once, so one upload of one indicator's figure changed them for all (the index
    shifts; an empty local-figure column turns from object to str) and rebuilt every chart of the page."""
    h = hashlib.sha256(repr(ind).encode())
    frame = view.rows
    h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    empty = frame.isna().all()
    h.update(repr([(c, "empty" if empty[c] else str(t)) for c, t in frame.dtypes.items()]).encode())
    h.update(repr(view.target).encode())
    return h.hexdigest()


@shared_views.kept(maxsize=2048)
def _drawn_parts(
    digest: str, band: bool, council_name: str, _indicator: Indicator, _view: views.IndicatorView
) -> BlockParts:
    """Spec, caption, text alternative and table, built once per content (``digest``), whichever data
    version it came in. Building, validating and serialising these was most of a page's time on every rerun
    (bench/)."""
    ind = _indicator
    data = trend.chart_data(_view.rows)
    # Written as the Vega-Lite dict itself (charts.trend): tests/app/test_perf_ui.py has Altair check every
    # spec against Vega-Lite's schema.
    spec = charts.trend(ind, data, _view.target, band=band)
    alt_text = charts.describe(ind, council_name, data)
    lone = trend.one_year_note(data)
    return BlockParts(
        spec=spec,
        caption=charts.caption(ind, data, band=band),
        alt_text=alt_text,
        data=data,
        # Worked out once here: filtering the long form on every rerun was a sixth of a served pledge page
        # (py-spy under 20 sessions), more than drawing its charts.
        lone=lone,
        chart=None if lone else vega.chart_message(spec, alt_text),
        view=_view,
    )


def _context(sel: Selection) -> dict[str, str]:
    """A download's context columns: the selection on screen, the data version and its date."""
    comparator = SN_CHOICES[sel.sn]
    return exports.download_context(
        sel.council_name, sel.council, sel.year, comparator, data_version(), provenance.as_at(session.data_folder())
    )


def indicator_block(v: views.IndicatorView, sel: Selection) -> None:
    """Headline, sentence, comparisons, chart and the numbers behind it, for one indicator."""
    ind = v.indicator
    with st.container(border=True):
        st.subheader(md(ind.short_title), anchor=ind.id)
        if v.period is None:
            st.markdown(md(v.sentence))
            _definition(v)
            return
        left, right = st.columns([2, 3], gap="large")
        with left:
            delta, colour = _delta(v)
            label = md(f"{sel.council_name}, {v.year_label}")
            same = bool(v.change) and v.change["direction"] == "same"
            figure = v.shown() if v.value is not None else symbols.short(v.symbol)  # the sentence says why
            st.metric(label, figure, delta, delta_color=colour, delta_arrow="off" if same else "auto")
            if v.stale:
                st.caption(md(v.stale_note(sel.council_name)))
            # One element, not two: Streamlit sends each element as a message of its own, through the event loop
            # and the server's middleware; fewer of them is most of what is left to save on a page (py-spy).
            lines = "\n".join(f"- {md(x)}" for x in comparison_lines(v))
            st.markdown(f"{md(v.sentence)}\n\n{lines}" if lines else md(v.sentence))
            basis = (
                "Published figure"
                if v.basis == "published"
                else "Local figure from the council's own report (not a DfE published statistic)"
            )
            notes = [f"{basis}. Source: {v.source} (extract {v.extract})."]
            if v.local_value is not None:
                notes.append(
                    f"Local figure for the same year: {fmt.number(v.local_value, ind.unit, ind.decimals)} "
                    f"({v.local_source})."
                )
            if v.sn_basis == "published":
                notes.append(
                    "Neighbours' figure as published in the council's own table (no neighbours' figures held)."
                )
            elif v.sn_published is not None:
                notes.append(
                    f"The council's own table gives {fmt.number(v.sn_published, ind.unit, SN_DECIMALS)} "
                    f"for its neighbours ({v.sn_published_source})."
                )
            if v.sn_n is not None and v.sn_basis == "computed":
                notes.append(
                    f"Neighbours' mean of the {v.sn_n} of {v.sn_size} neighbours with a figure, {v.sn_model} model"
                    + (" (fewer than 5: shown, not judged)." if v.sn_too_few else ".")
                )
            st.caption(md(" ".join(notes)))  # sources are whatever the extract or the analyst wrote
        with right:
            parts = chart_parts(
                stamp=v.stamp or data_version(),
                data_dir=str(session.data_folder().root),
                council=sel.council,
                indicator_id=ind.id,
                year=sel.year,
                sn=sel.sn,
                band=sel.band,
                council_name=sel.council_name,
                _view=v,
            )
            if lone := parts.lone:  # a lone dot beside other series' lines reads as a trend
                st.info(md(f"{lone} The figures are in the table below."))
            else:
                vega.draw(right, parts.chart, height=340)  # st.vega_lite_chart(spec=parts.spec, width="stretch", ...)
                st.caption(md(parts.caption))
        # Opened on demand: Streamlit sends a collapsed expander's contents all the same (a table, the
        # downloads and the definition for each chart, a third of the page's elements), so they are
        # drawn only once it is opened (a rerun, as any click is) and kept while it stays open.
        more = st.expander("Numbers behind the chart, and definition", key=f"more_{ind.id}", on_change="rerun")
        with more:
            if more.open:
                _numbers_behind(v, sel, parts, bool(lone))


def _numbers_behind(v: views.IndicatorView, sel, parts: BlockParts, lone: bool) -> None:
    ind = v.indicator
    st.dataframe(parts.history, hide_index=True, width="stretch")
    # (label, data or a function that makes it, file ending, MIME type); the ending keys the button.
    files: list[tuple[str, object, str, str]] = [("Download these figures (CSV)", chart_csv(v, sel), "csv", "text/csv")]
    if not lone:  # no picture of a lone dot either: the table says it
        for label, draw, ext, mime in (
            ("PNG, print resolution", downloads.png, "png", "image/png"),
            ("SVG, for Word and print", downloads.svg, "svg", "image/svg+xml"),
        ):
            chart = functools.partial(draw, ind, parts.data, v.target, sel.council_name)
            files.append((f"Download the chart ({label})", chart, ext, mime))
    xlsx = functools.partial(downloads.indicator_xlsx, v, sel)
    files.append(("Download these figures (Excel)", xlsx, "xlsx", downloads.XLSX))
    for label, data, ext, mime in files:
        st.download_button(label, data, file_name=f"{ind.id}_{sel.council}.{ext}", mime=mime, key=f"{ext}_{ind.id}")
    _definition(v)


def chart_csv(v: views.IndicatorView, sel: Selection) -> bytes:
    """The numbers behind a chart as a safe CSV, naming the selection, the data version and its date: made
    when the numbers are opened (the chart's parts are shared across versions; the file names its own)."""
    return exports.chart_csv(v.history, v.indicator.title, _context(sel))


def _definition(v: views.IndicatorView) -> None:
    ind = v.indicator
    st.markdown(f"**Definition.** {md(ind.definition)}  \n**Source publication:** {md(ind.source)}")


def bright_spots_stamp(folder: DataFolder) -> str:
    return shared_views.stamp_of(folder, (versions.BRIGHT_SPOTS,))


def bright_spots_section(sel: Selection, measure_ids: list[str]) -> None:
    if not measure_ids:
        return
    st.header("Bright Spots: what children and young people told us")
    parts = bright_spots_parts(
        stamp=bright_spots_stamp(session.data_folder()),
        data_dir=str(session.data_folder().root),
        council=sel.council,
        ids=tuple(measure_ids),
        council_name=sel.council_name,
    )
    if parts.table is None:
        cat = load_catalogue(session.data_folder())
        names = ", ".join(cat.bright_spots[m].title for m in measure_ids)
        st.info(md(f"No Bright Spots results held for {sel.council_name} for: {names}. Analysts can upload them."))
        return
    st.dataframe(parts.table, hide_index=True, width="stretch")
    st.caption(md(f"★ marks a result the survey report calls a Bright Spot of practice. Source: {parts.sources}."))


def split_held(items: list[views.IndicatorView]) -> tuple[list[views.IndicatorView], list[views.IndicatorView]]:
    return [v for v in items if v.has_data], [v for v in items if not v.has_data]


def not_held_section(items: list[views.IndicatorView]) -> None:
    """Measures of success with no figures yet: listed, never silently dropped."""
    if not items:
        return
    st.header("Measures with no figures held yet")
    st.markdown("No figures held yet — analysts can upload them. " + "These measures are part of the framework:")
    st.markdown("\n".join(f"- **{md(v.indicator.short_title)}**: {md(v.indicator.definition)}" for v in items))


def scorecard(sel: Selection, pledge, all_views: dict[str, views.IndicatorView]) -> None:
    """One pledge's lines of the overview, from views built once for the whole framework."""
    table = shown_columns(scorecard_rows([all_views[i] for i in pledge.indicators]))
    # A static table: its cells wrap, so every column fits at 1440 px (a grid cut off "2024/2" and "Quartile (A be"),
    # and it is a real HTML table for screen readers.
    st.table(table.map(md), hide_index=True)  # st.table renders Markdown in its cells
    st.download_button(
        "Download this scorecard (CSV)",
        exports.scorecard_csv(table, [all_views[i].source for i in pledge.indicators], pledge.title, _context(sel)),
        file_name=f"scorecard_{pledge.id}_{sel.council}.csv",
        mime="text/csv",
        key=f"score_{pledge.id}",
    )
    st.download_button(
        "Download this scorecard (Excel)",
        functools.partial(downloads.scorecard_xlsx, [pledge], all_views, sel, f"Scorecard: {pledge.title}"),
        file_name=f"scorecard_{pledge.id}_{sel.council}.xlsx",
        mime=downloads.XLSX,
        key=f"score_xlsx_{pledge.id}",
    )
