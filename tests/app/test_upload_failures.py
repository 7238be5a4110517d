"""The upload page when the disk refuses a write: "Not applied: ...; nothing changed", history and undo still there."""

from __future__ import annotations

import errno
import os

from cpdata.core import atomic
from tests.app.test_roles import _sign_in, _upload_page
from tests.unit.test_failures_said_plainly import folder_hash

FIRST = b"indicator_id,area_code,period,value\ncla_reviews_timely,E09000003,2024/25,97.5\n"
SECOND = b"indicator_id,area_code,period,value\ncla_reviews_timely,E09000003,2024/25,96.5\n"


def _apply(at):
    next(b for b in at.button if b.label == "Apply this upload").click().run()
    return at


def test_a_full_disk_says_not_applied_and_keeps_history_and_undo(data_copy, monkeypatch):
    at = _sign_in(_upload_page(), "Ana")
    at.file_uploader[0].set_value(("first.csv", FIRST, "text/csv")).run()
    assert any("Applied as upload_" in s.value for s in _apply(at).success)
    at.file_uploader[0].set_value(("second.csv", SECOND, "text/csv")).run()
    before = folder_hash(data_copy)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic, "write_with", full)
    _apply(at)
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any(e.startswith("Not applied: the data folder's disk is full; nothing changed") for e in errors), errors
    assert not any("Something went wrong" in e for e in errors)
    assert any(h.value == "Uploads applied" for h in at.header)
    assert [b for b in at.button if b.label == "Undo this upload"]  # the first upload can still be undone
    assert folder_hash(data_copy) == before


def test_a_file_that_changes_nothing_says_so_and_offers_no_apply(data_copy):
    at = _sign_in(_upload_page(), "Ana")
    at.file_uploader[0].set_value(("first.csv", FIRST, "text/csv")).run()
    _apply(at)
    at.file_uploader[0].set_value(("same-again.csv", FIRST, "text/csv")).run()
    assert any("0 new, 0 changed" in i.value for i in at.info)
    assert not [b for b in at.button if b.label == "Apply this upload"]


def test_a_megabyte_cell_quoted_in_problems_is_cut_short_on_the_page(data_copy):
    at = _sign_in(_upload_page(), "Ana")
    long_id = "x" * 900_000
    data = "indicator_id,area_code,period,value\n" + "".join(f"{long_id}{i},E09000003,2025,5\n" for i in range(30))
    at.file_uploader[0].set_value(("long.csv", data.encode(), "text/csv")).run()
    assert not at.exception
    cells = at.table[0].value["Problem"]
    assert len(cells) and max(len(c) for c in cells) <= 600  # 30 problems, each a few hundred characters
