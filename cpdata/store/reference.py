"""The reference tables' lookups: areas (councils, old and new codes, regions, England) and DfE's
statistical-neighbour models. Each is one DuckDB query with bound parameters (``store.frame``)."""

from __future__ import annotations

import pandas as pd

from cpdata.core.datafolder import DataFolder
from cpdata.store import store


def areas(folder: DataFolder) -> pd.DataFrame:
    return store.frame(folder, "SELECT * FROM areas ORDER BY level, name")


def councils(folder: DataFolder, current_only: bool = True) -> pd.DataFrame:
    """Councils to pick from: current ones by default (not Cumbria or Northamptonshire before reorganisation)."""
    sql = "SELECT * FROM areas WHERE level = 'local_authority'"
    if current_only:
        sql += " AND current"
    return store.frame(folder, sql + " ORDER BY name")


def resolve_area(folder: DataFolder, code_or_name: str) -> str:
    """New code for an old code (302), new code (E09000003) or name (Barnet)."""
    key = str(code_or_name).strip()
    df = store.frame(
        folder,
        "SELECT area_code FROM areas WHERE area_code = $k OR old_code = $k OR lower(name) = lower($k) "
        "ORDER BY current DESC LIMIT 1",
        {"k": key},
    )
    if df.empty:
        raise KeyError(f"no council or area with code or name {key!r}")
    return str(df.iloc[0, 0])


def area(folder: DataFolder, area_code: str) -> dict:
    df = store.frame(folder, "SELECT * FROM areas WHERE area_code = $a", {"a": area_code})
    if df.empty:
        raise KeyError(f"unknown area {area_code!r}")
    return df.iloc[0].to_dict()


def neighbours(folder: DataFolder, council: str, model: str) -> pd.DataFrame:
    return store.frame(
        folder,
        "SELECT s.rank, s.neighbour_code AS area_code, a.name, a.old_code, s.closeness FROM sn_models s "
        "JOIN areas a ON a.area_code = s.neighbour_code WHERE s.model = $m AND s.area_code = $c ORDER BY s.rank",
        {"m": model, "c": council},
    )
