"""Each upload check on its own: a small file that fails it (and only the check asked about is looked at),
and a clean file that passes every check. Every check function in the check modules is registered in
``checks.CHECKS``, so none can be written and forgotten (DfE's eesyscreener keeps one check per file
with a mirrored test; here one list holds them all and this test mirrors it)."""

from __future__ import annotations

import inspect
import io

import pandas as pd
import pytest

from cpdata.catalogue.catalogue import load_catalogue
from cpdata.core import config
from cpdata.core.datafolder import DataFolder
from cpdata.store import reference
from cpdata.uploads import checks, lookups, number_checks, shapes, survey_checks, surveys
from cpdata.uploads.ingest import Options
from cpdata.uploads.problems import Context

HEAD = "indicator_id,area_code,period,value,area_name,figure_type,basis\n"
SURVEY_HEAD = ",".join(surveys.REQUIRED + surveys.OPTIONAL) + "\n"
GOOD_SURVEY = "E09000003,Your Life Your Care,2025,11-17,bs_life_satisfaction,88,,120,,other councils,84,2500,yes,,\n"

# Each check's failing file: the rows after the header (figure checks) or whole survey rows.
FAILING = {
    "not_empty": "",
    "text_is_plain": 'cla_count,E09000003,2024/25,5,"Bar\n# net",,\n',
    "indicator_known": "no_such_indicator,E09000003,2024/25,5,,,\n",
    "area_known": "cla_count,ZZZ999,2024/25,5,,,\n",
    "area_name_matches": "cla_count,E09000003,2024/25,5,Camden,,\n",
    "period_valid": "cla_count,E09000003,someday,5,,,\n",
    "value_parses": "cla_count,E09000003,2024/25,lots,,,\n",
    "percent_scale": "care_leavers_eet_19_21,E09000003,2024/25,0.6,,,\n",
    "percent_in_range": "care_leavers_eet_19_21,E09000003,2024/25,150,,,\n",
    "count_not_negative": "cla_count,E09000003,2024/25,-1,,,\n",
    "no_duplicates": "cla_count,E09000003,2024/25,5,,,\ncla_count,E09000003,2024/25,6,,,\n",
    "sn_agrees": "care_leavers_eet_19_21,E09000003,2024/25,5,,sn_average,published\n",
    "plausible_move": "cla_count,E09000003,2030/31,10,,,\ncla_count,E09000003,2031/32,500,,,\n",
    "survey_text_is_plain": GOOD_SURVEY.replace(",yes,,", ',yes,"Coram\u202eVoice",'),
    "survey_measure_known": GOOD_SURVEY.replace("bs_life_satisfaction", "no such measure"),
    "survey_area_known": GOOD_SURVEY.replace("E09000003", "ZZZ999"),
    "survey_named": GOOD_SURVEY.replace("Your Life Your Care", "Another survey"),
    "survey_wave_valid": GOOD_SURVEY.replace(",2025,", ",25,"),
    "survey_numbers_parse": GOOD_SURVEY.replace(",120,", ",many,"),
    "survey_percent_in_range": GOOD_SURVEY.replace(",88,", ",188,"),
    "survey_flag_valid": GOOD_SURVEY.replace(",yes,", ",maybe,"),
    "survey_no_duplicates": GOOD_SURVEY * 2,
}
PASSING = "cla_reviews_timely,E09000003,2030/31,97.5,Barnet,,\n"


def _context() -> Context:
    root = config.SAMPLE_DATA_DIR
    return Context(
        load_catalogue(DataFolder.of()),
        reference.areas(DataFolder(root)),
        pd.DataFrame(),
        lookups.sn_means(DataFolder(root)),
        "auto",
    )


def _cells(kind: str, body: str) -> pd.DataFrame:
    ctx = _context()
    if kind == "bright_spots":
        df = pd.read_csv(io.StringIO(SURVEY_HEAD + body), dtype=str, keep_default_na=False)
        return surveys.cells(DataFolder.of(), df, lookups.area_lookup(ctx.areas), "survey.csv")[0]
    df = pd.read_csv(io.StringIO(HEAD + body), dtype=str, keep_default_na=False)
    cells, problems = shapes.template_cells(df, "figures.csv", Options())
    assert not problems, problems
    return lookups.resolve(cells, ctx.areas)


@pytest.mark.parametrize("registered", checks.CHECKS, ids=lambda r: r.name)
def test_each_check_fails_its_own_file(registered):
    problems = registered.check(_cells(registered.kind, FAILING[registered.name]), _context())
    assert problems, f"{registered.name} found nothing wrong in its failing file"
    assert all(p.message and p.fix for p in problems)


@pytest.mark.parametrize("registered", checks.CHECKS, ids=lambda r: r.name)
def test_each_check_passes_a_clean_file(registered):
    body = GOOD_SURVEY if registered.kind == "bright_spots" else PASSING
    assert registered.check(_cells(registered.kind, body), _context()) == []


def test_every_check_function_is_registered_and_has_a_failing_file():
    modules = (checks, number_checks, survey_checks)
    found = {
        name
        for module in modules
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if fn.__module__ == module.__name__
        and not name.startswith("_")
        and list(inspect.signature(fn).parameters) == ["cells", "ctx"]
    }
    registered = [r.name for r in checks.CHECKS]
    assert sorted(registered) == sorted(found), set(found) ^ set(registered)
    assert len(set(registered)) == len(registered), "a check registered twice"
    assert set(FAILING) == set(registered), "every check has its failing file"


def test_a_survey_upload_is_checked_by_the_registered_checks(monkeypatch):
    """Bright Spots results go through checks.run like every other upload (no pipeline of their own)."""
    from cpdata.uploads import ingest

    seen = []
    real = checks.run
    monkeypatch.setattr(checks, "run", lambda cells, ctx, kind="figures": seen.append(kind) or real(cells, ctx, kind))
    data = (SURVEY_HEAD + GOOD_SURVEY.replace(",yes,", ",maybe,")).encode()
    prepared = ingest.prepare(DataFolder(config.SAMPLE_DATA_DIR), data, "survey.csv")
    assert seen == ["bright_spots"]
    assert [p.check for p in prepared.problems] == ["bad flag"]
