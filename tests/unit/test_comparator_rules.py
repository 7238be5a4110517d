"""The comparator rules, said where the figure is: the other model where a council is not in the
one in force, the count beside a mean of fewer than ten neighbours (no verdict below five), and
the trend chart's mark where the neighbour group changes."""

from __future__ import annotations

import contextlib
import io

import pandas as pd
import pytest

from cpdata.briefing import briefing
from cpdata.core import config, schema
from cpdata.core.datafolder import DataFolder
from cpdata.figures import charts, scorecard, trend, views
from cpdata.ops import cli
from cpdata.store import reference, store

EET = "care_leavers_eet_19_21"
BARNET, CUMBERLAND, CUMBRIA = "E09000003", "E06000063", "E10000006"


def _view(council, year, data_dir=config.SAMPLE_DATA_DIR, ind=EET):
    return views.indicator_views(DataFolder.of(data_dir), council, [ind], year)[0]


def _cli(*args) -> str:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert cli.main(["scorecard", *args]) == 0
    return buf.getvalue()


def test_council_not_in_the_model_in_force_uses_the_other_and_the_page_says_so():
    v = _view(CUMBERLAND, 2023)
    assert (v.period, v.sn_model, v.sn_n) == (2023, "2025", 9)
    assert v.sn_note == (
        "Cumberland is not in DfE's 2021 statistical-neighbour model (in force for 2022/23), "
        "so its neighbours in the 2025 model are used."
    )
    assert v.sn_note in scorecard.comparison_lines(v)
    assert scorecard.scorecard_rows([v])["Neighbours' model"].iloc[0] == f"2025 model ({v.sn_note})"
    history = v.history.set_index("Year")["Neighbours' model"]
    assert history["2022/23"] == "2025 (the council is not in the 2021 model in force)"
    assert history["2024/25"] == "2025"
    # Cumbria, replaced in 2023, is not in the 2025 model: its 2024/25 neighbours are the 2021 model's.
    old = _view(CUMBRIA, 2025)
    assert old.sn_model == "2021" and "not in DfE's 2025 statistical-neighbour model" in old.sn_note
    # A council in both models gets no note.
    assert _view(BARNET, 2023).sn_note is None and _view(BARNET, 2025).sn_note is None


def test_the_command_line_says_which_model_and_why():
    csv = pd.read_csv(io.StringIO(_cli("--council", "Cumberland", "--format", "csv")), keep_default_na=False)
    eet = csv[csv["indicator_id"] == EET].set_index("period")
    assert eet.loc[2023, "sn_model"] == 2025
    assert eet.loc[2023, "sn_model_note"] == "not in the 2021 model in force for this year; the 2025 model is used"
    assert eet.loc[2025, "sn_model_note"] == ""
    assert (eet["sn_group_size"] == 10).all()
    table = _cli("--council", "Cumberland", "--year", "2023")
    assert "Note: Cumberland is not in the 2021 model in force for this year; the 2025 model is used" in table
    assert "Note:" not in _cli("--council", "Barnet")
    # An explicit choice of model is the user's, not a fallback.
    forced = pd.read_csv(io.StringIO(_cli("--council", "Cumberland", "--sn-model", "2025", "--format", "csv")))
    assert forced["sn_model_note"].isna().all()


@pytest.fixture
def few(data_copy):
    """Barnet's EET for 2025/26 with 8 neighbours' figures, and 2026/27 with 3."""
    neighbours = list(reference.neighbours(DataFolder(data_copy), BARNET, "2025")["area_code"])
    rows = [{"indicator_id": EET, "area_code": BARNET, "period": p, "value": 60.0} for p in (2026, 2027)]
    rows += [{"indicator_id": EET, "area_code": c, "period": 2026, "value": 50.0} for c in neighbours[:8]]
    rows += [{"indicator_id": EET, "area_code": c, "period": 2027, "value": 70.0} for c in neighbours[:3]]
    df = pd.DataFrame(rows).assign(figure_type="value", basis="published", source="test figures")
    store.add_extract(DataFolder(data_copy), schema.to_table(df, schema.FIGURES), "figures", {"id": "few_neighbours"})
    return data_copy


def test_fewer_than_ten_neighbours_show_the_count_and_below_five_no_verdict(few):
    eight = _view(BARNET, 2026, few)
    assert eight.shown("sn") == "50.0%, 8 of 10 neighbours"
    assert eight.vs_sn == "better"
    assert "✔ better than statistical neighbours (50.0%, 8 of 10 neighbours)" in scorecard.comparison_lines(eight)
    assert "neighbours (50.0%" in eight.sentence
    assert "✔ better than neighbours (50.0%, 8 of 10 neighbours)" in briefing.tile(eight, "Barnet").badges

    three = _view(BARNET, 2027, few)
    assert three.shown("sn") == "70.0%, 3 of 10 neighbours"
    assert three.vs_sn is None  # 60% against 70% of three neighbours: not called worse
    lines = scorecard.comparison_lines(three)
    assert (
        "Statistical neighbours: 70.0%, 3 of 10 neighbours (too few neighbours with a figure to say better or worse)"
        in lines
    )
    assert "neighbours" not in three.sentence and "worse" not in three.sentence
    row = scorecard.scorecard_rows([three]).iloc[0]
    assert (row["Neighbours"], row["vs neighbours"]) == ("70.0%, 3 of 10 neighbours", "-")
    tile = briefing.tile(three, "Barnet")
    assert tile.verdict is None and not any("neighbours" in b for b in tile.badges)
    # Ten of ten: the mean alone.
    assert _view(BARNET, 2025).shown("sn") == "58.1%"


def test_trend_chart_marks_the_year_the_neighbour_group_changes():
    v = _view(BARNET, 2025)
    data = trend.chart_data(v.rows)
    marked = data[data["group_change"].notna()]
    assert list(marked["year"]) == ["2024/25"]
    assert marked["group_change"].iloc[0] == "the neighbours change from DfE's 2021 model to its 2025 model"
    spec = charts.trend(v.indicator, data)
    rules = [layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "rule"]
    assert rules and rules[0]["encoding"]["x"]["field"] == "year"
    assert "Dotted line at 2024/25: the neighbours change from DfE's 2021 model" in charts.caption(v.indicator, data)
    # Cumberland's neighbours are the 2025 model's every year: nothing to mark.
    cumberland = trend.chart_data(_view(CUMBERLAND, 2025).rows)
    assert cumberland["group_change"].isna().all()
    assert "Dotted line" not in charts.caption(v.indicator, cumberland)
