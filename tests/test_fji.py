"""Full Joint Inspections (2012-17): the six judged areas and their judgements.

The only real FJI text at hand is the Lambeth report's cover and foreword, and the
inspectorate's press release for it, which names the six judged areas and states their
judgements in the report's own words (tests/fixtures/real, from ../shared/real); a second
real press release (Cwm Taf, 2017) shows the later wording of two areas.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.extraction.extractors import fji
from pipeline.process import extract_document, process_file
from tests.conftest import document_from_text

REAL = Path(__file__).resolve().parent / "fixtures" / "real"
EXPECTED = yaml.safe_load((REAL / "expected.yml").read_text(encoding="utf-8"))
AREA_CODES = {"reducing reoffending": "1", "protecting the public": "2",
              "protecting children and young people": "3", "ensuring that the sentence is served": "4",
              "the effectiveness of governance": "5", "the delivery of interventions": "6"}


def _text(name: str) -> str:
    return (REAL / name).read_text(encoding="utf-8")


def test_the_lambeth_press_release_judgements_are_read_as_the_report_states_them():
    rows, checks = fji.judgements(document_from_text(_text("reject-press-release-fji-lambeth.txt")))
    expected = EXPECTED["reject-press-release-fji-lambeth.txt"]["fji_judgements"]
    stated = [e for e in expected if "rating" in e]
    assert [(r["code"], r["judgement"], r["evidence"]) for r in rows] == [
        (AREA_CODES[e["area"]], e["rating"].capitalize(), e["evidence"]) for e in stated]
    assert all(r["score"] == 1 for r in rows) and checks == []
    # The text stops inside the third judgement: the other three areas state none.
    assert {AREA_CODES[e["area"]] for e in expected} - {r["code"] for r in rows} == {"4", "5", "6"}


def test_the_later_wording_of_the_areas_is_read_too():
    rows, _ = fji.judgements(document_from_text(_text("reject-press-release-fji-cwm-taf.txt")))
    assert [(r["code"], r["judgement"]) for r in rows] == [("1", "Satisfactory"), ("2", "Satisfactory"),
                                                           ("3", "Satisfactory")]


def test_press_releases_about_an_fji_are_not_reports():
    for name in ("reject-press-release-fji-lambeth.txt", "reject-press-release-fji-cwm-taf.txt"):
        outcome = process_file(REAL / name)
        assert outcome.status == "rejected" and "press release" in outcome.reason


# The Lambeth opening (real), followed by a summary in the words the press release quotes
# from the report, and a judgements table as some FJI reports print one: CONSTRUCTED to
# check the layouts, not facts beyond the three judgements the press release states.
SUMMARY = """
Summary

Inspectors were concerned to find that:
- work to reduce reoffending was unsatisfactory;
- work to protect the public and actual or potential victims was unsatisfactory;
- work to protect children and young people and reduce their vulnerability was unsatisfactory.

Judgements
Reducing reoffending\tUnsatisfactory
Protecting the public\tUnsatisfactory
Protecting children and young people\t{third}
"""


@pytest.mark.parametrize("third, passed", [("Unsatisfactory", 1), ("Good", 0)])
def test_an_fji_report_gives_its_judgements_with_evidence_and_checks_them(third, passed):
    doc = document_from_text(_text("2015-fji-lambeth-zbook.txt") + SUMMARY.format(third=third))
    decision, result = extract_document(doc)
    assert decision.programme == "FJI" and result["report"]["area"] == "Lambeth"
    rows = {r["code"]: r for r in result["judgements"]}
    # The report's table is read first; the summary's sentences are compared with it.
    assert {code: (r["judgement"], r["theme"]) for code, r in rows.items()} == {
        "1": ("Unsatisfactory", "reoffending"), "2": ("Unsatisfactory", "risk_of_harm"),
        "3": (third, "safeguarding")}
    assert rows["1"]["evidence"] == "Reducing reoffending Unsatisfactory" and rows["1"]["line"]
    checks = {v["evidence"][:40]: v for v in result["validations"] if v["rule"] == "fji_judgement_printed_consistently"}
    third_check = next(v for v in checks.values() if "area 3" in v["expected"])
    assert third_check["passed"] == passed
    assert all(v["passed"] for v in checks.values() if "area 3" not in v["expected"])


def test_a_judgement_of_an_earlier_inspection_is_not_this_reports():
    # Found by review: the first statement won, even when it was about the last inspection
    # and the report's own table disagreed.
    text = (_text("2015-fji-lambeth-zbook.txt") + "\nSummary\n\nAt our last inspection in 2012, work to reduce "
            "reoffending was poor. We found that work to reduce reoffending was satisfactory.\n\n"
            "Judgements\nReducing reoffending\tSatisfactory\n")
    rows, checks = fji.judgements(document_from_text(text))
    assert [(r["code"], r["judgement"]) for r in rows] == [("1", "Satisfactory")]
    assert rows[0]["evidence"] == "Reducing reoffending\tSatisfactory".replace("\t", " ")
    assert all(v["passed"] for v in checks)


def test_an_area_judged_only_at_an_earlier_inspection_gets_no_judgement():
    # Before, an earlier inspection's judgement stood in when the report printed no other.
    text = "Summary\n\nAt our last inspection in 2012, work to reduce reoffending was poor.\n"
    assert fji.judgement_statements(document_from_text(text))  # the sentence is read ...
    rows, _ = fji.judgements(document_from_text(text))
    assert rows == []  # ... but is not this report's judgement
