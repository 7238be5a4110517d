"""axe-core on every page (Barnet): no serious or critical violations.

Every violation of any impact is written to test-artifacts/axe/<page>.json. Two named lists below
set some nodes aside from the assertion; each entry says why. Nothing else is excluded.
"""

from __future__ import annotations

import json

import pytest

from cpdata.catalogue import load_frameworks

from .conftest import AXE_DIR, pledge_path

pytestmark = pytest.mark.browser

FAILING_IMPACTS = {"serious", "critical"}

# Streamlit's own chrome, which the app cannot change: rule id -> the container its nodes sit in.
STREAMLIT_CHROME = {
    # st.navigation with sections draws <ul data-testid="stSidebarNavItems"> whose children are
    # section <div>s holding the <li> links (Streamlit 1.67), so axe flags the list and each item.
    "list": '[data-testid="stSidebarNav"]',
    "listitem": '[data-testid="stSidebarNav"]',
}

# Violations in the app's own content, reported and not yet fixed: rule id -> selector of the
# offending elements. Empty: the contrast of extract ids in captions was fixed (plain text now).
KNOWN_APP_ISSUES: dict[str, str] = {}


class KnownAppIssue(AssertionError):
    """Only violations listed in KNOWN_APP_ISSUES are left."""


def _pages() -> list:
    fw = load_frameworks()["barnet"]
    names = ["overview", *[p.id for p in fw.pledges], "context", "about-data", "accessibility"]
    paths = {"overview": "/", "context": "/context", "about-data": "/about-data", "accessibility": "/accessibility"}
    return [
        pytest.param(
            name,
            paths.get(name) or pledge_path("barnet", name),
            id=name,
        )
        for name in names
    ]


CLASSIFY = """([targets, chrome, known]) => targets.map(([rule, target]) => {
    const el = target.length === 1 ? document.querySelector(target[0]) : null;
    if (!el) return 'unknown';
    if (chrome[rule] && el.closest(chrome[rule])) return 'chrome';
    if (known[rule] && el.matches(known[rule])) return 'known';
    return 'app';
})"""


@pytest.mark.parametrize(("name", "path"), _pages())
def test_axe(app, axe_script, name: str, path: str):
    params = {"framework": "barnet", "council": "E09000003"}  # as test_page opens them: it reuses this tab
    page = app.open(path, **params)
    page.wait_for_function(  # audit drawn charts, not their placeholders
        "() => [...document.querySelectorAll('[data-testid=stVegaLiteChart]')].every(c => c.querySelector('svg'))"
    )
    page.add_script_tag(path=str(axe_script))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations = result["violations"]
    AXE_DIR.mkdir(parents=True, exist_ok=True)
    (AXE_DIR / f"{name}.json").write_text(
        json.dumps({"url": page.url, "axe": result["testEngine"]["version"], "violations": violations}, indent=2),
        encoding="utf-8",
    )

    app.keep(page, path, **params)

    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    nodes = [(v["id"], n["target"]) for v in failing for n in v["nodes"]]
    kinds = page.evaluate(CLASSIFY, [nodes, STREAMLIT_CHROME, KNOWN_APP_ISSUES]) if nodes else []
    found: dict[str, list[str]] = {}
    for (rule, target), kind in zip(nodes, kinds, strict=True):
        found.setdefault(kind, []).append(f"{rule}: {' '.join(target)}")
    for kind in ("app", "unknown"):
        assert kind not in found, f"serious/critical axe violations on {name} ({kind}): {found[kind]}"
    if "known" in found:
        raise KnownAppIssue(f"known app violations on {name}: {found['known']}")
