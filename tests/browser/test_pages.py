"""Every page, for each shipped council and framework, in a real browser; shared links."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest

from cpdata.catalogue.catalogue import load_frameworks
from cpdata.core.datafolder import DataFolder

from .conftest import COUNCILS, full_screenshot, pledge_path, wait_for_app

pytestmark = pytest.mark.browser

# Pledges with no figures held in the sample data: no charts, a "no figures held yet" list instead.
NO_FIGURES = {("barnet", "listen"), ("barnet", "celebrate"), ("barnsley", "identity"), ("barnsley", "involve")}

# Known figures from the committed sample data (latest year, 2024/25), as the page prints them:
# headline metrics on pledge and context pages, scorecard cells on the overview.
KEY_FIGURES = {
    ("barnet", "overview"): ["64%"],
    ("barnet", "dreams"): ["64%"],  # care leavers aged 19-21 in education, employment or training
    ("barnet", "there_for_you"): ["63%"],
    ("barnet", "health"): ["84%"],
    ("barnet", "independence"): ["92%"],
    ("barnet", "context"): ["343"],  # children looked after at 31 March
    ("barnsley", "overview"): ["64%"],
    ("barnsley", "safe_home"): ["57%"],
    ("barnsley", "healthy"): ["92%"],
    ("barnsley", "future"): ["64%"],
    ("barnsley", "context"): ["366"],
    ("barking_dagenham", "overview"): ["58%"],
    ("barking_dagenham", "best_care"): ["431"],
    ("barking_dagenham", "healthy"): ["94%"],
    ("barking_dagenham", "education"): ["28%"],
    ("barking_dagenham", "success"): ["58%"],
    ("barking_dagenham", "context"): ["431"],
}


@dataclass(frozen=True)
class PageCase:
    council: str  # key of COUNCILS
    name: str  # screenshot and test id: "overview", a pledge id, "context", ...
    path: str
    title: str
    kind: str  # overview | pledge | context | static
    figures: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.council}-{self.name}"


def page_cases() -> list[PageCase]:
    fws = load_frameworks(DataFolder.of())
    cases = []
    for key, c in COUNCILS.items():
        fw, name = fws[c["framework"]], c["name"]

        def case(page: str, path: str, title: str, kind: str, key: str = key) -> PageCase:
            return PageCase(key, page, path, title, kind, KEY_FIGURES.get((key, page), []))

        cases.append(case("overview", "/", f"{name}: corporate parenting scorecard", "overview"))
        for p in fw.pledges:
            title = f"{fw.pledge_word} {p.order}: {p.title}"
            cases.append(case(p.id, pledge_path(c["framework"], p.id), title, "pledge"))
        cases.append(case("context", "/context", f"Children in care in {name}: context", "context"))
        cases.append(case("about-data", "/about-data", "About the data", "static"))
        cases.append(case("accessibility", "/accessibility", "Accessibility statement", "static"))
    return cases


CASES = page_cases()


def assert_no_error(page) -> None:
    from playwright.sync_api import expect

    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(page.get_by_role("dialog").filter(has_text="Page not found")).to_have_count(0)


def charts_drawn(page) -> int:
    """Every Vega-Lite chart has an SVG with a size and at least one drawn mark; returns the count."""
    return page.evaluate(
        """() => {
            const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
            const bad = charts.filter(c => {
                const svg = c.querySelector('svg.marks');
                if (!svg || !(svg.getBoundingClientRect().width > 0)) return true;
                return !svg.querySelector('g.mark-line.role-mark path, g.mark-symbol.role-mark path');
            });
            if (bad.length) throw new Error(`${bad.length} of ${charts.length} charts not drawn`);
            return charts.length;
        }"""
    )


def test_first_visit_draws_the_requested_page(first_visit):
    """The first session after the server starts, on a deep link, still gets the page it asked for."""
    assert first_visit.title == "Pledge 1: Support you to fulfil your dreams", first_visit.screenshot


def test_first_visit_has_no_page_not_found_dialog(first_visit):
    """The server's first session on a deep link gets no "Page not found" dialog over the page (plain
    ``streamlit run dashboard.py`` shows one: the legacy pages/ router takes a server's first run)."""
    assert not first_visit.page_not_found_dialog, f"dialog shown; see {first_visit.screenshot}"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_page(app, case: PageCase):
    from playwright.sync_api import expect

    c = COUNCILS[case.council]
    page = app.open(case.path, framework=c["framework"], council=c["council"])
    expect(page.locator("h1").first).to_have_text(case.title)
    assert_no_error(page)
    assert urlparse(page.url).path == case.path, page.url
    # our own page links (issue 18 item 19): exactly one says it is this page, in words as well as shading
    here = page.locator('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]', has_text="(this page)")
    expect(here).to_have_count(1)
    main = page.locator('[data-testid="stMain"]')
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    metrics = page.locator('[data-testid="stMetric"]')

    if case.kind in ("pledge", "context"):
        expect(main.get_by_text(f"{c['name']} · ", exact=False).first).to_be_visible()  # context line
        if (case.council, case.name) in NO_FIGURES:
            expect(main.get_by_role("heading", name="Measures with no figures held yet")).to_be_visible()
            assert charts.count() == 0
        else:
            expect(charts.first.locator("svg.marks")).to_be_visible()
            # one chart per indicator block with figures, every one drawn, except where one year alone has a
            # figure: that is said in words, not drawn as a lone dot
            lone = main.locator('[data-testid="stAlert"]', has_text="no trend to draw")
            expect(charts).to_have_count(metrics.count() - lone.count())
            assert charts_drawn(page) >= 1
            for label in metrics.locator('[data-testid="stMetricLabel"]').all_inner_texts():
                assert label.startswith(f"{c['name']}, "), label
        values = metrics.locator('[data-testid="stMetricValue"]').all_inner_texts()
        for figure in case.figures:
            assert figure in values, f"{figure} not among headline figures {values}"
    elif case.kind == "overview":
        grids = page.locator('[data-testid="stTable"]')  # static tables: cells wrap, nothing cut off
        expect(grids).to_have_count(len(load_frameworks(DataFolder.of())[c["framework"]].pledges))
        expect(page.get_by_role("button", name="Download this scorecard (CSV)")).to_have_count(grids.count())
        for figure in case.figures:
            expect(grids.locator("td", has_text=figure).first).to_be_visible()
    else:
        expect(main.locator('[data-testid="stMarkdownContainer"]').first).to_be_visible()

    full_screenshot(page, f"{case.council}_{case.name}")


def headline(page) -> tuple[str, str]:
    """The first indicator block's metric: (label, value)."""
    m = page.locator('[data-testid="stMetric"]').first
    return (
        m.locator('[data-testid="stMetricLabel"]').inner_text(),
        m.locator('[data-testid="stMetricValue"]').inner_text(),
    )


def test_shared_link_then_sidebar_council(app):
    """A link with council, year and comparator opens that view; the picker then rewrites the link."""
    from playwright.sync_api import expect

    page = app.open(pledge_path("barnet", "dreams"), council="E08000016", year="2023", sn="2021")
    assert_no_error(page)
    expect(page.get_by_role("combobox", name="Council")).to_have_value("Barnsley")
    expect(page.get_by_role("combobox", name="Year")).to_have_value("2022/23")
    expect(page.locator('[data-testid="stCaptionContainer"]').first).to_contain_text("Barnsley · 2022/23")
    expect(page.locator('[data-testid="stMetricLabel"]').first).to_have_text("Barnsley, 2022/23")
    assert headline(page) == ("Barnsley, 2022/23", "61%")
    for part in ("council=E08000016", "year=2023", "sn=2021"):
        assert part in page.url, page.url

    picker = page.get_by_role("combobox", name="Council")
    picker.click()
    picker.fill("Barking")
    page.get_by_role("option", name="Barking and Dagenham").click()
    # A council with a framework of its own opens with it (issue 18 item 3): its overview, year and comparator kept.
    expect(page.locator("h1").first).to_have_text("Barking and Dagenham: corporate parenting scorecard")
    for part in ("framework=barking_dagenham", "council=E09000002", "year=2023", "sn=2021"):
        expect(page).to_have_url(re.compile(re.escape(part)))
    expect(page.get_by_role("combobox", name="Framework")).to_have_value(re.compile("^Barking and Dagenham"))
    assert_no_error(page)
    # The user can still switch: Barnet's framework for Barking and Dagenham's figures, from its pledge 1.
    picker = page.get_by_role("combobox", name="Framework")
    picker.click()
    page.get_by_role("option", name=re.compile("^Barnet")).click()
    expect(page).to_have_url(re.compile("framework=barnet&"))
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="1. Fulfil your dreams").click()
    expect(page.locator('[data-testid="stMetricLabel"]').first).to_have_text("Barking and Dagenham, 2022/23")
    assert headline(page) == ("Barking and Dagenham, 2022/23", "56%")
    assert_no_error(page)


def test_old_council_code_in_link(app):
    """Links made with the old three-digit codes still open the right council."""
    from playwright.sync_api import expect

    page = app.open(pledge_path("barnet", "dreams"), council="301")
    expect(page.get_by_role("combobox", name="Council")).to_have_value("Barking and Dagenham")
    expect(page).to_have_url(re.compile("council=E09000002"))
    assert_no_error(page)


@pytest.mark.parametrize("council", ["barnsley", "barnet"])
def test_overview_scorecards_fit_at_1440_px(browser, server, council):
    """Issue 18 item 4: at 1440 px the scorecard grid was cut off ("2024/2", "Quartile (A be", "Ba")."""
    c = COUNCILS[council]
    ctx = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = ctx.new_page()
        wait_for_app(page, f"{server}/?framework={c['framework']}&council={c['council']}")
        cut = page.evaluate(
            """() => [...document.querySelectorAll('[data-testid=stTable]')].flatMap(t => {
                const box = t.getBoundingClientRect();
                const main = document.querySelector('[data-testid=stMain]').getBoundingClientRect();
                const cells = [...t.querySelectorAll('th, td')].filter(
                    c => c.scrollWidth > c.clientWidth + 1 || c.getBoundingClientRect().right > box.right + 1);
                const wide = box.right > main.right || t.scrollWidth > t.clientWidth + 1;
                return (wide ? ['table wider than the page'] : []).concat(cells.map(c => c.innerText));
            })"""
        )
        assert cut == [], cut
        headers = page.locator('[data-testid="stTable"] th').all_inner_texts()
        assert any(h.replace("\n", " ") == "Quartile (A best)" for h in headers), headers
    finally:
        ctx.close()
