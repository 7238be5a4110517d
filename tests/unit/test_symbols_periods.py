import math

import pytest

from cpdata.core import fmt, periods, symbols


@pytest.mark.parametrize("raw", ["c", "x", "z", "k", "low", "u", ":", "~", "N/A", "n/a", " C "])
def test_symbols_are_never_zero(raw):
    value, symbol = symbols.parse_cell(raw)
    assert value is None
    assert symbol == raw.strip().lower()
    assert fmt.figure(value, symbol, "percent", 0) != "0%"


@pytest.mark.parametrize(("raw", "expected"), [("62.5%", 62.5), ("1,234", 1234.0), ("0", 0.0), (" 7 ", 7.0), (3, 3.0)])
def test_numbers_parse(raw, expected):
    assert symbols.parse_cell(raw) == (expected, None)


@pytest.mark.parametrize("raw", ["", None, float("nan")])
def test_blank_is_nothing_not_zero(raw):
    assert symbols.parse_cell(raw) == (None, None)


def test_garbage_is_refused():
    with pytest.raises(ValueError, match="neither a number nor a known symbol"):
        symbols.parse_cell("sixty")


def test_meanings_spelled_out():
    assert symbols.describe("c") == "c — suppressed to protect confidentiality"
    assert symbols.describe("x") == "x — not available"
    assert symbols.describe(None) == "no figure held"


@pytest.mark.parametrize(
    ("text", "year"), [("2021", 2021), ("202021", 2021), ("2020/21", 2021), ("20/21", 2021), ("2019-20", 2020)]
)
def test_period_parse(text, year):
    assert periods.parse(text) == year


@pytest.mark.parametrize("text", ["202022", "2020/22", "spring", "21"])
def test_bad_periods_refused(text):
    with pytest.raises(ValueError):
        periods.parse(text)


def test_period_label():
    assert periods.label(2021) == "2020/21"
    assert periods.label(2000) == "1999/00"


def test_format_units():
    assert fmt.figure(64.0, None, "percent", 0) == "64%"
    assert fmt.figure(1234.0, None, "count", 0) == "1,234"
    assert fmt.figure(None, None, "percent", 0) == "-"
    assert fmt.is_missing(math.nan)


def test_rounding_is_half_up_as_published():
    assert fmt.number(62.5, "percent", 0) == "63%"
    assert fmt.number(0.25, "score", 1) == "0.3"
    assert fmt.number(2.675, "score", 2) == "2.68"


def test_parses_and_number_or_none():
    assert symbols.parses("62.5%") and symbols.parses("c") and symbols.parses("")
    assert not symbols.parses("sixty")
    assert symbols.number_or_none("1,234") == 1234.0
    assert symbols.number_or_none("c") is None and symbols.number_or_none("sixty") is None
