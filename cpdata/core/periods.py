"""One time axis: the year ending (31 March, or summer for school results).

Period 2021 is the year to 31 March 2021 (or the 2020/21 school year), shown "2020/21".
"""

from __future__ import annotations

import re


def label(period: int | None) -> str:
    """``2021`` -> ``"2020/21"``."""
    if period is None:
        return "-"
    p = int(period)
    return f"{p - 1}/{p % 100:02d}"


def parse(text: str) -> int:
    """Read a period as analysts and DfE write it; returns the year ending.

    Accepts ``2021``, ``202021`` (EES academic year), ``2020/21``, ``2020-21``, ``20/21``.
    """
    t = str(text).strip()
    if re.fullmatch(r"\d{4}", t):
        return int(t)
    if m := re.fullmatch(r"(\d{4})(\d{2})", t):
        start, end = int(m[1]), int(m[2])
        if (start + 1) % 100 != end:
            raise ValueError(f"{text!r} is not a valid year: {start} is not followed by {end:02d}")
        return start + 1
    if m := re.fullmatch(r"(\d{2}|\d{4})\s*[/-]\s*(\d{2})", t):
        first = int(m[1]) if len(m[1]) == 4 else 2000 + int(m[1])
        end = int(m[2])
        if (first + 1) % 100 != end:
            raise ValueError(f"{text!r} is not a valid year: {first} is not followed by {end:02d}")
        return first + 1
    raise ValueError(f"{text!r} is not a year; write it like 2020/21 or 2021")
