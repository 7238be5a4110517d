"""The "as at" line, the illustrative notice and About the data's list of extracts describe the version whose
figures are shown: a page run pinned to one version keeps reading its manifest while an upload lands."""

from __future__ import annotations

import json

from cpdata.core.datafolder import DataFolder
from cpdata.figures import provenance
from cpdata.store import queries, store
from cpdata.uploads import ingest, uploads


def _mark_illustrative(root) -> None:
    manifest = store.read_manifest(DataFolder(root))
    manifest["illustrative"] = True
    (root / store.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def test_a_pinned_run_reads_the_manifest_of_its_own_version(data_copy):
    folder = DataFolder(data_copy)
    before_as_at, before_extracts = provenance.as_at(folder), provenance.extracts_table(folder)
    assert not provenance.illustrative(folder)
    with store.pinned(folder):
        held = queries.scorecard_table(folder, "E09000003", 2025)
        data = b"indicator_id,area_code,period,value\ncla_reviews_timely,E09000003,2030/31,97.5\n"
        uploads.apply(folder, ingest.prepare(folder, data, "later.csv"), data, "t")
        _mark_illustrative(data_copy)  # the next version is synthetic; the figures shown are not
        assert provenance.as_at(folder) == before_as_at
        assert not provenance.illustrative(folder)
        assert provenance.extracts_table(folder).equals(before_extracts)  # About the data lists the same version
        pinned_figures = queries.scorecard_table(folder, "E09000003", 2025)
        assert pinned_figures.equals(held)
    assert provenance.illustrative(folder)  # the next run reads the new version
    assert provenance.extracts_table(folder)["Source file"].iloc[-1] == "later.csv"
    assert store.manifest(folder)["extracts"][-1]["source_file"] == "later.csv"
