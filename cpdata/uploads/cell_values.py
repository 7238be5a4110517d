"""Reading an upload's text cells: numbers, symbols and years, a column at a time.

Every cell stays text until here (``cpdata.uploads.readers``). A column repeats few values, so each
distinct text is parsed once; the checks and ``cpdata.uploads.tidy.finalise`` share these readings.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from cpdata.core import periods, symbols


def each_distinct(values: pd.Series, fn: Callable[[object], object]) -> list:
    """``[fn(v) for v in values]``, calling ``fn`` once per distinct text (a column repeats few values).

    Only for text columns: there equal values are the same input. Anything else, and missing
    cells (None and NaN differ to some ``fn``), gets ``fn`` cell by cell as before.
    """
    if not pd.api.types.is_string_dtype(values) or len(values) < 64:
        return [fn(v) for v in values]
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    results = [fn(u) for u in uniques]
    missing = np.flatnonzero(codes < 0)
    out = [results[c] for c in codes]
    for i in missing:
        out[i] = fn(values.iloc[i])
    return out


def _parsed(raw: object) -> tuple[float | None, str | None, bool]:
    try:
        value, symbol = symbols.parse_cell(raw)
    except ValueError:
        return None, None, False
    return value, symbol, True


def parse_cells(raw: pd.Series) -> pd.DataFrame:
    """``symbols.parse_cell`` for a column: value (NaN when none), symbol (None when none) and ``ok``
    (False where the cell is neither a number nor a symbol), indexed like ``raw``. Never zero for a symbol.
    """
    parsed = each_distinct(raw, _parsed)
    return pd.DataFrame(
        {
            "value": pd.Series([p[0] for p in parsed], index=raw.index, dtype="float64"),
            "symbol": pd.Series([p[1] for p in parsed], index=raw.index, dtype=object),
            "ok": pd.Series([p[2] for p in parsed], index=raw.index, dtype=bool),
        },
        index=raw.index,
    )


def year_or_none(text: object) -> int | None:
    """The year a cell names, or None where it names none: the checks, not the reader, report a bad year."""
    try:
        return periods.parse(str(text))
    except ValueError:
        return None
