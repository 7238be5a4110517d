"""Exact decimal arithmetic, rounding half away from zero (DfE's round_five_up, Excel's ROUND).

A binary double cannot hold 19.65 (it is 19.6499999...), so rounding a float mean sends exact
halves the wrong way; these cases are the ones that went wrong.
"""

from __future__ import annotations

import contextlib
import io
import re
from decimal import Decimal

import pandas as pd
import pytest

from cpdata.core import fmt, schema
from cpdata.core.datafolder import DataFolder
from cpdata.figures import compare, survey_tables
from cpdata.ops import cli
from cpdata.store import exact_sql, queries, reference, store

BARNET = "E09000003"
NOISE = re.compile(r"\d\.\d*(0000000|9999999)\d")
# Ten neighbours' figures whose exact mean is an exact half at the second decimal place.
HALVES = {
    "exact_19_65": ([19.6] * 5 + [19.7] * 5, "19.7"),
    "exact_13_45": ([13.4] * 5 + [13.5] * 5, "13.5"),
    "exact_minus_1_25": ([-1.2] * 5 + [-1.3] * 5, "-1.3"),
}


def _add_figures(data_dir, rows: list[dict], extract_id: str) -> None:
    df = pd.DataFrame(rows).assign(figure_type="value", basis="published", source="test figures")
    store.add_extract(DataFolder.of(data_dir), schema.to_table(df, schema.FIGURES), "figures", {"id": extract_id})


@pytest.fixture
def halves(data_copy):
    neighbours = list(reference.neighbours(DataFolder(data_copy), BARNET, "2025")["area_code"])
    assert len(neighbours) == 10
    rows = []
    for ind, (values, _) in HALVES.items():
        rows.append({"indicator_id": ind, "area_code": BARNET, "period": 2025, "value": 1.0})
        rows += [
            {"indicator_id": ind, "area_code": code, "period": 2025, "value": v}
            for code, v in zip(neighbours, values, strict=True)
        ]
    _add_figures(data_copy, rows, "exact_halves")
    return data_copy


def test_neighbour_means_of_exact_halves_round_away_from_zero_in_sql(halves):
    df = queries.series(DataFolder(halves), BARNET, list(HALVES), "2025").set_index("indicator_id")
    for ind, (_, expected) in HALVES.items():
        assert df.loc[ind, "sn_n"] == 10
        assert fmt.exact(df.loc[ind, "sn"]) == Decimal(expected), ind
        assert fmt.number(df.loc[ind, "sn"], "score", 1) == expected
        # The median is exact too: halfway between the middle two (19.6 and 19.7 -> 19.65).
        exact_median = (Decimal(str(HALVES[ind][0][4])) + Decimal(str(HALVES[ind][0][5]))) / 2
        assert fmt.exact(df.loc[ind, "sn_median"]) == exact_median, ind


def test_exact_mean_sql_on_its_own():
    con = store.duckdb.connect()
    for values, expected in [
        ([19.6, 19.7], "19.7"),
        ([13.4, 13.5], "13.5"),
        ([-1.2, -1.3], "-1.3"),
        ([1.0, 2.0, 2.0], "1.7"),
        ([None, 3.0], "3.0"),
        ([-0.04], "0.0"),
    ]:
        con.execute("CREATE OR REPLACE TABLE t (value DOUBLE)")
        con.executemany("INSERT INTO t VALUES (?)", [[v] for v in values])
        got = con.execute(f"SELECT {exact_sql.mean('value')} FROM t").fetchone()[0]
        assert got == Decimal(expected), (values, got)


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [
        (19.65, 1, "19.7"),
        (13.45, 1, "13.5"),
        (-1.25, 1, "-1.3"),
        (Decimal("-1.25"), 1, "-1.3"),
        (2.675, 2, "2.68"),
        (62.5, 0, "63"),
        (-62.5, 0, "-63"),
        (-0.04, 1, "0.0"),  # never "-0.0"
    ],
)
def test_display_rounds_exact_halves_away_from_zero(value, decimals, shown):
    assert fmt.number(value, "score", decimals) == shown
    assert fmt.figure(value, None, "score", decimals) == shown


def test_judgements_use_exact_decimals():
    assert compare.versus(64, 64.5, "higher", 0, 1) == "worse"
    assert compare.versus(64, 64.4, "higher", 0, 1) == "in line"
    assert compare.versus(19.65, 19.7, "higher", 1) == "in line"  # 19.65 is shown as 19.7
    assert compare.change(19.65, 19.6, "higher", 1)["diff"] == Decimal("0.1")
    assert compare.change(0.3, 0.1, "higher", 1)["diff"] == Decimal("0.2")
    assert compare.target_status(19.65, 19.7, "higher", 1) == "met"


def test_survey_difference_rounds_half_away_from_zero():
    base = {"measure": "m", "survey": "YLYC", "wave": 2023, "age_band": "11-17", "comparator": "others"}
    base |= {"answered": None, "comparator_answered": None, "bright_spot": False, "respondents": None}
    df = pd.DataFrame(
        [
            base | {"percent": 62.5, "comparator_percent": 60.0, "polarity": "higher"},
            base | {"percent": 60.0, "comparator_percent": 62.5, "polarity": "higher"},
        ]
    )
    out = survey_tables.bright_spots_display(df, "Barnet")
    assert out["Difference"].tolist() == ["+3 points (better)", "-3 points (worse)"]


def test_command_line_never_prints_float_noise():
    for fmt_ in ("csv", "table"):
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            assert cli.main(["scorecard", "--council", "Barnet", "--format", fmt_]) == 0
        assert not NOISE.search(buf.getvalue()), NOISE.search(buf.getvalue()).group(0)
    # Barnet's neighbours' median for Attainment 8 in 2019/20 is 19.45 (float arithmetic gave 19.450000000000003).
    row = next(line for line in buf.getvalue().splitlines() if "cla_ks4_attainment8" in line and " 2020 " in line)
    assert " 19.45 " in row
