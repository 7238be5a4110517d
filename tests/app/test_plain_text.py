"""Text stays text on every page: a source label, file name, table row name, column name, running-order
name, framework file or URL value carrying Markdown, links, images, raw HTML and a line break that would
start a heading is shown as its own characters, and nothing of it is interpreted (``tests/markup.py``)."""

from __future__ import annotations

import hashlib

import pandas as pd
import pyarrow.parquet as pq
import pytest

from cpdata.catalogue.catalogue import pledge_url
from cpdata.core import schema
from cpdata.core.datafolder import DataFolder
from cpdata.store import store
from cpdata.ui.plain import md
from tests.app.test_app import open_page, start
from tests.markup import PLANTED, assert_inert, interpreted, visible

PASSWORD = "correct horse"
SECRETS = {"analysts": {"password_sha256": hashlib.sha256(PASSWORD.encode()).hexdigest()}}


def _plant_figure(data_dir, **where) -> None:
    """A figure whose source label is hostile, as if it had been stored before the checks refused it."""
    row = {
        "indicator_id": "care_leavers_eet_19_21",
        "area_code": "E09000003",
        "period": 2026,
        "figure_type": "value",
        "basis": "local",
        "value": 66.0,
        "symbol": None,
        "numerator": None,
        "denominator": None,
        "source": PLANTED,
        "note": PLANTED,
        "extract_id": "planted_figures",
        **where,
    }
    table = schema.to_table(pd.DataFrame([row]), schema.FIGURES)
    store.add_extract(DataFolder.of(data_dir), table, "figures", {"id": "planted_figures", "applied_by": PLANTED})


def _plant_survey(data_dir) -> None:
    seed = pq.read_table(data_dir / "extracts" / "seed_barnet_bright_spots.parquet").to_pandas()
    planted = seed.assign(source=PLANTED, extract_id="planted_survey")
    table = schema.to_table(planted, schema.BRIGHT_SPOTS)
    store.add_extract(DataFolder.of(data_dir), table, "bright_spots", {"id": "planted_survey"})


def test_the_helper_leaves_nothing_to_interpret():
    assert interpreted(PLANTED)  # the planted text does make links, an image and a heading when rendered as is
    assert not interpreted(md(PLANTED))
    assert visible(md(PLANTED)) == PLANTED.replace("\n", " ")  # and it reads exactly as written, on one line
    assert md("a\u202eevil") == "a evil"  # a right-to-left override cannot reverse what follows


def test_a_pledge_page_shows_a_planted_source_label_and_survey_source_as_text(data_copy):
    _plant_figure(data_copy)
    _plant_survey(data_copy)
    at = open_page(start(framework="barnet", council="E09000003"), pledge_url("barnet", "dreams"))
    assert not at.exception
    shown = assert_inert(at)
    assert any("Source" in t and "Bright Spot of practice" in t for t in shown)  # the survey's source line too


def test_a_url_value_in_the_briefing_warning_is_text(data_copy):
    at = start(framework="barnet", council="E09000003")
    at.query_params["order"] = PLANTED
    open_page(at, "briefing")
    assert not at.exception
    shown = assert_inert(at)
    assert any("No saved running order called" in t for t in shown)


def test_a_framework_file_that_cannot_be_loaded_is_named_as_text_on_about_the_data(data_copy):
    folder = data_copy / "frameworks"
    folder.mkdir()
    body = f"id = 'x'\ntitle = 'X'\n[[pledge]]\nid = 'p'\ntitle = 'P'\nindicators = [{PLANTED!r}]\n"
    (folder / "hostile.toml").write_text(body, encoding="utf-8")  # the problem quotes the unknown indicator
    at = open_page(start(), "about-data")
    assert not at.exception
    assert_inert(at)


def _signed_in():
    at = start()
    for k, v in SECRETS.items():
        at.secrets[k] = v
    at = open_page(at, "upload")
    at.text_input[0].set_value("Ana")
    at.text_input[1].set_value(PASSWORD)
    at.button[0].click().run()
    return at


HOSTILE_NAME = "**bold** [link](https://evil.example) ![img](https://evil.example) x.csv"


def test_the_upload_page_shows_a_hostile_file_name_as_text(data_copy):
    at = _signed_in()
    good = b"indicator_id,area_code,period,value\ncla_reviews_timely,E09000003,2024/25,97.5\n"
    at.file_uploader[0].set_value((HOSTILE_NAME, good, "text/csv")).run()
    assert not at.exception
    assert_inert(at)
    bad = b"indicator_id,area_code,period,value\ncla_count,E09000003,2025,-12\n"
    at.file_uploader[0].set_value((HOSTILE_NAME, bad, "text/csv")).run()
    assert_inert(at)


def test_the_upload_page_shows_wide_table_row_names_as_text(data_copy):
    at = _signed_in()
    name = PLANTED.replace("\n", " ")  # a line break in a row name is refused; the rest must show as text
    wide = f'Indicator,2021/22 Outturn\n"{name}",50%\n'.encode()
    at.file_uploader[0].set_value(("wide.csv", wide, "text/csv")).run()
    assert not at.exception
    shown = assert_inert(at)
    assert any(t.endswith(" is") for t in shown)  # the mapping picker's label
    assert any(at.table), "the problems table lists the row"


def test_the_upload_page_shows_dfe_column_names_as_text(data_copy):
    at = _signed_in()
    column = "**bold** [link](https://evil.example) ![img](https://evil.example)"
    head = "time_period,time_identifier,geographic_level,country_code,country_name,new_la_code"
    ees = f'{head},"{column}",pupils\n2025,Reporting year,National,E92000001,England,,All,100\n'.encode()
    at.file_uploader[0].set_value(("dfe.csv", ees, "text/csv")).run()
    assert not at.exception
    shown = assert_inert(at)
    assert any(t.startswith("Filter") for t in shown)  # the mapping's filter picker


@pytest.mark.parametrize("who", [HOSTILE_NAME])
def test_a_hostile_analyst_name_is_shown_as_text(data_copy, who):
    at = start()
    for k, v in SECRETS.items():
        at.secrets[k] = v
    at = open_page(at, "upload")
    at.text_input[0].set_value(who)
    at.text_input[1].set_value(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert_inert(at)
