"""Column-wise upload steps give what the row-by-row code gave: same codes, same figures, symbols kept."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cpdata.catalogue.catalogue import load_catalogue
from cpdata.core import config, schema, symbols
from cpdata.core.datafolder import DataFolder
from cpdata.store import reference
from cpdata.uploads import checks, ees, ingest, lookups, number_checks, readers, shapes, tidy
from cpdata.uploads.cell_values import each_distinct, parse_cells
from cpdata.uploads.problems import Context

FIXTURES = config.REPO_DIR / "tests" / "fixtures"


def reference_area_code(row: pd.Series) -> str | None:
    """The row-by-row rule the upload used before."""
    level = row["geographic_level"]
    if level == "National":
        return schema.ENGLAND
    if level == "Regional":
        return row["region_code"] or None
    if level == "Local authority":
        return row["new_la_code"] or None
    return None


def test_area_codes_as_row_by_row_on_mixed_rows():
    df = pd.DataFrame(
        {
            "geographic_level": ["National", "Regional", "Regional", "Local authority", "Local authority"]
            + ["Local authority", "School", "", "National", "Local authority district"],
            "region_code": ["", "E12000007", "", "E12000007", "E12000007", "", "E12000001", "x", "E12000007", "r"],
            "new_la_code": ["", "", "E09000003", "E09000003", "", " ", "E09000001", "y", "E09000002", "z"],
        },
        dtype=str,
    )
    want = df.apply(reference_area_code, axis=1)
    got = ees.area_codes(df)
    assert [None if pd.isna(x) else x for x in got] == [None if pd.isna(x) else x for x in want]
    pd.testing.assert_series_equal(got, want, check_dtype=False)


def test_area_codes_need_no_code_column_for_a_level_not_in_the_file():
    national_only = pd.DataFrame({"geographic_level": ["National", "National"]}, dtype=str)
    assert ees.area_codes(national_only).tolist() == ["E92000001", "E92000001"]
    with pytest.raises(KeyError):  # as before: a council row without its code column cannot be placed
        ees.area_codes(pd.DataFrame({"geographic_level": ["Local authority"]}, dtype=str))


def _ees_fixture() -> pd.DataFrame:
    return readers.read_csv((FIXTURES / "ees_care_leavers_activity_sample.csv").read_bytes())


def reference_denominators(df: pd.DataFrame, recipe: ees.Recipe, cells: pd.DataFrame) -> list[str]:
    """The lookup as it was: a dict from the denominator rows (the last wins), blank when none."""
    df = df.fillna("").astype(str)
    df = df[df["geographic_level"].isin(["National", "Regional", "Local authority"])]
    df = df.assign(_area=df.apply(reference_area_code, axis=1))
    out = []
    for ind in recipe.indicators:
        mask = pd.Series(True, index=df.index)
        for col, wanted in {**ind.filters, **(ind.denominator_filters or {})}.items():
            mask &= df[col] == wanted
        den = df[mask]
        lookup = dict(zip(zip(den["_area"], den["time_period"], strict=True), den[ind.denominator], strict=True))
        mine = cells[cells["indicator_id"] == ind.id]
        out += [lookup.get(k, "") for k in zip(mine["area_given"], mine["period_given"], strict=True)]
    return out


def test_to_cells_denominators_as_the_lookup_did():
    df = _ees_fixture()
    recipe = ees.find_recipe(DataFolder.of(), df)
    ind = recipe.indicators[0]
    cells = ees.to_cells(df, recipe)
    assert cells["raw_denominator"].tolist() == reference_denominators(df, recipe, cells)
    assert (cells["raw_denominator"] != "").any() and (cells["raw_denominator"] == "").any()
    # A second denominator row for one area and year: the later one is used, as the old lookup did.
    total = df[(df["breakdown"] == ind.denominator_filters["breakdown"])]
    repeat = total[total["care_leaver_age"] == ind.filters["care_leaver_age"]].iloc[[0]]
    twice = pd.concat([df, repeat.assign(**{ind.denominator: "999"})], ignore_index=True)
    again = ees.to_cells(twice, recipe)
    assert again["raw_denominator"].tolist() == reference_denominators(twice, recipe, again)
    assert "999" in set(again["raw_denominator"])
    # No denominator row at all: blank, never zero.
    none = ees.to_cells(df[df["breakdown"] != ind.denominator_filters["breakdown"]], recipe)
    assert (none["raw_denominator"] == "").all()


MIXED = ["62.5", "1,234", "64%", " 7 ", "-3", ".5", "1e3", "c", "C", " x ", "z", "k", "low", "u", ":", "~"]
MIXED += ["..", "-", "N/A", "na", "*", "", "  ", "about sixty", "12abc", "0", "0.0"]


@pytest.mark.parametrize("dtype", ["str", object])
@pytest.mark.parametrize("repeat", [1, 10])  # short columns go cell by cell, long ones once per value
def test_parse_cells_matches_parse_cell(dtype, repeat):
    raw = pd.Series(MIXED * repeat + [None], dtype=dtype, index=range(100, 100 + len(MIXED) * repeat + 1))
    parsed = parse_cells(raw)
    assert list(parsed.index) == list(raw.index)
    for cell, (value, symbol, ok) in zip(raw, parsed.itertuples(index=False), strict=True):
        try:
            want_value, want_symbol = symbols.parse_cell(cell)
        except ValueError:
            assert not ok and math.isnan(value) and symbol is None
            continue
        assert ok
        assert symbol == want_symbol
        assert (math.isnan(value) and want_value is None) or value == want_value
        if symbol is not None:
            assert math.isnan(value)  # a symbol is never a zero


def test_each_distinct_is_cell_by_cell_even_for_missing_cells():
    values = pd.Series(["a", "b", None, "a"] * 30, dtype=object)
    assert each_distinct(values, repr) == [repr(v) for v in values]
    text = pd.Series(["a", "b", None, "a"] * 30, dtype="str")
    assert each_distinct(text, repr) == [repr(v) for v in text]


def reference_finalise(cells: pd.DataFrame, extract_id: str, percent_scale: str = "percent") -> pd.DataFrame:
    """ingest.finalise as it was: one row at a time."""
    catalogue = load_catalogue(DataFolder.of())
    rows = []
    for r in cells.itertuples(index=False):
        value, symbol = symbols.parse_cell(r.raw_value)
        if value is None and symbol is None:
            continue
        numerator = symbols.parse_cell(getattr(r, "raw_numerator", ""))[0]
        denominator = symbols.parse_cell(getattr(r, "raw_denominator", ""))[0]
        ind = catalogue.indicators.get(r.indicator_id)
        if value is not None and percent_scale == "proportion" and ind is not None and ind.unit == "percent":
            value = round(value * 100, 6)
        rows.append(
            {
                "indicator_id": r.indicator_id,
                "area_code": r.area_code,
                "period": int(r.period),
                "figure_type": r.figure_type,
                "basis": r.basis,
                "value": value,
                "symbol": symbol,
                "numerator": numerator,
                "denominator": denominator,
                "source": r.source,
                "note": getattr(r, "note", None),
                "extract_id": extract_id,
            }
        )
    return pd.DataFrame(rows, columns=schema.FIGURES.names)


def _template_cells(values: list[str], numerators: list[str] | None = None, notes: bool = True) -> pd.DataFrame:
    n = len(values)
    lines = ["indicator_id,area_code,period,value,numerator" + (",note" if notes else "")]
    inds = ["care_leavers_eet_19_21", "cla_count", "cla_rate_per_10k"]
    for i, v in enumerate(values):
        num = (numerators or [""] * n)[i]
        lines.append(f'{inds[i % 3]},302,{2000 + i},"{v}",{num}' + (f",note {i}" if notes else ""))
    df = readers.read_csv(("\n".join(lines) + "\n").encode())
    cells, problems = shapes.template_cells(df, "t.csv", ingest.Options())
    assert not problems
    return lookups.resolve(cells, reference.areas(DataFolder(config.SAMPLE_DATA_DIR)))


@pytest.mark.parametrize("scale", ["percent", "proportion"])
def test_finalise_as_row_by_row(scale):
    cases = [
        _template_cells(["0.64", "c", "", "12", "x", "1,234", "62.5%", "low", "0", " "] * 8, notes=True),
        _template_cells(["c", "z", "c"], notes=False),
        _template_cells(["", " "]),
        _template_cells(["55", "c"], numerators=["3", "c"]),
    ]
    df = _ees_fixture()
    cells = ees.to_cells(df, ees.find_recipe(DataFolder.of(), df))
    cases.append(lookups.resolve(cells, reference.areas(DataFolder(config.SAMPLE_DATA_DIR))))
    for cells in cases:
        pd.testing.assert_frame_equal(
            tidy.finalise(cells, "x", scale, load_catalogue(DataFolder.of())),
            reference_finalise(cells, "x", scale),
            check_exact=True,
        )


def test_finalise_refuses_a_bad_cell_as_before():
    for values, numerators in ((["1", "about sixty", "2"], None), (["1", "2", "3"], ["", "ten", "x"])):
        cells = _template_cells(values, numerators)
        with pytest.raises(ValueError) as want:
            reference_finalise(cells, "x")
        with pytest.raises(ValueError) as got:
            tidy.finalise(cells, "x")
        assert str(got.value) == str(want.value)
    blank_with_bad_numerator = _template_cells(["", "5"], ["ten", "2"])
    pd.testing.assert_frame_equal(  # a row publishing nothing is skipped before its numerator is read
        tidy.finalise(blank_with_bad_numerator, "x"), reference_finalise(blank_with_bad_numerator, "x")
    )


def test_resolve_codes_names_and_years_per_cell():
    cells = _template_cells(["1"] * 70)
    cells["area_given"] = ["302", "E09000003", " barnet ", "BARNET", "nowhere", None, "E92000001"] * 10
    cells["period_given"] = ["2021", "2020/21", "202021", "20/21", "spring", None, "2020/22"] * 10
    out = lookups.resolve(cells, reference.areas(DataFolder(config.SAMPLE_DATA_DIR)))
    codes = [None if pd.isna(c) else c for c in out["area_code"]]
    assert codes[:7] == ["E09000003"] * 4 + [None, None, "E92000001"]
    assert [None if pd.isna(p) else int(p) for p in out["period"]][:7] == [2021] * 4 + [None] * 3


def _ctx() -> Context:
    return Context(load_catalogue(DataFolder.of()), reference.areas(DataFolder(config.SAMPLE_DATA_DIR)))


def test_plausible_move_limits_and_unknown_indicators():
    values = ["50", "10", "10", "76", "15", "21", "75", "100", "32", "60", "149", "43", "1", "90", "2"]
    cells = _template_cells(values)
    cells["indicator_id"] = ["care_leavers_eet_19_21", "cla_count", "cla_rate_per_10k"] * 4 + ["no_such"] * 3
    cells["period"] = [2001] * 3 + [2002] * 3 + [2003] * 3 + [2004] * 3 + [2001, 2002, 2003]
    found = sorted(p.message for p in number_checks.plausible_move(cells, _ctx()))
    # percent: more than 25 points; counts and rates: more than half the year before, and more than 10
    assert found == [
        "100 is a big move from 15 the year before (cla_count).",
        "21 is a big move from 10 the year before (cla_rate_per_10k).",
        "32 is a big move from 21 the year before (cla_rate_per_10k).",
        "76 is a big move from 50 the year before (care_leavers_eet_19_21).",
    ]  # not 75 -> 60 (15 points), 100 -> 149 (under half), 32 -> 43 (under half); no_such is refused elsewhere


def test_numbers_checks_see_symbols_as_gaps_not_zeros():
    cells = _template_cells(["c", "-5", "x", "101", "c", "-1"])
    texts = [p.text() for p in checks.run(cells, _ctx())]
    assert any("-5 is negative" in t for t in texts) and any("-1 is negative" in t for t in texts)
    assert not any("'c'" in t or "'x'" in t for t in texts)
    values = parse_cells(cells["raw_value"])["value"]
    assert np.isnan(values.iloc[0]) and np.isnan(values.iloc[2])


def test_every_extract_is_loaded_with_its_id_and_apply_order():
    from cpdata.store import store

    root = config.SAMPLE_DATA_DIR
    manifest = store.read_manifest(DataFolder(root))
    cur = store.cursor(DataFolder(root))
    try:
        held = cur.execute("SELECT extract_id, seq, count(*) FROM figures_all GROUP BY ALL ORDER BY seq").fetchall()
    finally:
        cur.close()
    want = [(e["id"], e["seq"], e["rows"]) for e in manifest["extracts"] if e["kind"] == "figures" and e["active"]]
    assert held == sorted(want, key=lambda x: x[1])
