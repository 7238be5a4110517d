"""Every store query runs against an empty data folder of the real schema (so a misspelt column or table
fails here, not on a page), and the series query returns exactly the columns it declares."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from cpdata.core import config, schema
from cpdata.core.datafolder import DataFolder
from cpdata.store import queries

COUNCIL = "E09000003"
# One call per public query: every function in cpdata.store.queries must be here (the test below says so).
CALLS = {
    "areas": lambda d: queries.areas(DataFolder(d)),
    "councils": lambda d: queries.councils(DataFolder(d)),
    "resolve_area": lambda d: queries.resolve_area(DataFolder(d), "Barnet"),
    "area": lambda d: queries.area(DataFolder(d), COUNCIL),
    "neighbours": lambda d: queries.neighbours(DataFolder(d), COUNCIL, "2021"),
    "series": lambda d: queries.series(DataFolder(d), COUNCIL, ["cla_count"], "auto"),
    "scorecard_table": lambda d: queries.scorecard_table(DataFolder(d), COUNCIL, 2025, "auto"),
    "scorecard_all": lambda d: queries.scorecard_all(DataFolder(d), None, "auto"),
    "bright_spots": lambda d: queries.bright_spots(DataFolder(d), COUNCIL, ["bs_life_satisfaction"]),
    "bright_spots_for": lambda d: queries.bright_spots_for(DataFolder(d), [COUNCIL]),
    "council_values": lambda d: queries.council_values(DataFolder(d), ["cla_count"]),
    "periods_held": lambda d: queries.periods_held(DataFolder(d), ["cla_count"], COUNCIL),
    "held_figures": lambda d: queries.held_figures(DataFolder(d), ["cla_count"], [COUNCIL]),
    "sn_means": lambda d: queries.sn_means(
        DataFolder(d), pd.DataFrame({"indicator_id": ["cla_count"], "area_code": [COUNCIL], "period": [2025]})
    ),
}
NOT_FOUND_ON_EMPTY = {"resolve_area", "area"}  # they say so with a KeyError, after running their query


@pytest.fixture
def empty_folder(tmp_path: Path) -> Path:
    root = tmp_path / "empty"
    (root / "reference").mkdir(parents=True)
    (root / "extracts").mkdir()
    (root / "manifest.json").write_text(json.dumps({"extracts": []}), encoding="utf-8")
    pq.write_table(schema.AREAS.empty_table(), root / "reference" / "areas.parquet")
    pq.write_table(schema.SN_MODELS.empty_table(), root / "reference" / "sn_models.parquet")
    return root


def test_every_query_is_called_here():
    public = {
        name
        for name, fn in inspect.getmembers(queries, inspect.isfunction)
        if fn.__module__ == queries.__name__ and not name.startswith("_")
    }
    assert public == set(CALLS), public ^ set(CALLS)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_every_query_runs_against_an_empty_database(empty_folder, name):
    if name in NOT_FOUND_ON_EMPTY:
        with pytest.raises(KeyError):
            CALLS[name](empty_folder)
        return
    out = CALLS[name](empty_folder)
    assert isinstance(out, (pd.DataFrame, list)) and len(out) == 0


def test_the_series_query_returns_the_columns_it_declares(empty_folder):
    for root in (empty_folder, config.SAMPLE_DATA_DIR):
        assert tuple(queries.series(DataFolder(root), COUNCIL, ["cla_count"]).columns) == queries.SERIES_COLUMNS
        raw = queries._df(DataFolder(root), queries.SERIES_SQL, queries._series_params(COUNCIL, ["cla_count"], "auto"))
        assert tuple(raw.columns) == queries.SERIES_SQL_COLUMNS


def test_englands_code_and_the_figure_key_are_written_once():
    """No copy of England's code or the figure key in cpdata's code (each is schema's)."""
    here = config.PACKAGE_DIR
    copies = [
        f"{p.relative_to(here)}"
        for p in here.rglob("*.py")
        if p.name != "schema.py"
        and (
            "E92000001" in (text := p.read_text(encoding="utf-8"))
            or '"indicator_id", "area_code", "period", "figure_type", "basis"' in text
        )
    ]
    assert copies == []
