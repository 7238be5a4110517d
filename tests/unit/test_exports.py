import csv
import io
from xml.etree import ElementTree

import pandas as pd
import pytest

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
    v = views.indicator_views("E09000003", ["care_leavers_eet_19_21"], 2025)[0]
    parsed = pd.read_csv(io.BytesIO(exports.safe_csv(v.history)), encoding="utf-8-sig", dtype=str)
    assert list(parsed.columns) == list(v.history.columns)
    assert parsed.set_index("Year").loc["2024/25", "Council"] == "64%"


def test_chart_png_is_print_resolution():
    v = views.indicator_views("E09000003", ["care_leavers_eet_19_21"], 2025)[0]
    data = charts.png(v.indicator, trend.chart_data(v.rows), None, "Barnet")
    assert data.startswith(b"\x89PNG")
    width = int.from_bytes(data[16:20], "big")
    assert width >= 1800


def test_context_columns_never_overwrite_the_figures():
    v = views.indicator_views("E09000003", ["care_leavers_eet_19_21"], 2025)[0]
    out = exports.with_context(v.history, Area="Barnet", Indicator=v.indicator.title)
    assert list(out.columns[:2]) == ["Area", "Indicator"]
    assert out.set_index("Year").loc["2024/25", "Council"] == "64%"
    with pytest.raises(ValueError, match="overwrite"):
        exports.with_context(v.history, Council="Barnet")


def test_lone_dash_for_no_figure_is_kept_plain():
    assert exports.neutralise("-") == "-"
    assert exports.neutralise("-1+2") == "'-1+2"


def test_chart_svg_parses_and_carries_title_source_and_date():
    v = views.indicator_views("E09000003", ["care_leavers_eet_19_21"], 2025)[0]
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
