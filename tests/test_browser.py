"""The served site in a real browser: Playwright driving headless Chromium against
`inspections serve` (what `make run` starts), so the metadata and plugins load as in use.

Skipped without Chromium or the playwright package, unless REQUIRE_BROWSER=1 (set by
.ci/run), when that is a failure. Screenshots of every step go to
test-artifacts/screenshots/<step>.png.
"""

from __future__ import annotations

import re

import pytest


from . import browser_support
from .browser_support import CHROMIUM_ARGS, ConsoleErrors, Server, find_chromium, step, unavailable

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = expect = None

pytestmark = pytest.mark.slow

SITE_TITLE = "Youth justice inspections in England and Wales"
TIMEOUT_MS = 10_000
CHART_TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def server(corpus_db, tmp_path_factory):
    running = Server(corpus_db, tmp_path_factory.mktemp("browser-serve"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def chromium():
    """Playwright and the Chromium to drive. Chromium's checks come first so a machine
    without it skips (or, with REQUIRE_BROWSER, fails) before the server is built."""
    if sync_playwright is None:
        unavailable("the playwright package is not installed: pip install -e '.[test]'")
    executable, why = find_chromium()
    if executable is None:
        unavailable(why)
    with sync_playwright() as playwright:
        yield playwright, executable


def launch(chromium, profile, **options):
    """A Chromium context of our own (a persistent context is Playwright's way to give
    Chromium our own --user-data-dir), with one page and the module's timeouts."""
    playwright, executable = chromium
    context = playwright.chromium.launch_persistent_context(
        str(profile), executable_path=executable, headless=True, args=CHROMIUM_ARGS,
        viewport={"width": 1280, "height": 900}, **options)
    page = context.pages[0] if context.pages else context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    return context, page


@pytest.fixture(scope="module")
def module_page(chromium, tmp_path_factory):
    """One Chromium page for the module, with its console errors."""
    context, page = launch(chromium, tmp_path_factory.mktemp("chromium-profile"))
    try:
        errors = ConsoleErrors()
        errors.attach(page)
        yield page, errors
    finally:
        context.close()


@pytest.fixture
def console_errors(module_page):
    """Errors in the browser console during this test only."""
    _, errors = module_page
    errors.clear()
    return errors


@pytest.fixture
def page(module_page, console_errors, server):
    return module_page[0]


@pytest.fixture
def base(server):
    return server.url


def open_page(page, url: str):
    response = page.goto(url)
    assert response is not None and response.ok, f"GET {url}: HTTP {response.status if response else '?'}"
    return response


def assert_no_console_errors(errors):
    assert not errors, "errors in the browser console:\n" + "\n".join(errors)


def test_find_chromium_order(tmp_path, monkeypatch):
    """CHROMIUM_PATH decides alone; then Debian's path; then names on PATH (no browser needed)."""
    fake = tmp_path / "chromium-browser"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setattr(browser_support, "DEBIAN_CHROMIUM", str(tmp_path / "missing"))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("CHROMIUM_PATH", raising=False)
    assert find_chromium() == (str(fake), "")
    monkeypatch.setenv("CHROMIUM_PATH", "/nonexistent")
    path, why = find_chromium()
    assert path is None and why.startswith("no Chromium found") and "CHROMIUM_PATH=/nonexistent" in why
    monkeypatch.setenv("CHROMIUM_PATH", str(fake))
    assert find_chromium() == (str(fake), "")
    monkeypatch.delenv("CHROMIUM_PATH")
    fake.unlink()
    assert find_chromium() == (None, browser_support.NOT_FOUND)


def report_ids_linked(page) -> set[str]:
    """Report ids of the foreign-key links in the report_id column (the link text is the
    report's title, its label; the id is in the link)."""
    hrefs = page.locator("table.rows-and-columns td.col-report_id a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    return {href.rsplit("/", 1)[-1] for href in hrefs}


def submit_form(page, form: str, field: str, value: str) -> None:
    """Type a value into a form's field and press its submit button, as a user would."""
    form = page.locator(form)
    form.locator(field).fill(value)
    form.locator("input[type=submit]").click()


def test_home_page_shows_the_site_title(page, base, console_errors):
    with step(page, "01-home"):
        open_page(page, base + "/")
        expect(page.locator("h1")).to_have_text(SITE_TITLE)
        expect(page).to_have_title(re.compile("^" + re.escape(SITE_TITLE)))
        assert_no_console_errors(console_errors)


def test_canned_query_with_a_parameter(page, base, console_errors):
    with step(page, "02-service-history"):
        open_page(page, base + "/inspections/service_history")
        submit_form(page, "form.sql", "input[name=service]", "southampton")
        expect(page).to_have_url(base + "/inspections/service_history?service=southampton")
        cells = page.locator("table.rows-and-columns td.col-report_id")
        expect(cells.first).to_be_visible()
        report_ids = {text.strip() for text in cells.all_inner_texts()}
        assert {"2011-cci-wessex", "2020-yos-2018-southampton"} <= report_ids, sorted(report_ids)
        assert_no_console_errors(console_errors)


def test_foreign_key_link_leads_to_the_report(page, base, console_errors):
    with step(page, "03-foreign-key-report"):
        open_page(page, base + "/inspections/scores?_size=10")
        link = page.locator("table.rows-and-columns td.col-report_id a").first
        href = link.get_attribute("href")
        assert href and href.startswith("/inspections/reports/"), f"report_id links to {href!r}"
        report_id = href.rsplit("/", 1)[-1]
        title = page.request.get(f"{base}/inspections/reports/{report_id}.json?_shape=array").json()[0]["title"]
        expect(link).to_have_text(title)  # the link is labelled with the report's title
        link.click()
        expect(page).to_have_url(f"{base}/inspections/reports/{report_id}")
        expect(page.locator("table.rows-and-columns td.col-id")).to_have_text(report_id)
        expect(page.locator("table.rows-and-columns td.col-title")).to_have_text(title)
        assert_no_console_errors(console_errors)


def test_full_text_search(page, base, console_errors):
    with step(page, "04-search-mappa"):
        open_page(page, base + "/inspections/passages")
        submit_form(page, "form.filters", "input#_search", "MAPPA")
        expect(page).to_have_url(re.compile(r"/inspections/passages\?(.*&)?_search=MAPPA(&|$)"))
        expect(page.locator("table.rows-and-columns th.col-page")).to_be_visible()
        rows = page.locator("table.rows-and-columns tbody tr")
        expect(rows.first).to_be_visible()
        assert page.locator("table.rows-and-columns td.col-page").count() == rows.count()
        report_ids = report_ids_linked(page)
        assert "2011-cci-wessex" in report_ids, sorted(report_ids)
        assert_no_console_errors(console_errors)


def assert_chart_rendered(page, url: str, container: str, console_errors):
    """The page answers, and vega-embed draws an svg or canvas with a size in the container."""
    response = page.goto(url)
    assert response is not None and response.ok, (
        f"GET {url}: HTTP {response.status if response else '?'}: is the `overview` dashboard with "
        f"chart `ratings-by-year` configured for datasette-dashboards (pipeline/site/metadata.yml)?")
    expect(page.locator(container)).to_be_attached()
    drawing = page.locator(f"{container} svg, {container} canvas").first
    expect(drawing).to_be_visible(timeout=CHART_TIMEOUT_MS)
    box = drawing.bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0, f"chart drawn with no size: {box}"
    # Drawn over its neighbours or cut off? (A facet with width "container" does that.)
    frame = page.locator(container).bounding_box()
    slack = 2
    assert (box["x"] >= frame["x"] - slack and box["y"] >= frame["y"] - slack
            and box["x"] + box["width"] <= frame["x"] + frame["width"] + slack
            and box["y"] + box["height"] <= frame["y"] + frame["height"] + slack), (
        f"chart ({box['width']:.0f}x{box['height']:.0f} at {box['x']:.0f},{box['y']:.0f}) overflows its "
        f"container ({frame['width']:.0f}x{frame['height']:.0f} at {frame['x']:.0f},{frame['y']:.0f})")
    assert_no_console_errors(console_errors)


def test_dashboard_shows_the_chart(page, base, console_errors):
    with step(page, "05-dashboard-overview"):
        assert_chart_rendered(page, base + "/-/dashboards/overview", "#chart-ratings-by-year", console_errors)


def test_chart_page_renders(page, base, console_errors):
    # The chart's own page names its container after the dashboard: #chart-overview.
    with step(page, "06-chart-ratings-by-year"):
        assert_chart_rendered(page, base + "/-/dashboards/overview/ratings-by-year", ".chart-container",
                              console_errors)


# --- the report, service and compare pages (pipeline/site/pages.py, templates/) -----------

SOUTHAMPTON = "/inspections/reports/2020-yos-2018-southampton"


def css_id(value: str) -> str:
    """An id with dots (`kq-2.1.3`) as a CSS selector."""
    return "#" + value.replace(".", "\\.")


def test_report_page_grid_bars_and_evidence(page, base, console_errors):
    with step(page, "07-report-southampton"):
        open_page(page, base + SOUTHAMPTON)
        expect(page.locator("article.report h1")).to_have_text("An inspection of youth offending services in Southampton")
        for heading in ("About this inspection", "Overall rating", "Standards", "Recommendations"):
            expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        expect(page.locator(".rating-badge")).to_have_text("Good")
        expect(page.locator(".ratings-grid li.tile")).to_have_count(12)
        tile = page.locator("li" + css_id("standard-2.3"))
        expect(tile.locator(".word")).to_have_text("Outstanding")
        assert tile.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(26, 152, 80)"
        # A bar is drawn to scale: 68% yes fills 68% of its track.
        row = page.locator("li" + css_id("kq-2.1.3"))
        track, fill = row.locator(".bar").bounding_box(), row.locator(".bar .fill").bounding_box()
        assert track["width"] > 40 and abs(fill["width"] / track["width"] - 0.68) < 0.01, (track, fill)
        expect(row.locator(".pct")).to_have_text("68%")
        # Back to the evidence: the quoted text, then the paragraph of the full text it is in.
        evidence = row.locator("details.ev-details")
        expect(evidence.locator("q")).to_be_hidden()
        evidence.locator("summary").click()
        expect(evidence.locator("q")).to_have_text(
            "2.1.3. Does assessment sufficiently analyse how to keep other people safe? 68%")
        assert_no_console_errors(console_errors)
    with step(page, "07-report-southampton-evidence-paragraph"):
        evidence.get_by_role("link", name="the paragraph in the full text").click()
        expect(page).to_have_url(re.compile(r"/inspections/passages/\d+$"))
        expect(page.locator("table.rows-and-columns td.col-text")).to_contain_text("68%")
        assert_no_console_errors(console_errors)


def test_cci_report_page_scales_and_bands(page, base, console_errors):
    with step(page, "08-report-wessex-cci"):
        open_page(page, base + "/inspections/reports/2011-cci-wessex")
        expect(page.get_by_role("heading", name="Failed checks (1)")).to_be_visible()
        expect(page.locator("figure.headline")).to_have_count(3)
        safeguarding = page.locator("#headline-safeguarding")
        expect(safeguarding.locator(".value")).to_have_text("55%")
        box = safeguarding.locator("svg.scale").bounding_box()
        assert box and box["width"] > 100 and box["height"] > 10, box
        expect(page.locator("tr" + css_id("score-1.2") + " .band")).to_have_text("SUBSTANTIAL")
        assert_no_console_errors(console_errors)


def test_report_page_reads_at_phone_width(page, base, console_errors):
    page.set_viewport_size({"width": 375, "height": 812})
    try:
        for name, path in (("09-report-southampton-phone", SOUTHAMPTON),
                           ("10-report-wessex-phone", "/inspections/reports/2011-cci-wessex"),
                           ("11-service-southampton-phone", "/inspections/services/southampton"),
                           ("11-compare-phone", "/inspections/-/compare?services=southampton,leeds,norfolk"
                                                "&theme=safeguarding")):
            with step(page, name):
                open_page(page, base + path)
                expect(page.locator("article.insp h1")).to_be_visible()
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 375, f"{path}: the page is {width} px wide at a 375 px screen"
                if path == SOUTHAMPTON:
                    tiles = page.locator(".ratings-grid li.tile")
                    first, second = tiles.nth(0).bounding_box(), tiles.nth(1).bounding_box()
                    assert first["y"] == second["y"] and second["x"] + second["width"] <= 375  # two a row
                    bar = page.locator("li" + css_id("kq-2.1.3") + " .bar").bounding_box()
                    assert bar["width"] > 150, bar  # the bar takes the width under its question
                assert_no_console_errors(console_errors)
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def test_service_page_history_and_chart(page, base, console_errors):
    with step(page, "12-service-southampton"):
        open_page(page, base + "/inspections/services/southampton")
        expect(page.locator("article.service h1")).to_have_text("Southampton")
        expect(page.get_by_role("heading", name="Predecessors and successors")).to_be_visible()
        rows = page.locator("table.inspections-list tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.nth(0)).to_contain_text("August 2011")
        expect(rows.nth(1)).to_contain_text("January 2020")
        chart = page.locator("#theme-risk_of_harm svg.chart")
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box["width"] > 200 and box["height"] > 80, box
        assert chart.locator("g.mark").count() >= 3
        caveat = page.locator("#theme-risk_of_harm details.caveat")
        caveat.locator("summary").click()
        expect(caveat.locator("li").first).to_be_visible()
        page.locator("table.inspections-list a").first.click()
        expect(page).to_have_url(base + "/inspections/reports/2011-cci-wessex")
        assert_no_console_errors(console_errors)


def test_compare_page_form(page, base, console_errors):
    with step(page, "13-compare"):
        open_page(page, base + "/inspections/-/compare")
        page.locator("#compare-services").fill("southampton, leeds, norfolk")
        page.locator("#compare-theme").select_option("safeguarding")
        page.locator("form.compare-form input[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/inspections/-/compare\?services=southampton%2C\+leeds%2C\+norfolk&theme=safeguarding$"))
        columns = page.locator(".side-by-side .column h3")
        expect(columns).to_have_text(["Southampton", "Leeds", "Norfolk"])
        expect(page.locator(".compare-chart svg.chart")).to_be_visible()
        expect(page.locator(".side-by-side .column").nth(1)).to_contain_text("CCI 84% (headline)")
        assert_no_console_errors(console_errors)


@pytest.fixture(scope="module")
def no_js_page(chromium, tmp_path_factory):
    context, page = launch(chromium, tmp_path_factory.mktemp("chromium-no-js"), java_script_enabled=False)
    try:
        yield page
    finally:
        context.close()


def test_pages_work_without_javascript(no_js_page, base):
    page = no_js_page
    with step(page, "14-report-no-javascript"):
        open_page(page, base + SOUTHAMPTON)
        expect(page.locator(".ratings-grid li.tile")).to_have_count(12)
        row = page.locator("li" + css_id("kq-3.1.2"))
        assert row.locator(".bar .fill").bounding_box()["width"] > 0
        row.locator("details.ev-details summary").click()  # <details> needs no script
        expect(row.locator("q")).to_be_visible()
    with step(page, "15-service-no-javascript"):
        open_page(page, base + "/inspections/services/southampton")
        expect(page.locator("#theme-safeguarding svg.chart")).to_be_visible()
    with step(page, "16-compare-no-javascript"):
        open_page(page, base + "/inspections/-/compare")
        page.locator("#compare-services").fill("wessex,leeds")
        page.locator("#compare-theme").select_option("risk_of_harm")
        page.locator("form.compare-form input[type=submit]").click()
        expect(page.locator(".side-by-side .column h3")).to_have_text(["Wessex", "Leeds"])
