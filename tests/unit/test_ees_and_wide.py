import pandas as pd
import pytest

from cpdata.catalogue import aliases
from cpdata.core import periods
from cpdata.core.datafolder import DataFolder
from cpdata.uploads import ees, ingest, shapes, tidy, wide
from tests.conftest import FIXTURES


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(FIXTURES / name, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def test_recipe_recognises_the_published_file_and_keeps_symbols():
    df = _read("ees_care_leavers_activity_sample.csv")
    recipe = ees.find_recipe(DataFolder.of(), df)
    assert recipe is not None and recipe.file == "la_care_leavers_activity.csv"
    figs = ees.to_figures(df, recipe, "test_extract")
    eet = figs[figs["indicator_id"] == "care_leavers_eet_19_21"].set_index(["area_code", "period"])
    barnet = eet.loc[("E09000003", 2025)]
    assert (barnet["value"], barnet["numerator"], barnet["denominator"]) == (64.0, 171.0, 268.0)
    assert eet.loc[("E92000001", 2025)]["value"] == 54.0
    cumbria = eet.loc[("E10000006", 2025)]
    assert pd.isna(cumbria["value"]) and cumbria["symbol"] == "z"
    assert (figs["extract_id"] == "test_extract").all()
    assert figs["source"].iloc[0] == "DfE: Children looked after in England including adoptions 2025"


def test_suppressed_cell_stays_suppressed():
    df = _read("ees_care_leavers_activity_sample.csv")
    # A row as DfE writes a suppressed figure (made for this test: no such row in the sample rows).
    extra = df.iloc[[5]].copy()
    extra[["old_la_code", "la_name", "new_la_code", "care_leaver_count", "care_leaver_percent"]] = [
        "999",
        "Test council",
        "E09999999",
        "c",
        "c",
    ]
    figs = ees.to_figures(pd.concat([df, extra]), ees.find_recipe(DataFolder.of(), df), "t")
    row = figs[(figs["area_code"] == "E09999999") & (figs["indicator_id"] == "care_leavers_eet_19_21")].iloc[0]
    assert pd.isna(row["value"]) and row["symbol"] == "c"


def test_accommodation_and_activity_files_are_told_apart():
    df = _read("ees_care_leavers_activity_sample.csv")
    matching = [r.file for r in ees.load_recipes(DataFolder.of()) if r.matches(df)]
    assert matching == ["la_care_leavers_activity.csv"]


def test_every_recipe_names_catalogue_indicators():
    from cpdata.catalogue.catalogue import load_catalogue

    cat = load_catalogue(DataFolder.of())
    for recipe in ees.load_recipes(DataFolder.of()):
        for ind in recipe.indicators:
            assert cat.indicator(ind.id).published


@pytest.mark.parametrize(
    ("header", "period", "kind"),
    [
        ("18/19 Outturn", 2019, "value"),
        ("2019/20", 2020, "value"),
        ("20/21 Stat. Neighbours", 2021, "sn_average"),
        ("20/21 National", 2021, "national"),
        ("Target 22/23", 2023, "target"),
    ],
)
def test_wide_headers(header, period, kind):
    col = wide.read_header(header)
    assert (col.period, col.figure_type) == (period, kind)


def test_wide_header_that_is_not_a_period():
    assert wide.read_header("Indicator") is None
    assert wide.read_header("Comments") is None


def test_barnsley_table_reads_with_na_kept_and_blanks_dropped():
    df = _read("barnsley_key_indicators.csv")
    ids = {name: aliases.match(DataFolder.of(), name) for name in df["Indicator"]}
    assert None not in ids.values()
    cells, problems, unmatched = shapes.wide_cells(
        DataFolder.of(), df, ingest.Options(council="E08000016", source="Barnsley strategy")
    )
    assert not problems and not unmatched
    cells["area_code"], cells["period"] = cells["area_given"], cells["period_given"].map(periods.parse)
    figs = tidy.finalise(cells, "seed")
    eet = figs[figs["indicator_id"] == "care_leavers_eet_19_21"].set_index(["period", "figure_type"])
    assert eet.loc[(2021, "value"), "value"] == 71.2
    assert eet.loc[(2021, "sn_average"), "value"] == 50.1
    assert eet.loc[(2021, "national"), "value"] == 52.0
    assert (2019, "sn_average") not in eet.index  # blank cell: nothing published, not zero
    visits = figs[(figs["indicator_id"] == "care_leavers_visits_timely") & (figs["figure_type"] == "sn_average")]
    assert visits["value"].isna().all() and (visits["symbol"] == "n/a").all()
    assert (figs.loc[figs["figure_type"] == "value", "basis"] == "local").all()


def test_alias_suggestion_for_a_near_miss():
    assert (
        aliases.match(DataFolder.of(), "care leavers - percentage in suitable accommodation")
        == "care_leavers_suitable_accom_19_21"
    )
    assert aliases.suggest(DataFolder.of(), "LAC Dental Assesment Timelines") == "cla_dental_check"
    assert aliases.match(DataFolder.of(), "Something else entirely") is None
