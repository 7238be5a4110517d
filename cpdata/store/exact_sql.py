"""SQL for exact decimal arithmetic on stored figures (DuckDB).

Figures are stored as binary doubles; cast to ``DECIMAL`` they are again the decimals that were
published (the cast rounds to the nearest 6-decimal value). DuckDB's ``avg`` and decimal division
return doubles, so the mean is rounded in integer arithmetic instead, half away from zero as DfE's
``round_five_up`` and Excel's ROUND do.
"""

from __future__ import annotations

EXACT = "DECIMAL(18,6)"  # every figure held: at most 6 decimal places, up to 10**12
SCALE = 10**6  # one unit of EXACT's last place


def exact(column: str) -> str:
    """SQL for a stored figure as an exact decimal."""
    return f"CAST({column} AS {EXACT})"


def mean(column: str, decimals: int = 1) -> str:
    """SQL for the mean of a column's non-null values, rounded half away from zero to ``decimals``
    places, exactly: the sum in millionths as an integer u over n values, then
    sign(u) * floor((2|u| + d) / 2d) with d = n * 10**6 / 10**decimals, as a DECIMAL."""
    units = f"CAST(sum({exact(column)}) * {SCALE} AS HUGEINT)"
    d = f"(count({column}) * {SCALE // 10**decimals})"
    rounded = f"sign({units}) * ((2 * abs({units}) + {d}) // (2 * {d}))"
    step = f"CAST(1e-{decimals} AS DECIMAL(18,{decimals}))"  # exactly 0.1 for one decimal place
    return f"CASE WHEN count({column}) > 0 THEN CAST({rounded} AS DECIMAL(18,0)) * {step} END"
