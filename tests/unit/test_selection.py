"""The selection is one value, and one function turns it into a link (the sidebar's URL, the briefing's
screens, the start and present links all used to build their own)."""

from __future__ import annotations

import ast

from cpdata.catalogue.catalogue import load_frameworks
from cpdata.catalogue.selection import Selection, url_params
from cpdata.core.datafolder import DataFolder
from tests.conftest import cpdata_nodes


def _barnet(**kw) -> Selection:
    return Selection(load_frameworks(DataFolder.of())["barnet"], "E09000003", "Barnet", **kw)


def test_a_link_carries_the_view():
    assert _barnet(year=2025, sn="2021").url_params(screen="dreams") == {
        "framework": "barnet",
        "council": "E09000003",
        "sn": "2021",
        "year": "2025",
        "screen": "dreams",
    }


def test_a_link_leaves_out_what_is_not_chosen():
    params = _barnet(year=None).url_params(order="", screen="cover")
    assert params == {"framework": "barnet", "council": "E09000003", "sn": "auto", "screen": "cover"}
    assert _barnet(year=None, band=False).url_params()["band"] == "off"
    assert url_params("barnet", "E09000003", None, "auto", order="committee-q3")["order"] == "committee-q3"


def test_no_screen_builds_its_own_query_dict():
    """Outside selection.py, no dict literal in cpdata holds both a "framework" and a "council" key."""
    found = [
        where
        for where, node in cpdata_nodes(leaving_out="selection.py")
        if isinstance(node, ast.Dict)
        and {"framework", "council"} <= {k.value for k in node.keys if isinstance(k, ast.Constant)}
    ]
    assert found == []
