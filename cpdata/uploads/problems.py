"""What an upload check reports, and what it may consult.

Shared by the checks (``cpdata.uploads.checks``, ``cpdata.uploads.number_checks``) and the shape mapping
(``cpdata.uploads.shapes``, ``cpdata.uploads.ingest``), so every problem reads the same way: the row, the column,
what is wrong and how to fix it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from cpdata.catalogue.catalogue import Catalogue


@dataclass(frozen=True)
class Problem:
    check: str
    severity: str  # "fail" | "advisory"
    message: str
    fix: str
    row: int | None = None  # row number in the file as the analyst sees it (header is row 1)
    column: str | None = None
    count: int = 1  # how many rows it stands for: more than one for "... and N more rows like these"

    def text(self) -> str:
        where = ", ".join(
            x for x in (f"row {self.row}" if self.row else "", f"column '{self.column}'" if self.column else "") if x
        )
        return f"{where + ': ' if where else ''}{self.message} Fix: {self.fix}"


def counted(problems: list[Problem], severity: str) -> int:
    """How many problems of this severity there are, counting the rows a "... and N more" line stands for."""
    return sum(p.count for p in problems if p.severity == severity)


def fail(check: str, message: str, fix: str, column: str | None = None) -> Problem:
    """A blocking problem about the whole file (no row), as the shape mapping reports it."""
    return Problem(check, "fail", message, fix, None, column)


@dataclass
class Context:
    """What the checks may consult: the catalogue, known areas and the figures already held."""

    catalogue: Catalogue
    areas: pd.DataFrame  # area_code, old_code, name
    held: pd.DataFrame = field(default_factory=pd.DataFrame)  # current figures for these indicators
    sn_means: Callable[[pd.DataFrame], pd.DataFrame] | None = None
    percent_scale: str = "auto"  # auto | percent | proportion


Check = Callable[[pd.DataFrame, Context], list[Problem]]
_MAX_REPORTED = 50  # per check, so a wholly wrong file still gives a readable list


def each_row(
    name: str,
    severity: str,
    rows: pd.DataFrame,
    message: Callable[[pd.Series], str],
    fix: str,
    column: Callable[[pd.Series], str] | None = None,
) -> list[Problem]:
    """One problem per offending row, capped so a wholly wrong file still reads; the rest are counted."""
    out = []
    for _, r in rows.head(_MAX_REPORTED).iterrows():
        out.append(Problem(name, severity, message(r), fix, int(r["_row"]), column(r) if column else r["_column"]))
    if len(rows) > _MAX_REPORTED:
        more = len(rows) - _MAX_REPORTED
        out.append(Problem(name, severity, f"... and {more} more rows like these.", fix, count=more))
    return out
