"""The fast CSV reader (pyarrow) reads every file exactly as the csv-module reader did, or hands it over."""

from __future__ import annotations

import random
import sys

import pandas as pd
import pytest

from cpdata.uploads import readers


def reference(data: bytes) -> pd.DataFrame:
    """The reader as it was: the same first checks, then Python's csv module."""
    if b"\x00" in data[:65536]:
        raise readers.ReadError("The file contains binary data, not CSV text. Upload a .csv or .xlsx file.")
    text, _ = readers.decode(data)
    if text.split("\n", 1)[0].count(",") + 1 > readers.MAX_COLUMNS:
        raise readers.ReadError(
            f"The file has more than {readers.MAX_COLUMNS} columns; this is not an extract we can read."
        )
    return readers._read_with_csv_module(text)


def outcome(read, data: bytes):
    try:
        return read(data)
    except readers.ReadError as exc:
        return str(exc)


def assert_same(data: bytes) -> None:
    want, got = outcome(reference, data), outcome(readers.read_csv, data)
    if isinstance(want, str) or isinstance(got, str):
        assert want == got, data
    else:
        pd.testing.assert_frame_equal(got, want, obj=repr(data))


def test_whitespace_is_what_str_strip_removes():
    spaces = {chr(i) for i in range(sys.maxunicode + 1) if chr(i).isspace()}
    assert set(readers.WHITESPACE) == spaces


@pytest.mark.parametrize(
    "text",
    [
        "a,b\n007,1\n",
        "\ufeffa,b\n1,2\n",
        'la_name,v\n"Bristol, City of",c\n"say ""hi""",x\n',
        'a,b\n"two\r\nlines",1\r\n',
        "a,b\n\n \n , \n1,2\n",
        ",,\n a ,b,a\n1,2,3\n",
        "a,b,c\n1\n1,2,3,4\n",
        "a,b\n1,2\r3,4\n",
        'a,b\n"unclosed,1\n',
        "a,b\n1,\u20032\n\u2003,\u3000\n",
        "a,b\n1,\x1c\n",
        "a,,a\n1,2,3\n",
        "",
        "\n\n",
        "a,b\n" + "x" * (readers.FIELD_LIMIT + 5) + ",1\n",
        "a,b\n1,2\n" + "3,4\n" * 20_000 + "5,\x006\n",
    ],
)
def test_known_awkward_files(text):
    for encoding in ("utf-8", "utf-8-sig", "cp1252"):
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            continue
        assert_same(data)


CELLS = ["", " ", "a", "007", "c", "x", "é", '"a,b"', '"a""b"', '"x"y', 'b"c"', '"\r\n"', '"\n"', ' "q"']
CELLS += ["\u2003", "\x1c", "\t", '""', '" "', "62.5%", "\ufeff", "\r"]
# Read as Latin-1 these make bytes that are not UTF-8 (a surrogate, an overlong "/", 0xFF, a code point
# past U+10FFFF), not Windows-1252 either (0x81), or Windows-1252 text (0xE9 is é).
CELLS += ["\xed\xa0\x80", "\xc0\xaf", "\xff", "\xf4\x90\x80\x80", "\x81", "\xe9", "\xc3\xa9"]


@pytest.mark.parametrize("seed", range(4))
def test_random_files_read_alike(seed):
    """Rows of random awkward cells (quotes, blank and white-space rows, ragged rows, CRLF, BOMs)."""
    rng = random.Random(seed)
    for _ in range(600):
        width = rng.randint(1, 5)
        lines = []
        for _ in range(rng.randint(0, 8)):
            roll = rng.random()
            if roll < 0.08:
                lines.append("")
            elif roll < 0.15:
                lines.append(",".join(rng.choice(["", " ", "\t", "\u2003"]) for _ in range(width)))
            else:
                n = rng.randint(1, 6) if roll < 0.2 else width
                lines.append(",".join(rng.choice(CELLS) for _ in range(n)))
        eol = rng.choice(["\n", "\r\n"])
        text = eol.join(lines) + (eol if rng.random() < 0.7 else "")
        encoding = rng.choice(["utf-8", "utf-8-sig", "cp1252", "latin-1"])
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            data = text.encode("utf-8")
        assert_same(data)


def test_an_unreadable_file_is_reported_before_its_width():
    wide = ",".join(["h"] * (readers.MAX_COLUMNS + 5)) + "\n"
    assert_same(wide.encode() + b"1,\x81\n")
    assert "not readable text" in outcome(readers.read_csv, wide.encode() + b"1,\x81\n")
    assert "more than 500 columns" in outcome(readers.read_csv, wide.encode("cp1252") + b"1,\xe9\n")


def test_a_plain_extract_takes_the_fast_path(monkeypatch):
    def refuse(text):
        raise AssertionError("the reference reader was used")

    monkeypatch.setattr(readers, "_read_with_csv_module", refuse)
    monkeypatch.setattr(readers, "decode", refuse)  # nor is the whole file decoded to text
    rows = "".join(f"2024,Local authority,E0900000{i % 10},{i},c\r\n" for i in range(1000))
    df = readers.read_csv(("\ufefftime_period,geographic_level,new_la_code,n,pct\r\n" + rows).encode())
    assert df.shape == (1000, 5)
    assert list(df.iloc[0]) == ["2024", "Local authority", "E09000000", "0", "c"]
    assert df["new_la_code"].iloc[3] == "E09000003"
    assert str(df.dtypes.iloc[0]) == "str"


def test_an_ees_extract_reads_as_before():
    import pyarrow.parquet as pq

    from bench import synth
    from cpdata.core import config

    areas = pq.read_table(config.SAMPLE_DATA_DIR / "reference" / "areas.parquet").to_pandas()
    assert_same(synth.ees_activity_csv(5000, areas))
