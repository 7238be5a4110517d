"""Excel workbooks of what is on screen: the scorecard and each indicator's numbers.

Analysts live in Excel, so a download is a workbook they can calculate with: one sheet per table
and a Notes sheet (council, year, comparator model, sources, data version, what each symbol and
mark means). Figures are numbers, rounded half away from zero to the decimals the screen shows
(exact decimals, never binary floats); a symbol (``c``, ``x``...) is text in a column of its own,
never a zero. Every text cell is written as text (openpyxl's data type ``s``): a label from someone
else's file that begins ``=`` stays a label and is never run as a formula.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from cpdata.core import fmt, periods, symbols
from cpdata.figures import sentences
from cpdata.figures.scorecard import MARKS
from cpdata.figures.views import IndicatorView

MAX_CELL = 32_767  # Excel's limit on the characters in one cell
BAD_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})
MARK_MEANINGS = {mark: f"{word} than the comparator" for word, mark in MARKS.items() if word != "in line"}
MARK_MEANINGS |= {MARKS["in line"]: "in line with the comparator", "-": "no figure, or no comparison made"}


@dataclass(frozen=True)
class Context:
    """What a download is about, said on its Notes sheet (and nowhere else needed to read it)."""

    council: str
    council_code: str
    year: str  # "2024/25" or "all years (latest held)"
    comparator: str  # the statistical-neighbour model, as the sidebar says it
    data_version: str
    as_at: str
    about: str = ""  # e.g. the pledge or indicator the table is for


def rounded(value: object, decimals: int) -> Decimal | None:
    """A figure as the screen rounds it (half away from zero); None when there is none (never 0)."""
    return None if fmt.is_missing(value) else fmt.half_up(float(value), decimals)  # type: ignore[arg-type]


def _symbol(symbol: object) -> str:
    return symbol if isinstance(symbol, str) else ""


def indicator_sheet(v: IndicatorView) -> pd.DataFrame:
    """Every year held for one indicator (the numbers behind its chart), figures as numbers."""
    ind, rows = v.indicator, v.rows
    dec = ind.decimals
    unit = f" ({fmt.unit_label(ind.unit)})"
    out = pd.DataFrame({"Year": rows["period"].map(periods.label).to_numpy()})
    out["Year ending"] = rows["period"].astype(int).to_numpy()
    out["Council" + unit] = [rounded(x, dec) for x in rows["value"]]
    out["Council symbol"] = [_symbol(s) for s in rows["symbol"]]
    out["Council basis"] = rows["basis"].fillna("").to_numpy()
    out["Local figure" + unit] = [rounded(x, dec) for x in rows["local_value"]]
    out["Local symbol"] = [_symbol(s) for s in rows["local_symbol"]]
    out["Statistical neighbours" + unit] = [
        rounded(x, sentences.SN_DECIMALS if b == "computed" else dec)
        for x, b in zip(rows["sn"], rows["sn_basis"], strict=True)
    ]
    out["Neighbours with a figure"] = [None if fmt.is_missing(n) else int(n) for n in rows["sn_n"]]
    out["Neighbours in the group"] = [None if fmt.is_missing(n) else int(n) for n in rows["sn_size"]]
    out["Region" + unit] = [rounded(x, dec) for x in rows["region"]]
    out["Region symbol"] = [_symbol(s) for s in rows["region_symbol"]]
    out["England" + unit] = [rounded(x, dec) for x in rows["england"]]
    out["Target" + unit] = [rounded(x, dec) for x in rows["target"]]
    out["Source"] = rows["source"].fillna("").to_numpy()
    out["Extract"] = rows["extract"].fillna("").to_numpy()
    return out.reset_index(drop=True)


def scorecard_sheet(items: list[IndicatorView]) -> pd.DataFrame:
    """The overview's lines for some indicators, figures as numbers and verdicts as their marks."""
    rows = []
    for v in items:
        ind = v.indicator
        sn_dec = sentences.SN_DECIMALS if v.sn_basis == "computed" else ind.decimals
        held = v.period is not None
        rows.append(
            {
                "Indicator": ind.short_title,
                "Unit": fmt.unit_label(ind.unit),
                "Year": periods.label(v.period) if held else "no figures held yet",
                "Council": rounded(v.value, ind.decimals),
                "Council symbol": v.symbol or "",
                "Neighbours": rounded(v.sn, sn_dec),
                # The count goes with a mean of fewer than ten, as on screen (cpdata.figures.comparators).
                "Neighbours with a figure": v.sn_n if v.sn_basis == "computed" else None,
                "Neighbours in the group": v.sn_size if v.sn_basis == "computed" else None,
                "vs neighbours": MARKS.get(v.vs_sn, "-"),
                "England": rounded(v.england, ind.decimals),
                "vs England": MARKS.get(v.vs_england, "-"),
                "Change on year before": rounded(v.change["diff"], ind.decimals) if v.change else None,
                "Change judgement": v.change["judgement"] if v.change else "",
                "Quartile (A best)": v.quartile or "",
                "Rank (1 best)": v.rank,
                "Councils ranked": v.ranked or None,
                "Basis": ("published" if v.basis == "published" else "local figure") if held else "",
                "Source": v.source or "",
            }
        )
    return pd.DataFrame(rows)


def sources_of(items: list[IndicatorView]) -> list[str]:
    """Every source behind the figures in these views, once each, in order."""
    found: list[str] = []
    for v in items:
        if v.rows.empty:
            continue
        for col in ("source", "local_source", "sn_published_source", "england_source", "england_published_source"):
            if col in v.rows:
                found += [s for s in v.rows[col] if isinstance(s, str) and s]
        found.append(f"Definition: {v.indicator.source}")
    return list(dict.fromkeys(found))


def notes_rows(context: Context, sources: list[str]) -> list[tuple[str, str]]:
    """The Notes sheet: what the tables are about, where they came from, what each symbol means."""
    rows = [
        ("Council", f"{context.council} ({context.council_code})"),
        ("Year", context.year),
        ("Compared with", f"{context.comparator} and England"),
        ("Data version", context.data_version),
        ("Data as at", context.as_at),
    ]
    if context.about:
        rows.insert(1, ("Table", context.about))
    rows += [
        ("Rounding", "Figures rounded half away from zero to the decimals shown on screen; neighbours' mean to 1."),
        ("Missing figures", "An empty figure cell means no figure; its symbol, if any, is in the symbol column."),
    ]
    rows += [("Source", s) for s in sources]
    rows += [(f"Symbol {k}", v) for k, v in symbols.MEANINGS.items()]
    rows += [(f"Mark {k}", v) for k, v in MARK_MEANINGS.items()]
    return rows


def _text(value: object) -> str:
    """Text Excel will open: no control characters it refuses, no longer than a cell holds."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))[:MAX_CELL]


def _sheet_name(name: str, taken: set[str]) -> str:
    base = (name.translate(BAD_SHEET_CHARS).strip(" '") or "Sheet")[:31]
    out, n = base, 2
    while out.lower() in taken:
        suffix = f" ({n})"
        out, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(out.lower())
    return out


def _put(ws, row: int, col: int, value: object, decimals: int | None = None) -> None:
    cell = ws.cell(row=row, column=col)
    if value is None or (not isinstance(value, str) and fmt.is_missing(value)):
        return
    if isinstance(value, str):
        cell.value = _text(value)
        cell.data_type = "s"  # always text: "=1+1" or "#N/A" from a file is a label, not a formula or error
        return
    if isinstance(value, Decimal):
        cell.value = value
        exp = value.as_tuple().exponent
        places = -exp if isinstance(exp, int) and exp < 0 else 0
        cell.number_format = "#,##0." + "0" * places if places else "#,##0"
        return
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a count or rank that pandas widened to float on the way
    cell.value = value


def _write_table(ws, table: pd.DataFrame) -> None:
    for c, name in enumerate(table.columns, start=1):
        _put(ws, 1, c, str(name))
        ws.cell(row=1, column=c).font = Font(bold=True)
        width = max([len(str(name))] + [len(str(x)) for x in table[name].head(200) if x is not None])
        ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 8), 60)
    for r, values in enumerate(table.itertuples(index=False), start=2):
        for c, value in enumerate(values, start=1):
            _put(ws, r, c, value)
    ws.freeze_panes = "A2"


def workbook(tables: dict[str, pd.DataFrame], context: Context, sources: list[str]) -> bytes:
    """One sheet per table, then Notes; returned as .xlsx bytes."""
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = {"notes"}
    for name, table in tables.items():
        _write_table(wb.create_sheet(_sheet_name(name, taken)), table)
    notes = wb.create_sheet("Notes")
    _write_table(notes, pd.DataFrame(notes_rows(context, sources), columns=["About", "Detail"]))
    wb.properties.title = _text(f"{context.council}: {context.about or 'figures'}")[:200]
    wb.properties.creator = "Corporate parenting dashboard"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
