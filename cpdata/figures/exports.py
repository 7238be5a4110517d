"""Downloads that are safe to open in Excel (formulas neutralised, UTF-8 with a BOM) and that say
what they are: which council, year, comparator model, sources and data version they came from, as
columns in front of the figures (a block of notes above the header would break a spreadsheet's
filters and a script's reader; a column opens cleanly everywhere)."""

from __future__ import annotations

import pandas as pd

from cpdata.core import periods

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


def download_context(
    council: str, council_code: str, year: int | None, comparator: str, data_version: str, as_at: str
) -> dict[str, str]:
    """The context columns of a download: what the screen was showing when it was made."""
    return {
        "Area": council,
        "Area code": council_code,
        "Year selected": periods.label(year) if year else "latest held",
        "Comparator": comparator,
        "Data version": data_version,
        "Data as at": as_at,
    }


def chart_csv(history: pd.DataFrame, indicator_title: str, context: dict[str, str]) -> bytes:
    """The numbers behind a chart (each year's source, extract and neighbour model in its row), with
    the download's context in front."""
    return safe_csv(with_context(history, **context, Indicator=indicator_title))


def scorecard_csv(table: pd.DataFrame, sources: list[str | None], pledge_title: str, context: dict[str, str]) -> bytes:
    """A pledge's scorecard as on screen, with the source of each line's figure and the context in front."""
    out = table.copy()
    out["Source"] = [s if isinstance(s, str) else "" for s in sources]
    return safe_csv(with_context(out, **context, Pledge=pledge_title))


def neutralise(cell: object) -> object:
    """A text cell Excel would run as a formula gets a leading apostrophe; numbers stay numbers.

    A lone "-" (our mark for "no figure") is not a formula and is left as it is.
    """
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and cell != "-":
        return "'" + cell
    return cell


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and headers Excel would run as formulas are neutralised (the command
    line's CSVs too, which are as likely to be opened in Excel)."""
    clean = df.copy()
    clean.columns = [neutralise(str(c)) for c in clean.columns]
    for col in clean.columns:
        if clean[col].dtype == object or pd.api.types.is_string_dtype(clean[col]):
            clean[col] = clean[col].map(neutralise)
    return clean


def safe_csv(df: pd.DataFrame) -> bytes:
    clean = safe_frame(df)
    # Excel's own line ending: fields holding a bare CR or LF are then quoted, so rows never split.
    return clean.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
