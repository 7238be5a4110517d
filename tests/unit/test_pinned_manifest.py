"""The "as at" line and the illustrative notice describe the version whose figures are shown: a page run
pinned to one version keeps reading its manifest while an upload lands."""

from __future__ import annotations

import json

from cpdata.figures import provenance
from cpdata.store import queries, store
from cpdata.uploads import ingest, uploads


def _mark_illustrative(root) -> None:
    manifest = store.read_manifest(root)
    manifest["illustrative"] = True
    (root / store.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def test_a_pinned_run_reads_the_manifest_of_its_own_version(data_copy):
    before_as_at = provenance.as_at(data_copy)
    assert not provenance.illustrative(data_copy)
    with store.pinned(data_copy):
        held = queries.scorecard_table("E09000003", 2025, data_dir=data_copy)
        data = b"indicator_id,area_code,period,value\ncla_reviews_timely,E09000003,2030/31,97.5\n"
        uploads.apply(ingest.prepare(data, "later.csv", data_dir=data_copy), data, "t", data_copy)
        _mark_illustrative(data_copy)  # the next version is synthetic; the figures shown are not
        assert provenance.as_at(data_copy) == before_as_at
        assert not provenance.illustrative(data_copy)
        pinned_figures = queries.scorecard_table("E09000003", 2025, data_dir=data_copy)
        assert pinned_figures.equals(held)
    assert provenance.illustrative(data_copy)  # the next run reads the new version
    assert store.manifest(data_copy)["extracts"][-1]["source_file"] == "later.csv"
