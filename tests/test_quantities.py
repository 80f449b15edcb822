"""The quantity parser: words → 0–1 intervals, read by the table in models/quantifiers.yml."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.models import load_model
from pipeline.extraction.quantities import PIPES, Interval, find_quantities, quantity_nlp
from pipeline.reading.sentences import sentences, split_sentences
from tests.conftest import corpus_document

# (text, sample size, [(quantity_text, kind, interval, count, denominator), ...]).
# The interval is written as in models/quantifiers.yml: "[0.65, 0.75)" excludes 0.75.
EXPRESSIONS = [
    # percentages
    ("The reoffending rate was 36.2%.", None, [("36.2%", "percent", "[0.362, 0.362]", None, None)]),
    ("sufficient in 78 % of cases", None, [("78 %", "percent", "[0.78, 0.78]", None, None)]),
    ("with 67 per cent identified", None, [("67 per cent", "percent", "[0.67, 0.67]", None, None)]),
    ("Ten per cent do not have a school placement", None, [("Ten per cent", "percent", "[0.1, 0.1]", None, None)]),
    ("in 40 percent of cases", None, [("40 percent", "percent", "[0.4, 0.4]", None, None)]),
    ("78% of the 32 cases", 32, [("78%", "percent", "[0.78, 0.78]", 25, 32)]),
    ("over 90% of cases", None, [("over 90%", "percent", "(0.9, 1]", None, None)]),
    ("between 65 per cent and 79 per cent", None,
     [("between 65 per cent and 79 per cent", "percent", "[0.65, 0.79]", None, None)]),
    ("Too few: 50-64%", None, [("50-64%", "percent", "[0.5, 0.64]", None, None)]),
    # counts
    ("In 4 out of 22 cases we felt", None, [("4 out of 22", "count", "[0.181818, 0.181818]", 4, 22)]),
    ("in 12 out of 48 cases", None, [("12 out of 48", "count", "[0.25, 0.25]", 12, 48)]),
    ("In five of the six MAPPA cases", None, [("five of the six", "count", "[0.833333, 0.833333]", 5, 6)]),
    ("two out of four relevant custodial cases", None, [("two out of four", "count", "[0.5, 0.5]", 2, 4)]),
    ("There were 13 cases where the child", 32, [("13 cases", "count", "[0.40625, 0.40625]", 13, 32)]),
    ("We found five cases that were eligible", None, [("five cases", "count", "", 5, None)]),
    ("In one case we found a comment", 20, [("one case", "count", "[0.05, 0.05]", 1, 20)]),
    ("Fifty-five children and young people completed", None, [("Fifty-five children", "count", "", 55, None)]),
    ("one in five cases", None, [("one in five", "fraction", "[0.2, 0.2]", None, None)]),
    ("only one case", 20, [("one case", "count", "[0.05, 0.05]", 1, 20)]),
    # exceptions: exact with the sample as base, bounded by it when the cases are restricted
    ("sufficient in all except two cases", 20, [("in all except two cases", "exception", "[0.9, 0.9]", 18, 20)]),
    ("all except two", 20, [("all except two", "exception", "[0.9, 0.9]", 18, 20)]),
    ("sufficient in all except two cases", None, [("in all except two cases", "exception", "[0.333333, 1)", None, None)]),
    ("all except one relevant case", 32, [("all except one relevant case", "exception", "[0.5, 0.96875]", None, None)]),
    ("All except three were of sufficient quality", 20, [("All except three", "exception", "[0.25, 0.85]", None, None)]),
    ("PSRs were, with one exception, of good quality.", 32,
     [("with one exception", "exception", "[0.5, 0.96875]", None, None)]),
    ("with one exception", 20, [("with one exception", "exception", "[0.95, 0.95]", 19, 20)]),
    ("in all but one case", 10, [("in all but one case", "exception", "[0.9, 0.9]", 9, 10)]),
    ("with two exceptions", 20, [("with two exceptions", "exception", "[0.9, 0.9]", 18, 20)]),
    ("with the exception of one case", 12,
     [("with the exception of one case", "exception", "[0.916667, 0.916667]", 11, 12)]),
    ("all cases except two", 20, [("all cases except two", "exception", "[0.9, 0.9]", 18, 20)]),
    ("all apart from three", 20, [("all apart from three", "exception", "[0.85, 0.85]", 17, 20)]),
    # fractions, bare and hedged
    ("sufficient in almost three-quarters of cases", 20, [("almost three-quarters", "fraction", "[0.65, 0.75)", None, None)]),
    ("Three-quarters of assessments met the needs", 32, [("Three-quarters", "fraction", "[0.75, 0.75]", 24, 32)]),
    ("in just over half these cases", None, [("just over half", "fraction", "(0.5, 0.6]", None, None)]),
    ("over two-thirds of children", None, [("over two-thirds", "fraction", "(0.666667, 0.866667]", None, None)]),
    ("in less than half of cases", None, [("less than half", "fraction", "[0.3, 0.5)", None, None)]),
    ("one-fifth", 20, [("one-fifth", "fraction", "[0.2, 0.2]", 4, 20)]),
    ("three-fifths of the cases", 20, [("three-fifths", "fraction", "[0.6, 0.6]", 12, 20)]),
    ("in threequarters of cases", 20, [("threequarters", "fraction", "[0.75, 0.75]", 15, 20)]),
    ("in three quarters of cases", 20, [("three quarters", "fraction", "[0.75, 0.75]", 15, 20)]),
    ("well over three-quarters", None, [("well over three-quarters", "fraction", "[0.8, 1]", None, None)]),
    ("just under a half of all cases", None, [("just under a half", "fraction", "[0.4, 0.5)", None, None)]),
    ("a half of the cases", 20, [("a half", "fraction", "[0.5, 0.5]", 10, 20)]),
    ("almost half the cases where they were required", 20, [("almost half", "fraction", "[0.4, 0.5)", None, None)]),
    ("about a third of cases", None, [("about a third", "fraction", "[0.283333, 0.383333]", None, None)]),
    ("at least half of cases", None, [("at least half", "fraction", "[0.5, 0.7]", None, None)]),
    ("only half of the cases", 20, [("only half", "fraction", "[0.5, 0.5]", 10, 20)]),
    ("one in three", None, [("one in three", "fraction", "[0.333333, 0.333333]", None, None)]),
    # two-thirds of 20 is not a whole number of cases: no count is made up
    ("in two-thirds of cases", 20, [("two-thirds", "fraction", "[0.666667, 0.666667]", None, None)]),
    # vague quantifiers
    ("in most cases", 20, [("in most cases", "vague", "(0.5, 0.9]", None, None)]),
    ("the great majority of cases", None, [("the great majority", "vague", "[0.8, 1)", None, None)]),
    ("the overwhelming majority", None, [("the overwhelming majority", "vague", "[0.9, 1)", None, None)]),
    ("a few cases", None, [("a few", "vague", "(0, 0.2]", None, None)]),
    ("In some cases", None, [("In some cases", "vague", "(0, 0.5)", None, None)]),
    ("all cases were reviewed", 20, [("all", "vague", "[1, 1]", 20, 20)]),
    ("every case that we inspected", 20, [("every", "vague", "[1, 1]", 20, 20)]),
    ("no cases were closed", 20, [("no", "vague", "[0, 0]", 0, 20)]),
    ("almost all cases", None, [("almost all", "vague", "[0.9, 1)", None, None)]),
    ("a small number of cases", None, [("a small number", "vague", "(0, 0.2]", None, None)]),
    ("Most plans were not written", None, [("Most", "vague", "(0.5, 0.9]", None, None)]),
    ("Reviews were not always undertaken", None, [("not always", "vague", "[0.5, 1)", None, None)]),
    ("were usually good", None, [("usually", "vague", "(0.5, 0.9]", None, None)]),
    ("Written reviews are not completed in all cases.", None, [("in all cases", "vague", "[0.5, 1)", None, None)]),
    ("a high proportion of cases", None, [("a high proportion", "vague", "[0.6, 0.9]", None, None)]),
    # not quantities
    ("Section 90/91", None, []),
    ("MAPPA Category 3 cases", None, []),
    ("criterion 2.1", None, []),
    ("2.1", None, []),
    ("on 12 June 2013", None, []),
    ("13th-15th May 2013", None, []),
    ("He can be contacted on 07917 183197", None, []),
    ("Level 2 or 3 cases", None, []),
    ("aged 10 to 17 years", None, []),
    ("for 6-9 months", None, []),
    ("a 14 year old girl", None, []),
    ("funding of £50,000", None, []),
    ("since 2011", None, []),
    ("in 2012 cases rose", None, []),
    ("a score of 140%", None, []),
    ("the most common reason", None, []),
    ("One case manager helpfully summarised", None, []),
    ("Care was needed to ensure that all assessments are timely", None, []),
    ("Plans should be developed in all cases where they are required.", None, []),
    ("a third party", None, []),
    ("the third case", None, []),
    ("the second half of the year", None, []),
    ("half an hour", None, []),
    ("some good practice", None, []),
    ("some time into the period", None, []),
    ("at most", None, []),
    ("meeting the needs of all children and young people", None, []),
    ("Page 7 of 36", None, []),
    ("as often as required", None, []),
    ("a three month referral order", None, []),
]


def summary(quantities):
    return [(q.text, q.kind, q.notation, q.count, q.denominator) for q in quantities]


@pytest.mark.parametrize("text, sample, expected", EXPRESSIONS, ids=[row[0][:40] for row in EXPRESSIONS])
def test_expression(text, sample, expected):
    quantities = find_quantities(text, sample)
    assert summary(quantities) == expected
    for q in quantities:
        assert text[q.start:q.end] == q.text


def test_the_table_has_enough_expressions():
    assert len(EXPRESSIONS) >= 60
    assert sum(1 for _, _, expected in EXPRESSIONS if not expected) >= 20


def test_antecedent_is_the_base_of_a_quantity_that_refers_back():
    # Norfolk 4.5: "There were 13 cases where … sufficient in all except one of those cases."
    (q,) = find_quantities("The YOT's response to this was sufficient in all except one of those cases.", 32, antecedent=13)
    assert (q.text, q.count, q.denominator, q.low, q.scope, q.base) == (
        "in all except one of those cases", 12, 13, round(12 / 13, 6), "anaphoric", "antecedent")
    # Wandsworth 1.1: PSRs in three-quarters of 20 cases (15); "All except three were…" → 12 of 15.
    (q,) = find_quantities("All except three were of sufficient quality.", 20, antecedent=15)
    assert (q.count, q.denominator, q.low, q.high) == (12, 15, 0.8, 0.8)
    # Without the antecedent the sample is only an upper bound.
    (q,) = find_quantities("All except three were of sufficient quality.", 20)
    assert (q.count, q.low, q.high) == (None, 0.25, 0.85)


def test_restricted_quantities_do_not_take_the_sample_as_base():
    text = ("Where the child or young person did not comply fully, the response of the YOT was "
            "sufficient in all except two cases.")
    (q,) = find_quantities(text, 20)
    assert (q.scope, q.count, q.notation) == ("restricted", None, "[0.333333, 0.9]")
    (q,) = find_quantities("Planning was sufficient in half of the cases where this was required.", 20)
    assert (q.scope, q.count, q.low) == ("restricted", None, 0.5)
    (q,) = find_quantities("Planning was sufficient in half of the cases.", 20)
    assert (q.scope, q.count, q.denominator, q.base) == (None, 10, 20, "sample")


def test_quantity_rows_carry_the_contract_columns_and_the_rule():
    (q,) = find_quantities("sufficient in almost three-quarters of cases", 20)
    row = q.as_row()
    assert {"quantity_text", "proportion_low", "proportion_high", "count", "denominator", "kind", "start", "end"} <= set(row)
    assert (row["rule"], row["high_open"], row["low_open"]) == ("just_below+fraction", True, False)


def test_every_phrase_of_the_table_is_recognised():
    """The table and the code agree: each hedge and vague phrase reads as its row says."""
    table = load_model("quantifiers.yml")
    for row in table["hedges"]:
        for phrase in row["phrases"]:
            (q,) = find_quantities(f"Reviews were done in {phrase} half of the cases.")
            assert (q.text.lower(), q.rule) == (f"{phrase} half".lower(), f"{row['name']}+fraction"), phrase
    for row in table["vague"]:
        for phrase in row["phrases"]:
            text = f"We found that {phrase} cases were good." if row.get("head") != "none" else f"Reviews were {phrase} done."
            found = find_quantities(text)
            assert [(q.text.lower(), q.rule) for q in found] == [(phrase.lower(), "vague:" + row["name"])], (phrase, found)


def test_every_interval_of_the_table_is_well_formed():
    table = load_model("quantifiers.yml")
    rows = table["hedges"] + table["vague"]
    assert all(row.get("why") for row in rows)
    for row in table["hedges"]:
        for x in (0.0, 0.25, 0.5, 2 / 3, 0.75, 1.0):
            low, high, _, _ = Interval.parse(row["interval"]).evaluate(X=x)
            assert 0 <= low <= high <= 1, row["name"]
    for row in table["vague"]:
        low, high, low_open, high_open = Interval.parse(row["interval"]).evaluate()
        assert 0 <= low <= high <= 1 and not (low == high and (low_open or high_open)), row["name"]
    with pytest.raises(ValueError):
        Interval.parse("[__import__('os'), 1]")


def test_the_parser_is_a_spacy_pipeline_of_one_job_per_component():
    nlp = quantity_nlp()
    assert tuple(nlp.pipe_names) == PIPES
    assert nlp is quantity_nlp()  # built once


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(
    st.text(max_size=120),
    st.lists(st.sampled_from(
        ["all", "except", "but", "two", "one", "with", "exception", "of", "the", "cases", "most", "almost", "just",
         "three-quarters", "half", "a", "over", "under", "%", "per", "cent", "12", "48", "out", "in", "-", "no",
         "not", "always", "these", "those", "were", "relevant", "where", "required", "should", "0", "100", "2013",
         "36.2", "1,200", ".", ",", "between", "and", "to", "threequarters", "few", "some", "every", "twenty", "five"]),
        max_size=16).map(" ".join)),
    sample=st.one_of(st.none(), st.integers(0, 60)), antecedent=st.one_of(st.none(), st.integers(0, 60)))
def test_any_text_gives_valid_intervals_and_never_raises(text, sample, antecedent):
    for q in find_quantities(text, sample, antecedent=antecedent):
        assert text[q.start:q.end] == q.text
        if q.low is None:  # a bare count with no sample to divide by
            assert (q.high, q.kind, q.denominator) == (None, "count", None)
        else:
            assert 0 <= q.low <= q.high <= 1
            assert not (q.low == q.high and (q.low_open or q.high_open))  # never an empty interval
        if q.denominator is not None:
            assert 0 <= q.count <= q.denominator


def test_find_quantities_is_fast():
    text = corpus_document("wessex").text + corpus_document("southampton").text
    found = [s for line in text.split("\n") for s in sentences(line) if len(s) > 30][:600]
    find_quantities(found[0])
    started = time.perf_counter()
    for sentence in found:
        find_quantities(sentence, 20)
    per_sentence = (time.perf_counter() - started) / len(found)
    assert per_sentence < 0.001, f"{per_sentence * 1000:.2f} ms per sentence"


@pytest.mark.parametrize("text, expected", [
    ("One. Two e.g. three. Dr. Smith came. J. Smith went.", ["One.", "Two e.g. three.", "Dr. Smith came.", "J. Smith went."]),
    ("The rate[^1] was 36.2%. This was worse than in 2011. It fell.", ["The rate[^1] was 36.2%.", "This was worse than in 2011.", "It fell."]),
    ("Reports (PSRs) were good. 13 cases were late.", ["Reports (PSRs) were good.", "13 cases were late."]),
    ("  ", []),
])
def test_sentences(text, expected):
    assert sentences(text) == expected
    assert all(text[start:end] == s for (start, end), s in zip(split_sentences(text), expected))
