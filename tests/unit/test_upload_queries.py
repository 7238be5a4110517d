"""The upload checks ask the store for a whole file at once: the figures held and the neighbours' means
each come from one query, and the means are those the pages compute."""

from __future__ import annotations

import itertools

import pandas as pd

from cpdata.core import config
from cpdata.core.datafolder import DataFolder
from cpdata.store import queries, series_sql, store, upload_queries
from cpdata.uploads import ingest

IDS = ["care_leavers_eet_19_21", "cla_count", "cla_3plus_placements", "ks4_progress8"]
AREAS = ["E09000003", "E08000016", "E09000002", "E12000001"]


def _keys() -> pd.DataFrame:
    rows = itertools.product(IDS, AREAS, range(2019, 2027))
    return pd.DataFrame(list(rows), columns=["indicator_id", "area_code", "period"])


def test_neighbours_means_for_a_whole_file_are_the_pages_means():
    keys = _keys()
    got = upload_queries.sn_means(DataFolder(config.SAMPLE_DATA_DIR), keys)
    for (ind, area), part in keys.groupby(["indicator_id", "area_code"]):
        page = queries.series(DataFolder(config.SAMPLE_DATA_DIR), area, [ind])
        page = page[page["period"].isin(part["period"])][["period", "sn_mean"]].reset_index(drop=True)
        mine = got[(got["indicator_id"] == ind) & (got["area_code"] == area)][["period", "sn_mean"]]
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), page, check_dtype=False)
    assert got["sn_mean"].notna().sum() > 20  # the comparison compared real means


def test_checking_a_file_asks_for_neighbours_means_once(monkeypatch):
    """Twelve (indicator, area) pairs of published neighbours' figures: one means query, no page query."""
    asked: list[str] = []
    real = store.frame
    monkeypatch.setattr(store, "frame", lambda folder, sql, *a, **k: asked.append(sql) or real(folder, sql, *a, **k))
    monkeypatch.setattr(queries, "series", lambda *a, **k: (_ for _ in ()).throw(AssertionError("series asked")))
    lines = ["indicator_id,area_code,period,value,figure_type,basis"]
    lines += [f"{i},{a},2023/24,50,sn_average,published" for i, a in itertools.product(IDS[:3], AREAS)]
    prepared = ingest.prepare(DataFolder(config.SAMPLE_DATA_DIR), "\n".join(lines).encode(), "sn.csv")
    assert not prepared.failed, [p.text() for p in prepared.problems]
    assert asked.count(series_sql.SN_MEANS_SQL) == 1
    held = [sql for sql in asked if sql.startswith("SELECT indicator_id, area_code, period, figure_type")]
    assert len(held) == 1, "the figures held are asked once"
    before = len(asked)
    assert len(prepared.changes["new"]) == 12 and prepared.changes is prepared.changes  # worked out once
    assert len(asked) == before, "the preview asks the store nothing more"
