import csv
import io
from xml.etree import ElementTree

import pandas as pd
import pytest

from cpdata.core.datafolder import DataFolder
from cpdata.figures import charts, exports, trend, views


@pytest.mark.parametrize("cell", ["=SUM(A1)", "+1", "-2+3", "@cmd", "\tx", "\rx"])
def test_formula_cells_are_neutralised(cell):
    out = exports.safe_csv(pd.DataFrame({"a": [cell], cell: ["fine"]}))
    rows = list(csv.reader(io.StringIO(out.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["a", "'" + cell]
    assert rows[1] == ["'" + cell, "fine"]


def test_csv_has_bom_and_keeps_numbers_numbers():
    out = exports.safe_csv(pd.DataFrame({"Year": ["2024/25"], "Value": [-5.0], "Text": ["64%"]}))
    assert out.startswith(b"\xef\xbb\xbf")
    assert b"-5.0" in out and b"'-5.0" not in out


def test_indicator_csv_is_what_is_on_screen():
    v = views.indicator_views(DataFolder.of(), "E09000003", ["care_leavers_eet_19_21"], 2025)[0]
    parsed = pd.read_csv(io.BytesIO(exports.safe_csv(v.history)), encoding="utf-8-sig", dtype=str)
    assert list(parsed.columns) == list(v.history.columns)
    assert parsed.set_index("Year").loc["2024/25", "Council"] == "64%"


def test_chart_png_is_print_resolution():
    v = views.indicator_views(DataFolder.of(), "E09000003", ["care_leavers_eet_19_21"], 2025)[0]
    data = charts.png(v.indicator, trend.chart_data(v.rows), None, "Barnet")
    assert data.startswith(b"\x89PNG")
    width = int.from_bytes(data[16:20], "big")
    assert width >= 1800


def test_context_columns_never_overwrite_the_figures():
    v = views.indicator_views(DataFolder.of(), "E09000003", ["care_leavers_eet_19_21"], 2025)[0]
    out = exports.with_context(v.history, Area="Barnet", Indicator=v.indicator.title)
    assert list(out.columns[:2]) == ["Area", "Indicator"]
    assert out.set_index("Year").loc["2024/25", "Council"] == "64%"
    with pytest.raises(ValueError, match="overwrite"):
        exports.with_context(v.history, Council="Barnet")


def test_lone_dash_for_no_figure_is_kept_plain():
    assert exports.neutralise("-") == "-"
    assert exports.neutralise("-1+2") == "'-1+2"


def test_chart_svg_parses_and_carries_title_source_and_date():
    v = views.indicator_views(DataFolder.of(), "E09000003", ["care_leavers_eet_19_21"], 2025)[0]
    data = charts.svg(v.indicator, trend.chart_data(v.rows), None, "Barnet", as_at="2026-11-23")
    root = ElementTree.fromstring(data)  # well-formed XML
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    title = f"{v.indicator.title}: Barnet"
    assert root.find(f"{ns}title").text == title  # what a screen reader or Word announces
    drawn = " ".join(" ".join(t.itertext()) for t in root.iter(f"{ns}text"))  # lines are <tspan>s
    assert title in drawn  # and printed on the chart itself
    assert "Source: DfE: Children looked after in England" in drawn and "Data as at 2026-11-23." in drawn
    assert "64%" in root.find(f"{ns}desc").text  # the figures in words too
    png = charts.png(v.indicator, trend.chart_data(v.rows), None, "Barnet", as_at="2026-11-23")
    assert png.startswith(b"\x89PNG")  # the PNG is drawn from the same titled, sourced chart


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_chart_csv_says_council_year_model_sources_and_data_version():
    from cpdata.figures import provenance
    from cpdata.store import store

    v = views.indicator_views(DataFolder.of(), "E09000003", ["care_leavers_eet_19_21"], 2025)[0]
    ctx = exports.download_context(
        "Barnet", "E09000003", 2025, "Model in force", store.version(DataFolder.of()), provenance.as_at(DataFolder.of())
    )
    rows = _rows(exports.chart_csv(v.history, v.indicator.title, ctx))
    assert len({len(r) for r in rows}) == 1  # one header row, then rectangular: a spreadsheet opens it as a table
    table = pd.DataFrame(rows[1:], columns=rows[0])
    first = ["Area", "Area code", "Year selected", "Comparator", "Data version", "Data as at", "Indicator"]
    assert rows[0][:7] == first
    assert set(table["Area"]) == {"Barnet"} and set(table["Area code"]) == {"E09000003"}
    assert set(table["Year selected"]) == {"2024/25"} and set(table["Comparator"]) == {"Model in force"}
    assert set(table["Data version"]) == {store.version(DataFolder.of())} and set(table["Data as at"]) == {
        provenance.as_at(DataFolder.of())
    }
    by_year = table.set_index("Year")
    assert by_year.loc["2024/25", "Source"].startswith("DfE: Children looked after")
    assert (
        by_year.loc["2023/24", "Neighbours' model"] == "2021" and by_year.loc["2024/25", "Neighbours' model"] == "2025"
    )


def test_scorecard_csv_gives_each_lines_source_and_the_context():
    from cpdata.figures import scorecard

    items = views.indicator_views(DataFolder.of(), "E09000003", ["care_leavers_eet_19_21", "cla_ks4_attainment8"], 2025)
    ctx = exports.download_context("Barnet", "E09000003", None, "Model in force", "abc123", "2026-11-23")
    rows = _rows(exports.scorecard_csv(scorecard.scorecard_rows(items), [v.source for v in items], "Dreams", ctx))
    table = pd.DataFrame(rows[1:], columns=rows[0])
    assert list(table.columns[:7]) == [*ctx, "Pledge"]
    assert set(table["Year selected"]) == {"latest held"} and set(table["Data version"]) == {"abc123"}
    assert table["Source"].str.startswith("DfE: ").all()
    assert "Neighbours' model" in table.columns


def test_png_is_drawn_with_title_source_and_as_at_date():
    v = views.indicator_views(DataFolder.of(), "E09000003", ["care_leavers_eet_19_21"], 2025)[0]
    data = trend.chart_data(v.rows)
    title = charts.export_chart(v.indicator, data, None, "Barnet", as_at="2026-11-23")["title"]
    assert title["text"] == f"{v.indicator.title}: Barnet"
    subtitle = " ".join(title["subtitle"])
    assert "Source: DfE: Children looked after in England" in subtitle and "Data as at 2026-11-23." in subtitle
    assert "Dotted line at 2024/25" in subtitle  # the neighbour group's change is said on the image too
