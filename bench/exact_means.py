"""How many neighbours' means the exact arithmetic changes: every council in each model, every
indicator and year with neighbours' figures, the mean computed both ways on the same data.

    python -m bench.exact_means [DATA_FOLDER]     # default: sample_data/

The old way is ``round(avg(value), 1)`` on binary doubles (what the dashboard did before); the new
one is ``cpdata.store.exact_sql.mean`` (exact decimals, half away from zero). It prints the number of
means, the number that differ and by how much, and the indicators they belong to. Not a timing.

The float count depends on the query: a sum of doubles depends on the order DuckDB adds them in,
so the old page query (``queries.series``, council by council) and this one disagree on some means
by 0.1 between themselves; the exact means are the same from either (checked on the sample: all
80,345 agree). On the sample at the time of the fix: 1,162 of 80,345 means changed on the pages'
query, 1,216 of 80,345 here, every one by 0.1 and every one an exact half.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cpdata.core import config
from cpdata.core.schema import SN_DECIMALS
from cpdata.store import exact_sql, store

SQL = f"""
SELECT s.model, s.area_code, f.indicator_id, f.period,
       round(avg(f.value), {SN_DECIMALS}) AS float_mean,
       {exact_sql.mean("f.value", SN_DECIMALS)} AS exact_mean
FROM sn_models s
JOIN figures f ON f.area_code = s.neighbour_code AND f.figure_type = 'value' AND f.basis = 'published'
WHERE f.value IS NOT NULL
GROUP BY ALL
"""


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else config.SAMPLE_DATA_DIR
    cur = store.cursor(folder)
    try:
        df = cur.execute(SQL).df()
    finally:
        cur.close()
    diff = (df["float_mean"] - df["exact_mean"]).abs()
    changed = df[diff > 1e-9]
    print(f"{len(df)} neighbours' means (council x model x indicator x year) in {folder}")
    print(f"{len(changed)} differ; largest difference {diff.max():.1f}")
    for ind, n in changed.groupby("indicator_id").size().items():
        print(f"  {ind}: {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
