"""The report, service and compare pages (pipeline/site/pages.py and templates/), through
Datasette's test client on the corpus: real values from the five reports, read off the
rendered HTML, and checked against extracted/ where the reviewed JSON holds them."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from html.parser import HTMLParser

import pytest


from .conftest import CORPUS, ROOT, build_with_source_url, datasette_for, get

EXTRACTED = ROOT / "extracted"


# --- a small DOM: enough to find elements by id and class and read their text -------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def walk(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.walk()

    def find_all(self, tag=None, cls=None, id=None):
        return [n for n in self.walk() if (tag is None or n.tag == tag) and (cls is None or cls in n.classes)
                and (id is None or n.attrs.get("id") == id)]

    def find(self, tag=None, cls=None, id=None):
        found = self.find_all(tag, cls, id)
        assert found, f"no <{tag or '*'} class={cls} id={id}> in the page"
        return found[0]

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    def own_text(self, exclude_cls=("ev",)) -> str:
        """Text without the evidence disclosures, which quote the source."""
        parts = [c if isinstance(c, str) else ("" if c.classes & set(exclude_cls) else c.own_text(exclude_cls))
                 for c in self.children]
        return re.sub(r"\s+", " ", "".join(parts)).strip()


class Tree(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("document", {})
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


# --- fixtures ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ds(corpus_site):
    return corpus_site


def page(ds, path) -> Node:
    response = get(ds, path)
    assert response.status_code == 200, (path, response.text[:2000])
    return Tree(response.text).root


def facts(doc: Node) -> dict[str, Node]:
    """The page's <dl class="facts">, term -> definition."""
    dl = doc.find("dl", cls="facts")
    return dict(zip((dt.text() for dt in dl.find_all("dt")), dl.find_all("dd")))


def extracted(name: str) -> dict:
    return json.loads((EXTRACTED / f"{name}.json").read_text(encoding="utf-8"))


# --- report pages --------------------------------------------------------------------

def test_southampton_2020_ratings_grid_and_overall_rating(ds):
    doc = page(ds, "/inspections/reports/2020-yos-2018-southampton")
    assert doc.find("h1", cls=None).text() == "An inspection of youth offending services in Southampton"
    assert doc.find("p", cls="rating-badge").text() == "Good"
    assert "rating-good" in doc.find("p", cls="rating-badge").classes
    tiles = {t.find("span", cls="code").text(): t for t in doc.find("div", cls="ratings-grid").find_all("li", cls="tile")}
    assert tiles["1.1"].find("span", cls="word").text() == "Requires improvement"
    assert "rating-requires-improvement" in tiles["1.1"].classes
    assert tiles["1.2"].find("span", cls="word").text() == "Good" and "rating-good" in tiles["1.2"].classes
    assert tiles["2.3"].find("span", cls="word").text() == "Outstanding"
    assert "rating-outstanding" in tiles["2.3"].classes
    assert tiles["3.4"].find("span", cls="name").text() == "Joint Working"
    # Every standard the reviewed JSON holds, with its rating, and nothing else.
    expected = {r["code"]: r["rating"] for r in extracted("2020-yos-2018-southampton")["ratings"]}
    assert {code: t.find("span", cls="word").text() for code, t in tiles.items()} == expected
    domains = [h.text() for h in doc.find("div", cls="ratings-grid").find_all("h3")]
    assert domains == ["1. Organisational delivery", "2. Court disposals", "3. Out-of-court disposals"]


def test_southampton_2020_key_question_bars_with_their_sample(ds):
    doc = page(ds, "/inspections/reports/2020-yos-2018-southampton")
    rows = {li.find("span", cls="code").text(): li for li in doc.find_all("li", cls="kq")}
    expected = {q["code"]: q["percent_yes"] for q in extracted("2020-yos-2018-southampton")["key_questions"]}
    assert {code: li.find("span", cls="pct").text() for code, li in rows.items()} == {
        code: f"{value:g}%" for code, value in expected.items()}
    lowest = rows["2.1.3"]
    assert lowest.find("span", cls="question").text() == "Does assessment sufficiently analyse how to keep other people safe?"
    fill = lowest.find("span", cls="bar").find("span", cls="fill")
    assert fill.attrs["style"] == "width: 68.0%" and "rating-good" in fill.classes  # 65-79%: Good
    assert "rating-requires-improvement" in rows["3.1.2"].find("span", cls="fill").classes  # 53%
    samples = [s.own_text() for s in doc.find_all("span", cls="sample")]
    assert samples == ["sample: 22 court disposals", "sample: 15 out-of-court disposals"]


def test_every_value_links_to_its_evidence(ds, corpus_db):
    doc = page(ds, "/inspections/reports/2020-yos-2018-southampton")
    tile = doc.find("li", id="standard-1.1")
    assert tile.find("q").text() == "1.1 Governance and leadership Requires improvement"
    kq = doc.find("li", id="kq-2.1.3")
    assert kq.find("q").text() == "2.1.3. Does assessment sufficiently analyse how to keep other people safe? 68%"
    # The paragraph of the full text that holds the line the value was read from.
    link = next(a for a in kq.find_all("a") if a.text() == "the paragraph in the full text")
    passage_id = int(link.attrs["href"].rsplit("/", 1)[1])
    conn = sqlite3.connect(corpus_db)
    start, end, text = conn.execute("SELECT line_start, line_end, text FROM passages WHERE id = ?", (passage_id,)).fetchone()
    line = conn.execute("SELECT line FROM key_questions WHERE report_id = '2020-yos-2018-southampton' AND code = '2.1.3'").fetchone()[0]
    assert start <= line <= end and "68%" in text
    recs = doc.find("ol", cls="recs").find_all("li")
    assert len(recs) == 7
    assert recs[0].find("span", cls="number").text() == "1."
    assert recs[0].find("span", cls="addressee").text() == "— Southampton City Council and its partners"
    assert recs[6].find("span", cls="addressee").text() == "— The YOS manager"
    about = facts(doc)
    assert about["Published"].own_text() == "January 2020" and about["Published"].find("q").text() == "JANUARY 2020"
    assert about["Lead inspector"].own_text() == "Maria Jerram"
    assert about["Service"].find("a", cls="service").attrs["href"] == "/inspections/services/southampton"
    assert "predecessor: Wessex (split, 2012)" in about["Service"].own_text()


def test_report_json_is_datasettes_own(ds):
    data = get(ds, "/inspections/reports/2020-yos-2018-southampton.json").json()
    assert data["rows"] == [[*data["rows"][0]]] and data["columns"][0] == "id"
    assert dict(zip(data["columns"], data["rows"][0]))["overall_rating"] == "Good"
    # The default row table stays on the page, below the report.
    doc = page(ds, "/inspections/reports/2020-yos-2018-southampton")
    assert doc.find("td", cls="col-id").text() == "2020-yos-2018-southampton"


def test_wessex_2011_headline_scores_against_the_programme(ds):
    doc = page(ds, "/inspections/reports/2011-cci-wessex")
    headlines = {}
    for figure in doc.find_all("figure", cls="headline"):
        headlines[figure.find("span", cls="name").text()] = (
            figure.find("span", cls="value").text(), figure.find("span", cls="band").text(),
            figure.find("p", cls="range-text").text())
    assert headlines == {
        "Safeguarding": ("55%", "SUBSTANTIAL improvement required", "lowest 37% · average 68% · highest 91%"),
        "Public Protection - Risk of Harm": ("56%", "SUBSTANTIAL improvement required",
                                             "lowest 36% · average 63% · highest 85%"),
        "Public Protection - Likelihood of Reoffending": ("64%", "MODERATE improvement required",
                                                          "lowest 43% · average 71% · highest 87%"),
    }
    scale = doc.find("figure", id="headline-safeguarding").find("svg")
    assert "55%" in scale.find("title").text() and "average 68%" in scale.find("title").text()


def test_wessex_2011_criteria_and_sections_with_bands(ds):
    doc = page(ds, "/inspections/reports/2011-cci-wessex")
    rows = {tr.attrs["id"]: tr for tr in doc.find("table", cls="scores").find_all("tr") if tr.attrs.get("id")}
    score = {key: (tr.find("span", cls="pct").text(), tr.find_all("td")[3].text()) for key, tr in rows.items()}
    assert score["score-1.1"] == ("not printed", "MODERATE")  # the band is printed without a percentage
    assert score["score-1.2"] == ("57%", "SUBSTANTIAL")
    assert score["score-2.2"] == ("73%", "MODERATE")
    assert score["score-section-1"] == ("58%", "—")
    assert list(rows) == ["score-1.1", "score-1.2", "score-1.3", "score-section-1", "score-2.1", "score-2.2",
                          "score-2.3", "score-section-2", "score-3.1", "score-3.2", "score-section-3"]
    expected = {s["code"]: s["band"] for s in extracted("2011-cci-wessex")["scores"] if s["band"]}
    assert {k.removeprefix("score-"): v[1] for k, v in score.items() if v[1] != "—"} == {
        code: band for code, band in expected.items() if code in {k.removeprefix("score-") for k in rows}}


def test_wessex_2011_failed_check_is_shown_plainly(ds):
    doc = page(ds, "/inspections/reports/2011-cci-wessex")
    failed = doc.find("section", cls="failed-checks")
    assert failed.find("h2").text() == "Failed checks (1)"
    item = failed.find("li", cls="failed")
    assert "foreword_table_row_is_percentages" in item.text() and "found 3770 7170 0070 3376" in item.own_text()
    successors = [a.text() for a in doc.find("ul", cls="lineage").find_all("a")]
    assert successors == ["Isle of Wight", "Hampshire", "Portsmouth", "Southampton"]


def test_leeds_2011_headlines(ds):
    doc = page(ds, "/inspections/reports/2011-cci-leeds")
    values = [(f.find("span", cls="name").text(), f.find("span", cls="value").text()) for f in doc.find_all("figure", cls="headline")]
    assert values == [("Safeguarding", "84%"), ("Public Protection - Risk of Harm", "76%"),
                      ("Public Protection - Likelihood of Reoffending", "83%")]
    assert not doc.find_all("section", cls="failed-checks")


def test_norfolk_2016_judged_areas_with_quantities(ds):
    doc = page(ds, "/inspections/reports/2016-sqs-norfolk")
    groups = doc.find("section", cls="findings").find_all("details", cls="finding-group")
    assert [g.find("h3").text() for g in groups][:4] == [
        "1. Reducing reoffending", "2. Protecting the public", "3. Protecting the child or young person",
        "4. Making sure the sentence is served"]
    assert all("open" in g.attrs for g in groups)  # an SQS letter's findings are its measure
    first = groups[0].find_all("li", cls="finding")[0]
    assert first.find("mark").text() == "in most cases"
    assert first.find("span", cls="quantity").text() == "“in most cases” = (0.5, 0.9]"
    assert "strength" in first.classes and first.find("span", cls="section").text() == "1.1"
    exception = next(li for li in groups[0].find_all("li", cls="finding") if "with one exception" in li.text())
    assert exception.find("span", cls="quantity").text() == "“with one exception” = [0.5, 0.969]"
    context = doc.find("table", cls="facts-table").find_all("tr")[1].find_all("td")
    assert [c.own_text() for c in context[:3]] == ["reoffending rate", "36.2%", "England and Wales: 37.8"]
    recs = [li.find("span", cls="addressee").text() for li in doc.find("ol", cls="recs").find_all("li")]
    assert recs == ["(no addressee named)"] * 4


def test_wandsworth_2013_findings_with_counts(ds):
    doc = page(ds, "/inspections/reports/2013-sqs-wandsworth")
    quantities = [q.text() for q in doc.find_all("span", cls="quantity")]
    assert "“three-quarters” = 0.75 (15 of 20)" in quantities
    assert "“All except three” = 0.8 (12 of 15)" in quantities
    expected = sum(len(f["quantities"]) for f in extracted("2013-sqs-wandsworth")["findings"])
    assert len(quantities) == expected
    about = {term: dd.own_text() for term, dd in facts(doc).items()}
    assert (about["Published"], about["Fieldwork"], about["Previous inspection"]) == (
        "12 June 2013", "13 May 2013 to 15 May 2013", "2011")


def test_findings_are_folded_where_ratings_or_scores_lead(ds):
    doc = page(ds, "/inspections/reports/2011-cci-wessex")
    groups = doc.find("section", cls="findings").find_all("details", cls="finding-group")
    assert groups and not any("open" in g.attrs for g in groups)
    assert groups[0].find("h3").text() == "1.1 Risk of Harm to others (RoH)"


def test_page_links_to_the_published_report_when_its_url_is_known(tmp_path):
    """With a source_url, values read from a page link to that page of the published PDF."""
    from pipeline.reading.render import render_text_to_pdf

    pdf = render_text_to_pdf((CORPUS / "2016-sqs-norfolk.txt").read_text(encoding="utf-8"), tmp_path / "n.pdf")
    url = "https://www.justiceinspectorates.gov.uk/hmiprobation/example-norfolk.pdf"
    db_path = build_with_source_url(tmp_path, "norfolk.pdf", pdf.read_bytes(), url)
    ds = datasette_for(db_path)
    conn = sqlite3.connect(db_path)
    finding_page = conn.execute("SELECT page FROM findings WHERE text LIKE 'Sufficient efforts had been made%'").fetchone()[0]
    doc = page(ds, "/inspections/reports/2016-sqs-norfolk")
    assert doc.find("a", cls="published").attrs["href"] == url
    first = doc.find_all("li", cls="finding")[0]
    assert first.find("a", cls="ev-page").attrs["href"] == f"{url}#page={finding_page}"


def test_pages_escape_what_the_database_holds(corpus_db, tmp_path):
    """Text from reports is data, never markup: a hostile value is shown, not run."""
    copy = tmp_path / "inspections.db"
    shutil.copy(corpus_db, copy)
    conn = sqlite3.connect(copy)
    hostile = '<script>alert("x")</script>'
    conn.execute("UPDATE reports SET title = ?, lead_inspector = ? WHERE id = '2016-sqs-norfolk'", (hostile, hostile))
    conn.execute("UPDATE findings SET text = ?, evidence = ? WHERE report_id = '2016-sqs-norfolk'", (hostile, hostile))
    conn.execute("UPDATE recommendations SET addressee = ? WHERE report_id = '2016-sqs-norfolk'", ('"><img src=x onerror=alert(1)>',))
    conn.execute("UPDATE services SET notes = ? WHERE id = 'norfolk'", (hostile,))
    conn.commit()
    conn.close()
    ds = datasette_for(copy)
    for path in ("/inspections/reports/2016-sqs-norfolk", "/inspections/services/norfolk"):
        html = get(ds, path).text
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;alert(" in html, path


def test_a_framework_the_site_does_not_know_renders_by_code(corpus_db, tmp_path):
    """Ratings and key questions of a programme described nowhere (no models/frameworks.yml
    entry, no theme_crosswalk rows) still make the grid and bars, grouped by the code's first
    component: the 2025 framework needs no change to the site."""
    copy = tmp_path / "inspections.db"
    shutil.copy(corpus_db, copy)
    conn = sqlite3.connect(copy)
    conn.execute("UPDATE reports SET programme = 'NEW-2099' WHERE id = '2020-yos-2018-southampton'")
    conn.execute("INSERT INTO ratings (id, report_id, code, standard, rating, score, evidence) VALUES "
                 "(99001, '2020-yos-2018-southampton', '10.1', 'A standard numbered past nine', 'Inadequate', 0, "
                 "'10.1 A standard numbered past nine Inadequate')")
    conn.commit()
    conn.close()
    ds = datasette_for(copy)
    doc = page(ds, "/inspections/reports/2020-yos-2018-southampton")
    grid = doc.find("div", cls="ratings-grid")
    assert [h.text() for h in grid.find_all("h3")] == ["1. Domain 1", "2. Domain 2", "3. Domain 3", "10. Domain 10"]
    tile = doc.find("li", id="standard-10.1")
    assert "rating-inadequate" in tile.classes and tile.find("span", cls="name").text() == "A standard numbered past nine"
    assert doc.find("li", id="kq-3.1.2").find("span", cls="pct").text() == "53%"
    assert not doc.find_all("span", cls="sample")  # which sample a domain's questions use is framework data


# --- service pages -------------------------------------------------------------------

def test_southampton_service_history_across_lineage(ds):
    doc = page(ds, "/inspections/services/southampton")
    assert doc.find("h1").text() == "Southampton"
    assert facts(doc)["GSS codes"].text() == "E06000045"
    lineage = doc.find("section", id="lineage").find("li")
    assert lineage.own_text().startswith("predecessor: Wessex (split, 2012;")
    assert "Southampton YOS disaggregated from Wessex Youth Offending Team in 2012" in lineage.find("q").text()
    rows = doc.find("table", cls="inspections-list").find_all("tr")[1:]
    reports = [tr.find("a").attrs["href"].rsplit("/", 1)[1] for tr in rows]
    assert reports == ["2011-cci-wessex", "2020-yos-2018-southampton"]  # oldest first, predecessor included
    assert "of predecessor wessex > southampton" in rows[0].text()
    assert rows[1].find_all("td")[3].text() == "Good"


def test_southampton_theme_chart_and_caveat(ds):
    doc = page(ds, "/inspections/services/southampton")
    risk = doc.find("div", id="theme-risk_of_harm")
    assert risk.find("h3").text() == "Risk of harm to others / keeping other people safe"
    chart = risk.find("svg", cls="chart")
    marks = [g.find("title").text() for g in chart.find_all("g", cls="mark")]
    assert "August 2011 CCI: CCI 56%" in marks and "January 2020 YOS-2018: mean % yes 72.3" in marks
    measures = [li.text() for li in risk.find("ul", cls="measure-list").find_all("li")]
    assert measures[0].startswith("August 2011 CCI (predecessor): CCI 56% (headline)")
    assert "% yes 72.3 (lowest 55, 7 questions)" in measures[1]
    caveat = risk.find("details", cls="caveat")
    assert caveat.find("summary").text() == "How comparable are these measures? (CCI: partial; YOS-2018: partial/weak)"
    assert "CCI 1.1 Risk of Harm to others (RoH) - assessment and planning — partial" in caveat.text()


def test_wessex_service_lists_its_successors(ds):
    doc = page(ds, "/inspections/services/wessex")
    items = [li.own_text() for li in doc.find("section", id="lineage").find_all("li")]
    assert items[0] == "successor: Isle of Wight (split, 2011; 0 inspections of its own loaded)"
    assert "successor: Southampton (split, 2012; 1 inspection of its own loaded)" in items
    assert "1 of its own" in doc.find("section", id="inspections").find("p").text()


def test_a_service_with_nothing_loaded_says_so(ds):
    doc = page(ds, "/inspections/services/derby")
    assert doc.find("p", cls="none-loaded").text().startswith("No inspection of this service")
    assert not doc.find_all("section", cls="themes")


# --- compare and the services without an inspection ---------------------------------

def test_compare_services_side_by_side(ds):
    doc = page(ds, "/inspections/-/compare?services=southampton,Leeds,norfolk,wandsworth&theme=risk_of_harm")
    columns = doc.find("div", cls="side-by-side").find_all("div", cls="column")
    assert [c.find("h3").text() for c in columns] == ["Southampton", "Leeds", "Norfolk", "Wandsworth"]
    leeds = columns[1].find("li").text()
    assert leeds.startswith("January 2011 CCI") and "CCI 76% (headline)" in leeds
    southampton = [li.text() for li in columns[0].find_all("li")]
    assert southampton[0].startswith("August 2011 CCI (predecessor: wessex > southampton)")
    assert "% yes 72.3" in southampton[1]
    selected = [o.text() for o in doc.find("select", id="compare-theme").find_all("option") if "selected" in o.attrs]
    assert selected == ["Risk of harm to others / keeping other people safe"]
    assert len(doc.find("div", cls="compare-chart").find_all("g", cls="mark")) >= 5


def test_compare_services_json_takes_at_most_five(ds):
    rows = get(ds, "/inspections/compare_services.json?_shape=array&theme=safeguarding&services="
                   "wessex,%20leeds,norfolk,wandsworth,southampton,hampshire").json()
    assert [r["service_id"] for r in rows if r["report_id"]][:2] == ["wessex", "leeds"]
    assert "hampshire" not in {r["service_id"] for r in rows}
    wessex = next(r for r in rows if r["service_id"] == "wessex")
    assert (wessex["report_id"], wessex["cci_percent"]) == ("2011-cci-wessex", 55.0)


def test_compare_services_with_an_unknown_service(ds):
    doc = page(ds, "/inspections/-/compare?services=atlantis&theme=risk_of_harm")
    assert doc.find("p", cls="zero-results").text().startswith("No service matched")
    rows = get(ds, "/inspections/compare_services.json?_shape=array&theme=risk_of_harm&services=derby").json()
    assert rows == [{**rows[0], "service_id": "derby", "report_id": None}]
    assert "No inspection on this theme loaded." in get(ds, "/inspections/-/compare?services=derby,leeds&theme=risk_of_harm").text
    assert get(ds, "/nosuchdatabase/-/compare").status_code == 404
    empty = page(ds, "/inspections/-/compare")  # the form, nothing chosen yet
    assert empty.find("form", cls="compare-form") and not empty.find_all("div", cls="side-by-side")


def test_services_without_inspections(ds):
    rows = get(ds, "/inspections/services_without_inspections.json?_shape=array").json()
    by_id = {r["service_id"]: r for r in rows}
    assert {"southampton", "wessex", "leeds", "norfolk", "wandsworth"}.isdisjoint(by_id)
    assert by_id["hampshire"]["predecessor_reports"] == 1 and by_id["hampshire"]["inspected_predecessors"] == "wessex"
    assert by_id["derby"]["predecessor_reports"] == 0
    html = get(ds, "/inspections/services_without_inspections").text
    assert '<a href="/inspections/services/derby">derby</a>' in html  # ids lead to the service pages


def test_canned_query_report_ids_lead_to_the_report_pages(ds):
    html = get(ds, "/inspections/service_history?service=southampton").text
    assert '<a href="/inspections/reports/2011-cci-wessex">2011-cci-wessex</a>' in html


def test_stylesheet_is_served_and_linked(ds):
    response = get(ds, "/-/inspections/inspections.css")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/css")
    assert ".ratings-grid" in response.text
    html = get(ds, "/inspections/reports/2011-cci-leeds").text
    assert 'href="/-/inspections/inspections.css?' in html
    assert "/-/inspections/inspections.css" not in get(ds, "/inspections/findings").text
