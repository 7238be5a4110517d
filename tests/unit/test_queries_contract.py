"""Every store query runs against an empty data folder of the real schema (so a misspelt column or table
fails here, not on a page), and the series queries return exactly the columns they declare.

The queries live in the store's modules by job (``reference``, ``queries``, ``upload_queries``; the series
SQL in ``series_sql``); any module of ``cpdata/store`` that runs a query (``store.frame``) is found and each
of its public functions must be called here."""

from __future__ import annotations

import importlib
import inspect
import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from cpdata.core import config, schema
from cpdata.core.datafolder import DataFolder
from cpdata.store import queries, reference, series_sql, store, upload_queries

COUNCIL = "E09000003"
KEYS = pd.DataFrame({"indicator_id": ["cla_count"], "area_code": [COUNCIL], "period": [2025]})
# One call per public query, by module: every one must be here (the test below says so).
CALLS = {
    "reference.areas": lambda d: reference.areas(DataFolder(d)),
    "reference.councils": lambda d: reference.councils(DataFolder(d)),
    "reference.resolve_area": lambda d: reference.resolve_area(DataFolder(d), "Barnet"),
    "reference.area": lambda d: reference.area(DataFolder(d), COUNCIL),
    "reference.neighbours": lambda d: reference.neighbours(DataFolder(d), COUNCIL, "2021"),
    "queries.series": lambda d: queries.series(DataFolder(d), COUNCIL, ["cla_count"], "auto"),
    "queries.scorecard_table": lambda d: queries.scorecard_table(DataFolder(d), COUNCIL, 2025, "auto"),
    "queries.scorecard_all": lambda d: queries.scorecard_all(DataFolder(d), None, "auto"),
    "queries.bright_spots": lambda d: queries.bright_spots(DataFolder(d), COUNCIL, ["bs_life_satisfaction"]),
    "queries.council_values": lambda d: queries.council_values(DataFolder(d), ["cla_count"]),
    "queries.periods_held": lambda d: queries.periods_held(DataFolder(d), ["cla_count"], COUNCIL),
    "upload_queries.bright_spots_for": lambda d: upload_queries.bright_spots_for(DataFolder(d), [COUNCIL]),
    "upload_queries.held_figures": lambda d: upload_queries.held_figures(DataFolder(d), ["cla_count"], [COUNCIL]),
    "upload_queries.sn_means": lambda d: upload_queries.sn_means(DataFolder(d), KEYS),
}
# They say so with a KeyError, after running their query.
NOT_FOUND_ON_EMPTY = {"reference.resolve_area", "reference.area"}


@pytest.fixture
def empty_folder(tmp_path: Path) -> Path:
    root = tmp_path / "empty"
    (root / "reference").mkdir(parents=True)
    (root / "extracts").mkdir()
    (root / "manifest.json").write_text(json.dumps({"extracts": []}), encoding="utf-8")
    pq.write_table(schema.AREAS.empty_table(), root / "reference" / "areas.parquet")
    pq.write_table(schema.SN_MODELS.empty_table(), root / "reference" / "sn_models.parquet")
    return root


def _query_modules() -> list[str]:
    """The store's modules that run queries: those that ask ``store.frame`` (the one way a query is run)."""
    folder = config.PACKAGE_DIR / "store"
    return sorted(p.stem for p in folder.glob("*.py") if p.stem != "store" and "store.frame(" in p.read_text())


def test_every_query_is_called_here():
    assert _query_modules() == ["queries", "reference", "upload_queries"]
    public = set()
    for name in _query_modules():
        module = importlib.import_module(f"cpdata.store.{name}")
        public |= {
            f"{name}.{fn_name}"
            for fn_name, fn in inspect.getmembers(module, inspect.isfunction)
            if fn.__module__ == module.__name__ and not fn_name.startswith("_")
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


def test_the_series_queries_return_the_columns_they_declare(empty_folder):
    """One council's series and every council's at once share their SQL parts: both return the declared
    columns (the all-councils one keyed by council too), in order, on an empty folder and on the sample data."""
    every = {"ids": ["cla_count"], "choice": "auto", "from2025": series_sql.MODEL_2025_FROM, "year": None}
    for root in (empty_folder, config.SAMPLE_DATA_DIR):
        folder = DataFolder(root)
        assert tuple(queries.series(folder, COUNCIL, ["cla_count"]).columns) == series_sql.SERIES_COLUMNS
        raw = store.frame(folder, series_sql.SERIES_SQL, series_sql.series_params(COUNCIL, ["cla_count"], "auto"))
        assert tuple(raw.columns) == series_sql.SERIES_SQL_COLUMNS
        raw_all = store.frame(folder, series_sql.ALL_SERIES_SQL, every | {"england": schema.ENGLAND})
        assert tuple(raw_all.columns) == ("council_code", *series_sql.SERIES_SQL_COLUMNS)


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
