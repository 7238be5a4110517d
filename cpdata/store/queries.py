"""The questions pages ask of the store, each one DuckDB query with bound parameters.

Statistical-neighbour comparators are computed here the way DfE's LAIT does: the simple
mean of the ten neighbours' published figures, to one decimal place, leaving out
neighbours with no figure; the median, range and count come with it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cpdata.core.schema import ENGLAND, FIGURE_KEY, SN_DECIMALS
from cpdata.store import store

SN_MODELS = ("auto", "2021", "2025")
MODEL_2025_FROM = 2025  # the May 2025 model is used from 2024/25 onwards


def _df(sql: str, params: dict | list | None = None, data_dir: Path | None = None) -> pd.DataFrame:
    cur = store.cursor(data_dir)
    try:
        return cur.execute(sql, params or {}).df()
    finally:
        cur.close()


def areas(data_dir: Path | None = None) -> pd.DataFrame:
    return _df("SELECT * FROM areas ORDER BY level, name", data_dir=data_dir)


def councils(data_dir: Path | None = None, current_only: bool = True) -> pd.DataFrame:
    """Councils to pick from: current ones by default (not Cumbria or Northamptonshire before reorganisation)."""
    sql = "SELECT * FROM areas WHERE level = 'local_authority'"
    if current_only:
        sql += " AND current"
    return _df(sql + " ORDER BY name", data_dir=data_dir)


def resolve_area(code_or_name: str, data_dir: Path | None = None) -> str:
    """New code for an old code (302), new code (E09000003) or name (Barnet)."""
    key = str(code_or_name).strip()
    df = _df(
        "SELECT area_code FROM areas WHERE area_code = $k OR old_code = $k OR lower(name) = lower($k) "
        "ORDER BY current DESC LIMIT 1",
        {"k": key},
        data_dir,
    )
    if df.empty:
        raise KeyError(f"no council or area with code or name {key!r}")
    return str(df.iloc[0, 0])


def area(area_code: str, data_dir: Path | None = None) -> dict:
    df = _df("SELECT * FROM areas WHERE area_code = $a", {"a": area_code}, data_dir)
    if df.empty:
        raise KeyError(f"unknown area {area_code!r}")
    return df.iloc[0].to_dict()


def neighbours(council: str, model: str, data_dir: Path | None = None) -> pd.DataFrame:
    return _df(
        "SELECT s.rank, s.neighbour_code AS area_code, a.name, a.old_code, s.closeness FROM sn_models s "
        "JOIN areas a ON a.area_code = s.neighbour_code WHERE s.model = $m AND s.area_code = $c ORDER BY s.rank",
        {"m": model, "c": council},
        data_dir,
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
SERIES_DERIVED = ("basis", "value", "symbol", "source", "extract", "numerator", "sn", "sn_basis", "england_basis")
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
      count(s.neighbour_code) AS sn_size,
      count(f.value) AS sn_n,
      round(avg(f.value), $sn_decimals) AS sn_mean,
      median(f.value) AS sn_median,
      min(f.value) AS sn_min, max(f.value) AS sn_max
    FROM model m
    LEFT JOIN sn_models s ON s.model = m.sn_model AND s.area_code = $council
    LEFT JOIN figures f ON f.indicator_id = m.indicator_id AND f.period = m.period
         AND f.area_code = s.neighbour_code AND f.figure_type = 'value' AND f.basis = 'published'
    GROUP BY ALL),
own AS (
    SELECT f.indicator_id, f.period,
      any_value(f.value) FILTER (f.figure_type = 'value' AND f.basis = 'published') AS pub_value,
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
    FROM figures f WHERE f.area_code = $council AND f.indicator_id IN (SELECT unnest($ids::VARCHAR[]))
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
SELECT h.indicator_id, h.period, """
    + _select("own", SERIES_OWN)
    + ", "
    + _select("sn", SERIES_SN)
    + """,
       """
    + _select("comp", SERIES_COMP)
    + """
FROM held h
LEFT JOIN own USING (indicator_id, period)
LEFT JOIN sn USING (indicator_id, period)
LEFT JOIN comp USING (indicator_id, period)
ORDER BY h.indicator_id, h.period
"""
)


def _series_params(council: str, indicator_ids: list[str], sn_model: str) -> dict:
    return {
        "council": council,
        "ids": list(indicator_ids),
        "choice": sn_model,
        "from2025": MODEL_2025_FROM,
        "england": ENGLAND,
        "sn_decimals": SN_DECIMALS,
    }


def series(
    council: str, indicator_ids: list[str], sn_model: str = "auto", data_dir: Path | None = None
) -> pd.DataFrame:
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
    df = _df(SERIES_SQL, _series_params(council, indicator_ids, sn_model), data_dir)
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
    return df


def scorecard_table(
    council: str, year: int | None = None, sn_model: str = "auto", data_dir: Path | None = None
) -> pd.DataFrame:
    """The command line's scorecard: one row per indicator and year held."""
    from cpdata.catalogue.catalogue import load_catalogue

    ids = list(load_catalogue(data_dir).indicators)
    df = series(council, ids, sn_model, data_dir)
    if year is not None:
        df = df[df["period"] == year]
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
        }
    )
    return out.reset_index(drop=True)


def bright_spots(council: str, measure_ids: list[str] | None = None, data_dir: Path | None = None) -> pd.DataFrame:
    sql = "SELECT * EXCLUDE (seq) FROM bright_spots WHERE area_code = $c"
    params: dict = {"c": council}
    if measure_ids is not None:
        sql += " AND measure_id IN (SELECT unnest($m::VARCHAR[]))"
        params["m"] = list(measure_ids)
    return _df(sql + " ORDER BY measure_id, wave, age_band", params, data_dir)


def bright_spots_for(area_codes: list[str], data_dir: Path | None = None) -> pd.DataFrame:
    """Survey results held for these councils (to preview an upload against)."""
    return _df(
        "SELECT * EXCLUDE (seq) FROM bright_spots WHERE area_code IN (SELECT unnest($a::VARCHAR[]))",
        {"a": list(area_codes)},
        data_dir,
    )


def council_values(indicator_ids: list[str], data_dir: Path | None = None) -> pd.DataFrame:
    """Every council's published figure for these indicators, every year (for rank and quartile)."""
    return _df(
        "SELECT f.indicator_id, f.period, f.area_code, f.value FROM figures f JOIN areas a USING (area_code) "
        "WHERE a.level = 'local_authority' AND f.indicator_id IN (SELECT unnest($ids::VARCHAR[])) "
        "AND f.figure_type = 'value' AND f.basis = 'published'",
        {"ids": list(indicator_ids)},
        data_dir,
    )


def periods_held(indicator_ids: list[str], council: str, data_dir: Path | None = None) -> list[int]:
    """Years with any figure for the council or England, newest first (the year picker)."""
    df = _df(
        "SELECT DISTINCT period FROM figures WHERE indicator_id IN (SELECT unnest($ids::VARCHAR[])) "
        "AND area_code IN ($c, $england) ORDER BY period DESC",
        {"ids": list(indicator_ids), "c": council, "england": ENGLAND},
        data_dir,
    )
    return [int(p) for p in df["period"]]


HELD_COLUMNS = [*FIGURE_KEY, "value", "symbol", "source", "extract_id"]


def held_figures(indicator_ids: list[str], area_codes: list[str], data_dir: Path | None = None) -> pd.DataFrame:
    """The figures held now for these indicators and areas (every period, type and basis): what an upload
    of them would replace, for its checks and its preview. Columns ``HELD_COLUMNS``."""
    if not indicator_ids or not area_codes:
        return pd.DataFrame(columns=HELD_COLUMNS)
    return _df(
        f"SELECT {', '.join(HELD_COLUMNS)} FROM figures WHERE indicator_id IN (SELECT unnest($i::VARCHAR[])) "
        "AND area_code IN (SELECT unnest($a::VARCHAR[]))",
        {"i": list(indicator_ids), "a": list(area_codes)},
        data_dir,
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
SELECT m.indicator_id, m.area_code, m.period, round(avg(f.value), $sn_decimals) AS sn_mean
FROM model m
LEFT JOIN sn_models s ON s.model = m.sn_model AND s.area_code = m.area_code
LEFT JOIN figures f ON f.indicator_id = m.indicator_id AND f.period = m.period
     AND f.area_code = s.neighbour_code AND f.figure_type = 'value' AND f.basis = 'published'
GROUP BY ALL
ORDER BY ALL
"""
)


def sn_means(keys: pd.DataFrame, data_dir: Path | None = None) -> pd.DataFrame:
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
        "sn_decimals": SN_DECIMALS,
    }
    return _df(SN_MEANS_SQL, params, data_dir)[out]
