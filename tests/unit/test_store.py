import concurrent.futures
import csv
import io
import subprocess
import sys

import duckdb
import pandas as pd
import pytest

from cpdata.core import config, schema
from cpdata.core.datafolder import DataFolder
from cpdata.store import queries, reference, store


def _one_figure(value: float, extract_id: str) -> schema.pa.Table:
    df = pd.DataFrame(
        [
            {
                "indicator_id": "care_leavers_eet_19_21",
                "area_code": "E09000003",
                "period": 2025,
                "figure_type": "value",
                "basis": "published",
                "value": value,
                "source": "test",
                "extract_id": extract_id,
            }
        ]
    )
    return schema.to_table(df, schema.FIGURES)


def _barnet_2025(data_dir) -> float:
    df = queries.series(DataFolder.of(data_dir), "E09000003", ["care_leavers_eet_19_21"])
    return float(df[df["period"] == 2025]["value"].iloc[0])


def test_sample_data_is_the_default_folder(monkeypatch):
    monkeypatch.delenv("CPDATA_DIR", raising=False)
    assert config.data_dir() == config.SAMPLE_DATA_DIR


def test_new_extract_changes_version_supersedes_and_keeps_history(data_copy):
    before = store.version(DataFolder(data_copy))
    assert _barnet_2025(data_copy) == 64.0
    store.add_extract(DataFolder(data_copy), _one_figure(66.0, "refresh"), "figures", {"id": "refresh"})
    assert store.version(DataFolder(data_copy)) != before
    assert _barnet_2025(data_copy) == 66.0
    cur = store.cursor(DataFolder(data_copy))
    held = cur.execute(
        "SELECT value FROM figures_all WHERE indicator_id = 'care_leavers_eet_19_21' "
        "AND area_code = 'E09000003' AND period = 2025 ORDER BY seq"
    ).fetchall()
    assert [v for (v,) in held] == [64.0, 66.0]


def test_failed_write_leaves_data_as_it_was(data_copy, monkeypatch):
    before = store.version(DataFolder(data_copy))

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(store, "write_manifest", boom)
    with pytest.raises(OSError):
        store.add_extract(DataFolder(data_copy), _one_figure(1.0, "broken"), "figures", {"id": "broken"})
    assert store.version(DataFolder(data_copy)) == before
    assert _barnet_2025(data_copy) == 64.0


def test_duplicate_extract_id_refused(data_copy):
    store.add_extract(DataFolder(data_copy), _one_figure(66.0, "again"), "figures", {"id": "again"})
    with pytest.raises(store.StoreError, match="already held"):
        store.add_extract(DataFolder(data_copy), _one_figure(67.0, "again"), "figures", {"id": "again"})


def test_each_query_gets_its_own_cursor_and_threads_agree():
    a, b = store.cursor(DataFolder.of()), store.cursor(DataFolder.of())
    assert a is not b
    a.close()
    b.close()
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: _barnet_2025(None), range(32)))
    assert set(results) == {64.0}


def test_queries_cannot_read_files_or_change_settings():
    cur = store.cursor(DataFolder.of())
    with pytest.raises(duckdb.Error):
        cur.execute("SELECT * FROM read_csv_auto('/etc/passwd')").fetchall()
    with pytest.raises(duckdb.Error):
        cur.execute("SET enable_external_access = true")


def test_hostile_values_are_bound_not_spliced():
    with pytest.raises(KeyError):
        reference.resolve_area(DataFolder.of(), "302' OR '1'='1")
    df = queries.series(DataFolder.of(), "E09000003", ["x'); DROP TABLE figures; --"])
    assert df.empty
    assert _barnet_2025(None) == 64.0


def test_cli_scorecard_prints_the_page_figures():
    out = subprocess.run(
        [sys.executable, "-m", "cpdata", "scorecard", "--council", "302", "--year", "2025", "--format", "csv"],
        capture_output=True,
        text=True,
        check=True,
        cwd=config.REPO_DIR,
    ).stdout
    rows = {r["indicator_id"]: r for r in csv.DictReader(io.StringIO(out))}
    assert list(rows["care_leavers_eet_19_21"])[:6] == [
        "indicator_id",
        "period",
        "council",
        "statistical_neighbours",
        "region",
        "england",
    ]
    eet = rows["care_leavers_eet_19_21"]
    assert (eet["period"], eet["council"], eet["statistical_neighbours"], eet["region"], eet["england"]) == (
        "2025",
        "64.0",
        "58.1",
        "57.0",
        "54.0",
    )
    ks4 = rows["cla_ks4_eng_maths_4plus"]  # suppressed for Barnet: empty, with its symbol, never 0
    assert ks4["council"] == "" and ks4["council_symbol"] == "c"


def test_cli_accepts_new_code_and_refuses_unknown():
    ok = subprocess.run(
        [sys.executable, "-m", "cpdata", "scorecard", "--council", "E08000016", "--format", "csv"],
        check=False,
        capture_output=True,
        text=True,
        cwd=config.REPO_DIR,
    )
    assert ok.returncode == 0 and "care_leavers_eet_19_21,2021,73.0" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "cpdata", "scorecard", "--council", "nowhere"],
        check=False,
        capture_output=True,
        text=True,
        cwd=config.REPO_DIR,
    )
    assert bad.returncode == 2 and "no council" in bad.stderr


def test_data_folder_follows_the_setting_and_the_working_folder(tmp_path, monkeypatch):
    for name in ("a", "b", "a/data", "b/data"):
        (tmp_path / name).mkdir(exist_ok=True)
    monkeypatch.setenv("CPDATA_DIR", str(tmp_path / "a"))
    assert config.data_dir() == (tmp_path / "a").resolve()
    monkeypatch.setenv("CPDATA_DIR", str(tmp_path / "b"))
    assert config.data_dir() == (tmp_path / "b").resolve()
    monkeypatch.setenv("CPDATA_DIR", "data")  # relative: to the folder the server was started in
    monkeypatch.chdir(tmp_path / "a")
    assert config.data_dir() == (tmp_path / "a" / "data").resolve()
    monkeypatch.chdir(tmp_path / "b")
    assert config.data_dir() == (tmp_path / "b" / "data").resolve()
    monkeypatch.delenv("CPDATA_DIR")
    assert config.data_dir() == config.SAMPLE_DATA_DIR
