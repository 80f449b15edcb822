"""The clean stage: each rule on the noise it exists for, and its record."""

import pytest

from pipeline.reading.clean import CleanReport, clean_line, clean_pages

from .conftest import corpus_document, corpus_result


@pytest.mark.parametrize("raw, cleaned, rule", [
    ("МАРРА\tMulti-Agency Public Protection", "MAPPA\tMulti-Agency Public Protection", "homoglyphs"),
    ("the МАРРА panel", "the MAPPA panel", "homoglyphs"),
    ("Москва", "Москва", None),  # a real Cyrillic word stays
    ("rated as: **Good**. This", "rated as: Good. This", "markdown_emphasis"),
    ("individual's *Risk of Harm to others* was", "individual's Risk of Harm to others was", "markdown_emphasis"),
    ("<i>To:</i>\tDr Wendy Thomson", "To:\tDr Wendy Thomson", "html_tags"),
    ("Follow us [@hmiprobation](https://twitter.com/hmiprobation)", "Follow us @hmiprobation", "markdown_links"),
    ("website - <http://www.example.gov.uk/x>.", "website - http://www.example.gov.uk/x.", "markdown_links"),
    ("| 3.4.2. Does the YOT work? | 80% |", "3.4.2. Does the YOT work?\t80%", "markdown_pipe_table"),
    ("|--|-----|", "", "markdown_pipe_table"),
    ("reoffending rate¹ for Norfolk", "reoffending rate[^1] for Norfolk", "footnote_markers"),
    ("Annex 1 – Methodology", "Annex 1 - Methodology", "quotes_and_dashes"),
    ("the case manager’s view", "the case manager's view", "quotes_and_dashes"),
    ("\ue00aRisk of harm", "Risk of harm", "private_use_glyphs"),
    ("- ♦ evidence in advance", "- evidence in advance", "bullet_glyphs"),
    ("Score:\tComment:\t\t", "Score:\tComment:", "whitespace"),
    ("Tom &amp; Jerry", "Tom & Jerry", "html_entities"),
    ("ﬁle", "file", "unicode_nfkc"),
])
def test_line_rules(raw, cleaned, rule):
    report = CleanReport()
    assert clean_line(raw, 1, report) == [cleaned]
    if rule:
        assert rule in report.rules
    else:
        assert report.rules == {}


def test_html_paragraph_cells_become_rows():
    raw = "<p>3.1. Assessment</p> <p>Assessment is well-informed.</p>\t<p>Requires improvement</p>"
    report = CleanReport()
    assert clean_line(raw, 7, report) == ["3.1. Assessment\tRequires improvement", "Assessment is well-informed."]
    assert report.rules["html_table_cells"]["line"] == 7


def test_hyphenation_joins_broken_words_and_keeps_real_hyphens():
    pages = [(1, [(1, "the assess-"), (2, "ment was good and multi-"), (3, "agency work too")])]
    cleaned, report = clean_pages(pages)
    assert [text for _, text in cleaned[0][1]] == ["the assessment", "was good and multi-agency", "work too"]
    assert report.rules["hyphenation"]["count"] == 2
    # Source line numbers survive the move.
    assert [source for source, _ in cleaned[0][1]] == [1, 2, 3]


def test_leeds_glossary_mappa_is_latin_after_cleaning():
    doc = corpus_document("leeds")
    assert "MAPPA\tMulti-Agency Public Protection Arrangements" in doc.text
    assert "МАРРА" not in doc.text


def test_cleaning_is_recorded_per_report():
    rules = {row["rule"]: row for row in corpus_result("leeds")["cleaning"]}
    assert rules["homoglyphs"]["count"] == 1
    assert rules["homoglyphs"]["example_after"].startswith("MAPPA")
    southampton = {row["rule"] for row in corpus_result("southampton")["cleaning"]}
    assert {"html_table_cells", "markdown_pipe_table", "footnote_markers", "markdown_emphasis"} <= southampton


def test_tab_separated_rows_stay_rows():
    doc = corpus_document("southampton")
    assert "2.1.3. Does assessment sufficiently analyse how to keep other people safe?\t68%" in doc.text.split("\n")
    assert "3.1.2. Does assessment sufficiently analyse how to keep the child or young person safe?\t53%" in doc.text.split("\n")
