"""Views are kept per indicator by what their figures come from (``cpdata.ui.shared_views``): an upload
works out again only the views of the indicators it changed, and a view worked out alone is the one
worked out with its page."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from cpdata.catalogue.catalogue import load_frameworks
from cpdata.core.datafolder import DataFolder
from cpdata.figures import views
from cpdata.ui import shared_views
from cpdata.uploads import ingest, uploads

BARNET = "E09000003"
CHANGED = "cla_good_outstanding_school"


@pytest.fixture(autouse=True)
def _fresh():
    shared_views.clear()
    yield
    shared_views.clear()


def _dreams(folder: DataFolder) -> list[str]:
    return list(load_frameworks(folder)["barnet"].pledge("dreams").indicators)


def _same(a: views.IndicatorView, b: views.IndicatorView) -> None:
    fields = [f.name for f in dataclasses.fields(a) if f.name not in ("rows", "stamp")]
    assert [getattr(a, f) for f in fields] == [getattr(b, f) for f in fields], a.indicator.id
    # an all-empty column's type follows the query's other indicators (None in object, or NaN in str): a
    # missing value is missing either way, and every value held is the same
    pd.testing.assert_frame_equal(_values(a.rows), _values(b.rows))


def _values(df: pd.DataFrame) -> pd.DataFrame:
    df = df.reset_index(drop=True).astype(object)
    return df.where(df.notna(), None)


def test_a_view_worked_out_alone_is_the_one_worked_out_with_its_page(data_copy):
    folder = DataFolder(data_copy)
    ids = _dreams(folder)
    together = views.indicator_views(folder, BARNET, ids, 2025, "auto")
    for i, view in zip(ids, together, strict=True):
        _same(views.indicator_views(folder, BARNET, [i], 2025, "auto")[0], view)


def test_an_upload_works_out_again_only_the_view_it_changed(data_copy, monkeypatch):
    folder = DataFolder(data_copy)
    ids = _dreams(folder)
    asked: list[list[str]] = []
    real = views.indicator_views

    def counted(f, c, i, *a, **k):
        asked.append(list(i))
        return real(f, c, i, *a, **k)

    monkeypatch.setattr(views, "indicator_views", counted)
    first = shared_views.indicator_views(folder, BARNET, ids, 2025, "auto")
    assert shared_views.indicator_views(folder, BARNET, ids, 2025, "auto") == first and asked == [ids]  # kept
    data = f"indicator_id,area_code,period,value\n{CHANGED},{BARNET},2024/25,91\n".encode()
    uploads.apply(folder, ingest.prepare(folder, data, "one.csv"), data, "test")
    asked.clear()
    second = shared_views.indicator_views(folder, BARNET, ids, 2025, "auto")
    assert asked == [[CHANGED]]
    for before, after in zip(first, second, strict=True):
        if before.indicator.id == CHANGED:
            assert after is not before and after.value == 91.0 and before.value != 91.0
        else:
            assert after is before
    # another selection is another view; the same one again is kept
    shared_views.indicator_views(folder, BARNET, ids, 2024, "auto")
    assert asked[-1] == ids
    shared_views.indicator_views(folder, BARNET, ids, 2025, "auto")
    assert len(asked) == 2


def test_an_edited_definition_is_a_new_view(data_copy, monkeypatch):
    folder = DataFolder(data_copy)
    ids = _dreams(folder)[:2]
    first = shared_views.indicator_views(folder, BARNET, ids, 2025, "auto")
    from cpdata.catalogue import catalogue

    real = catalogue.Catalogue.indicator

    def edited(self, indicator_id):
        ind = real(self, indicator_id)
        return dataclasses.replace(ind, title=ind.title + " (edited)") if indicator_id == ids[0] else ind

    monkeypatch.setattr(catalogue.Catalogue, "indicator", edited)
    second = shared_views.indicator_views(folder, BARNET, ids, 2025, "auto")
    assert second[0] is not first[0] and second[0].indicator.title.endswith("(edited)")
    assert second[1] is first[1]


def test_kept_makes_a_value_once_for_everyone_asking_at_once():
    import threading
    import time

    made: list[tuple] = []

    @shared_views.kept(maxsize=8)
    def slow(a: int, b: str, _ignored: object) -> tuple:
        made.append((a, b))
        time.sleep(0.2)
        return (a, b)

    start = threading.Barrier(6)
    got: list[tuple] = []

    def ask(a: int) -> None:
        start.wait()
        got.append(slow(a, "x", _ignored=object()))  # an argument named with "_" is not part of the key

    threads = [threading.Thread(target=ask, args=(i % 2,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(made) == [(0, "x"), (1, "x")]  # six asked, two keys, each made once
    assert sorted(got) == [(0, "x")] * 3 + [(1, "x")] * 3
    assert slow(0, b="x", _ignored=None) == (0, "x") and len(made) == 2  # positional or keyword: one key
    shared_views.clear()
    slow(0, "x", None)
    assert len(made) == 3
