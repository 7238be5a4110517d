"""Downloads that are safe to open in Excel: formulas neutralised, UTF-8 with a BOM."""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def with_context(df: pd.DataFrame, **columns: str) -> pd.DataFrame:
    """The table with what it is about in front (e.g. Area, Indicator), never overwriting a column."""
    clash = set(columns) & set(df.columns)
    if clash:
        raise ValueError(f"context columns {sorted(clash)} would overwrite the table's own")
    out = df.copy()
    for i, (name, value) in enumerate(columns.items()):
        out.insert(i, name, value)
    return out


def neutralise(cell: object) -> object:
    """A text cell Excel would run as a formula gets a leading apostrophe; numbers stay numbers.

    A lone "-" (our mark for "no figure") is not a formula and is left as it is.
    """
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and cell != "-":
        return "'" + cell
    return cell


def neutralised(df: pd.DataFrame) -> pd.DataFrame:
    """The table with every header and text cell Excel would run as a formula neutralised (a copy)."""
    clean = df.copy()
    clean.columns = [neutralise(str(c)) for c in clean.columns]
    for col in clean.columns:
        if clean[col].dtype == object or pd.api.types.is_string_dtype(clean[col]):
            clean[col] = clean[col].map(neutralise)
    return clean


def safe_csv(df: pd.DataFrame) -> bytes:
    clean = neutralised(df)
    # Excel's own line ending: fields holding a bare CR or LF are then quoted, so rows never split.
    return clean.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
