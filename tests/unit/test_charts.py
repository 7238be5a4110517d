"""What the trend charts draw (issue 18): a count against its neighbours only, the neighbours' band broken where
their figures are, and one year held said in words instead of a lone dot."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from cpdata.core.datafolder import DataFolder
from cpdata.figures import charts, views
from cpdata.figures.trend import chart_data, one_year_note

BARNSLEY, BARKING_DAGENHAM = "E08000016", "E09000002"
REPO = Path(__file__).resolve().parents[2]


def _view(council: str, indicator: str) -> views.IndicatorView:
    return views.indicator_views(DataFolder.of(), council, [indicator], None)[0]


def _drawn_series(spec: dict) -> set[str]:
    return {r["series"] for layer in spec["layer"] for r in layer.get("data", {}).get("values", []) if "series" in r}


def test_a_count_is_drawn_against_its_neighbours_and_englands_count_is_in_words():
    """Item 1: England's 81,770 on the axis of Barnsley's 366 flattened council, neighbours and region onto zero."""
    for indicator in ("cla_count", "cla_starting", "cla_ceasing"):
        v = _view(BARNSLEY, indicator)
        data = chart_data(v.rows)
        spec = charts.trend(v.indicator, data)
        assert _drawn_series(spec) == {"Council", "Statistical neighbours (mean)"}, indicator
        assert "against its statistical neighbours." in charts.describe(v.indicator, "Barnsley", data)
    data = chart_data(_view(BARNSLEY, "cla_count").rows)
    note = "England's count (81,770 in 2024/25) and the region's (9,080) are not drawn"
    assert note in charts.caption(_view(BARNSLEY, "cla_count").indicator, data)
    rate = _view(BARNSLEY, "cla_rate_per_10k")  # a rate is comparable: England stays on the chart
    spec = charts.trend(rate.indicator, chart_data(rate.rows))
    assert {"England", "Region"} <= _drawn_series(spec)


def test_the_neighbours_band_stops_where_their_figures_stop():
    """Item 2: Progress 8 has no figures for 2019/20 and 2020/21; the band ran through them while the lines broke."""
    import vl_convert as vlc

    v = _view(BARNSLEY, "cla_ks4_progress8")
    svg = vlc.vegalite_to_svg(json.dumps(charts.trend(v.indicator, chart_data(v.rows))))
    areas = re.findall(
        r'<path aria-label="Year ending: ([^;]+);[^"]*" role="graphics-symbol" aria-roledescription="area', svg
    )
    assert areas == ["2018/19", "2021/22"], areas  # two pieces: 2018/19 alone, then 2021/22 onwards


def test_one_year_held_is_said_in_words():
    """Item 7: Barking and Dagenham's Personal Education Plans, a local figure for 2022/23 only."""
    pep = _view(BARKING_DAGENHAM, "cla_pep")
    assert one_year_note(chart_data(pep.rows)) == "One year held (2022/23): no trend to draw yet."
    assert one_year_note(chart_data(_view(BARNSLEY, "cla_count").rows)) == ""


def test_a_pages_charts_are_written_without_altair():
    """Building a chart through Altair's objects was three quarters of a chart's time (``charts.trend``'s
    docstring): a page's charts, and the dashboard's modules, must not even import it."""
    code = (
        "import sys\n"
        "from cpdata.core.datafolder import DataFolder\n"
        "from cpdata.figures import charts, views\n"
        "from cpdata.figures.trend import chart_data\n"
        "import cpdata.ui.ui\n"
        "v = views.indicator_views(DataFolder.of(), 'E09000003', ['care_leavers_eet_19_21'], None)[0]\n"
        "spec = charts.trend(v.indicator, chart_data(v.rows), 75.0)\n"
        "assert spec['layer'], spec\n"
        "print('altair' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert done.stdout.strip() == "False", done.stderr[-2000:]
