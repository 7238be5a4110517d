"""What applying an upload would change: its figures (or survey results) set beside those held now.

New, changed (old beside new) and unchanged, as the upload page shows them before Apply. The figures
held are those ``cpdata.uploads.ingest.prepare`` asked for once, for the checks too.
"""

from __future__ import annotations

import pandas as pd

from cpdata.core import periods, schema, symbols

SURVEY_KEY = list(schema.SURVEY_KEY)


def _split(figures: pd.DataFrame, held: pd.DataFrame, key: list[str], compared: list[str]):
    """The upload's rows joined to the held ones on ``key``: new, held-and-changed, held-and-unchanged."""
    merged = figures.merge(held[key + compared], on=key, how="left", suffixes=("", "_old"), indicator=True)
    same = pd.Series(True, index=merged.index)
    for col in compared:  # equal, or both missing (a symbol's value, a figure's symbol)
        now, old = merged[col], merged[f"{col}_old"]
        same &= (now == old) | (now.isna() & old.isna())
    both = merged[merged["_merge"] == "both"]
    return merged[merged["_merge"] == "left_only"], both[~same.loc[both.index]], both[same.loc[both.index]]


def _shown(value: object, symbol: object) -> str:
    return symbols.describe(symbol) if pd.isna(value) else f"{value:g}"


def figure_changes(figures: pd.DataFrame, held: pd.DataFrame, areas: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Figures new, changed (old -> new) and unchanged, each row with the area's name beside its code."""
    key = list(schema.FIGURE_KEY)
    if not {*key, "value", "symbol"} <= set(held.columns):
        held = pd.DataFrame(columns=[*key, "value", "symbol"])
    new, changed, unchanged = _split(figures, held, key, ["value", "symbol"])
    names = dict(zip(areas["area_code"], areas["name"], strict=True)) if not areas.empty else {}

    def table(df: pd.DataFrame, with_old: bool) -> pd.DataFrame:
        out = df[key].copy()
        out.insert(out.columns.get_loc("area_code") + 1, "area", out["area_code"].map(names).fillna(""))
        out["period"] = out["period"].map(periods.label)
        out["new"] = [_shown(v, s) for v, s in zip(df["value"], df["symbol"], strict=True)]
        if with_old:
            out["old"] = [_shown(v, s) for v, s in zip(df["value_old"], df["symbol_old"], strict=True)]
        return out.reset_index(drop=True)

    return {"new": table(new, False), "changed": table(changed, True), "unchanged": table(unchanged, False)}


def survey_changes(figures: pd.DataFrame, held: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Bright Spots results new, changed (old -> new) and unchanged, by measure, survey, wave and age band."""
    if not {*SURVEY_KEY, "percent"} <= set(held.columns):
        held = pd.DataFrame(columns=[*SURVEY_KEY, "percent"])
    new, changed, unchanged = _split(figures, held, SURVEY_KEY, ["percent"])
    show = ["measure_text", "survey", "wave", "age_band"]
    return {
        "new": new[show + ["percent"]].reset_index(drop=True),
        "changed": changed[show + ["percent_old", "percent"]]
        .rename(columns={"percent_old": "old", "percent": "new"})
        .reset_index(drop=True),
        "unchanged": unchanged[show + ["percent"]].reset_index(drop=True),
    }
