"""axe-core on every page (each shipped council) and the upload page's states: no serious or critical violations.

axe runs on the whole document with every rule it has (plus WCAG 2.2's target size): no rule and no element
is excluded, Streamlit's own chrome included. Every violation of any impact is written to
test-artifacts/axe/<page>.json.
"""

from __future__ import annotations

import json

import pytest

from cpdata.catalogue.catalogue import load_frameworks
from cpdata.core.datafolder import DataFolder

from .conftest import AXE_DIR, COUNCILS, pledge_path
from .uploading import APPLY, SIGN_IN, applied_id, choose_file, open_upload, settled, sign_in, template_csv, undo

pytestmark = pytest.mark.browser

EET = "care_leavers_eet_19_21"
# Every rule axe runs by default, plus WCAG 2.2's target size (2.5.8, AA), which axe 4 leaves off.
AXE_RUN = "async () => await axe.run(document, {resultTypes: ['violations'], rules: {'target-size': {enabled: true}}})"
FAILING_IMPACTS = {"serious", "critical"}


def _pages() -> list:
    """Every page of each shipped council's framework, opened as test_page opens it (it reuses the tab)."""
    fws = load_frameworks(DataFolder.of())
    params = []
    for key, c in COUNCILS.items():
        fw = fws[c["framework"]]
        names = ["overview", *[p.id for p in fw.pledges], "context", "about-data", "accessibility"]
        paths = {"overview": "/", "context": "/context", "about-data": "/about-data", "accessibility": "/accessibility"}
        for name in names:
            path = paths.get(name) or pledge_path(c["framework"], name)
            params.append(pytest.param(key, name, path, id=f"{key}-{name}"))
    return params


def serious_violations(page, axe_script, name: str) -> list[str]:
    """Run axe-core on the whole page as it is now, nothing excluded; write every violation to
    test-artifacts/axe/<name>.json and return the serious or critical ones as ``rule: selector`` lines."""
    page.add_script_tag(path=str(axe_script))
    result = page.evaluate(AXE_RUN)
    violations = result["violations"]
    AXE_DIR.mkdir(parents=True, exist_ok=True)
    (AXE_DIR / f"{name}.json").write_text(
        json.dumps({"url": page.url, "axe": result["testEngine"]["version"], "violations": violations}, indent=2),
        encoding="utf-8",
    )
    return [
        f"{v['id']} ({v['impact']}): {' '.join(n['target'])}"
        for v in violations
        if v["impact"] in FAILING_IMPACTS
        for n in v["nodes"]
    ]


def audit(page, axe_script, name: str) -> None:
    """Fails on any serious or critical violation anywhere on the page."""
    found = serious_violations(page, axe_script, name)
    assert not found, f"serious/critical axe violations on {name}: {found}"


@pytest.mark.parametrize(("council", "name", "path"), _pages())
def test_axe(app, axe_script, council: str, name: str, path: str):
    c = COUNCILS[council]
    params = {"framework": c["framework"], "council": c["council"]}  # as test_page opens them: it reuses this tab
    page = app.open(path, **params)
    page.wait_for_function(  # audit drawn charts, not their placeholders
        "() => [...document.querySelectorAll('[data-testid=stVegaLiteChart]')].every(c => c.querySelector('svg'))"
    )
    try:
        audit(page, axe_script, f"{council}_{name}")
    finally:
        app.keep(page, path, **params)


UPLOAD_STATES = ["signed_out", "signed_in", "preview", "problems", "applied"]


@pytest.mark.parametrize("state", UPLOAD_STATES)
def test_axe_upload_page(upload_app, axe_script, tmp_path, state: str):
    """The upload page in each state a person meets: the sign-in form, the uploader, a preview of a
    good file, the problems of a bad one, and an applied upload in the history with its undo controls.
    """
    from playwright.sync_api import expect

    page = open_upload(upload_app)
    if state == "signed_out":
        expect(page.get_by_role("button", name=SIGN_IN)).to_be_visible()
        audit(page, axe_script, "upload_signed_out")
        return
    sign_in(page)
    if state == "signed_in":
        audit(page, axe_script, "upload_signed_in")
        return
    if state == "problems":  # a bad cell on row 2 and a whole-file problem: the table has both kinds
        choose_file(page, template_csv(tmp_path, "bad.csv", [("cla_count", "2024/25", "xx"), (EET, "2024/25", "0.6")]))
        expect(page.get_by_text("Nothing has been changed.", exact=False)).to_be_visible()
        audit(page, axe_script, "upload_problems")
        return
    indicator = "care_leavers_qualifications"  # a measure of Barnet's pledge 1 with no figures held
    choose_file(page, template_csv(tmp_path, "quals.csv", [(indicator, "2024/25", "45")]))
    expect(page.get_by_text("If applied: 1 new figures", exact=False)).to_be_visible()
    if state == "preview":
        audit(page, axe_script, "upload_preview")
        return
    page.get_by_role("button", name=APPLY).click()
    upload_id = applied_id(page, 1)
    settled(page)
    try:
        audit(page, axe_script, "upload_applied")
    finally:
        undo(page, upload_id)
