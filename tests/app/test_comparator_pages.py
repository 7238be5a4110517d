"""The comparator rules on the page itself (AppTest): the other model's neighbours said in words, the
count beside a mean of fewer than ten."""

from __future__ import annotations

from tests.app.test_app import no_errors, open_page, start, text_of


def test_cumberland_page_says_its_neighbours_come_from_the_2025_model():
    at = open_page(start(council="942", year="2023"), "barnet-dreams")
    no_errors(at)
    body = text_of(at)
    assert (
        "Cumberland is not in DfE's 2021 statistical-neighbour model (in force for 2022/23), "
        "so its neighbours in the 2025 model are used." in body
    )
    assert "of 10 neighbours" in body  # some of its means are of fewer than ten


def test_barnet_page_has_no_model_note():
    at = open_page(start(year="2023"), "barnet-dreams")
    no_errors(at)
    assert "statistical-neighbour model (in force" not in text_of(at)
