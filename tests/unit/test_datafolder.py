"""One DataFolder names the data folder's layout and the fallback to the configured folder; it can be
passed wherever a data_dir is taken."""

from __future__ import annotations

import ast

from cpdata.core import config
from cpdata.core.datafolder import DataFolder
from cpdata.store import queries, store
from cpdata.uploads import ees, ingest
from tests.conftest import cpdata_nodes


def test_the_configured_folder_is_read_when_asked(tmp_path, monkeypatch):
    monkeypatch.setenv("CPDATA_DIR", str(tmp_path))
    assert DataFolder.of(None).root == tmp_path
    monkeypatch.delenv("CPDATA_DIR")
    assert DataFolder.of(None).root == config.SAMPLE_DATA_DIR
    assert DataFolder.of(DataFolder(tmp_path)) == DataFolder(tmp_path)
    assert DataFolder(tmp_path).recipes == tmp_path / "recipes" and DataFolder(tmp_path) / "x" == tmp_path / "x"


def test_a_data_folder_goes_where_a_path_does():
    folder = DataFolder(config.SAMPLE_DATA_DIR)
    assert store.version(folder) == store.version(config.SAMPLE_DATA_DIR)
    assert len(queries.areas(folder)) == len(queries.areas(config.SAMPLE_DATA_DIR))
    assert ees.recipe_files(folder) == ees.recipe_files(config.SAMPLE_DATA_DIR)
    data = b"indicator_id,area_code,period,value\ncla_reviews_timely,E09000003,2030/31,97.5\n"
    assert not ingest.prepare(data, "x.csv", data_dir=folder).failed


def test_no_module_falls_back_to_the_configured_folder_by_itself():
    """``data_dir or config.data_dir()`` is DataFolder.of's job alone."""
    found = [
        where
        for where, node in cpdata_nodes(leaving_out="datafolder.py")
        if isinstance(node, ast.BoolOp | ast.IfExp) and "config.data_dir()" in ast.unparse(node)
    ]
    assert found == []
