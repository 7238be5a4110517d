"""Checked cells -> tidy figures: the last step of every upload of figures (and of building the sample
data from DfE's files), below the workflow so that ``cpdata.uploads.ees`` can use it without calling up.

Symbols stay symbols; a blank value publishes nothing; nothing here is ever a zero that was not one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpdata.catalogue.catalogue import Catalogue
from cpdata.core import fmt, schema, symbols
from cpdata.uploads.cell_values import parse_cells


def finalise(
    cells: pd.DataFrame, extract_id: str, percent_scale: str = "percent", catalogue: Catalogue | None = None
) -> pd.DataFrame:
    """Checked cells -> tidy figures. Symbols stay symbols; a blank value publishes nothing.

    Column by column (each distinct cell parsed once); the figures are those the row-by-row
    version made, value for value and type for type (tests/test_perf_ingest.py).
    """
    value = parse_cells(cells["raw_value"])
    parts = {p: parse_cells(_column(cells, f"raw_{p}", "")) for p in ("numerator", "denominator")}
    held = (value["value"].notna() | value["symbol"].notna()).to_numpy()
    bad = ~value["ok"].to_numpy() | (held & ~(parts["numerator"]["ok"] & parts["denominator"]["ok"]).to_numpy())
    if bad.any():  # a cell the checks refused: fail as the row-by-row version did, on the same cell
        r = cells.iloc[int(np.flatnonzero(bad)[0])]
        for part in ("value", "numerator", "denominator"):
            symbols.parse_cell(r.get(f"raw_{part}", ""))
    rows = cells[held]
    values = _numbers_or_none(value["value"].to_numpy()[held])
    if percent_scale == "proportion":
        if catalogue is None:
            raise ValueError("proportions are read as percentages by unit: pass the catalogue that says which")
        units = rows["indicator_id"].map({i: ind.unit for i, ind in catalogue.indicators.items()}).to_numpy()
        values = [
            float(fmt.exact(v) * 100) if v is not None and u == "percent" else v
            for v, u in zip(values, units, strict=True)
        ]
    columns = {
        "indicator_id": rows["indicator_id"].tolist(),
        "area_code": rows["area_code"].tolist(),
        "period": [int(p) for p in rows["period"]],
        "figure_type": rows["figure_type"].tolist(),
        "basis": rows["basis"].tolist(),
        "value": values,
        "symbol": value["symbol"].to_numpy()[held].tolist(),
        "numerator": _numbers_or_none(parts["numerator"]["value"].to_numpy()[held]),
        "denominator": _numbers_or_none(parts["denominator"]["value"].to_numpy()[held]),
        "source": rows["source"].tolist(),
        "note": _column(rows, "note", None).tolist(),
        "extract_id": [extract_id] * len(rows),
    }
    if not len(rows):
        return pd.DataFrame([], columns=schema.FIGURES.names)
    return pd.DataFrame(columns, columns=schema.FIGURES.names)  # lists: the types a list of rows gets


def _column(cells: pd.DataFrame, name: str, default: object) -> pd.Series:
    return cells[name] if name in cells else pd.Series([default] * len(cells), index=cells.index, dtype=object)


def _numbers_or_none(values: np.ndarray) -> list[float | None]:
    out = values.astype(object)  # Python floats
    out[np.isnan(values)] = None
    return out.tolist()
