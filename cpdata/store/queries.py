"""The figures the pages ask the store for: a council's series of every indicator with its comparators
(and the scorecards made from it), every council's figures (ranks and quartiles), the years held and the
Bright Spots results. The series SQL and its columns are ``cpdata.store.series_sql``'s; each query here is
one DuckDB query with bound parameters, on its own cursor (``store.frame``).
"""

from __future__ import annotations

import pandas as pd

from cpdata.core.datafolder import DataFolder
from cpdata.core.schema import ENGLAND
from cpdata.store import store
from cpdata.store.series_sql import ALL_SERIES_SQL, MODEL_2025_FROM, SERIES_SQL, SN_MODELS, series_params


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
    return _derive(store.frame(folder, SERIES_SQL, series_params(council, indicator_ids, sn_model)), sn_model)


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
    df = _derive(store.frame(folder, ALL_SERIES_SQL, params), sn_model)
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
    return store.frame(folder, sql + " ORDER BY measure_id, wave, age_band", params)


def council_values(folder: DataFolder, indicator_ids: list[str]) -> pd.DataFrame:
    """Every council's published figure for these indicators, every year (for rank and quartile)."""
    return store.frame(
        folder,
        "SELECT f.indicator_id, f.period, f.area_code, f.value FROM figures f JOIN areas a USING (area_code) "
        "WHERE a.level = 'local_authority' AND f.indicator_id IN (SELECT unnest($ids::VARCHAR[])) "
        "AND f.figure_type = 'value' AND f.basis = 'published'",
        {"ids": list(indicator_ids)},
    )


def periods_held(folder: DataFolder, indicator_ids: list[str], council: str) -> list[int]:
    """Years with any figure for the council or England, newest first (the year picker)."""
    df = store.frame(
        folder,
        "SELECT DISTINCT period FROM figures WHERE indicator_id IN (SELECT unnest($ids::VARCHAR[])) "
        "AND area_code IN ($c, $england) ORDER BY period DESC",
        {"ids": list(indicator_ids), "c": council, "england": ENGLAND},
    )
    return [int(p) for p in df["period"]]
