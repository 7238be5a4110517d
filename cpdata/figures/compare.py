"""Judging figures: better or worse by polarity, direction of travel, targets (rank and quartile:
``cpdata.figures.ranking``).

Figures are compared as they are displayed (rounded to the indicator's decimals), so the
words never contradict the numbers beside them.
"""

from __future__ import annotations

import math
from decimal import Decimal

from cpdata.core.fmt import exact, half_up, is_missing


def versus(value: object, other: object, polarity: str, decimals: int, other_decimals: int | None = None) -> str | None:
    """``better``, ``worse``, ``in line`` (within the rounding of the council's figure),
    ``higher``/``lower`` for neutral indicators, or None when either figure is missing.

    Exact decimals: 64 against 64.5 is worse (half a point is not within the rounding), 64
    against 64.4 in line."""
    if is_missing(value) or is_missing(other):
        return None
    a = half_up(value, decimals)
    b = half_up(other, decimals if other_decimals is None else other_decimals)
    if abs(a - b) < Decimal(1).scaleb(-decimals) / 2:
        return "in line"
    higher = a > b
    if polarity == "neither":
        return "higher" if higher else "lower"
    return "better" if higher == (polarity == "higher") else "worse"


def change(latest: object, previous: object, polarity: str, decimals: int) -> dict | None:
    """Change since the previous year, between the figures as shown: amount (an exact Decimal),
    direction (up/down/same) and whether it is an improvement."""
    if is_missing(latest) or is_missing(previous):
        return None
    diff = half_up(latest, decimals) - half_up(previous, decimals)
    if diff == 0:
        return {"diff": Decimal(0), "direction": "same", "judgement": "no change"}
    direction = "up" if diff > 0 else "down"
    if polarity == "neither":
        judgement = "up" if diff > 0 else "down"
    else:
        judgement = "improved" if (diff > 0) == (polarity == "higher") else "worsened"
    return {"diff": diff, "direction": direction, "judgement": judgement}


def target_status(value: object, target: object, polarity: str, decimals: int) -> str | None:
    """``met`` / ``not met`` (by polarity), None where no target or no figure."""
    if is_missing(target) or is_missing(value) or polarity == "neither":
        return None
    v, t = half_up(value, decimals), exact(target)
    ok = v >= t if polarity == "higher" else v <= t
    return "met" if ok else "not met"


def two_proportion_test(p1: float, n1: float, p2: float, n2: float) -> dict | None:
    """Is the difference between two percentages significant at 95%? (pooled two-proportion z-test).

    Needs the numbers answering on both sides; returns None when either is not held.
    """
    if any(is_missing(x) for x in (p1, n1, p2, n2)) or n1 <= 0 or n2 <= 0:
        return None
    a, b = float(p1) / 100, float(p2) / 100
    pooled = (a * n1 + b * n2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return {"z": 0.0, "p": 1.0, "significant": False}
    z = (a - b) / se
    p = math.erfc(abs(z) / math.sqrt(2))
    return {"z": z, "p": p, "significant": p < 0.05}
