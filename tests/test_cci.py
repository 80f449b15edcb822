"""Core Case Inspection extraction (issue 4): Wessex and Leeds 2011, from text, PDF and partial copies."""

import textwrap
from collections import Counter

import pytest

from pipeline.checks import cci as validate_cci
from pipeline.extraction.extractors import cci
from pipeline.extraction.metadata import extract_metadata
from pipeline.process import extract_document, process_file
from pipeline.reading.render import render_text_to_pdf

from .conftest import CORPUS, REPORTS, corpus_document, corpus_result, document_from_text

# code: (label, percent, band, programme lowest, highest, average)
SCORES = {
    "wessex": {
        "safeguarding": ("Safeguarding", 55, "SUBSTANTIAL", 37, 91, 68),
        "risk_of_harm": ("Public Protection - Risk of Harm", 56, "SUBSTANTIAL", 36, 85, 63),
        "likelihood_of_reoffending": ("Public Protection - Likelihood of Reoffending", 64, "MODERATE", 43, 87, 71),
        "1.1": ("Risk of Harm to others (RoH)", None, "MODERATE", None, None, None),
        "1.2": ("Likelihood of Reoffending", 57, "SUBSTANTIAL", None, None, None),
        "1.3": ("Safeguarding", 57, "SUBSTANTIAL", None, None, None),
        "2.1": ("Protecting the public by minimising Risk of Harm to others (RoH)", 56, "SUBSTANTIAL", None, None, None),
        "2.2": ("Reducing the Likelihood of Reoffending", 73, "MODERATE", None, None, None),
        "2.3": ("Safeguarding the child or young person", 62, "MODERATE", None, None, None),
        "3.1": ("Achievement of outcomes", 55, "SUBSTANTIAL", None, None, None),
        "3.2": ("Sustaining outcomes", 67, "MODERATE", None, None, None),
        "section-1": ("Assessment and Sentence Planning", 58, None, None, None, None),
        "section-2": ("Delivery and Review of Interventions", 65, None, None, None, None),
        "section-3": ("Outcomes", 59, None, None, None, None),
    },
    "leeds": {
        "safeguarding": ("Safeguarding", 84, "MINIMUM", 38, 91, 67),
        "risk_of_harm": ("Public Protection - Risk of Harm", 76, "MINIMUM", 36, 85, 62),
        "likelihood_of_reoffending": ("Public Protection - Likelihood of Reoffending", 83, "MINIMUM", 50, 87, 69),
        "1.1": ("Risk of Harm to others (RoH)", 77, "MINIMUM", None, None, None),
        "1.2": ("Likelihood of Reoffending", 81, "MINIMUM", None, None, None),
        "1.3": ("Safeguarding", 81, "MINIMUM", None, None, None),
        "2.1": ("Protecting the public by minimising Risk of Harm to others (RoH)", 78, "MINIMUM", None, None, None),
        "2.2": ("Reducing the Likelihood of Reoffending", 90, "MINIMUM", None, None, None),
        "2.3": ("Safeguarding the child or young person", 90, "MINIMUM", None, None, None),
        "3.1": ("Achievement of outcomes", 69, "MODERATE", None, None, None),
        "3.2": ("Sustaining outcomes", 90, "MINIMUM", None, None, None),
        "section-1": ("Assessment and Sentence Planning", 81, None, None, None, None),
        "section-2": ("Delivery and Review of Interventions", 87, None, None, None, None),
        "section-3": ("Outcomes", 76, None, None, None, None),
    },
}

# The layouts the criterion scores are printed in, as the evidence shows them.
SCORE_EVIDENCE = {
    ("wessex", "1.1"): "Comment: MODERATE improvement required",
    ("wessex", "1.2"): "Score: Comment: 57% SUBSTANTIAL improvement required",
    ("leeds", "1.1"): "Score: 77% Comment: MINIMUM improvement required",
    ("leeds", "2.1"): "Score: Comment: 78 % MINIMUM improvement required",
    ("leeds", "3.1"): "Score: 69% Comment: MODERATE improvement required",
    ("wessex", "section-3"): "OVERALL SCORE for quality of Outcomes work: 59%",
}

# (number, addressee, text prefix, text ending)
RECOMMENDATIONS = {
    "wessex": [
        (1, "YOT Manager", "Asset assessments and plans should be timely", "except where it is relevant"),
        (2, "YOT Manager", "specifically, a timely and good quality assessment of the individual's vulnerability",
         "as appropriate to the specific case"),
        (3, "YOT Manager", "children and young people, and their parents/carers, are actively",
         "the assessment of learning styles"),
        (4, "YOT Manager", "as a consequence of the assessment, the record of the intervention plan",
         "set appropriate goals and be clearly sequenced"),
        (5, "YOT Manager", "vulnerability management plans are completed on time", "person's own vulnerability"),
        (6, "YOT Manager", "for both custodial and community cases, the plan of work",
         "national standards for youth offending services"),
        (7, "YOT Manager", "there is regular and effective oversight by management", "as appropriate to the case"),
        (8, None, "the case record should at all times contain accurate", "interventions delivered by others."),
    ],
    "leeds": [
        (1, "YOS Head of Service", "a timely and good quality assessment and plan, using Asset",
         "clearly sequence the delivery of interventions"),
        (2, "YOS Head of Service", "specifically, a timely and good quality assessment of the individual's vulnerability",
         "as appropriate to the specific case"),
        (3, "YOS Head of Service", "as a consequence of the assessment, a good quality plan is completed",
         "minimise any identified Risk of Harm to others"),
        (4, "YOS Head of Service", "quality assurance by management, especially of screening decisions",
         "clearly recorded on the case record"),
        (5, "YOS Partnership Board", "the performance of the YOIS case management system",
         "support effective case management"),
    ],
}

# criterion: (strengths, areas for improvement)
FINDING_COUNTS = {
    "wessex": {"1.1": (3, 5), "1.2": (5, 8), "1.3": (3, 4), "2.1": (3, 6), "2.2": (3, 3), "2.3": (2, 7),
               "3.1": (2, 4), "3.2": (0, 2)},
    "leeds": {"1.1": (7, 5), "1.2": (14, 8), "1.3": (8, 4), "2.1": (8, 3), "2.2": (11, 1), "2.3": (9, 3),
              "3.1": (6, 2), "3.2": (5, 0)},
}

# (heading, text prefix) of each good-practice case study
GOOD_PRACTICE = {
    "wessex": [
        ("Assessment and Sentence Planning, General Criterion: 1.2", "Cherry was a 14 year old"),
        ("Assessment and Sentence Planning, General Criterion: 1.3", "Abhi was a 17 year old Nepalese boy"),
        ("Delivery and Review of Interventions, General Criterion: 2.1", "John crashed a car"),
        ("Delivery and Review of Interventions, General Criterion: 2.2", "David and Derek were brothers"),
        ("Delivery and Review of Interventions, General Criterion: 3.1", "James was a 17 year old boy"),
        ("Delivery and Review of Interventions, General Criterion: 3.2", "Anna was a 17 year old girl"),
    ],
    "leeds": [
        ("Assessment and Sentence Planning, General Criterion: 1.3c", "Safeguarding a mother and baby Jade"),
        ("Assessment and Sentence Planning, General Criterion: 1.2h", "Looked After Child wrote own plan"),
        ("Delivery and Review of Interventions, General Criterion: 2.2a", "Understanding the impact on others"),
        ("Delivery and Review of Interventions, General Criterion: 2.2a", "Use of reparation to support"),
        ("Outcomes, General Criterion: 2.3f & 3.1a", "Improved Family Relationships"),
    ],
}

SAMPLES = {
    "wessex": {"children_questionnaires": 55, "victim_questionnaires": 25},
    "leeds": {"children_questionnaires": 154, "victim_questionnaires": 22},
}
SAMPLE_EVIDENCE = {"wessex": "Fifty-five children and young people completed a questionnaire",
                   "leeds": "One hundred and fifty-four children and young people completed a questionnaire"}

# (measure, value, unit, comparator_label, comparator_value, note)
EW = "England/Wales"
SAME = "England/Wales figure not printed: the report says it was the same as the area's"
CONTEXT = {
    "wessex": [
        ("population", 1240103, "people", None, None, "Hampshire; Census 2001"),
        ("population", 217445, "people", None, None, "Southampton; Census 2001"),
        ("population", 186701, "people", None, None, "Portsmouth; Census 2001"),
        ("aged_10_17_share", 10.4, "%", EW, 10.4, "Hampshire"),
        ("aged_10_17_share", 9.1, "%", EW, 10.4, "Southampton"),
        ("aged_10_17_share", 10.0, "%", EW, 10.4, "Portsmouth"),
        ("white_british_share", 95, "%", None, None, "Hampshire"),
        ("white_british_share", 87, "%", None, None, "Southampton"),
        ("white_british_share", 89, "%", None, None, "Portsmouth"),
        ("bme_share", 5, "%", EW, 12, "Hampshire"),
        ("bme_share", 13, "%", EW, 12, "Southampton"),
        ("bme_share", 11, "%", EW, 12, "Portsmouth"),
        ("reported_offences_rate", 47, "per 1,000", EW, 38,
         "2009/2010; These reported offences figures were for Wessex and the Isle of Wight before their "
         "separation into distinct YOTs; figures for Wessex alone, are not available"),
    ],
    "leeds": [
        ("population", 715402, "people", None, None, "Census 2001"),
        ("aged_10_17_share", 10.4, "%", EW, 10.4, SAME),
        ("white_british_share", 91.8, "%", None, None, None),
        ("bme_share", 8.2, "%", EW, 8.7, None),
        ("reported_offences_rate", 56, "per 1,000", EW, 46, "2008/ 2009"),
    ],
}

REPORT_FIELDS = {
    "wessex": {"id": "2011-cci-wessex", "area": "Wessex", "year": 2011, "publication_date": "2011-08",
               "fieldwork_start": "2011-05", "lead_inspector": "Tony Rolley", "isbn": "978-1-84099-435-3"},
    "leeds": {"id": "2011-cci-leeds", "area": "Leeds", "year": 2011, "publication_date": "2011-01",
              "fieldwork_start": "2010-09", "lead_inspector": "Ian Menary", "isbn": "978-1-84099-373-8"},
}

BOTH = ["wessex", "leeds"]


def rows(name, table):
    return corpus_result(name)[table]


def checks(name, rule):
    return [v for v in rows(name, "validations") if v["rule"] == rule]


def comparable(result):
    """What must not depend on the source's layout: values, not provenance."""
    keys = {"scores": ["code", "label", "percent", "band", "programme_lowest", "programme_highest", "programme_average"],
            "recommendations": ["number", "text", "addressee"],
            "findings": ["section", "heading", "polarity", "text", "quantity_text"],
            "samples": ["kind", "n"],
            "context_facts": ["measure", "value", "unit", "comparator_value", "note"]}
    return {table: [tuple(row[k] for k in columns) for row in result[table]] for table, columns in keys.items()}


# ---------------------------------------------------------------- scores

@pytest.mark.parametrize("name", BOTH)
def test_every_score_with_band_and_programme_comparison(name):
    found = {r["code"]: (r["label"], r["percent"], r["band"], r["programme_lowest"], r["programme_highest"],
                         r["programme_average"]) for r in rows(name, "scores")}
    assert found == SCORES[name]
    assert len(rows(name, "scores")) == 14


@pytest.mark.parametrize("name", BOTH)
def test_score_evidence_is_the_printed_text(name):
    text = " ".join(corpus_document(name).text.split())
    for row in rows(name, "scores"):
        assert row["evidence"] in text and row["line"]
        if row["percent"] is not None:
            assert f"{row['percent']:g}" in row["evidence"]
    for (report, code), evidence in SCORE_EVIDENCE.items():
        if report == name:
            assert next(r for r in rows(name, "scores") if r["code"] == code)["evidence"] == evidence


def test_wessex_foreword_table_noise_is_never_read_as_numbers():
    values = {v for r in rows("wessex", "scores") for v in (r["percent"], r["programme_lowest"],
                                                              r["programme_highest"], r["programme_average"])}
    assert not values & {3770, 7170, 70, 3376, 37.70, 33.76}
    [noise] = checks("wessex", "foreword_table_row_is_percentages")
    assert noise["passed"] == 0 and noise["found"] == "3770 7170 0070 3376"
    assert "(action to protect the young person)" in noise["evidence"] and "line 30" in noise["evidence"]
    assert checks("leeds", "foreword_table_row_is_percentages") == []


@pytest.mark.parametrize("name", BOTH)
def test_headline_scores_cross_checked_in_all_three_places(name):
    found = {c["expected"].split(":")[0]: c for c in checks(name, "headline_score_printed_consistently")}
    assert set(found) == {"safeguarding", "risk_of_harm", "likelihood_of_reoffending"}
    for code, check in found.items():
        p = SCORES[name][code][1]
        assert check["passed"] == 1
        assert check["found"] == f"foreword sentence {p}%; foreword table {p}%; scoring summary {p}%"
    ranges = checks(name, "programme_comparison_in_range")
    assert len(ranges) == 3 and all(c["passed"] for c in ranges)


def test_headline_cross_check_fails_when_the_copies_disagree():
    text = (CORPUS / REPORTS["leeds"]).read_text().replace("84%\tMINIMUM", "48%\tMINIMUM")
    _, result = extract_document(document_from_text(text))
    check = next(c for c in result["validations"] if c["rule"] == "headline_score_printed_consistently")
    assert check["passed"] == 0 and "scoring summary 48%" in check["found"]


# ---------------------------------------------------------------- bands

BAND_RANGES = {"wessex": "MODERATE 62%-73% (4 scores); SUBSTANTIAL 55%-57% (6 scores)",
               "leeds": "MINIMUM 76%-90% (10 scores); MODERATE 69% (1 score)"}


@pytest.mark.parametrize("name", BOTH)
def test_band_ranges_derived_from_the_data(name):
    [summary] = checks(name, "band_ranges_derived")
    assert summary["found"] == BAND_RANGES[name] and summary["passed"] == 1
    agreements = checks(name, "band_agrees_with_score")
    banded = [r for r in rows(name, "scores") if r["band"] and r["percent"] is not None]
    assert len(agreements) == len(banded) == {"wessex": 10, "leeds": 11}[name]
    assert all(a["passed"] for a in agreements)


def test_band_ranges_across_both_reports():
    out = validate_cci.corpus_band_validations({name: corpus_result(name) for name in BOTH})
    summary = out["wessex"][0]
    assert summary == out["leeds"][0] and summary["passed"] == 1
    assert summary["found"] == "MINIMUM 76%-90% (10 scores); MODERATE 62%-73% (5 scores); SUBSTANTIAL 55%-57% (6 scores)"
    assert "the SUBSTANTIAL/MODERATE threshold lies above 57% and at or below 62%" in summary["evidence"]
    assert "the MODERATE/MINIMUM threshold lies above 73% and at or below 76%" in summary["evidence"]
    assert len(out["wessex"]) == 11 and len(out["leeds"]) == 12
    assert all(row["passed"] for rows_ in out.values() for row in rows_)


def test_band_check_catches_a_band_out_of_order():
    scored = [{"code": "1.1", "percent": 80.0, "band": "MODERATE"}, {"code": "1.2", "percent": 76.0, "band": "MINIMUM"},
              {"code": "1.3", "percent": 90.0, "band": "MINIMUM"}, {"code": "2.1", "percent": 55.0, "band": "SUBSTANTIAL"}]
    summary, *per_score = validate_cci.band_validations(scored)
    assert summary["passed"] == 0 and "MINIMUM 76% <= MODERATE 80%" in summary["evidence"]
    assert [r["passed"] for r in per_score] == [0, 0, 1, 1]


def test_section_score_within_its_criteria():
    assert [(c["found"], c["passed"]) for c in checks("leeds", "section_score_within_criteria")] == \
        [("81%", 1), ("87%", 1), ("76%", 1)]
    # Wessex 1.1 prints no percentage, so section 1 cannot be checked
    assert [c["expected"][:9] for c in checks("wessex", "section_score_within_criteria")] == ["section-2", "section-3"]


# ---------------------------------------------------------------- recommendations

@pytest.mark.parametrize("name", BOTH)
def test_recommendations_with_addressee(name):
    found = rows(name, "recommendations")
    assert [(r["number"], r["addressee"]) for r in found] == [(n, a) for n, a, _, _ in RECOMMENDATIONS[name]]
    for row, (number, _, prefix, ending) in zip(found, RECOMMENDATIONS[name]):
        assert row["text"].startswith(prefix) and row["text"].endswith(ending), row["text"]
        assert row["evidence"].startswith(f"({number}) ") and "Furthermore" not in row["evidence"]


# ---------------------------------------------------------------- findings

@pytest.mark.parametrize("name", BOTH)
def test_strengths_and_areas_for_improvement_per_criterion(name):
    criteria = [f for f in rows(name, "findings") if f["section"] != "Sharing good practice"]
    counts = Counter((f["section"], f["polarity"]) for f in criteria)
    assert {code: (counts[(code, "strength")], counts[(code, "improvement")]) for code in FINDING_COUNTS[name]} \
        == FINDING_COUNTS[name]
    assert len(criteria) == sum(s + i for s, i in FINDING_COUNTS[name].values())
    labels = {code: label for code, (label, *_) in SCORES[name].items()}
    for f in criteria:
        assert f["heading"] == labels[f["section"]]
        assert not f["text"].startswith(("(", "-")) and "Areas for improvement" not in f["text"]
    [check] = checks(name, "finding_lists_numbered_in_sequence")
    assert check["passed"] == 1


def finding_text(name, section, polarity, number):
    return [f for f in rows(name, "findings") if f["section"] == section and f["polarity"] == polarity][number - 1]


def test_items_split_across_page_breaks_are_joined():
    assert "only incorporated in the VMP in 39%, delivered in 55%" in finding_text("wessex", "2.3", "improvement", 5)["text"]
    assert "following significant change in 34%. In only half" in finding_text("wessex", "2.1", "improvement", 5)["text"]
    leeds = finding_text("leeds", "1.1", "improvement", 1)["text"]
    assert leeds.startswith("Just over one-quarter") and leeds.endswith("was unaware of this information.")
    assert "and the assessment had not drawn adequately" in leeds
    assert finding_text("leeds", "2.2", "strength", 4)["text"].endswith("gym or other sporting facilities.")
    assert finding_text("leeds", "2.3", "strength", 9)["text"].startswith("Overall staff supported")


def test_lists_without_headings_are_placed_by_their_numbering():
    # Wessex 2.1 prints no "Areas for improvement" heading: the list restarting at (1) is it
    assert finding_text("wessex", "2.1", "strength", 3)["text"].endswith("throughout the sentence")
    assert finding_text("wessex", "2.1", "improvement", 1)["text"].startswith("RoH was not reviewed thoroughly")
    # Leeds 3.2 prints no heading at all and only strengths
    assert finding_text("leeds", "3.2", "strength", 1)["text"].startswith("Full attention had been given")


def test_findings_carry_their_quantities():
    referrals = finding_text("wessex", "2.3", "strength", 1)["quantities"]
    assert any((q["count"], q["denominator"]) == (11, 12) for q in referrals)
    screening = finding_text("wessex", "1.1", "strength", 1)
    assert (screening["quantity_text"], screening["proportion_low"]) == ("90%", 0.9)


def test_word_quantities_in_findings():
    for (section, polarity, number), words in {("2.2", "strength", 2): "all but three",
                                               ("2.1", "strength", 2): "three-quarters"}.items():
        quantities = finding_text("wessex", section, polarity, number)["quantities"]
        assert any(words in q["quantity_text"] for q in quantities), quantities


def test_numbered_items_read_out_of_sequence_markers_as_text():
    text = "(1) first item\n(2) second item that cites\n(14) as a source\n(1) next list\n(3) not a marker\n"
    items, skipped = cci.numbered_items(text, 0, len(text))
    assert [(i.number, i.list_index, text[i.start:i.end].strip()) for i in items] == [
        (1, 0, "first item"), (2, 0, "second item that cites\n(14) as a source"), (1, 1, "next list\n(3) not a marker")]
    assert skipped == [14, 3]


@pytest.mark.parametrize("name", BOTH)
def test_good_practice_case_studies(name):
    found = [f for f in rows(name, "findings") if f["section"] == "Sharing good practice"]
    assert [(f["heading"], f["polarity"]) for f in found] == [(h, "strength") for h, _ in GOOD_PRACTICE[name]]
    for row, (_, prefix) in zip(found, GOOD_PRACTICE[name]):
        assert row["text"].startswith(prefix) and "General Criterion" not in row["text"]


def test_good_practice_text_joined_around_its_criterion_reference():
    case = [f for f in rows("wessex", "findings") if f["heading"].endswith("General Criterion: 2.2")][0]
    assert "created a formalised loan agreement for the pair" in case["text"]
    assert case["text"].endswith("in all work done with the family.")


# ---------------------------------------------------------------- samples, context, report

@pytest.mark.parametrize("name", BOTH)
def test_questionnaire_samples(name):
    found = rows(name, "samples")
    assert {r["kind"]: r["n"] for r in found} == SAMPLES[name]
    assert found[0]["evidence"] == SAMPLE_EVIDENCE[name]


@pytest.mark.parametrize("name", BOTH)
def test_context_facts(name):
    found = [(r["measure"], r["value"], r["unit"], r["comparator_label"], r["comparator_value"], r["note"])
             for r in rows(name, "context_facts")]
    assert found == CONTEXT[name]
    assert all(r["evidence"] and r["line"] for r in rows(name, "context_facts"))


@pytest.mark.parametrize("name", BOTH)
def test_report_fields_and_validations(name):
    report = corpus_result(name)["report"]
    assert {k: report[k] for k in REPORT_FIELDS[name]} == REPORT_FIELDS[name]
    [cover] = checks(name, "cover_year_matches_publication_date")
    assert cover["passed"] == 1 and cover["found"] == "2011"
    failed = {v["rule"] for v in rows(name, "validations") if not v["passed"]}
    assert failed == ({"foreword_table_row_is_percentages"} if name == "wessex" else set())
    assert checks(name, "general_criteria_complete")[0]["passed"] == 1


# ---------------------------------------------------------------- partial copies

def opening_pages(name, upto):
    text = (CORPUS / REPORTS[name]).read_text()
    return document_from_text(text[:text.index(upto)])


HEADLINE = {"wessex": (55, 56, 64), "leeds": (84, 76, 83)}


@pytest.mark.parametrize("name", BOTH)
def test_partial_copy_yields_area_year_isbn_and_headline_scores(name):
    doc = opening_pages(name, "Acknowledgements")  # title, ISBN, foreword (with its table)
    metadata, _ = extract_metadata(doc, "CCI")
    result = cci.extract(doc, {"programme": "CCI", "metadata": metadata})
    assert (metadata["area"], metadata["isbn"]) == (REPORT_FIELDS[name]["area"], REPORT_FIELDS[name]["isbn"])
    assert metadata["publication_date"][:4] == "2011"
    assert tuple(r["percent"] for r in result["scores"]) == HEADLINE[name]
    assert [r["code"] for r in result["scores"]] == ["safeguarding", "risk_of_harm", "likelihood_of_reoffending"]
    assert not any(r["band"] for r in result["scores"])
    assert next(v for v in result["validations"] if v["rule"] == "general_criteria_complete")["passed"] == 0


def test_partial_copy_without_the_dated_signature_takes_the_cover_year():
    doc = opening_pages("wessex", "Liz Calderbank")  # foreword sentence only
    metadata, _ = extract_metadata(doc, "CCI")
    assert "publication_date" not in metadata
    result = cci.extract(doc, {"programme": "CCI", "metadata": metadata})
    assert result["report"] == {"year": 2011, "publication_date": "2011"}
    assert [(r["code"], r["percent"], r["evidence"]) for r in result["scores"]] == [
        ("safeguarding", 55, "Safeguarding aspects of the work were done well enough 55%"),
        ("risk_of_harm", 56, "Risk of Harm to others was done well enough 56%"),
        ("likelihood_of_reoffending", 64, "less likely to reoffend was done well enough 64%")]


def test_partial_copy_through_the_whole_pipeline():
    decision, result = extract_document(opening_pages("leeds", "Acknowledgements"))
    assert decision.accepted, decision.reason
    assert result["report"]["id"] == "2011-cci-leeds"
    assert [r["percent"] for r in result["scores"]] == [84, 76, 83]


# ---------------------------------------------------------------- layout independence

@pytest.mark.parametrize("name", BOTH)
def test_pdf_rendering_gives_the_same_values(name, tmp_path):
    pdf = render_text_to_pdf((CORPUS / REPORTS[name]).read_text(), tmp_path / f"{name}.pdf")
    outcome = process_file(pdf)
    assert outcome.status == "ok" and outcome.programme == "CCI"
    assert comparable(outcome.result) == comparable(corpus_result(name))
    assert all(r["page"] for r in outcome.result["scores"] + outcome.result["recommendations"])


@pytest.mark.parametrize("name", BOTH)
def test_rewrapped_text_without_blank_lines_gives_the_same_values(name):
    text = (CORPUS / REPORTS[name]).read_text()
    wrapped = "\n".join(part for line in text.split("\n")
                        for part in textwrap.wrap(line.replace("\t", " "), 45, break_on_hyphens=False))
    _, result = extract_document(document_from_text(wrapped))
    assert comparable(result) == comparable(corpus_result(name))


def test_corpus_checks_load_without_the_nlp_stack():
    """A build served wholly from the cache runs the corpus-wide band check; it must not
    pay for importing spaCy to do so."""
    import subprocess
    import sys

    code = ("import sys; from pipeline.extraction.extractors import corpus_checks; checks = corpus_checks(); "
            "print(sorted(checks), 'spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['CCI'] False"


def test_a_section_score_over_100_percent_does_not_lose_the_report():
    text = textwrap.dedent("""\
        1.1 Assessment:
        General Criterion:
        Score:\tComment:
        50%\tMODERATE improvement required
        1.2 Planning:
        General Criterion:
        Score:\tComment:
        60%\tMODERATE improvement required
        OVERALL SCORE for quality of Assessment and Sentence Planning work: 580%
        """)
    extracted = cci.extract(document_from_text(text), {"programme": "CCI", "metadata": {}})
    section = next(r for r in extracted["scores"] if r["code"] == "section-1")
    assert section["percent"] is None and "580%" in section["evidence"]
    assert [v["found"] for v in extracted["validations"] if v["rule"] == "score_is_a_percentage"] == ["580%"]


def test_a_context_share_printed_over_100_percent_is_not_stored():
    # Found by the property tests: text spliced from the Leeds appendix.
    leeds = corpus_document("leeds").text
    start = leeds.index("The population with a black")
    end = leeds.index("\n", start)
    doctored = leeds[:start] + ("The population with a black and minority ethnic heritage (0.0%) was below "
                                "the average for England/Wales of 100.1%.") + leeds[end:]
    facts = [r for r in cci.context_facts(document_from_text(doctored)) if r["measure"] == "bme_share"]
    assert [(r["value"], r["comparator_value"]) for r in facts] == [(0.0, None)]
    assert "(100.1%) is not a percentage" in facts[0]["note"]
