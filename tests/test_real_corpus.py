"""Real reports the pipeline was not written against: every title-page fact each states.

tests/fixtures/real/ holds openings and excerpts of real reports (and of documents that
are not reports) exactly as found on public web copies, with their source URLs in
manifest.csv and the facts each text states in expected.yml (see its README.md).
"""

from __future__ import annotations

import csv

import pytest
import yaml

from .real_corpus import REAL, compare, facts_of, process_file

EXPECTED = yaml.safe_load((REAL / "expected.yml").read_text(encoding="utf-8"))
# The 2025 programme's openings (tests/fixtures/real/yjs2025), scored the same way.
YJS2025 = REAL / "yjs2025"
EXPECTED_2025 = yaml.safe_load((YJS2025 / "expected.yml").read_text(encoding="utf-8"))


def test_every_fixture_has_a_source_url_and_expected_facts():
    with open(REAL / "manifest.csv", encoding="utf-8", newline="") as handle:
        manifest = {row["file"]: row for row in csv.DictReader(handle)}
    texts = {p.name for p in REAL.glob("*.txt")}
    assert texts == set(manifest) == set(EXPECTED)
    assert all(row["source_url"].startswith("http") for row in manifest.values())
    kinds = [row["kind"] for row in manifest.values()]
    assert {"CCI", "SQS", "FJI", "YOS-2018", "reject"} <= set(kinds)


@pytest.mark.parametrize("folder, name", [(REAL, n) for n in sorted(EXPECTED)]
                         + [(YJS2025, n) for n in sorted(EXPECTED_2025)])
def test_every_stated_fact_is_read(folder, name):
    expected = (EXPECTED if folder == REAL else EXPECTED_2025)[name]
    outcome = process_file(folder / name)
    rows = compare(expected, facts_of(outcome))
    misses = [f"{field}: expected {want!r}, got {have!r}" for field, want, have, right in rows if not right]
    assert not misses, f"{name} ({outcome.reason}): " + "; ".join(misses)


# What a rejection says: the kind of document it is, or what it lacks, in words a user can
# act on. Every `reject_because` of expected.yml needs its words here.
REJECTION_WORDS = {
    "press release": "press release", "council press release": "press release",
    "council minutes": "minutes", "council report": "committee paper",
    "annual report": "annual report", "thematic inspection": "thematic",
    "adult probation inspection": "adult probation",
    "Ofsted report": "looks like a report of Ofsted", "Ofsted guidance": "looks like a report of Ofsted",
    "HMI Prisons report": "looks like a report of HM Inspectorate of Prisons",
    "Estyn report": "looks like a report of Estyn",
    "inspectorate guidance manual": "no youth inspection programme's title",
    "inspectorate programme letter": "little of a report's structure",
    # an HMI Probation page: another inspectorate it mentions is not named as its author
    "inspectorate programme page": "little of a report's structure",
    "youth justice plan": "never names HM Inspectorate of Probation",
}
NOT_FROM_ANOTHER_INSPECTORATE = {"inspectorate programme page", "inspectorate programme letter"}


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if not e["recognised"]))
def test_a_document_that_is_not_a_report_is_rejected_with_its_reason(name):
    outcome = process_file(REAL / name)
    assert outcome.status == "rejected" and outcome.result is None
    assert "\n" not in outcome.reason and len(outcome.reason) < 600
    kind = EXPECTED[name]["reject_because"]
    assert REJECTION_WORDS[kind] in outcome.reason, outcome.reason
    if kind in NOT_FROM_ANOTHER_INSPECTORATE:  # found by review: an HMI Probation page "looked like Ofsted"
        assert "looks like a report of" not in outcome.reason, outcome.reason
