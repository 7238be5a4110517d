"""Downloads that are safe to open in Excel: formulas neutralised, UTF-8 with a BOM."""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: object) -> object:
    """A text cell Excel would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def safe_csv(df: pd.DataFrame) -> bytes:
    clean = df.copy()
    clean.columns = [neutralise(str(c)) for c in clean.columns]
    for col in clean.columns:
        if clean[col].dtype == object or pd.api.types.is_string_dtype(clean[col]):
            clean[col] = clean[col].map(neutralise)
    # Excel's own line ending: fields holding a bare CR or LF are then quoted, so rows never split.
    return clean.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
