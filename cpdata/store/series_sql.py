"""The series query's SQL and the columns it returns, each declared once.

Three queries share these parts, so the pages and the upload checks never disagree: one council's series
(``queries.series``), every council's at once (the all-councils scorecard) and the neighbours' means an
upload is checked against (``upload_queries.sn_means``). Statistical-neighbour comparators are computed
the way DfE's LAIT does: the simple mean of the ten neighbours' published figures, to one decimal place,
leaving out neighbours with no figure; the median, range and count come with it.

The arithmetic is exact: each stored figure is cast to ``DECIMAL`` (the cast rounds the stored
binary double to the nearest 6-decimal value, which is the decimal that was published), the sum
is a ``DECIMAL`` and the mean is rounded half away from zero in integer arithmetic (DuckDB's
``avg`` and decimal division return binary doubles, which turn 19.65 into 19.6499... and so
round it down). Results reach pandas as the nearest double to the exact decimal, whose ``repr``
is that decimal, so ``cpdata.core.fmt`` recovers it exactly.
"""

from __future__ import annotations

from cpdata.core.schema import ENGLAND, SN_DECIMALS
from cpdata.store import exact_sql

SN_MODELS = ("auto", "2021", "2025")
MODEL_2025_FROM = 2025  # the May 2025 model is used from 2024/25 onwards

# The council's own figures for a year, from its rows of ``figures f``: each part is (column prefix, which
# rows, the columns of ``figures`` taken, whether the rows are counted as ``<prefix>_held``). A column is
# named ``<prefix>_<column>`` (``extract_id`` as ``extract``); a figure the council's extracts publish for
# others (neighbours, England, a target) is named by its prefix alone.
_VALUES = "f.figure_type = 'value' AND f.basis = '{}'"
_OWN_PARTS = (
    ("pub", _VALUES.format("published"), ("value", "symbol", "source", "extract_id", "numerator", "denominator"), True),
    ("local", _VALUES.format("local"), ("value", "symbol", "source", "extract_id", "numerator"), True),
    ("sn_published", "f.figure_type = 'sn_average'", ("value", "symbol", "source"), False),
    ("england_published", "f.figure_type = 'national'", ("value", "symbol", "source"), False),
    ("target", "f.figure_type = 'target'", ("value", "source"), False),
)


def _own_columns() -> list[tuple[str, str]]:
    """(name, aggregate) of each of the council's own columns, in the order of ``_OWN_PARTS``."""
    out = []
    for prefix, rows, columns, counted in _OWN_PARTS:
        for col in columns:
            name = prefix if col == "value" and not counted else f"{prefix}_{col.removesuffix('_id')}"
            out.append((name, f"any_value(f.{col}) FILTER ({rows})"))
        if counted:
            out.append((f"{prefix}_held", f"count(*) FILTER ({rows})"))
    return out


_OWN = _own_columns()

# The series query's columns, by the part of it that makes them: the council's own figures (published,
# local, and the comparators and target its extracts publish), the neighbours computed, DfE's region and
# England. ``series`` adds SERIES_DERIVED: the figures to compare, chosen from these.
SERIES_OWN = tuple(name for name, _ in _OWN)
SERIES_SN = ("sn_model", "sn_size", "sn_n", "sn_mean", "sn_median", "sn_min", "sn_max")
SERIES_COMP = ("england", "england_symbol", "england_source", "region", "region_symbol")
SERIES_SQL_COLUMNS = ("indicator_id", "period", *SERIES_OWN, *SERIES_SN, *SERIES_COMP)
SERIES_DERIVED = (
    *("basis", "value", "symbol", "source", "extract", "numerator", "sn", "sn_basis", "england_basis"),
    *("sn_in_force", "sn_fallback"),
)
SERIES_COLUMNS = (*SERIES_SQL_COLUMNS, *SERIES_DERIVED)


def _select(table: str, columns: tuple[str, ...]) -> str:
    return ", ".join(f"{table}.{c}" for c in columns)


# Which neighbour model a year uses (``x`` holds has21/has25 for the council): the one chosen, else the
# model in force when the year was published, else whichever the council has. Shared by every query
# that computes a neighbours' mean, so the pages and the upload checks never disagree about it.
MODEL_FOR_YEAR = """CASE WHEN $choice <> 'auto' THEN $choice
           WHEN {period} < $from2025 AND coalesce(x.has21, false) THEN '2021'
           WHEN {period} >= $from2025 AND coalesce(x.has25, false) THEN '2025'
           WHEN coalesce(x.has21, false) THEN '2021' ELSE '2025' END"""

# The council's own figures for a year (SERIES_OWN, in order).
OWN_AGGREGATES = ",\n".join(f"      {aggregate} AS {name}" for name, aggregate in _OWN) + "\n"
# The neighbours' figures for a year, from ``sn_models s`` joined to their ``figures f``.
SN_AGGREGATES = f"""
      count(s.neighbour_code) AS sn_size,
      count(f.value) AS sn_n,
      {exact_sql.mean("f.value", SN_DECIMALS)} AS sn_mean,
      median(CAST({exact_sql.exact("f.value")} AS DECIMAL(18,7))) AS sn_median,
      min({exact_sql.exact("f.value")}) AS sn_min, max({exact_sql.exact("f.value")}) AS sn_max
"""


def _series_output(keys: tuple[str, ...]) -> str:
    """The final SELECT shared by the one-council and all-councils series queries: the held keys, then
    the own, neighbours' and comparators' columns by name, joined on ``keys``; one text so the two
    queries cannot drift apart in their output columns."""
    k = ", ".join(keys)
    hk = ", ".join(f"h.{c}" for c in keys)
    return (
        f"SELECT {hk}, "
        + _select("own", SERIES_OWN)
        + ", "
        + _select("sn", SERIES_SN)
        + """,
       """
        + _select("comp", SERIES_COMP)
        + f"""
FROM held h
LEFT JOIN own USING ({k})
LEFT JOIN sn USING ({k})
LEFT JOIN comp USING ({k})
ORDER BY {hk}
"""
    )


SERIES_SQL = (
    """
WITH council AS (SELECT area_code, region_code FROM areas WHERE area_code = $council),
held AS (
    SELECT DISTINCT f.indicator_id, f.period FROM figures f, council c
    WHERE f.indicator_id IN (SELECT unnest($ids::VARCHAR[]))
      AND f.area_code IN (c.area_code, c.region_code, $england)),
has AS (SELECT
    bool_or(model = '2021') AS has21, bool_or(model = '2025') AS has25
    FROM sn_models WHERE area_code = $council),
model AS (
    SELECT h.indicator_id, h.period, """
    + MODEL_FOR_YEAR.format(period="h.period")
    + """ AS sn_model
    FROM held h, has x),
sn AS (
    SELECT m.indicator_id, m.period, m.sn_model,
"""
    + SN_AGGREGATES
    + """    FROM model m
    LEFT JOIN sn_models s ON s.model = m.sn_model AND s.area_code = $council
    LEFT JOIN figures f ON f.indicator_id = m.indicator_id AND f.period = m.period
         AND f.area_code = s.neighbour_code AND f.figure_type = 'value' AND f.basis = 'published'
    GROUP BY ALL),
own AS (
    SELECT f.indicator_id, f.period,
"""
    + OWN_AGGREGATES
    + """    FROM figures f WHERE f.area_code = $council AND f.indicator_id IN (SELECT unnest($ids::VARCHAR[]))
    GROUP BY ALL),
comp AS (
    SELECT f.indicator_id, f.period,
      any_value(f.value) FILTER (f.area_code = $england) AS england,
      any_value(f.symbol) FILTER (f.area_code = $england) AS england_symbol,
      any_value(f.source) FILTER (f.area_code = $england) AS england_source,
      any_value(f.value) FILTER (f.area_code <> $england) AS region,
      any_value(f.symbol) FILTER (f.area_code <> $england) AS region_symbol
    FROM figures f, council c
    WHERE f.area_code IN (c.region_code, $england) AND f.figure_type = 'value' AND f.basis = 'published'
      AND f.indicator_id IN (SELECT unnest($ids::VARCHAR[]))
    GROUP BY ALL)
"""
    + _series_output(("indicator_id", "period"))
)


def series_params(council: str, indicator_ids: list[str], sn_model: str) -> dict:
    """SERIES_SQL's parameters."""
    return {
        "council": council,
        "ids": list(indicator_ids),
        "choice": sn_model,
        "from2025": MODEL_2025_FROM,
        "england": ENGLAND,
    }


# The series query for every council at once (current and former): the same parts as SERIES_SQL, each
# keyed by council too, so the all-councils scorecard is one query, not one per council.
ALL_SERIES_SQL = (
    """
WITH council AS (
    SELECT area_code AS council_code, region_code FROM areas WHERE level = 'local_authority'),
fig AS (
    SELECT * FROM figures WHERE indicator_id IN (SELECT unnest($ids::VARCHAR[]))
      AND ($year IS NULL OR period = $year)),
held AS (
    SELECT DISTINCT c.council_code, f.indicator_id, f.period FROM council c JOIN fig f ON f.area_code = c.council_code
    UNION
    SELECT c.council_code, f.indicator_id, f.period FROM council c JOIN fig f ON f.area_code = c.region_code
    UNION
    SELECT c.council_code, f.indicator_id, f.period FROM council c, fig f WHERE f.area_code = $england),
has AS (SELECT area_code AS council_code,
    bool_or(model = '2021') AS has21, bool_or(model = '2025') AS has25
    FROM sn_models GROUP BY area_code),
model AS (
    SELECT h.council_code, h.indicator_id, h.period, """
    + MODEL_FOR_YEAR.format(period="h.period")
    + """ AS sn_model
    FROM held h LEFT JOIN has x USING (council_code)),
sn AS (
    SELECT m.council_code, m.indicator_id, m.period, m.sn_model,
"""
    + SN_AGGREGATES
    + """    FROM model m
    LEFT JOIN sn_models s ON s.model = m.sn_model AND s.area_code = m.council_code
    LEFT JOIN fig f ON f.indicator_id = m.indicator_id AND f.period = m.period
         AND f.area_code = s.neighbour_code AND f.figure_type = 'value' AND f.basis = 'published'
    GROUP BY ALL),
own AS (
    SELECT f.area_code AS council_code, f.indicator_id, f.period,
"""
    + OWN_AGGREGATES
    + """    FROM fig f WHERE f.area_code IN (SELECT council_code FROM council)
    GROUP BY ALL),
eng AS (
    SELECT f.indicator_id, f.period, any_value(f.value) AS england, any_value(f.symbol) AS england_symbol,
      any_value(f.source) AS england_source
    FROM fig f WHERE f.area_code = $england AND f.figure_type = 'value' AND f.basis = 'published'
    GROUP BY ALL),
reg AS (
    SELECT f.area_code AS region_code, f.indicator_id, f.period, any_value(f.value) AS region,
      any_value(f.symbol) AS region_symbol
    FROM fig f WHERE f.area_code IN (SELECT region_code FROM council) AND f.area_code <> $england
      AND f.figure_type = 'value' AND f.basis = 'published'
    GROUP BY ALL),
comp AS (
    SELECT h.council_code, h.indicator_id, h.period, eng.england, eng.england_symbol, eng.england_source,
      reg.region, reg.region_symbol
    FROM held h JOIN council c USING (council_code)
    LEFT JOIN eng ON eng.indicator_id = h.indicator_id AND eng.period = h.period
    LEFT JOIN reg ON reg.region_code = c.region_code AND reg.indicator_id = h.indicator_id AND reg.period = h.period)
"""
    + _series_output(("council_code", "indicator_id", "period"))
)


# The neighbours' mean for each (indicator, area, period) asked, as SERIES_SQL computes it: the upload checks.
SN_MEANS_SQL = (
    """
WITH k AS (
    SELECT DISTINCT unnest($ids::VARCHAR[]) AS indicator_id, unnest($areas::VARCHAR[]) AS area_code,
      unnest($periods::INTEGER[]) AS period),
c AS (SELECT a.area_code, a.region_code FROM areas a WHERE a.area_code IN (SELECT area_code FROM k)),
held AS (
    SELECT DISTINCT k.* FROM k JOIN c USING (area_code) JOIN figures f
      ON f.indicator_id = k.indicator_id AND f.period = k.period
     AND f.area_code IN (c.area_code, c.region_code, $england)),
has AS (
    SELECT area_code, bool_or(model = '2021') AS has21, bool_or(model = '2025') AS has25
    FROM sn_models WHERE area_code IN (SELECT area_code FROM k) GROUP BY area_code),
model AS (
    SELECT h.indicator_id, h.area_code, h.period, """
    + MODEL_FOR_YEAR.format(period="h.period")
    + """ AS sn_model
    FROM held h LEFT JOIN has x USING (area_code))
SELECT m.indicator_id, m.area_code, m.period, """
    + exact_sql.mean("f.value", SN_DECIMALS)
    + """ AS sn_mean
FROM model m
LEFT JOIN sn_models s ON s.model = m.sn_model AND s.area_code = m.area_code
LEFT JOIN figures f ON f.indicator_id = m.indicator_id AND f.period = m.period
     AND f.area_code = s.neighbour_code AND f.figure_type = 'value' AND f.basis = 'published'
GROUP BY ALL
ORDER BY ALL
"""
)
