"""Twenty sessions read what pages read while uploads are applied and undone: no errors, and no
read ever mixes figures from two data versions.

Each upload k restates every published count and rate per 10,000 (all councils, regions, England,
all years) as the sample figure plus 1000 * k, and withholds (``c``) the figures of k councils that
are no one's neighbours here. So any figure tells which upload it came from, and so does the number
of councils ranked (ranks come from a second query). A read is recognised wholly as one version, and
that version must be the one the writer made under the data version token the read was pinned to.
"""

from __future__ import annotations

import math
import random
import threading
from pathlib import Path

import pandas as pd

from cpdata.core.datafolder import DataFolder
from cpdata.figures import views
from cpdata.store import queries, reference, store
from cpdata.uploads import ingest, uploads

COUNCIL = "E09000003"  # Barnet
IDS = ["cla_count", "cla_rate_per_10k"]
SHIFT = 1000.0
SESSIONS = 20
READS_PER_VERSION = 4  # the writer moves on only after this many reads have finished on its version
# (operation, upload): the tag (upload whose figures show) after each is the latest applied still live.
OPS = [("apply", 1), ("apply", 2), ("undo", 2), ("apply", 3), ("undo", 1), ("undo", 3)]
HANG_GUARD_S = 120


def _published(root: Path) -> pd.DataFrame:
    cur = store.cursor(DataFolder(root))
    try:
        return cur.execute(
            "SELECT indicator_id, area_code, period, value FROM figures WHERE figure_type = 'value' "
            "AND basis = 'published' AND value IS NOT NULL AND indicator_id IN (SELECT unnest($i::VARCHAR[]))",
            {"i": IDS},
        ).df()
    finally:
        cur.close()


def _withheld_candidates(root: Path, base: pd.DataFrame) -> list[str]:
    """Councils with every figure held, that are not Barnet or any of its neighbours (either model)."""
    near = {COUNCIL} | {
        a for m in ("2021", "2025") for a in reference.neighbours(DataFolder(root), COUNCIL, m)["area_code"]
    }
    councils = set(reference.councils(DataFolder(root))["area_code"])
    full = base[base["area_code"].isin(councils)].groupby("area_code").size()
    return sorted(a for a, n in full.items() if n == full.max() and a not in near)


def _upload(k: int, base: pd.DataFrame, withheld: list[str]) -> tuple[bytes, str]:
    rows = ["indicator_id,area_code,period,value,figure_type,basis"]
    for r in base.itertuples():
        value = "c" if r.area_code in withheld[:k] else f"{r.value + SHIFT * k:g}"
        rows.append(f"{r.indicator_id},{r.area_code},{r.period},{value},value,published")
    data = ("\n".join(rows) + "\n").encode()
    return data, f"version_{k}.csv"


class Base:
    """Barnet's figures at tag 0, to recognise every later version by its shift."""

    def __init__(self, root: Path) -> None:
        rows = queries.series(DataFolder(root), COUNCIL, IDS)
        self.series = {
            (r.indicator_id, int(r.period)): {c: getattr(r, c) for c in ("pub_value", "region", "england", "sn_mean")}
            for r in rows.itertuples()
        }
        values = queries.council_values(DataFolder(root), IDS)
        self.ranked = values.dropna(subset=["value"]).groupby(["indicator_id", "period"]).size().to_dict()

    def tag(self, key: tuple[str, int], column: str, value: object) -> object:
        base = self.series[key][column]
        if value is None or base is None or pd.isna(value) or pd.isna(base):
            return None
        steps = (float(value) - float(base)) / SHIFT
        k = round(steps)
        # 0.2 allows the neighbours' mean being rounded to one decimal after the shift
        return k if math.isclose(steps * SHIFT, k * SHIFT, abs_tol=0.2) else ("unrecognised", column, value)

    def tags_of_series(self, df: pd.DataFrame) -> set:
        found = set()
        for r in df.itertuples():
            key = (r.indicator_id, int(r.period))
            found |= {self.tag(key, c, getattr(r, c)) for c in ("pub_value", "region", "england", "sn_mean")}
        return found - {None}

    def tags_of_views(self, items: list[views.IndicatorView]) -> set:
        found = set()
        for v in items:
            found |= self.tags_of_series(v.rows)
            found.add(self.ranked[(v.indicator.id, v.period)] - v.ranked)  # k councils withheld in version k
        return found

    def tags_of_scorecard(self, df: pd.DataFrame) -> set:
        mine = df[df["indicator_id"].isin(IDS)]
        renamed = mine.rename(columns={"council": "pub_value", "statistical_neighbours": "sn_mean"})
        return self.tags_of_series(renamed)


def test_twenty_sessions_read_while_uploads_apply_and_undo(data_copy):
    root = data_copy
    base_rows = _published(root)
    withheld = _withheld_candidates(root, base_rows)
    assert len(withheld) >= max(k for _, k in OPS)
    base = Base(root)
    prepared = {}
    for k in sorted({k for _, k in OPS}):
        data, name = _upload(k, base_rows, withheld)
        p = ingest.prepare(DataFolder(root), data, name)
        assert not p.failed, [x.text() for x in p.problems[:3]]
        prepared[k] = (p, data)

    expected = {store.version(DataFolder(root)): 0}  # data version token -> the upload whose figures it shows
    reads: list[tuple[str, str, set]] = []
    errors: list[BaseException] = []
    done = threading.Event()
    progress = threading.Condition()

    def session(seed: int) -> None:
        rng = random.Random(seed)
        while not done.is_set():
            kind = rng.choice(["views", "views", "series", "series", "scorecard"])
            try:
                with store.pinned(DataFolder(root)) as snap:  # as dashboard.py does around every page run
                    if kind == "views":
                        tags = base.tags_of_views(views.indicator_views(DataFolder(root), COUNCIL, IDS, None))
                    elif kind == "series":
                        tags = base.tags_of_series(queries.series(DataFolder(root), COUNCIL, IDS))
                    else:
                        tags = base.tags_of_scorecard(queries.scorecard_table(DataFolder(root), COUNCIL))
            except BaseException as exc:  # noqa: BLE001 - collected and reported by the test
                errors.append(exc)
                done.set()
                return
            with progress:
                reads.append((snap.token, kind, tags))
                progress.notify_all()

    def writer() -> None:
        try:
            live: dict[int, str] = {}
            order: list[int] = []
            for op, k in OPS:
                if op == "apply":
                    live[k] = uploads.apply(DataFolder(root), *prepared[k], "writer")["id"]
                    order.append(k)
                else:
                    uploads.undo(DataFolder(root), live.pop(k), "writer")
                    order.remove(k)
                expected[store.version(DataFolder(root))] = order[-1] if order else 0
                with progress:
                    target = len(reads) + READS_PER_VERSION
                    assert progress.wait_for(lambda t=target: len(reads) >= t or errors, timeout=HANG_GUARD_S)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            done.set()

    threads = [threading.Thread(target=session, args=(i,)) for i in range(SESSIONS)]
    threads.append(threading.Thread(target=writer))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=HANG_GUARD_S * len(OPS))
    assert not any(t.is_alive() for t in threads), "a session or the writer hung"
    assert not errors, errors[:3]

    mixed = [(token, kind, tags) for token, kind, tags in reads if len(tags) != 1]
    assert not mixed, f"{len(mixed)} reads mixed versions, e.g. {mixed[:3]}"
    wrong = [(token, kind, tags) for token, kind, tags in reads if {expected.get(token)} != tags]
    assert not wrong, f"{len(wrong)} reads showed another version than their token's, e.g. {wrong[:3]}"
    seen = {next(iter(tags)) for _, _, tags in reads}
    assert seen == {0, 1, 2, 3}, seen
    applied = sum(op == "apply" for op, _ in OPS)
    print(f"\n{SESSIONS} sessions, {len(reads)} reads, {applied} uploads applied, {len(OPS) - applied} undone")
    # Everything undone: exactly the sample figures again.
    assert base.tags_of_views(views.indicator_views(DataFolder(root), COUNCIL, IDS, None)) == {0}
    pd.testing.assert_frame_equal(
        _published(root).sort_values(list(base_rows.columns)).reset_index(drop=True),
        base_rows.sort_values(list(base_rows.columns)).reset_index(drop=True),
    )
