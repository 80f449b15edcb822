"""SQS letters (Wandsworth 2013, Norfolk 2016) and what FJI reports share with them."""

from __future__ import annotations

import textwrap

import pytest

from pipeline.extraction.extractors.sqs import polarity_of
from pipeline.process import extract_document, process_file
from pipeline.reading.render import render_text_to_pdf
from tests.conftest import CORPUS, REPORTS, corpus_document, corpus_result, document_from_text

METADATA = {
    "wandsworth": {
        "id": "2013-sqs-wandsworth", "programme": "SQS", "area": "Wandsworth", "year": 2013,
        "title": "Report of Short Quality Screening (SQS) of youth offending work in Wandsworth",
        "publication_date": "2013-06-12", "fieldwork_start": "2013-05-13", "fieldwork_end": "2013-05-15",
        "lead_inspector": "Ian Menary", "previous_inspection_year": 2011, "isbn": None, "overall_rating": None,
    },
    "norfolk": {
        "id": "2016-sqs-norfolk", "programme": "SQS", "area": "Norfolk", "year": 2016,
        "title": "Report of Short Quality Screening (SQS) of youth offending work in Norfolk",
        "publication_date": "2016-06-22", "fieldwork_start": "2016-05-23", "fieldwork_end": "2016-05-25",
        "lead_inspector": "Ian Menary", "previous_inspection_year": None, "isbn": None, "overall_rating": None,
    },
}

SAMPLES = {"wandsworth": (20, "sample of 20 recent cases"), "norfolk": (32, "We examined 32 cases")}

KEY_STRENGTHS = {
    "wandsworth": [
        "The substantial improvement in some aspects of practice since the previous inspection.",
        "A robust approach now being taken to management oversight that was recorded well and led to management "
        "involvement in a high proportion of cases, albeit with the need for further improvement.",
        "A staff group who understood the expectations on them, were committed to their work and wished to improve "
        "their practice.",
        "PSRs that provided the court with valuable information to inform sentencing decisions.",
        "Consideration of diversity factors was central to how the YOT operated.",
    ],
    "norfolk": [
        "Staff understood the children and young people with whom they worked.",
        "Work to understand and respond to diversity factors was very strong.",
        "There was a creative approach to delivering interventions.",
        "Work to support compliance with the requirements of the sentence was done well.",
        "There was good joint work with police officers to support compliance.",
        "Reports to courts and youth offender panels were of good quality.",
    ],
}

RECOMMENDATIONS = {
    "wandsworth": [
        "More consideration should be given to the needs and safety of victims in assessment and planning.",
        "Assessment of vulnerability needs to pull together all relevant aspects of vulnerability into a good quality "
        "assessment that then leads to appropriate plans to address those needs in relevant cases.",
        "Plans for the delivery of interventions, protection of the public and reduction in vulnerability need to be "
        "clear and precise, written in language that is outcome-focused and fully understandable by those who access "
        "them. In addition, plans that should be owned by children and young people must be written in language that "
        "is meaningful to them.",
        "Management oversight should be effective across all aspects of work; specifically it should ensure that "
        "required actions are addressed in a timely manner.",
        "Case managers should review assessments and plans as required following significant changes in circumstances.",
    ],
    "norfolk": [
        "Managers should make sure that assessments and plans are good enough before they are countersigned.",
        "Plans to manage risk of harm to others and to address safety and well-being concerns should be precise, and "
        "developed in all cases where they are required. They should clearly identify those actions to be taken in "
        "custody and those in the community.",
        "There should be a timely plan of work recorded in each case that is meaningful to the child or young person "
        "and is sequenced according to the priorities in the case.",
        "Assessments and plans should be reviewed following significant changes.",
    ],
}

HEADINGS = {
    "wandsworth": {"1": "Reducing the likelihood of reoffending", "2": "Protecting the public",
                   "3": "Protecting the child or young person", "4": "Ensuring that the sentence is served"},
    "norfolk": {"1": "Reducing reoffending", "2": "Protecting the public",
                "3": "Protecting the child or young person", "4": "Making sure the sentence is served"},
}
PARAGRAPHS = {
    "wandsworth": "1.1 1.2 1.3 1.4 2.1 2.2 2.3 2.4 2.5 3.1 3.2 3.3 3.4 4.1 4.2 4.3 4.4".split(),
    "norfolk": "1.1 1.2 1.3 1.4 2.1 2.2 2.3 2.4 3.1 3.2 3.3 3.4 4.1 4.2 4.3 4.4 4.5".split(),
}

# (section, quantity as printed) → (interval as in models/quantifiers.yml, count, denominator).
# None: printed, but not a quantity of the cases inspected, so not read as one.
QUANTITIES = {
    "wandsworth": {
        ("1.1", "three-quarters"): ("[0.75, 0.75]", 15, 20),  # PSRs in three-quarters of the 20 cases
        ("1.1", "All except three"): ("[0.8, 0.8]", 12, 15),  # … all except three of those 15 PSRs
        ("1.1", "one case"): None,  # "In one case we found a comment from a Crown Court judge": an anecdote
        ("1.2", "two-thirds"): ("[0.666667, 0.666667]", None, None),  # of the reviews that were necessary
        ("1.3", "half"): ("[0.5, 0.5]", 10, 20),
        # of 20, only 14 is almost three-quarters: 13 (0.65) would be "almost two-thirds"
        ("2.1", "almost three-quarters"): ("(0.666667, 0.75)", 14, 20),
        ("2.2", "every"): None,  # "every case ... required specific planning": case mix, not a finding
        ("2.2", "just over half"): ("(0.5, 0.6]", None, None),
        ("2.3", "almost half"): ("[0.4, 0.5)", None, None),
        ("2.5", "almost two-thirds"): ("[0.566667, 0.666667)", None, None),
        ("3.1", "Just over half"): ("(0.5, 0.6]", None, None),
        ("3.2", "half"): ("[0.5, 0.5]", None, None),  # of the cases where this was required
        ("3.3", "just over two-thirds"): ("(0.666667, 0.75)", None, None),  # short of three-quarters
        ("3.3", "just over half"): ("(0.5, 0.6]", None, None),
        ("3.4", "half"): ("[0.5, 0.5]", None, None),  # of the relevant cases
        ("4.3", "Most"): ("(0.5, 0.9]", None, None),
        ("4.4", "three-quarters"): ("[0.75, 0.75]", 15, 20),
        # of the cases that did not comply fully: at least 3, at most 20
        ("4.4", "in all except two cases"): ("[0.333333, 0.9]", None, None),
        ("Key strengths", "a high proportion"): ("[0.6, 0.9]", None, None),
    },
    "norfolk": {
        ("1.1", "in most cases"): ("(0.5, 0.9]", None, None),
        ("1.1", "a few"): ("(0, 0.2]", None, None),
        ("1.2", "with one exception"): ("[0.5, 0.96875]", None, None),  # of the PSRs, some of the 32 cases
        ("1.4", "usually"): ("(0.5, 0.9]", None, None),
        ("2.1", "Three-quarters"): ("[0.75, 0.75]", 24, 32),
        ("2.1", "not always"): ("[0.5, 1)", None, None),
        ("2.1", "one case"): None,  # "For example, in one case ...": an anecdote
        ("2.3", "five cases"): None,  # "five cases that were eligible for MAPPA": case mix
        ("4.4", "in most cases"): ("(0.5, 0.9]", None, None),
        ("2.4", "in most cases"): ("(0.5, 0.9]", None, None),
        ("3.1", "in all except one PSR"): ("[0.5, 0.96875]", None, None),
        ("3.2", "Over three-quarters"): ("(0.75, 0.9)", None, None),  # short of "almost all"
        ("3.3", "in all except one relevant case"): ("[0.5, 0.96875]", None, None),
        ("4.1", "a few"): ("(0, 0.2]", None, None),
        ("4.5", "13 cases"): None,  # "There were 13 cases where ...": the set the next sentence counts
        ("4.5", "in all except one of those cases"): ("[0.923077, 0.923077]", 12, 13),  # ... 12 of those 13
    },
}

LETTERS = ["wandsworth", "norfolk"]


def notation(q: dict) -> str:
    return (f"{'(' if q['low_open'] else '['}{q['proportion_low']:g}, {q['proportion_high']:g}"
            f"{')' if q['high_open'] else ']'}")


def letter_text(name: str) -> str:
    return (CORPUS / REPORTS[name]).read_text(encoding="utf-8")


def essentials(result: dict) -> dict:
    """What a letter yields, whatever its layout: everything but page, line and evidence."""
    def strip(rows):
        return [{k: v for k, v in row.items() if k not in ("page", "line", "evidence", "quantities")} for row in rows]
    return {
        "report": {key: result["report"][key] for key in METADATA["norfolk"]},
        "samples": strip(result["samples"]),
        "context_facts": strip(result["context_facts"]),
        "recommendations": strip(result["recommendations"]),
        "findings": strip(result["findings"]),
        "validations": sorted((v["rule"], v["passed"]) for v in result["validations"]),
    }


# --- the two letters -------------------------------------------------------------------

@pytest.mark.parametrize("name", LETTERS)
def test_metadata(name):
    report = corpus_result(name)["report"]
    assert {key: report[key] for key in METADATA[name]} == METADATA[name]


@pytest.mark.parametrize("name", LETTERS)
def test_sample(name):
    (sample,) = corpus_result(name)["samples"]
    assert (sample["kind"], sample["n"], sample["evidence"]) == ("cases", *SAMPLES[name])


def test_reoffending_rate_and_its_comparator():
    (fact,) = corpus_result("norfolk")["context_facts"]
    assert {k: fact[k] for k in ("measure", "value", "unit", "comparator_label", "comparator_value")} == {
        "measure": "reoffending_rate", "value": 36.2, "unit": "%",
        "comparator_label": "England and Wales", "comparator_value": 37.8}
    assert fact["note"] == ("July 2013 - June 2014 cohort; binary reoffending rates after 12 months; "
                            "published April 2016; Source: Ministry of Justice")
    assert fact["evidence"].startswith("reoffending rate[^1] for Norfolk was 36.2%")
    assert fact["evidence"].endswith("better than the England and Wales average of 37.8%")
    checks = {v["rule"]: v["passed"] for v in corpus_result("norfolk")["validations"]}
    assert checks["reoffending_rate_comparison"] == 1
    assert corpus_result("wandsworth")["context_facts"] == []  # the 2013 letter prints no rate


@pytest.mark.parametrize("name", LETTERS)
def test_key_strengths(name):
    rows = [f for f in corpus_result(name)["findings"] if f["section"] == "Key strengths"]
    assert [f["text"] for f in rows] == KEY_STRENGTHS[name]
    assert {(f["polarity"], f["heading"]) for f in rows} == {("strength", "Key strengths")}


@pytest.mark.parametrize("name", LETTERS)
def test_recommendations(name):
    rows = corpus_result(name)["recommendations"]
    assert [r["text"] for r in rows] == RECOMMENDATIONS[name]
    assert [r["number"] for r in rows] == list(range(1, len(RECOMMENDATIONS[name]) + 1))
    assert {r["addressee"] for r in rows} == {None}


@pytest.mark.parametrize("name", LETTERS)
def test_normalised_quantities(name):
    found = {(f["section"], q["quantity_text"]): (notation(q), q["count"], q["denominator"])
             for f in corpus_result(name)["findings"] for q in f["quantities"]}
    expected = QUANTITIES[name]
    assert len(expected) >= 10
    assert {key: found.get(key) for key in expected} == expected


@pytest.mark.parametrize("name", LETTERS)
def test_one_finding_per_sentence_of_each_numbered_paragraph(name):
    findings = [f for f in corpus_result(name)["findings"] if f["section"] != "Key strengths"]
    assert list(dict.fromkeys(f["section"] for f in findings)) == PARAGRAPHS[name]
    assert {f["section"]: f["heading"] for f in findings} == {
        code: HEADINGS[name][code.split(".")[0]] for code in PARAGRAPHS[name]}
    checks = {v["rule"]: v["passed"] for v in corpus_result(name)["validations"]}
    assert checks["sqs_paragraph_sequence"] == 1


def test_sentences_and_first_quantities():
    wandsworth = [f for f in corpus_result("wandsworth")["findings"] if f["section"] == "2.1"]
    assert wandsworth[0]["text"] == ("The initial assessment of risk of harm to others was sufficient in almost "
                                     "three-quarters of cases.")
    assert (wandsworth[0]["quantity_text"], wandsworth[0]["proportion_low"], wandsworth[0]["proportion_high"]) == (
        "almost three-quarters", 0.666667, 0.75)
    assert len(wandsworth) == 7
    norfolk = [f for f in corpus_result("norfolk")["findings"] if f["section"] == "4.5"]
    assert [f["text"][:30] for f in norfolk] == [
        "There were 13 cases where the ", "The YOT's response to this was",
        "Good use was made of panels to", "Similarly, where the YOT becam",
        "In one positive example a Poli", "This was an effective way of p"]
    assert "Lee's initial youth offender panel" in norfolk[4]["text"]  # the footnote marker is not text
    assert "Lee's[^2] initial" in norfolk[4]["evidence"]  # … but it is in the evidence, as printed


def test_paragraphs_broken_by_a_footnote_or_page_break_are_joined():
    norfolk = [f for f in corpus_result("norfolk")["findings"] if f["section"] == "1.1"]
    assert [f["text"] for f in norfolk] == [
        "Sufficient efforts had been made in most cases to understand why the child or young person offended and "
        "what might have helped to reduce their offending.",
        "There were, however, a few cases where a timely initial assessment had not been completed and others where "
        "the quality of evidence needed to be improved.",
    ]
    assert norfolk[1]["evidence"] == norfolk[1]["text"]  # the footnote between the halves is left out
    wandsworth = {f["section"]: f for f in corpus_result("wandsworth")["findings"]
                  if f["text"].startswith(("The biggest area for improvement", "With both aspects"))}
    assert wandsworth["2.2"]["text"] == ("The biggest area for improvement was the need to give more consistent and "
                                         "explicit consideration in plans to the safety of known victims.")
    assert wandsworth["3.3"]["text"] == ("With both aspects the main area for improvement was recognising the need for "
                                         "a timely review following a significant change, such as a move to a "
                                         "different location.")


@pytest.mark.parametrize("name", LETTERS)
def test_every_row_points_back_to_its_line(name):
    doc, result = corpus_document(name), corpus_result(name)
    rows = result["findings"] + result["recommendations"] + result["samples"] + result["context_facts"]
    for row in rows:
        line = doc.lines[row["line"] - 1].text
        # A sentence may run on to later lines: its start is on the line the row names.
        assert row["evidence"][:12].rstrip() in " ".join(line.split()), (row["evidence"], line)


@pytest.mark.parametrize("sentence, polarity", [
    ("The planning was sufficient in just over half these cases which, whilst still not good enough, was a "
     "significant improvement since our inspection in 2011.", "improvement"),
    ("Pre-sentence reports (PSRs) were, with one exception, of good quality.", "strength"),
    ("Three-quarters of assessments of the risk of harm to others met the needs of the case.", "strength"),
    ("Management oversight of risk of harm work needed further improvement.", "improvement"),
    ("Reviews were not always undertaken as required.", "improvement"),
    ("In one case we found a comment from a Crown Court judge.", None),
    # the grammar of the judgement, not its words: "good enough" in a clause that falls short
    ("Sometimes, however, it focused on countersigning the completion of assessments and plans, rather than on "
     "making sure they were of good enough quality before they were accepted.", "improvement"),  # Norfolk 2.4
    ("There was little evidence of children and young people having signed their plans.", "improvement"),
    ("In a few cases a PSR would have been valuable but had not been requested by the sentencing court.",
     "improvement"),
    ("Most plans were not written in language that was meaningful to children and young people.", "improvement"),
    ("However, this was not consistent.", "improvement"),
    ("In most cases there were no delays.", "strength"),
    ("In no case was the assessment late.", "strength"),
    ("Sufficient efforts had been made in most cases to understand why the child or young person offended and what "
     "might have helped to reduce their offending.", "strength"),
    # a share of cases meeting the standard that the letters write up as needing improvement
    ("Planning for work to reduce likelihood of reoffending was good enough in half of the cases.", "improvement"),
    ("Just over half of the assessments of vulnerability met the needs of the case.", "improvement"),
    ("Management oversight was sufficient and effective in almost two-thirds of cases.", "improvement"),
    ("Planning promoted safety and wellbeing well enough in only two-thirds of cases.", "improvement"),
    ("The initial assessment of risk of harm to others was sufficient in almost three-quarters of cases.",
     "strength"),
    ("However, we rarely found these plans clearly written within the case record.", "improvement"),
    ("In some assessments we found good use of intelligence to inform the assessment.", "strength"),
    ("In 4 out of 22 cases we felt the classification of risk of harm to others was too low.", "improvement"),
    # no judgement
    ("Unusually, every case that we inspected in Wandsworth required specific planning.", None),
    ("This applied to both assessments and plans.", None),
    ("Staff were enthusiastic and committed.", None),
    # sentences of the same kind, written afresh
    ("Assessments of the likelihood of reoffending were of a high standard in most cases.", "strength"),
    ("The quality of risk management plans was poor.", "improvement"),
    ("Case managers did not always recognise the need to review assessments.", "improvement"),
    ("There was no evidence of management oversight in a third of cases.", "improvement"),
    ("Management oversight was evident in all cases.", "strength"),
    ("Plans were not sufficiently outcome-focused.", "improvement"),
    ("Victims' safety was given insufficient attention in almost half of cases.", "improvement"),
    ("Assessment of vulnerability was sufficient in less than half of cases.", "improvement"),
    ("Work to protect the public was unsatisfactory.", "improvement"),
    ("Initial assessments were largely done well.", "strength"),
    ("There was a lack of substance misuse provision.", "improvement"),
    ("Reports to court were of good quality in almost all cases.", "strength"),
    ("Plans were timely in only half of the cases.", "improvement"),
    ("Case managers had not taken account of the victims' needs in a quarter of cases.", "improvement"),
    ("The initial assessment was completed late in four cases.", "improvement"),
    ("No cases were found where the plan was late.", "strength"),
    # Found by review: a shortfall said to be rare is a strength; "should" in a clause that
    # describes is no request; "a few" affirms a shortfall.
    ("Few cases lacked a plan.", "strength"),
    ("Assessments were rarely late.", "strength"),
    ("There was rarely any delay in completing assessments.", "strength"),
    ("Case managers knew what should be done and did it well in most cases.", "strength"),
    ("There were a few cases where there was no recorded plan on file.", "improvement"),
    # Found by review: "a few" was told from "few" by its first letters, so these were strengths.
    ("In a few cases there was no recorded plan.", "improvement"),
    ("In a few cases, plans were late.", "improvement"),
    ("A small number of assessments were late.", "improvement"),
    ("Few plans were sufficient.", "improvement"),
])
def test_polarity_from_the_sentence(sentence, polarity):
    assert polarity_of(sentence) == polarity


# Each numbered-paragraph sentence of the two letters, hand-read: (section, opening words) →
# (polarity, direction of its first quantity).
LETTER_JUDGEMENTS = {
    "norfolk": {
        ("1.1", "Sufficient efforts had been made"): ("strength", "met"),
        ("1.1", "There were, however, a few cases"): ("improvement", "short"),
        ("1.2", "Pre-sentence reports (PSRs) were"): ("strength", "met"),
        ("1.2", "In a few cases a PSR would have"): ("improvement", "short"),
        ("1.3", "Greater attention needed to be"): ("improvement", None),
        ("1.4", "Planning with the secure estate"): ("strength", "met"),
        ("1.4", "There were, however, a few commu"): ("improvement", "short"),
        ("1.4", "More detail was often needed abo"): ("improvement", "short"),
        ("2.1", "Three-quarters of assessments of"): ("strength", "met"),
        ("2.1", "Sometimes, however, the nature o"): ("improvement", "short"),
        ("2.1", "Enough account had not always be"): ("improvement", "met"),
        ("2.3", "We found five cases that were el"): (None, None),
        ("2.4", "There was evidence of oversight "): ("strength", "met"),
        ("2.4", "Sometimes, however, it focused o"): ("improvement", None),
        ("3.2", "Over three-quarters of assessmen"): ("strength", "met"),
        ("3.3", "Sufficient attention was given b"): ("strength", "met"),
        ("4.3", "There was little evidence of chi"): ("improvement", None),
        ("4.5", "There were 13 cases where the ch"): (None, None),
        ("4.5", "The YOT's response to this was s"): ("strength", "met"),
    },
    "wandsworth": {
        ("1.1", "The sentencing court made use of"): (None, None),
        ("1.1", "All except three were of suffici"): ("strength", "met"),
        ("1.1", "However, there were some cases w"): ("improvement", "short"),
        ("1.3", "Planning for work to reduce like"): ("improvement", "met"),
        ("2.1", "The initial assessment of risk o"): ("strength", "met"),
        ("2.2", "Unusually, every case that we in"): (None, None),
        ("2.2", "The planning was sufficient in j"): ("improvement", "met"),
        ("2.3", "Failure to respond sufficiently "): ("improvement", "short"),
        ("2.5", "Management oversight of work to "): ("improvement", "met"),
        ("3.1", "Just over half of the assessment"): ("improvement", "met"),
        ("4.2", "Children and young people were n"): ("improvement", "met"),
        ("4.3", "Most plans were not written in l"): ("improvement", "short"),
        ("4.4", "Children and young people fully "): (None, None),
        ("4.4", "Where the child or young person "): ("strength", "met"),
    },
}


@pytest.mark.parametrize("name", LETTERS)
def test_polarity_and_direction_of_the_letters_sentences(name):
    findings = corpus_result(name)["findings"]
    expected = LETTER_JUDGEMENTS[name]
    found = {(section, opening): next((f["polarity"], f["direction"]) for f in findings
                                      if f["section"] == section and f["text"].startswith(opening))
             for section, opening in expected}
    assert found == expected


# --- the same letters laid out differently -------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name", LETTERS)
def test_a_pdf_with_hard_line_wraps_and_page_breaks_gives_the_same_fields(name, tmp_path):
    outcome = process_file(render_text_to_pdf(letter_text(name), tmp_path / f"{name}.pdf"))
    assert outcome.status == "ok", outcome.reason
    assert essentials(outcome.result) == essentials(corpus_result(name))
    assert outcome.result["report"]["pages"] >= 3
    assert {f["page"] for f in outcome.result["findings"]} >= {1, 2, 3}


def wrapped(text: str, width: int) -> str:
    return "\n".join(part for line in text.split("\n")
                     for part in (textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False) or [""]))


@pytest.mark.parametrize("width", [50, 75, 90])
@pytest.mark.parametrize("name", LETTERS)
def test_hard_wrapped_text_gives_the_same_findings_and_lists(name, width):
    _, result = extract_document(document_from_text(wrapped(letter_text(name), width)))
    expected = essentials(corpus_result(name))
    got = essentials(result)
    for table in ("samples", "context_facts", "recommendations", "findings", "validations"):
        if table == "validations":  # fieldwork_before_publication depends on the metadata (see below)
            expected[table] = [v for v in expected[table] if v[0].startswith(("sqs", "reoffending"))]
            got[table] = [v for v in got[table] if v[0].startswith(("sqs", "reoffending"))]
        assert got[table] == expected[table], table


def test_fieldwork_range_wrapped_before_its_year():
    text = letter_text("wandsworth").replace("13th-15th May 2013", "13th-15th\nMay 2013")
    _, result = extract_document(document_from_text(text))
    assert (result["report"]["fieldwork_start"], result["report"]["fieldwork_end"]) == ("2013-05-13", "2013-05-15")


def glued_footnotes(text: str) -> str:
    """As a PDF that lost its superscripts prints them: "rate1 for Norfolk", "1 The reoffending…"."""
    return (text.replace("rate¹", "rate1").replace("¹ The", "1 The")
            .replace("Lee's²", "Lee's2").replace("² Please", "2 Please"))


def test_footnote_markers_glued_to_words_give_the_same_fields():
    text = glued_footnotes(letter_text("norfolk"))
    assert "rate1 for Norfolk" in text and "\n1 The reoffending" in text
    _, result = extract_document(document_from_text(text))
    assert essentials(result) == essentials(corpus_result("norfolk"))


@pytest.mark.slow
def test_glued_footnotes_in_a_wrapped_pdf(tmp_path):
    outcome = process_file(render_text_to_pdf(glued_footnotes(letter_text("norfolk")), tmp_path / "glued.pdf"))
    assert essentials(outcome.result) == essentials(corpus_result("norfolk"))


@pytest.mark.parametrize("name, printed, variant", [
    ("wandsworth", "13th-15th May 2013", "13 to 15 May 2013"),
    ("wandsworth", "13th-15th May 2013", "13-15 May 2013"),
    ("wandsworth", "13th-15th May 2013", "13th to 15th May 2013"),
    ("wandsworth", "13th-15th May 2013", "13 – 15 May 2013"),
    ("wandsworth", "13th-15th May 2013", "13 May to 15 May 2013"),
    ("norfolk", "from 23-25 May 2016", "between 23 and 25 May 2016"),
    ("norfolk", "from 23-25 May 2016", "from 23rd to 25th May 2016"),
    ("norfolk", "from 23-25 May 2016", "on 23–25 May 2016"),
])
def test_day_ranges_written_other_ways(name, printed, variant):
    text = letter_text(name)
    assert printed in text
    _, result = extract_document(document_from_text(text.replace(printed, variant)))
    assert essentials(result) == essentials(corpus_result(name))


def test_day_range_without_a_year():
    text = letter_text("wandsworth").replace("13th-15th May 2013", "13-15 May")
    _, result = extract_document(document_from_text(text))
    assert result["report"]["fieldwork_start"] == "2013-05-13"


def test_page_breaks_and_page_numbers_inside_paragraphs():
    text = (letter_text("wandsworth").replace("\n\n- consistent", "\f2\nconsistent")
            .replace("\n\n- the main", "\n\nPage 3\n\nthe main"))
    _, result = extract_document(document_from_text(text))
    assert essentials(result)["findings"] == essentials(corpus_result("wandsworth"))["findings"]


# --- checks that fail when a layout defeats the reader ----------------------------------

def test_a_lost_paragraph_fails_the_sequence_check():
    text = letter_text("norfolk").replace("- 2.3. We found five cases", "We found five cases")
    _, result = extract_document(document_from_text(text))
    (check,) = [v for v in result["validations"] if v["rule"] == "sqs_paragraph_sequence"]
    assert check["passed"] == 0
    assert check["found"] == "1.1-1.4, 2.1-2.3, 3.1-3.4, 4.1-4.5"


def test_figures_that_contradict_the_words_fail_the_comparison_check():
    text = letter_text("norfolk").replace("was 36.2%", "was 39.2%")
    _, result = extract_document(document_from_text(text))
    (check,) = [v for v in result["validations"] if v["rule"] == "reoffending_rate_comparison"]
    assert (check["passed"], check["found"]) == (0, "39.2 vs 37.8")


# --- FJI -----------------------------------------------------------------------------

FJI_REPORT = """HM Inspectorate of Probation

Full Joint Inspection of youth offending work in Exampleshire

Publication date: 4 March 2014

This inspection was carried out during 20-24 January 2014. We inspected a sample of 40 cases
supervised by Exampleshire Youth Offending Team.

Summary

The published reoffending rate² for Exampleshire was 35.1%. This was worse than the England and Wales
average of 34.0%.

² Source: Ministry of Justice, published January 2014, for the April 2011 - March 2012 cohort.

Key strengths

- Staff knew the children and young people well.
- Reports to court were of good quality in almost all cases.

Recommendations

Post-inspection improvement work should focus on ensuring that:

1. the YOT Management Board makes sure that plans are reviewed after significant changes;
2. managers check that assessments are good enough before countersigning
them.

The lead inspector was Jane Doe.
"""


def test_fji_reports_are_classified_and_share_the_sqs_fields():
    decision, result = extract_document(document_from_text(FJI_REPORT))
    assert decision.programme == "FJI"
    report = result["report"]
    assert (report["id"], report["area"], report["publication_date"], report["fieldwork_start"],
            report["fieldwork_end"], report["lead_inspector"]) == (
        "2014-fji-exampleshire", "Exampleshire", "2014-03-04", "2014-01-20", "2014-01-24", "Jane Doe")
    assert [(s["kind"], s["n"]) for s in result["samples"]] == [("cases", 40)]
    (fact,) = result["context_facts"]
    assert (fact["value"], fact["comparator_value"], fact["note"]) == (
        35.1, 34.0, "April 2011 - March 2012 cohort; published January 2014; Source: Ministry of Justice")
    assert {v["rule"]: v["passed"] for v in result["validations"]}["reoffending_rate_comparison"] == 1
    strengths = [f for f in result["findings"] if f["section"] == "Key strengths"]
    assert [f["text"] for f in strengths] == ["Staff knew the children and young people well.",
                                              "Reports to court were of good quality in almost all cases."]
    assert (strengths[1]["quantity_text"], strengths[1]["proportion_low"], strengths[1]["proportion_high"]) == (
        "almost all", 0.9, 1.0)
    assert [r["text"] for r in result["recommendations"]] == [
        "the YOT Management Board makes sure that plans are reviewed after significant changes;",
        "managers check that assessments are good enough before countersigning them."]
    # FJI reports are not letters of numbered paragraphs: no sequence check is claimed for them.
    assert "sqs_paragraph_sequence" not in {v["rule"] for v in result["validations"]}
