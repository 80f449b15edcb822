"""Saved web pages as input (issue 14): pipeline/reading/html.py.

The real text is the Wakefield 2025 report's opening as stored
(tests/fixtures/real/yjs2025/wakefield-2025-opening.txt); wakefield-2025-page.html puts the
same text in a reproduction of the site's markup (cookie banner, skip link, header and
navigation, licence block, heading with an id and a "Back to top" link, footnote reference,
footer). The small pages written inline below test one piece of markup each; they are
constructed, not real reports, and assert only what the reader makes of the markup.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pipeline.build import build, discover
from pipeline.process import document_from, extract_document, process_file
from pipeline.reading.load import LoadError, load
from pipeline.reading.render import render_text_to_pdf

from .conftest import build_with_source_url, datasette_for, get

REAL = Path(__file__).resolve().parent / "fixtures" / "real" / "yjs2025"
PAGE = REAL / "wakefield-2025-page.html"
STORED = REAL / "wakefield-2025-opening.txt"
CHROME = ["Skip to content", "Are you OK with cookies", "Open Government Licence", "Back to top",
          "National Archives", "Our inspections", "Accessibility", "Crown copyright"]


@pytest.fixture(scope="module")
def wakefield():
    raw = load(PAGE)
    doc, cleaning = document_from(raw)
    return raw, doc, cleaning


def page(tmp_path, body: str, name="page.html") -> Path:
    path = tmp_path / name
    path.write_text(f"<!DOCTYPE html><html><head><title>t</title></head><body>{body}</body></html>", encoding="utf-8")
    return path


def lines_of(path) -> list[str]:
    return [text for _, text in load(path).pages[0][1]]


# ---------------------------------------------------------------- the real page


def test_the_page_keeps_the_reports_text_as_stored(wakefield):
    raw, doc, _ = wakefield
    assert raw.kind == "html" and raw.page_count is None and len(raw.pages) == 1 and raw.pages[0][0] is None
    # Every paragraph of the report in the stored copy is a line of the page, word for word
    # (the footnote reference "[1]" is written "[^1]", the convention for footnote markers).
    stored = STORED.read_text(encoding="utf-8").split("Foreword (Back to top)\n\n", 1)[1].split("\n\n")
    lines = [text for _, text in raw.pages[0][1]]
    for paragraph in stored:
        assert paragraph.replace("[1]", "[^1]") in lines
    assert lines[0] == "An inspection of youth justice work with children and victims in Wakefield"
    assert "Foreword" in lines and "Published:" in lines


def test_site_chrome_is_removed_and_recorded(wakefield):
    _, doc, cleaning = wakefield
    for text in CHROME:
        assert text not in doc.text, text
    rules = {row["rule"]: row for row in cleaning.as_rows()}
    assert rules["site_cookie_banner"]["example_before"].startswith("Are you OK with cookies? We use small files called")
    assert rules["site_skip_link"]["example_before"] == "Skip to content"
    assert rules["site_back_to_top"]["example_before"] == "(Back to top)"
    assert rules["site_licence_boilerplate"]["example_before"].startswith(
        "All content is available under the Open Government Licence v3.0, except where otherwise stated.")
    assert rules["site_header_footer"]["count"] == 2  # the site's header (with its menu) and footer
    assert all(rules[r]["example_after"] == "" for r in rules if r.startswith("site_"))
    # The "Back to top" link sat in the Foreword heading: its record points at that line.
    assert doc.lines[rules["site_back_to_top"]["line"] - 1].text == "Foreword"


def test_lines_carry_the_id_of_their_heading(wakefield):
    _, doc, _ = wakefield
    overall = next(line for line in doc.lines if "Overall, Wakefield YJS was rated as 'Good'" in line.text)
    assert overall.anchor == "foreword" and overall.page is None
    assert doc.lines[0].anchor is None  # the title sits above any heading with an id
    span = doc.span(overall.start, overall.end)
    assert span.as_provenance()["anchor"] == "foreword"


def test_the_page_is_read_as_the_2025_programme(wakefield):
    _, doc, cleaning = wakefield
    decision, result = extract_document(doc, cleaning)
    report = result["report"]
    assert (decision.programme, report["area"], report["overall_rating"], report["service_id"]) == \
        ("YJS-2025", "Wakefield", "Good", "wakefield")
    assert report["source_kind"] == "html" and report["pages"] is None
    assert {row["rule"] for row in result["cleaning"]} >= {"site_cookie_banner", "site_skip_link", "site_licence_boilerplate"}
    # The overall rating's evidence is the foreword's sentence, linked to the heading id.
    check = next(v for v in result["validations"] if v["rule"] == "overall_rating_printed_alike")
    assert check["passed"] == 1 and "Overall, Wakefield YJS was rated as 'Good'" in check["evidence"]


def test_a_pdf_of_the_page_and_the_stored_text_read_alike(tmp_path, wakefield):
    """The same report as a saved page, as copied text and as a PDF of the page."""
    _, doc, cleaning = wakefield
    _, from_page = extract_document(doc, cleaning)
    pdf = render_text_to_pdf(STORED.read_text(encoding="utf-8"), tmp_path / "wakefield.pdf")
    for path in (STORED, pdf):
        outcome = process_file(path)
        assert outcome.status == "ok" and outcome.programme == "YJS-2025", outcome.reason
        for field in ("title", "area", "overall_rating", "service_id"):
            assert outcome.result["report"][field] == from_page["report"][field], field


def test_build_reads_web_pages_from_a_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / PAGE.name).write_bytes(PAGE.read_bytes())
    (folder / "manifest.csv").write_text(
        "file,source_url\nwakefield-2025-page.html,https://hmiprobation.justiceinspectorates.gov.uk/document/"
        "an-inspection-of-youth-justice-work-with-children-and-victims-in-wakefield-2025\n", encoding="utf-8")
    assert [p.name for p in discover([folder])] == [PAGE.name]
    summary = build([str(folder)], tmp_path / "x.db")
    assert summary.exit_code == 0
    db = sqlite3.connect(tmp_path / "x.db")
    assert db.execute("SELECT programme, area, overall_rating, source_kind, source_url FROM reports").fetchone() == (
        "YJS-2025", "Wakefield", "Good", "html",
        "https://hmiprobation.justiceinspectorates.gov.uk/document/"
        "an-inspection-of-youth-justice-work-with-children-and-victims-in-wakefield-2025")
    rules = {r for (r,) in db.execute("SELECT rule FROM cleaning")}
    assert {"site_cookie_banner", "site_skip_link", "site_back_to_top"} <= rules
    # `anchor` is a column of every provenance table (NULL where the source has none).
    assert "anchor" in {row[1] for row in db.execute("PRAGMA table_info(findings)")}
    assert db.execute("SELECT status, programme FROM ingest_log").fetchone() == ("ok", "YJS-2025")


# ---------------------------------------------------------------- markup, one piece at a time


def test_headings_paragraphs_and_breaks(tmp_path):
    path = page(tmp_path, "<h2 id='a'>Background</h2><p>One   line<br>and the next</p><div>loose <b>text</b></div>")
    assert lines_of(path) == ["Background", "", "One line", "and the next", "", "loose text"]
    assert load(path).anchors == {1: "a", 2: "a", 3: "a", 4: "a", 5: "a", 6: "a"}


def test_tables_become_rows_of_tab_separated_cells(tmp_path):
    path = page(tmp_path, "<table><caption>Ratings</caption><thead><tr><th>Area</th><th>Rating</th></tr></thead>"
                          "<tbody><tr><td>Work with <em>children</em></td><td>Good</td></tr>"
                          "<tr><td><p>Work with victims</p></td><td></td></tr></tbody></table>")
    assert lines_of(path) == ["Ratings", "Area\tRating", "Work with children\tGood", "Work with victims"]


def test_lists_numbered_bulleted_and_nested(tmp_path):
    path = page(tmp_path, "<p>The YJS should:</p><ol><li>improve assessing</li><li>review planning"
                          "<ul><li>with partners</li></ul></li></ol><ol start='3'><li>third</li></ol>")
    assert lines_of(path) == ["The YJS should:", "", "1. improve assessing", "2. review planning",
                              "  - with partners", "", "3. third"]


def test_footnotes_references_and_notes(tmp_path):
    path = page(tmp_path, "<p>England and Wales.<sup><a href='#fn1'>1</a></sup> More.</p>"
                          "<ol class='footnotes'><li id='fn1'>HM Inspectorate of Probation standards. "
                          "<a href='#r1'>↩</a></li></ol>")
    assert lines_of(path) == ["England and Wales.[^1] More.", "", "[^1] HM Inspectorate of Probation standards."]


def test_chrome_words_inside_the_report_are_kept(tmp_path):
    """A text rule removes a small element that is only chrome, never a block that merely
    starts with the same words."""
    path = page(tmp_path, "<main><div><p>Skip to content</p><p>Skip to content is a link the site prints.</p></div></main>")
    raw = load(path)
    assert [t for _, t in raw.pages[0][1]] == ["Skip to content is a link the site prints."]
    assert raw.removed == [("site_skip_link", "Skip to content", 1)]


def test_a_page_that_is_only_chrome_is_refused(tmp_path):
    path = page(tmp_path, "<nav><a href='/'>Home</a></nav><a class='skip-link' href='#m'>Skip to content</a>")
    with pytest.raises(LoadError, match="no text once the site's menus and banners are removed"):
        load(path)


@pytest.mark.parametrize("content, reason", [
    (b"%PDF-1.7\n...", "PDF saved with a '.html' name"),
    (b"Just some words, no markup at all.", "not a web page"),
    (b"<html>\x00\x00\x01binary", "binary data"),
    (b"", "empty"),
])
def test_bad_web_pages_get_one_clear_reason(tmp_path, content, reason):
    path = tmp_path / "bad.html"
    path.write_bytes(content)
    outcome = process_file(path)
    assert outcome.status == "error" and reason in outcome.reason and "\n" not in outcome.reason


def test_pdf_and_text_results_carry_no_anchor(doc):
    """Additive: only web pages have anchors, so PDF and text results keep their shape."""
    southampton = doc("southampton")
    assert all(line.anchor is None for line in southampton.lines)
    assert "anchor" not in southampton.span(0, 40).as_provenance()


def test_a_web_page_reports_values_link_to_their_section_of_the_published_page(tmp_path):
    # Web pages have no page numbers: a value's evidence links to the section it sits in,
    # `source_url#<heading id>`, on the report page and in the tables.
    url = ("https://hmiprobation.justiceinspectorates.gov.uk/document/"
           "an-inspection-of-youth-justice-work-with-children-and-victims-in-wakefield-2025")
    db_path = build_with_source_url(tmp_path, PAGE.name, PAGE.read_bytes(), url)
    db = sqlite3.connect(db_path)
    report_id, = db.execute("SELECT id FROM reports").fetchone()
    anchor, evidence = db.execute("SELECT anchor, evidence FROM metadata_evidence WHERE field = 'overall_rating'").fetchone()
    assert (anchor, evidence) == ("foreword", "Overall, Wakefield YJS was rated as 'Good'")
    ds = datasette_for(db_path)
    page = get(ds, f"/inspections/reports/{report_id}").text
    assert f'href="{url}#{anchor}"' in page and "its section of the published web page" in page
    table = get(ds, "/inspections/metadata_evidence?_size=max").text
    assert f'href="{url}#{anchor}"' in table


def test_a_page_nested_deep_is_read_and_one_nested_absurdly_deep_is_refused_plainly(tmp_path):
    page = tmp_path / "deep.html"
    page.write_text("<html><body>" + "<div>" * 300 + "<h1>An inspection of youth justice work with children and "
                    "victims in Wirral</h1><p>Overall, Wirral YJS was rated as 'Good'.</p>" + "</div>" * 300
                    + "</body></html>", encoding="utf-8")
    outcome = process_file(page)
    assert outcome.status == "ok" and outcome.result["report"]["overall_rating"] == "Good"
    page.write_text("<html><body>" + "<div>" * 100000 + "<p>x</p>" + "</div>" * 100000 + "</body></html>",
                    encoding="utf-8")
    outcome = process_file(page)
    assert outcome.status == "error" and outcome.reason.startswith("the web page nests its markup too deeply")
