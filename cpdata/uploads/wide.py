"""A council's wide performance table (one row per indicator, a column per year/comparator).

Headers like ``18/19 Outturn``, ``2019/20``, ``20/21 Stat. Neighbours``, ``20/21 National``
and ``Target 22/23`` are understood here; ``cpdata.uploads.shapes.wide_cells`` reads the rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from cpdata.core import periods

_KINDS = [
    (re.compile(r"^(outturn|actual|local|value)?$"), "value"),
    (re.compile(r"^(stat\.?\s*neighbou?rs?|sn|statistical neighbou?rs?)( average)?$"), "sn_average"),
    (re.compile(r"^(national|england|eng)( average)?$"), "national"),
    (re.compile(r"^target$"), "target"),
]
_PERIOD = r"(\d{4}\s*[/-]\s*\d{2}|\d{2}\s*[/-]\s*\d{2}|\d{6}|\d{4})"


@dataclass(frozen=True)
class WideColumn:
    header: str
    period: int
    figure_type: str


def read_header(header: str) -> WideColumn | None:
    """Understand one column header, or None if it is not a period column."""
    h = " ".join(str(header).split())
    m = re.fullmatch(rf"{_PERIOD}\s*(.*)", h) or re.fullmatch(rf"(.*?)\s*{_PERIOD}", h)
    if not m:
        return None
    period_text, rest = (m[1], m[2]) if re.fullmatch(_PERIOD, m[1]) else (m[2], m[1])
    try:
        period = periods.parse(period_text)
    except ValueError:
        return None
    rest = rest.strip().lower()
    for pattern, kind in _KINDS:
        if pattern.match(rest):
            return WideColumn(header=header, period=period, figure_type=kind)
    return None


def columns(df: pd.DataFrame) -> list[WideColumn]:
    return [c for c in (read_header(h) for h in df.columns[1:]) if c is not None]
