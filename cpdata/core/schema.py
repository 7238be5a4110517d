"""The tidy shapes every extract is stored in, so all sources line up.

Figures: one row per indicator, area, period and figure type. ``figure_type`` is
``value`` (the area's own outturn), ``sn_average`` or ``national`` (a comparator that the
extract itself publishes for this area, e.g. Barnsley's table), or ``target``.
``basis`` is ``published`` (an official statistic) or ``local`` (the council's own figure).
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

FIGURE_TYPES = ("value", "sn_average", "national", "target")
BASES = ("published", "local")
# What makes a figure one figure: the store keeps the latest applied for each, an upload replaces it.
FIGURE_KEY = ("indicator_id", "area_code", "period", "figure_type", "basis")
# And one Bright Spots result.
SURVEY_KEY = ("area_code", "survey", "wave", "age_band", "measure_id")
SN_DECIMALS = 1  # the neighbours' mean is computed and shown to one decimal place, as DfE's LAIT does
ENGLAND = "E92000001"  # England's area code (DfE's country code), the national comparator

FIGURES = pa.schema(
    [
        ("indicator_id", pa.string()),
        ("area_code", pa.string()),
        ("period", pa.int32()),
        ("figure_type", pa.string()),
        ("basis", pa.string()),
        ("value", pa.float64()),
        ("symbol", pa.string()),
        ("numerator", pa.float64()),
        ("denominator", pa.float64()),
        ("source", pa.string()),
        ("note", pa.string()),
        ("extract_id", pa.string()),
    ]
)

BRIGHT_SPOTS = pa.schema(
    [
        ("area_code", pa.string()),
        ("survey", pa.string()),
        ("wave", pa.int32()),
        ("age_band", pa.string()),
        ("measure_id", pa.string()),
        ("measure_text", pa.string()),
        ("percent", pa.float64()),
        ("count", pa.float64()),
        ("answered", pa.float64()),
        ("respondents", pa.float64()),
        ("comparator", pa.string()),
        ("comparator_percent", pa.float64()),
        ("comparator_answered", pa.float64()),
        ("bright_spot", pa.bool_()),
        ("source", pa.string()),
        ("note", pa.string()),
        ("extract_id", pa.string()),
    ]
)

AREAS = pa.schema(
    [
        ("area_code", pa.string()),
        ("old_code", pa.string()),
        ("name", pa.string()),
        ("level", pa.string()),  # local_authority | region | national
        ("region_code", pa.string()),
        ("region_name", pa.string()),
        ("current", pa.bool_()),
    ]
)

SN_MODELS = pa.schema(
    [
        ("model", pa.string()),  # "2021" | "2025"
        ("area_code", pa.string()),
        ("rank", pa.int32()),
        ("neighbour_code", pa.string()),
        ("closeness", pa.string()),
    ]
)


def to_table(df: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """Coerce a frame to a schema: missing optional columns become nulls, extras are refused."""
    extra = set(df.columns) - set(schema.names)
    if extra:
        raise ValueError(f"unexpected columns {sorted(extra)}")
    cols = {}
    for f in schema:
        if f.name in df.columns:
            series = df[f.name]
            series = series.astype(object).where(series.notna(), None)
            cols[f.name] = pa.array(series.tolist(), type=f.type)
        else:
            cols[f.name] = pa.nulls(len(df), type=f.type)
    return pa.table(cols, schema=schema)
