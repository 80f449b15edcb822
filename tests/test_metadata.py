"""Common metadata of the five corpus reports: every field, with its evidence, from text and PDF."""

import pytest

from pipeline.extraction.classify import classify
from pipeline.process import process_file
from pipeline.reading.render import render_text_to_pdf

from .conftest import CORPUS, FIXTURES, REPORTS, corpus_document, corpus_result

EXPECTED = {
    "wessex": {
        "id": "2011-cci-wessex", "programme": "CCI", "area": "Wessex", "year": 2011,
        "title": "Core Case Inspection of youth offending work in England and Wales Report on youth offending work in: Wessex",
        "publication_date": "2011-08", "fieldwork_start": "2011-05", "fieldwork_end": "2011-05",
        "lead_inspector": "Tony Rolley", "isbn": "978-1-84099-435-3", "previous_inspection_year": None,
    },
    "leeds": {
        "id": "2011-cci-leeds", "programme": "CCI", "area": "Leeds", "year": 2011,
        "title": "Core Case Inspection of youth offending work in England and Wales Report on youth offending work in: Leeds",
        "publication_date": "2011-01", "fieldwork_start": "2010-09", "fieldwork_end": "2010-09",
        "lead_inspector": "Ian Menary", "isbn": "978-1-84099-373-8", "previous_inspection_year": None,
    },
    "wandsworth": {
        "id": "2013-sqs-wandsworth", "programme": "SQS", "area": "Wandsworth", "year": 2013,
        "title": "Report of Short Quality Screening (SQS) of youth offending work in Wandsworth",
        "publication_date": "2013-06-12", "fieldwork_start": "2013-05-13", "fieldwork_end": "2013-05-15",
        "lead_inspector": "Ian Menary", "isbn": None, "previous_inspection_year": 2011,
    },
    "norfolk": {
        "id": "2016-sqs-norfolk", "programme": "SQS", "area": "Norfolk", "year": 2016,
        "title": "Report of Short Quality Screening (SQS) of youth offending work in Norfolk",
        "publication_date": "2016-06-22", "fieldwork_start": "2016-05-23", "fieldwork_end": "2016-05-25",
        "lead_inspector": "Ian Menary", "isbn": None, "previous_inspection_year": None,
    },
    "southampton": {
        "id": "2020-yos-2018-southampton", "programme": "YOS-2018", "area": "Southampton", "year": 2020,
        "title": "An inspection of youth offending services in Southampton",
        "publication_date": "2020-01", "fieldwork_start": "2019-09", "fieldwork_end": None,
        "lead_inspector": "Maria Jerram", "isbn": "978-1-84099-906-8", "previous_inspection_year": None,
        "overall_rating": "Good",  # read by the 2018 framework's extractor, its evidence kept here too
    },
}

# The text each value was read from, as the report prints it.
EVIDENCE = {
    ("wessex", "publication_date"): "August 2011",
    ("wessex", "fieldwork_start"): "May 2011",
    ("wessex", "isbn"): "978-1-84099-435-3",
    ("leeds", "publication_date"): "January 2011",
    ("leeds", "fieldwork_start"): "September 2010",
    ("wandsworth", "publication_date"): "12th June 2013",
    ("wandsworth", "fieldwork_end"): "13th-15th May 2013",
    ("wandsworth", "lead_inspector"): "Ian Menary",
    ("norfolk", "fieldwork_start"): "23-25 May 2016",
    ("norfolk", "publication_date"): "22 June 2016",
    ("southampton", "publication_date"): "JANUARY 2020",
    ("southampton", "fieldwork_start"): "September 2019",
    ("southampton", "lead_inspector"): "Maria Jerram",
    ("southampton", "overall_rating"): "Overall rating Good",
}


@pytest.mark.parametrize("name", EXPECTED)
def test_report_fields(name):
    report = corpus_result(name)["report"]
    for field, value in EXPECTED[name].items():
        assert report[field] == value, field


@pytest.mark.parametrize("name", EXPECTED)
def test_every_field_has_evidence_from_the_text(name):
    result, doc = corpus_result(name), corpus_document(name)
    evidence = {row["field"]: row for row in result["metadata_evidence"]}
    stated = {f for f, v in EXPECTED[name].items() if v is not None and f not in {"id", "programme", "year"}}
    assert stated == set(evidence)
    folded = " ".join(doc.text.split())
    for field, row in evidence.items():
        assert row["evidence"] in folded, field
        assert row["line"] >= 1 and row["page"] is None  # text exports have no page breaks
        if (name, field) in EVIDENCE:
            assert row["evidence"] == EVIDENCE[(name, field)]


@pytest.mark.parametrize("name, programme", [
    ("wessex", "CCI"), ("leeds", "CCI"), ("wandsworth", "SQS"), ("norfolk", "SQS"), ("southampton", "YOS-2018")])
def test_classification_keeps_its_evidence(name, programme):
    decision = classify(corpus_document(name))
    assert decision.accepted and decision.programme == programme
    assert decision.scores[programme] == max(decision.scores.values())
    # Only the winning programme's signals, who published it, and its shape as a report.
    assert {e["group"] for e in decision.evidence} == {programme, "publisher", "report structure"}
    title_signature = {"CCI": "Core Case Inspection", "SQS": "Short Quality Screening",
                       "YOS-2018": "inspection of youth offending services in"}[programme]
    assert any(e["group"] == programme and e["signal"] == "title" and e["text"] == title_signature
               for e in decision.evidence)
    assert f"{programme}: title '{title_signature}'" in decision.evidence_text


def test_classification_ignores_file_names(tmp_path):
    misleading = tmp_path / "2011-cci-something.txt"
    misleading.write_bytes((CORPUS / REPORTS["norfolk"]).read_bytes())
    assert process_file(misleading).programme == "SQS"


def test_other_inspectorate_pdf_is_rejected_with_reason():
    outcome = process_file(FIXTURES / "ofsted-ilacs-1.pdf")
    assert outcome.status == "rejected"
    assert "it never names HM Inspectorate of Probation" in outcome.reason
    assert "it has no youth inspection programme's title" in outcome.reason
    assert outcome.reason.endswith("it looks like a report of Ofsted")


def test_probation_report_of_unknown_programme_loads_as_unknown():
    from .conftest import document_from_text
    text = ("HM Inspectorate of Probation\nA review of youth offending work in Leeds\n\nForeword\n\n"
            "We found the work was good.\n\nThis inspection was led by HM Inspector Jane Smith, supported by a team.\n"
            + "Some findings.\n" * 5)
    decision = classify(document_from_text(text))
    assert decision.accepted and decision.programme == "unknown"
    assert "not recognised" in decision.reason


def test_the_inspectorate_name_and_youth_words_without_a_report_shape_are_rejected():
    from .conftest import document_from_text
    text = "HM Inspectorate of Probation\nA review of youth offending work in England\n" + "Some findings.\n" * 5
    decision = classify(document_from_text(text))
    assert not decision.accepted
    assert "it has little of a report's structure (score 0)" in decision.reason


@pytest.mark.parametrize("name", EXPECTED)
def test_rendered_pdf_gives_the_same_metadata(tmp_path, name):
    pdf = render_text_to_pdf((CORPUS / REPORTS[name]).read_text(encoding="utf-8"), tmp_path / f"{name}.pdf")
    outcome = process_file(pdf)
    assert outcome.status == "ok", outcome.reason
    report = outcome.result["report"]
    for field, value in EXPECTED[name].items():
        assert report[field] == value, field
    assert report["source_kind"] == "pdf" and report["pages"] >= 3
    pages = {row["field"]: row["page"] for row in outcome.result["metadata_evidence"]}
    assert pages["title"] == 1 and all(page is not None for page in pages.values())


def test_isbn_check_digit_is_validated():
    rows = [v for v in corpus_result("southampton")["validations"] if v["rule"] == "isbn_check_digit"]
    assert rows == [{"rule": "isbn_check_digit", "expected": "a valid ISBN check digit",
                     "found": "978-1-84099-906-8", "passed": 1, "evidence": "978-1-84099-906-8"}]
    from pipeline.extraction.metadata import isbn_checksum_ok
    assert isbn_checksum_ok("978-1-84099-435-3") and isbn_checksum_ok("978-1-84099-373-8")
    assert not isbn_checksum_ok("978-1-84099-435-4")


@pytest.mark.parametrize("phrase, start, end", [
    ("The inspection was conducted from 23-25 May 2016 as part", "2016-05-23", "2016-05-25"),
    ("This report outlines the findings of the recent SQS inspection, conducted during 13th-15th May 2013.", "2013-05-13", "2013-05-15"),
    ("The inspection was conducted from 13 to 15 May 2013 as part", "2013-05-13", "2013-05-15"),
    ("The inspection was conducted from 30th April - 2nd May 2014.", "2014-04-30", "2014-05-02"),
    ("The inspection was conducted between 30 December 2013 and 2 January 2014.", "2013-12-30", "2014-01-02"),
    ("Fieldwork for this inspection was undertaken in May and June 2011", "2011-05", "2011-06"),
])
def test_fieldwork_phrasings(phrase, start, end):
    from pipeline.extraction.metadata import extract_metadata
    from .conftest import document_from_text
    values, _ = extract_metadata(document_from_text(phrase), "SQS")
    assert (values["fieldwork_start"], values["fieldwork_end"]) == (start, end)


@pytest.mark.parametrize("sentence", [
    "Our recent thematic inspection of the resettlement of children found similar issues.",
    "The service's annual report for 2018/19 set out these priorities.",
    "A joint targeted area inspection of the local authority took place in 2018.",
])
def test_a_report_mentioning_a_thematic_or_annual_report_is_still_a_report(sentence):
    # Found by review: these titles decide a document's kind, but a report of one service
    # may name them in its foreword (Southampton's own text names "our thematic inspection
    # of out-of-court disposals").
    from .conftest import document_from_text
    text = (CORPUS / REPORTS["southampton"]).read_text(encoding="utf-8")
    at = text.index("\nForeword") + len("\nForeword\n")
    decision = classify(document_from_text(text[:at] + "\n" + sentence + "\n" + text[at:]))
    assert decision.accepted and decision.programme == "YOS-2018", decision.reason


def test_a_publication_date_is_read_from_a_label_never_from_a_sentence():
    # Found by review: without its "Publication date:" label, the Norfolk letter gave the
    # date its reoffending footnote mentions ("... was published April 2016").
    from pipeline.extraction.metadata import extract_metadata
    from .conftest import document_from_text
    text = (CORPUS / REPORTS["norfolk"]).read_text(encoding="utf-8")
    assert "published April 2016" in text
    unlabelled = text.replace("<i>Publication date:</i>\t22 June 2016", "Wednesday 22 June 2016")
    values, _ = extract_metadata(document_from_text(unlabelled), "SQS")
    assert values.get("publication_date") is None  # no label: no publication date, rather than a wrong one
    for label in ("Published: 14 January 2020", "Published on 14 January 2020", "Date of publication: 14 January 2020"):
        values, _ = extract_metadata(document_from_text(f"A report\n{label}\nSome text."), "SQS")
        assert values["publication_date"] == "2020-01-14", label


def test_the_lead_inspectors_title_is_not_part_of_the_name():
    from pipeline.extraction.metadata import extract_metadata
    from .conftest import document_from_text
    for line in ("This inspection was led by Lead Inspector Sue Wilson, supported by a team.",
                 "This inspection was led by HM Inspector Sue Wilson, supported by a team."):
        values, _ = extract_metadata(document_from_text(line), "YOS-2018")
        assert values["lead_inspector"] == "Sue Wilson", line
