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


# --- PDF text artefacts, judged by the document's own vocabulary (reading/artefacts.py) ---

def _clean_text(text, pages=None):
    """Clean a text given as one unnumbered page (or as numbered pages)."""
    if pages is None:
        pages = [(None, list(enumerate(text.split("\n"), start=1)))]
    cleaned, report = clean_pages(pages)
    return "\n".join(t for _, lines in cleaned for _, t in lines), report.rules


# Real artefacts from tests/fixtures/real (copies of reports made by other tools).
@pytest.mark.parametrize("raw, repaired", [
    ("Full Joint Inspection ofYouth Offending Work inLambethAn inspection led by HMI Probation",
     "Full Joint Inspection of Youth Offending Work in Lambeth An inspection led by HMI Probation"),
    ("An inspection of youth offending services in\nBarking and DagenhamHM Inspectorate of Probation",
     "An inspection of youth offending services in\nBarking and Dagenham HM Inspectorate of Probation"),
    ("inspection of youth offending workJanuary 2015\n\nForewordThis inspection",
     "inspection of youth offending work January 2015\n\nForeword This inspection"),
    # ... and what must stay as it is: names, a product, an acronym's plural.
    ("Alan MacDonald and Yvonne McGuckian used AssetPlus in the YOTs", None),
])
def test_words_glued_at_a_capital_are_split(raw, repaired):
    text, rules = _clean_text(raw)
    assert text == (repaired or raw)
    assert ("glued_at_a_capital" in rules) == bool(repaired)


BODY = ("Work was Inadequate in one area. Partnerships and services were strong. The YOS "
        "requires improvement in planning. Young people and their families, young people and "
        "staff worked in multi-agency meetings; young people said so. Cumberland YJS. Multi-agency work. "
        "It went away, ahead and apart, below, informal and formal. Casework.\n")


@pytest.mark.parametrize("line, repaired, rule", [
    ("Rated Inadeq uate", "Rated Inadequate", "word_split_by_a_space"),
    ("Rated Inade q uate.", "Rated Inadequate.", "word_split_by_a_space"),
    ("Requires i mprovement", "Requires improvement", "word_split_by_a_space"),
    ("in cumberlan d.", "in cumberland.", "word_split_by_a_space"),
    ("work with youngpeople", "work with young people", "words_glued_together"),
    ("other multiagency meetings", "other multi-agency meetings", "words_glued_together"),
    # Two real words are never joined, even where their joining is a word of the document
    # (found by review): "found a way", "a head of service", "be low", "in formal settings".
    ("went in to a part of the case work", None, None),
    ("Staff had found a way to engage children", None, None),
    ("She was a head of service; the risk would be low. Work in formal settings", None, None),
    # ... nor two fragments that are both English words ("Partners hips"): the standards'
    # names are matched spacing-blind instead (test_standards).
    ("Partners hips and services", None, None),
])
def test_words_split_or_glued_are_repaired_from_the_documents_own_words(line, repaired, rule):
    text, rules = _clean_text(BODY + line)
    assert text.split("\n")[-1] == (repaired or line)
    if rule:
        assert rules[rule]["example_after"].endswith(repaired)


def test_a_split_word_the_document_never_uses_whole_is_left_alone():
    text, rules = _clean_text("The opening only.\nRated Inadeq uate")
    assert text.endswith("Rated Inadeq uate") and "word_split_by_a_space" not in rules


def test_running_headers_are_kept_once_and_removed_where_they_repeat():
    header = "Inspection of youth offending services in: Southampton {}"
    words = ["assessment", "planning", "delivery", "review", "resettlement"]
    pages = [(n, [(1, header.format(n)), (2, f"The {words[n - 1]} of the cases was"),
                  (3, f"judged in {n * 7} cases, and"), (4, f"the {words[n - 1]} was good"), (5, "in most of them."),
                  (6, f"{n}")]) for n in range(1, 6)]
    text, rules = _clean_text(None, pages)
    assert text.count("Inspection of youth offending services in: Southampton") == 1
    assert "judged in 21 cases, and\nthe delivery was good\nin most of them." in text
    assert "\n5" not in text and "\nin most of them.\nThe resettlement" in text  # page numbers go, sentences stay
    assert rules["running_header_or_footer"]["count"] == 8  # 4 headers, 4 page numbers
