"""Rank and quartile band as DfE's LAIT works them out (R/fn_analysis.R: calculate_rank,
calculate_quartile_band; quartiles from R's default quantile(), type 7), on hand-worked cases."""

from decimal import Decimal

import pandas as pd
import pytest

from cpdata.core.datafolder import DataFolder
from cpdata.figures import ranking
from cpdata.figures.views import indicator_views

# Nine councils, ties sitting exactly on each quartile: (n - 1) p = 2, 4, 6 picks x[2], x[4], x[6].
TIED = [10, 20, 20, 30, 40, 40, 50, 50, 60]


def _table(values) -> pd.DataFrame:
    return pd.DataFrame({"area_code": [f"c{i}" for i in range(len(values))], "value": values})


def test_quartiles_are_r_type_7_exactly():
    assert ranking.quantiles([Decimal(v) for v in TIED]) == (10, 20, 40, 50, 60)
    # Linear interpolation between order statistics: h = 0.75, 1.5, 2.25 for four figures.
    assert ranking.quantiles([Decimal(v) for v in (1, 2, 3, 4)]) == tuple(
        map(Decimal, ("1", "1.75", "2.5", "3.25", "4"))
    )
    # Exact decimals: R's own answer here (in binary) is 0.30000000000000004.
    assert ranking.quantiles([Decimal("0.1"), Decimal("0.2"), Decimal("0.5")])[1] == Decimal("0.15")
    assert ranking.quantiles([Decimal(7)]) == (7,) * 5


@pytest.mark.parametrize(
    ("value", "lower_band", "higher_band"),
    [
        (10, "A", "D"),
        (20, "A", "D"),  # on q25: the band below, inclusive
        (30, "B", "C"),
        (40, "B", "C"),  # on q50
        (50, "C", "B"),  # on q75
        (60, "D", "A"),
    ],
)
def test_bands_with_ties_on_each_quartile(value, lower_band, higher_band):
    bounds = ranking.quantiles([Decimal(v) for v in TIED])
    assert ranking.quartile_band(value, bounds, "lower") == lower_band
    assert ranking.quartile_band(value, bounds, "higher") == higher_band
    assert ranking.quartile_band(value, bounds, "neither") is None


def test_ranks_best_first_ties_share_the_lowest_rank():
    table = _table(TIED)
    high = ranking.ranked(table, "higher")
    assert high["rank"].tolist() == [9, 7, 7, 6, 4, 4, 2, 2, 1]
    assert high["quartile"].tolist() == ["D", "D", "D", "C", "C", "C", "B", "B", "A"]
    low = ranking.ranked(table, "lower")
    assert low["rank"].tolist() == [1, 2, 2, 4, 5, 5, 7, 7, 9]
    assert low["quartile"].tolist() == ["A", "A", "A", "B", "B", "B", "C", "C", "D"]
    assert set(high["rank_of"]) == {9}


def test_councils_without_a_figure_are_left_out_and_not_counted():
    table = pd.DataFrame({"area_code": ["a", "b", "c", "d"], "value": [5.0, None, 9.0, 5.0]})
    assert ranking.rank_of("a", table, "lower") == (1, 3, "A")  # quartiles of 5, 5, 9: 5, 5, 7
    assert ranking.rank_of("c", table, "lower") == (3, 3, "D")
    assert ranking.rank_of("c", table, "higher") == (1, 3, "A")
    assert ranking.rank_of("b", table, "lower") == (None, 3, None)
    assert ranking.rank_of("a", table, "neither") == (None, 3, None)
    assert ranking.rank_of("zz", table, "lower") == (None, 3, None)


def test_exact_halves_tie_exactly():
    # 19.65 held as a double and 19.65 computed from decimals are the same figure, so they tie.
    table = _table([19.65, Decimal("19.65"), 19.7])
    assert ranking.ranked(table, "higher")["rank"].tolist() == [2, 2, 1]


def test_page_rank_and_band_match_a_recount_of_every_council():
    """Barnet's rank and band on the page are what the rule gives on all councils' figures."""
    from cpdata.core import config
    from cpdata.store import queries

    ids = ["care_leavers_eet_19_21", "cla_3plus_placements"]
    views = indicator_views(DataFolder(config.SAMPLE_DATA_DIR), "E09000003", ids, 2025)
    values = queries.council_values(DataFolder(config.SAMPLE_DATA_DIR), ids)
    for v in views:
        table = values[(values["indicator_id"] == v.indicator.id) & (values["period"] == v.period)]
        held = sorted(Decimal(repr(float(x))) for x in table["value"].dropna())
        mine = Decimal(repr(float(v.value)))
        better = [x for x in held if (x > mine if v.indicator.polarity == "higher" else x < mine)]
        assert v.rank == len(better) + 1 and v.ranked == len(held)
        assert v.quartile == ranking.quartile_band(mine, ranking.quantiles(held), v.indicator.polarity)
