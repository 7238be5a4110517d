"""Text stays text in a real browser: Streamlit's own Markdown renderer (GitHub-flavoured, which links bare
addresses even after escapes are read) gets a planted source label and a planted URL value, and the
page shows them as their characters, with no link, image or heading made of them."""

from __future__ import annotations

import shutil
from urllib.parse import urlencode

import pandas as pd
import pytest

from cpdata.core import config, schema
from cpdata.core.datafolder import DataFolder
from cpdata.store import store
from tests.browser.conftest import VIEWPORT, pledge_path, streamlit_server, wait_for_app
from tests.markup import PLANTED, SEEN_AS


@pytest.fixture(scope="module")
def planted_server(playwright_api, browser, tmp_path_factory):
    data = tmp_path_factory.mktemp("planted") / "data"
    shutil.copytree(config.SAMPLE_DATA_DIR, data)
    row = {"indicator_id": "care_leavers_eet_19_21", "area_code": "E09000003", "period": 2026, "value": 66.0}
    row |= {"figure_type": "value", "basis": "local", "symbol": None, "numerator": None, "denominator": None}
    row |= {"source": PLANTED, "note": None, "extract_id": "planted"}
    store.add_extract(
        DataFolder(data), schema.to_table(pd.DataFrame([row]), schema.FIGURES), "figures", {"id": "planted"}
    )
    with streamlit_server("streamlit-planted.log", env={"CPDATA_DIR": str(data)}) as base:
        ctx = browser.new_context(viewport=VIEWPORT)
        wait_for_app(ctx.new_page(), base + "/")  # the first session, so deep links go through the router
        yield base, ctx
        ctx.close()


def _inert(page) -> None:
    assert page.locator('a[href*="evil"]').count() == 0, "a planted address became a link"
    assert page.locator('img[src*="evil"]').count() == 0, "a planted image is fetched"
    assert page.locator("h1, h2, h3, h4, h5, h6, blockquote", has_text="Heading").count() == 0
    text = page.locator('[data-testid="stMain"]').inner_text().replace("\u2060", "")
    assert SEEN_AS in text, "the planted text is shown as written"
    assert ":smile: :material/home:" in text, "no emoji or icon is made of a :shortcode:"


def test_a_planted_source_label_is_text_on_the_pledge_page(planted_server):
    base, ctx = planted_server
    page = ctx.new_page()
    wait_for_app(page, base + pledge_path("barnet", "dreams") + "?" + urlencode({"council": "E09000003"}))
    page.get_by_text("evil.example", exact=False).first.wait_for()  # the caption with the planted source
    _inert(page)


def test_a_planted_url_value_is_text_in_the_briefing_warning(planted_server):
    base, ctx = planted_server
    page = ctx.new_page()
    query = urlencode({"framework": "barnet", "council": "E09000003", "screen": "cover", "order": PLANTED})
    wait_for_app(page, f"{base}/briefing?{query}")
    page.get_by_text("No saved running order called", exact=False).wait_for()
    _inert(page)
