"""The upload page's filled examples are files the upload accepts: an analyst who copies one starts from
rows that pass every check (a withheld figure and a target among them)."""

from __future__ import annotations

from cpdata.core import config
from cpdata.core.datafolder import DataFolder
from cpdata.ui import upload_templates
from cpdata.uploads import ingest, shapes, surveys


def _prepared(rows: list[dict[str, str]], columns: list[str], name: str) -> ingest.Prepared:
    data = upload_templates._table(rows, columns).to_csv(index=False).encode("utf-8-sig")
    return ingest.prepare(DataFolder(config.SAMPLE_DATA_DIR), data, name)


def test_the_filled_example_passes_every_check():
    columns = shapes.TEMPLATE_REQUIRED + shapes.TEMPLATE_OPTIONAL
    prepared = _prepared(upload_templates.EXAMPLE, columns, "example.csv")
    assert prepared.shape == "template" and not prepared.failed, [p.text() for p in prepared.problems]
    assert [r["value"] for r in upload_templates.EXAMPLE] == ["66", "c", "9"]


def test_the_bright_spots_example_passes_every_check():
    prepared = _prepared(upload_templates.SURVEY_EXAMPLE, surveys.REQUIRED + surveys.OPTIONAL, "bright_spots.csv")
    assert prepared.shape == "bright_spots" and not prepared.failed, [p.text() for p in prepared.problems]
