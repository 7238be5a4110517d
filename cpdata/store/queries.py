"""The questions pages ask of the store, each one DuckDB query with bound parameters.

Statistical-neighbour comparators are computed here the way DfE's LAIT does: the simple
mean of the ten neighbours' published figures, to one decimal place, leaving out
neighbours with no figure; the median, range and count come with it.

The arithmetic is exact: each stored figure is cast to ``DECIMAL`` (the cast rounds the stored
binary double to the nearest 6-decimal value, which is the decimal that was published), the sum
is a ``DECIMAL`` and the mean is rounded half away from zero in integer arithmetic (DuckDB's
``avg`` and decimal division return binary doubles, which turn 19.65 into 19.6499... and so
round it down). Results reach pandas as the nearest double to the exact decimal, whose ``repr``
is that decimal, so ``cpdata.core.fmt`` recovers it exactly.
"""

from __future__ import annotations

import pandas as pd

from cpdata.core.datafolder import DataFolder
from cpdata.core.schema import ENGLAND, FIGURE_KEY, SN_DECIMALS
from cpdata.store import exact_sql, store

SN_MODELS = ("auto", "2021", "2025")
MODEL_2025_FROM = 2025  # the May 2025 model is used from 2024/25 onwards


def _df(folder: DataFolder, sql: str, params: dict | list | None = None) -> pd.DataFrame:
    cur = store.cursor(folder)
    try:
        return cur.execute(sql, params or {}).df()
    finally:
        cur.close()


def areas(folder: DataFolder) -> pd.DataFrame:
    return _df(folder, "SELECT * FROM areas ORDER BY level, name")


def councils(folder: DataFolder, current_only: bool = True) -> pd.DataFrame:
    """Councils to pick from: current ones by default (not Cumbria or Northamptonshire before reorganisation)."""
    sql = "SELECT * FROM areas WHERE level = 'local_authority'"
    if current_only:
        sql += " AND current"
    return _df(folder, sql + " ORDER BY name")


def resolve_area(folder: DataFolder, code_or_name: str) -> str:
    """New code for an old code (302), new code (E09000003) or name (Barnet)."""
    key = str(code_or_name).strip()
    df = _df(
        folder,
        "SELECT area_code FROM areas WHERE area_code = $k OR old_code = $k OR lower(name) = lower($k) "
        "ORDER BY current DESC LIMIT 1",
        {"k": key},
    )
    if df.empty:
        raise KeyError(f"no council or area with code or name {key!r}")
    return str(df.iloc[0, 0])


def area(folder: DataFolder, area_code: str) -> dict:
    df = _df(folder, "SELECT * FROM areas WHERE area_code = $a", {"a": area_code})
    if df.empty:
        raise KeyError(f"unknown area {area_code!r}")
    return df.iloc[0].to_dict()


def neighbours(folder: DataFolder, council: str, model: str) -> pd.DataFrame:
    return _df(
        folder,
        "SELECT s.rank, s.neighbour_code AS area_code, a.name, a.old_code, s.closeness FROM sn_models s "
        "JOIN areas a ON a.area_code = s.neighbour_code WHERE s.model = $m AND s.area_code = $c ORDER BY s.rank",
        {"m": model, "c": council},
    )


# The series query's columns, by the part of it that makes them: the council's own figures (published,
# local, and the comparators and target its extracts publish), the neighbours computed, DfE's region and
# England. ``series`` adds SERIES_DERIVED: the figures to compare, chosen from these.
SERIES_OWN = (
    *("pub_value", "pub_symbol", "pub_source", "pub_extract", "pub_numerator", "pub_denominator", "pub_held"),
    *("local_value", "local_symbol", "local_source", "local_extract", "local_numerator", "local_held"),
    *("sn_published", "sn_published_symbol", "sn_published_source"),
    *("england_published", "england_published_symbol", "england_published_source", "target", "target_source"),
)
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

# The council's own figures for a year, from its rows of ``figures f`` (SERIES_OWN, in order).
OWN_AGGREGATES = """      any_value(f.value) FILTER (f.figure_type = 'value' AND f.basis = 'published') AS pub_value,
      any_value(f.symbol) FILTER (f.figure_type = 'value' AND f.basis = 'published') AS pub_symbol,
      any_value(f.source) FILTER (f.figure_type = 'value' AND f.basis = 'published') AS pub_source,
      any_value(f.extract_id) FILTER (f.figure_type = 'value' AND f.basis = 'published') AS pub_extract,
      any_value(f.numerator) FILTER (f.figure_type = 'value' AND f.basis = 'published') AS pub_numerator,
      any_value(f.denominator) FILTER (f.figure_type = 'value' AND f.basis = 'published') AS pub_denominator,
      count(*) FILTER (f.figure_type = 'value' AND f.basis = 'published') AS pub_held,
      any_value(f.value) FILTER (f.figure_type = 'value' AND f.basis = 'local') AS local_value,
      any_value(f.symbol) FILTER (f.figure_type = 'value' AND f.basis = 'local') AS local_symbol,
      any_value(f.source) FILTER (f.figure_type = 'value' AND f.basis = 'local') AS local_source,
      any_value(f.extract_id) FILTER (f.figure_type = 'value' AND f.basis = 'local') AS local_extract,
      any_value(f.numerator) FILTER (f.figure_type = 'value' AND f.basis = 'local') AS local_numerator,
      count(*) FILTER (f.figure_type = 'value' AND f.basis = 'local') AS local_held,
      any_value(f.value) FILTER (f.figure_type = 'sn_average') AS sn_published,
      any_value(f.symbol) FILTER (f.figure_type = 'sn_average') AS sn_published_symbol,
      any_value(f.source) FILTER (f.figure_type = 'sn_average') AS sn_published_source,
      any_value(f.value) FILTER (f.figure_type = 'national') AS england_published,
      any_value(f.symbol) FILTER (f.figure_type = 'national') AS england_published_symbol,
      any_value(f.source) FILTER (f.figure_type = 'national') AS england_published_source,
      any_value(f.value) FILTER (f.figure_type = 'target') AS target,
      any_value(f.source) FILTER (f.figure_type = 'target') AS target_source
"""
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


def _series_params(council: str, indicator_ids: list[str], sn_model: str) -> dict:
    return {
        "council": council,
        "ids": list(indicator_ids),
        "choice": sn_model,
        "from2025": MODEL_2025_FROM,
        "england": ENGLAND,
    }


def series(folder: DataFolder, council: str, indicator_ids: list[str], sn_model: str = "auto") -> pd.DataFrame:
    """Every year held for each indicator: the council (published and local), its neighbours,
    region and England, plus comparators and targets the council's own extracts publish.

    ``value``/``sn``/``england`` are the figures to compare: the published council figure
    where one is held (like with like), else the local one; the computed neighbour mean,
    else a published one; DfE's England figure, else one quoted in an extract.
    """
    if sn_model not in SN_MODELS:
        raise ValueError(f"sn_model must be one of {SN_MODELS}")
    if not indicator_ids:
        return pd.DataFrame()
    return _derive(_df(folder, SERIES_SQL, _series_params(council, indicator_ids, sn_model)), sn_model)


def _derive(df: pd.DataFrame, sn_model: str) -> pd.DataFrame:
    """SERIES_DERIVED from a series query's rows: the figures to compare, chosen, and the model rule."""
    use_pub = df["pub_held"].fillna(0) > 0
    df["basis"] = use_pub.map({True: "published", False: "local"}).where(use_pub | (df["local_held"].fillna(0) > 0))
    for col in ("value", "symbol", "source", "extract", "numerator"):
        df[col] = df[f"pub_{col}"].where(use_pub, df[f"local_{col}"])
    computed = df["sn_n"].fillna(0) > 0
    df["sn"] = df["sn_mean"].where(computed, df["sn_published"])
    df["sn_basis"] = computed.map({True: "computed", False: "published"}).where(computed | df["sn_published"].notna())
    has_england = df["england"].notna()
    df["england_basis"] = has_england.map({True: "DfE", False: "published"}).where(
        has_england | df["england_published"].notna()
    )
    df["england"] = df["england"].where(has_england, df["england_published"])
    # The model in force for the year, and whether the other one was used because the council is not in it.
    df["sn_in_force"] = ["2025" if p >= MODEL_2025_FROM else "2021" for p in df["period"]]
    df["sn_fallback"] = computed & (sn_model == "auto") & (df["sn_model"] != df["sn_in_force"])
    return df


def scorecard_table(folder: DataFolder, council: str, year: int | None = None, sn_model: str = "auto") -> pd.DataFrame:
    """The command line's scorecard: one row per indicator and year held (``fmt.exact_columns``
    turns its FIGURE_COLUMNS into the decimals they stand for, to print)."""
    from cpdata.catalogue.catalogue import load_catalogue

    ids = list(load_catalogue(folder).indicators)
    df = series(folder, council, ids, sn_model)
    if year is not None:
        df = df[df["period"] == year]
    return _scorecard_frame(df)


def _scorecard_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The scorecard's columns (their names are the command line's contract) from derived series rows."""
    out = pd.DataFrame(
        {
            "indicator_id": df["indicator_id"],
            "period": df["period"].astype(int),
            "council": df["value"],
            "statistical_neighbours": df["sn"],
            "region": df["region"],
            "england": df["england"],
            "council_symbol": df["symbol"],
            "council_basis": df["basis"],
            "local_outturn": df["local_value"].where(df["basis"] == "published"),
            "sn_model": df["sn_model"],
            "sn_neighbours_with_figure": df["sn_n"].astype("Int64"),
            "sn_median": df["sn_median"],
            "sn_published": df["sn_published"],
            "england_published": df["england_published"],
            "target": df["target"],
            "source": df["source"],
            "sn_group_size": df["sn_size"].astype("Int64"),
            "sn_model_note": [
                f"not in the {f} model in force for this year; the {m} model is used" if fb else ""
                for fb, f, m in zip(df["sn_fallback"], df["sn_in_force"], df["sn_model"], strict=True)
            ],
        }
    )
    return out.reset_index(drop=True)


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


def scorecard_all(folder: DataFolder, year: int | None = None, sn_model: str = "auto") -> pd.DataFrame:
    """``scorecard_table`` for every council held, current and former, from one query: its rows for a
    council are that council's ``scorecard_table``, after a ``council_code`` column."""
    from cpdata.catalogue.catalogue import load_catalogue

    if sn_model not in SN_MODELS:
        raise ValueError(f"sn_model must be one of {SN_MODELS}")
    params = {
        "ids": list(load_catalogue(folder).indicators),
        "choice": sn_model,
        "from2025": MODEL_2025_FROM,
        "england": ENGLAND,
        "year": year,
    }
    df = _derive(_df(folder, ALL_SERIES_SQL, params), sn_model)
    out = _scorecard_frame(df)
    out.insert(0, "council_code", df["council_code"].to_numpy())
    return out


FIGURE_COLUMNS = (
    "council",
    "statistical_neighbours",
    "region",
    "england",
    "local_outturn",
    "sn_median",
    "sn_published",
    "england_published",
    "target",
)


def bright_spots(folder: DataFolder, council: str, measure_ids: list[str] | None = None) -> pd.DataFrame:
    sql = "SELECT * EXCLUDE (seq) FROM bright_spots WHERE area_code = $c"
    params: dict = {"c": council}
    if measure_ids is not None:
        sql += " AND measure_id IN (SELECT unnest($m::VARCHAR[]))"
        params["m"] = list(measure_ids)
    return _df(folder, sql + " ORDER BY measure_id, wave, age_band", params)


def bright_spots_for(folder: DataFolder, area_codes: list[str]) -> pd.DataFrame:
    """Survey results held for these councils (to preview an upload against)."""
    return _df(
        folder,
        "SELECT * EXCLUDE (seq) FROM bright_spots WHERE area_code IN (SELECT unnest($a::VARCHAR[]))",
        {"a": list(area_codes)},
    )


def council_values(folder: DataFolder, indicator_ids: list[str]) -> pd.DataFrame:
    """Every council's published figure for these indicators, every year (for rank and quartile)."""
    return _df(
        folder,
        "SELECT f.indicator_id, f.period, f.area_code, f.value FROM figures f JOIN areas a USING (area_code) "
        "WHERE a.level = 'local_authority' AND f.indicator_id IN (SELECT unnest($ids::VARCHAR[])) "
        "AND f.figure_type = 'value' AND f.basis = 'published'",
        {"ids": list(indicator_ids)},
    )


def periods_held(folder: DataFolder, indicator_ids: list[str], council: str) -> list[int]:
    """Years with any figure for the council or England, newest first (the year picker)."""
    df = _df(
        folder,
        "SELECT DISTINCT period FROM figures WHERE indicator_id IN (SELECT unnest($ids::VARCHAR[])) "
        "AND area_code IN ($c, $england) ORDER BY period DESC",
        {"ids": list(indicator_ids), "c": council, "england": ENGLAND},
    )
    return [int(p) for p in df["period"]]


HELD_COLUMNS = [*FIGURE_KEY, "value", "symbol", "source", "extract_id"]


def held_figures(folder: DataFolder, indicator_ids: list[str], area_codes: list[str]) -> pd.DataFrame:
    """The figures held now for these indicators and areas (every period, type and basis): what an upload
    of them would replace, for its checks and its preview. Columns ``HELD_COLUMNS``."""
    if not indicator_ids or not area_codes:
        return pd.DataFrame(columns=HELD_COLUMNS)
    return _df(
        folder,
        f"SELECT {', '.join(HELD_COLUMNS)} FROM figures WHERE indicator_id IN (SELECT unnest($i::VARCHAR[])) "
        "AND area_code IN (SELECT unnest($a::VARCHAR[]))",
        {"i": list(indicator_ids), "a": list(area_codes)},
    )


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


def sn_means(folder: DataFolder, keys: pd.DataFrame) -> pd.DataFrame:
    """The neighbours' mean (as ``series`` computes it, model chosen automatically) for each
    (indicator_id, area_code, period) in ``keys``, in one query however many keys: the upload checks ask
    this for a whole file. Keys with no figure held for the area, its region or England are left out,
    as ``series`` leaves those years out."""
    out = ["indicator_id", "area_code", "period", "sn_mean"]
    if keys.empty:
        return pd.DataFrame(columns=out)
    params = {
        "ids": keys["indicator_id"].astype(str).tolist(),
        "areas": keys["area_code"].astype(str).tolist(),
        "periods": [int(p) for p in keys["period"]],
        "choice": "auto",
        "from2025": MODEL_2025_FROM,
        "england": ENGLAND,
    }
    return _df(folder, SN_MEANS_SQL, params)[out]
