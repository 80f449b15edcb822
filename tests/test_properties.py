"""Property tests (hypothesis): what must hold for *any* input, not just the corpus.

- the loader raises nothing but `LoadError` on arbitrary bytes, and `process_file`
  never raises: it returns an `Outcome` with a known status and a one-line reason;
- every programme extractor, and `extract_document`, survives arbitrary text and
  real reports spliced with noise, and every row it returns keeps the contract's
  invariants (percent 0-100, proportions an interval within 0-1, page >= 1, evidence a str);
- every quantity read from a sentence made of the words of models/quantifiers.yml is an
  interval within [0, 1] (tests/test_quantities.py checks a hand-picked vocabulary; this
  one draws every hedge, vague phrase and fraction of the table, and their combinations);
- the same corpus files, in any order and with repeats, give the same database.

PROPERTY_SCALE=N (environment) multiplies every example count for a deeper search.
"""

from __future__ import annotations

import itertools
import os
import re
import sqlite3
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, example, given, settings, target
from hypothesis import strategies as st

from pipeline.extraction.extractors import extractor_for
from pipeline.reading.load import LoadError, load
from pipeline.extraction.metadata import extract_metadata
from pipeline.models import load_model
from pipeline.process import Outcome, extract_document, process_file
from pipeline.extraction.quantities import find_quantities

from .conftest import CORPUS, document_from_text

PROGRAMMES = ["CCI", "SQS", "FJI", "YOS-2018", "YJS-2021", "YJS-2025"]
SUFFIXES = [".txt", ".md", ".pdf"]
# PROPERTY_SCALE=20 multiplies every example count, for a deeper search than CI's.
SCALE = max(1, int(os.environ.get("PROPERTY_SCALE", "1")))
FAST = settings(max_examples=60 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_counter = itertools.count()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """One folder for the module (hypothesis cannot use the function-scoped tmp_path)."""
    return tmp_path_factory.mktemp("properties")


def fresh(folder: Path, suffix: str) -> Path:
    return folder / f"input-{next(_counter)}{suffix}"


# --------------------------------------------------------------------------------------
# Inputs: arbitrary bytes, real PDFs cut and corrupted, real reports spliced with noise.

@lru_cache(maxsize=None)
def corpus_lines() -> tuple:
    """Each corpus report's lines, in a fixed order."""
    return tuple(tuple(p.read_text(encoding="utf-8").splitlines()) for p in sorted(CORPUS.glob("*.txt")))


@lru_cache(maxsize=None)
def sample_pdf() -> bytes:
    """A small real PDF (the start of a corpus report), to corrupt."""
    import tempfile

    from pipeline.reading.render import render_text_to_pdf

    text = "\n".join(corpus_lines()[3][:60])
    with tempfile.TemporaryDirectory() as folder:
        return render_text_to_pdf(text, Path(folder) / "sample.pdf").read_bytes()


NOISE_WORDS = ["%", "per cent", "Page 3", "1.1", "2.3", "Good", "Inadequate", "Outstanding", "Requires improvement",
               "all except two", "almost three-quarters", "of the 20 cases", "Recommendation", "YOT Manager",
               "|", "||", "---", "#", "*", "(", ")", ":", "\t", "0", "100", "140", "99.9", "-5", "2011", "ISBN",
               "978-1-84099-000-0", "Published:", "Lead Inspector", "Score", "Area", "England", "Wales",
               "\u2013", "\u201c", "\ufb01", "\u0430", "[^1]", "<b>", "&amp;", "Section", "Standard", "Key question"]

noise_line = st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(st.sampled_from(NOISE_WORDS), st.integers(-5, 250).map(str),
                       st.text(alphabet="0123456789.%- ", max_size=6)), max_size=10).map(" ".join),
    st.just(""), st.just("\f"),
    # Page markers from 1: "Page 0" is test_text_export_pages_are_numbered_from_1's case.
    st.builds("{} {}{}".format, st.sampled_from(["Page", "page", "PAGE"]), st.integers(1, 60),
              st.sampled_from(["", " of 36", " of 9"])),
)


@st.composite
def fragment(draw, report=None) -> list[str]:
    """A run of consecutive lines of a corpus report, maybe with a few lines mangled."""
    report = report or draw(st.sampled_from(corpus_lines()))
    start = draw(st.integers(0, len(report) - 1))
    lines = list(report[start:start + draw(st.integers(1, 60))])
    for _ in range(draw(st.integers(0, 2))):
        i = draw(st.integers(0, len(lines) - 1))
        lines[i] = draw(st.sampled_from([
            lines[i][: len(lines[i]) // 2],                      # cut
            lines[i] + " " + draw(noise_line),                   # noise appended
            "".join(c if not c.isdigit() else draw(st.sampled_from("0123456789")) for c in lines[i]),  # other digits
            lines[i].upper(),
            re.sub(r"\d+", lambda m: str(draw(st.integers(0, 250))), lines[i]),  # other numbers
        ]))
    return lines


@st.composite
def spliced_text(draw, base=None) -> str:
    """A real report cut into fragments, mostly its own, shuffled and mixed with other
    reports' fragments and noise lines. Often opens with the report's first lines, so
    classification accepts it and the whole extraction runs."""
    base = corpus_lines()[base] if base is not None else draw(st.sampled_from(corpus_lines()))
    lines = []
    if draw(st.booleans()):
        lines += base[: draw(st.integers(5, 150))]
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.integers(0, 5))
        if kind >= 3:
            lines += draw(fragment(base))
        elif kind >= 1:
            lines += draw(fragment())
        else:
            lines += draw(st.lists(noise_line, min_size=1, max_size=4))
    return "\n".join(lines)


any_text = st.one_of(st.text(max_size=300), spliced_text())


# --------------------------------------------------------------------------------------
# Loading and processing never raise.

@st.composite
def pdf_like_bytes(draw) -> bytes:
    """Bytes that get past the PDF signature check: a real PDF truncated or with bytes
    overwritten, or random bytes behind a PDF header."""
    if draw(st.booleans()):
        data = bytearray(sample_pdf())
        data = data[: draw(st.integers(8, len(data)))]
        for _ in range(draw(st.integers(0, 8))):
            at = draw(st.integers(0, len(data) - 1))
            data[at:at + 4] = draw(st.binary(min_size=1, max_size=4))
        return bytes(data)
    return draw(st.sampled_from([b"%PDF-1.4\n", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", b"  %PDF-"])) + draw(st.binary(max_size=400))


arbitrary_bytes = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=200).map(lambda t: t.encode("utf-8")),
    st.text(max_size=200).map(lambda t: t.encode("utf-16")),
    pdf_like_bytes(),
)


@FAST
@given(data=arbitrary_bytes, suffix=st.sampled_from(SUFFIXES))
def test_load_raises_only_load_error(scratch, data, suffix):
    path = fresh(scratch, suffix)
    path.write_bytes(data)
    try:
        raw = load(path)
    except LoadError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert raw.pages and all(n is None or n >= 1 for n, _ in raw.pages)


@settings(max_examples=30 * SCALE, deadline=None)
@given(data=pdf_like_bytes())
@example(data=b"%PDF-")
def test_pdfplumber_engine_raises_only_load_error(scratch, data):
    path = fresh(scratch, ".pdf")
    path.write_bytes(data)
    try:
        load(path, pdf_engine="pdfplumber")
    except LoadError as exc:
        assert str(exc) and "\n" not in str(exc)


@settings(max_examples=30 * SCALE, deadline=None)
@given(numbers=st.lists(st.integers(0, 40), min_size=2, max_size=5), header=st.booleans())
@example(numbers=[0, 1], header=True)
def test_text_export_pages_are_numbered_from_1(numbers, header):
    from pipeline.reading.load import text_pages

    text = "\n".join(f"Page {n}\nline {i}" if header else f"line {i}\nPage {n}" for i, n in enumerate(numbers))
    assert all(page is None or page >= 1 for page, _ in text_pages(text))


def check_outcome(outcome: Outcome, path: Path):
    assert isinstance(outcome, Outcome)
    assert outcome.path == str(path)
    assert outcome.status in {"ok", "rejected", "error"}
    if outcome.status != "ok":
        assert outcome.reason and "\n" not in outcome.reason, outcome.reason
        # A caught exception is still a bug: process_file turns it into this reason.
        assert not outcome.reason.startswith("internal error"), outcome.messages
    else:
        assert outcome.result["report"]["id"]


@FAST
@given(data=arbitrary_bytes, suffix=st.sampled_from(SUFFIXES))
def test_process_file_never_raises_on_bytes(scratch, data, suffix):
    path = fresh(scratch, suffix)
    path.write_bytes(data)
    check_outcome(process_file(path), path)


@settings(max_examples=50 * SCALE, deadline=None)
@given(text=any_text, suffix=st.sampled_from([".txt", ".md"]))
def test_process_file_never_raises_on_text(scratch, text, suffix):
    path = fresh(scratch, suffix)
    path.write_text(text, encoding="utf-8")
    check_outcome(process_file(path), path)


# --------------------------------------------------------------------------------------
# Extractors never raise, and what they return keeps the contract.

PERCENT_COLUMNS = {"percent", "percent_yes", "programme_lowest", "programme_highest", "programme_average"}

CCI_OVER_100 = [
    "OVERALL SCORE for quality of Assessment and Sentence Planning work: 158%",
    "We judged that the Safeguarding aspects of the work were done well enough 155% of the time.",
    "1.2 Likelihood of Reoffending:\nGeneral Criterion:\nScore:\tComment:\n250%\tSUBSTANTIAL improvement required",
]


@pytest.mark.parametrize("text", CCI_OVER_100, ids=["section", "headline", "criterion"])
def test_cci_scores_over_100_percent_are_not_stored(text):
    """A misread or misprinted score over 100% is kept as evidence with percent NULL, and a
    failed check says what was printed."""
    extracted = extractor_for("CCI")(document_from_text(text), {"programme": "CCI", "metadata": {}})
    check_rows("scores", extracted["scores"])
    assert extracted["scores"] and all(row["percent"] is None for row in extracted["scores"])
    [failure] = [v for v in extracted["validations"] if v["rule"] == "score_is_a_percentage"]
    assert failure["passed"] == 0 and failure["found"] in {"158%", "155%", "250%"}


def check_rows(table: str, rows):
    assert isinstance(rows, list), table
    for row in rows:
        assert isinstance(row, dict), table
        for name in PERCENT_COLUMNS & set(row):
            value = row[name]
            assert value is None or 0 <= value <= 100, (table, name, value, row.get("evidence"))
        if "proportion_low" in row or "proportion_high" in row:
            low, high = row.get("proportion_low"), row.get("proportion_high")
            assert (low is None) == (high is None), (table, row)
            if low is not None:
                assert 0 <= low <= high <= 1, (table, low, high, row.get("evidence"))
        if row.get("unit") == "%":  # context_facts stated as a percentage, and its comparator
            for name in ("value", "comparator_value"):
                assert row.get(name) is None or 0 <= row[name] <= 100, (table, name, row)
        if "page" in row:
            assert row["page"] is None or (isinstance(row["page"], int) and row["page"] >= 1), (table, row["page"])
        if "evidence" in row:
            assert isinstance(row["evidence"], str), (table, row)
        if "quantities" in row:
            check_rows(f"{table}.quantities", row["quantities"])


def run_extractor(programme: str, text: str):
    doc = document_from_text(text)
    values, _ = extract_metadata(doc, programme)
    extracted = extractor_for(programme)(doc, {"programme": programme, "metadata": values})
    assert isinstance(extracted, dict)
    for table, rows in extracted.items():
        if table == "report":
            assert rows is None or isinstance(rows, dict)
            continue
        check_rows(table, rows)
    rows = sum(len(rows) for table, rows in extracted.items() if table != "report" and rows)
    event("rows extracted" if rows else "no rows")
    target(float(rows), label="rows")


@pytest.mark.parametrize("programme", PROGRAMMES)
@settings(max_examples=50 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=any_text)
def test_extractor_never_raises_and_keeps_the_contract(programme, text):
    run_extractor(programme, text)


@pytest.mark.parametrize("base", range(5), ids=sorted(p.stem for p in CORPUS.glob("*.txt")))
@settings(max_examples=20 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_extract_document_never_raises_and_keeps_the_contract(base, data):
    text = data.draw(spliced_text(base), label="text")
    decision, result = extract_document(document_from_text(text))
    if result is None:
        assert not decision.accepted and decision.reason and "\n" not in decision.reason
        return
    # "unknown": an inspectorate youth report whose programme was not recognised (loaded, no extractor run)
    assert result["report"]["id"] and result["report"]["programme"] in PROGRAMMES + ["unknown"]
    event(f"programme {result['report']['programme']}")
    target(float(sum(len(rows) for table, rows in result.items() if table not in ("report", "passages"))), label="rows")
    year = result["report"].get("year")
    assert year is None or isinstance(year, int)
    for table, rows in result.items():
        if table != "report":
            check_rows(table, rows)


# --------------------------------------------------------------------------------------
# Quantities from the words of the table are intervals within [0, 1].

@lru_cache(maxsize=None)
def quantifier_vocabulary() -> tuple:
    table = load_model("quantifiers.yml")
    words = set()
    for group in ("hedges", "vague"):
        for row in table[group]:
            words.update(row["phrases"])
    fractions = table["fractions"]
    for d in fractions["denominators"].values():
        words.update([d["singular"], d["plural"]])
        for n in fractions["numerators"]:
            words.update([f"{n}-{d['singular']}", f"{n}-{d['plural']}", f"{n}{d['plural']}"])
    words.update(fractions["numerators"])
    words.update(table["numbers"]["words"])
    words.update(table["percent"]["signs"])
    exc = table["exceptions"]
    words.update(exc["all_words"] + exc["except_words"] + [" ".join(pair) for pair in exc["two_word_excepts"]])
    words.update(table["units"] + table["pronoun_verbs"] + table["negators"] + table["vague_not_after"])
    words.update(["of", "the", "cases", "in", "where", "relevant", "these", "those", "out", "exception", "with", "."])
    return tuple(sorted(map(str, words)))


def numbers():
    return st.one_of(st.integers(0, 130).map(str),
                     st.floats(0, 120, allow_nan=False).map(lambda x: f"{x:.1f}"),
                     st.tuples(st.integers(0, 100), st.integers(0, 100)).map(lambda p: f"{p[0]}-{p[1]}%"))


@settings(max_examples=100 * SCALE, deadline=None)
@given(words=st.lists(st.one_of(st.sampled_from(quantifier_vocabulary()), numbers()), min_size=1, max_size=14),
       sample=st.one_of(st.none(), st.integers(0, 60)), antecedent=st.one_of(st.none(), st.integers(0, 60)))
def test_quantities_from_the_table_are_intervals_within_0_and_1(words, sample, antecedent):
    text = " ".join(words)
    for q in find_quantities(text, sample, antecedent=antecedent):
        if q.low is not None:
            assert 0 <= q.low <= q.high <= 1, (text, q)


# --------------------------------------------------------------------------------------
# Input order and repeats do not change the database.

def dump(path) -> list[str]:
    """Every table's content, less ingest_log.seconds (the one column documented to vary)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("UPDATE ingest_log SET seconds = 0")
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def reference_build(tmp_path_factory):
    from pipeline.build import build

    folder = tmp_path_factory.mktemp("order")
    files = sorted(str(p) for p in CORPUS.glob("*.txt"))
    build(files, folder / "reference.db", cache_dir=folder / "cache")
    return folder, files, dump(folder / "reference.db")


@settings(max_examples=5 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_order_with_repeats_gives_the_same_database(reference_build, data):
    from pipeline.build import build

    folder, files, expected = reference_build
    order = data.draw(st.permutations(files), label="order")
    repeats = data.draw(st.lists(st.sampled_from(files), max_size=5), label="repeats")
    inputs = list(order)
    for path in repeats:
        inputs.insert(data.draw(st.integers(0, len(inputs)), label="at"), path)
    inputs = [data.draw(st.sampled_from([str, Path]), label="type")(p) for p in inputs]
    if data.draw(st.booleans(), label="with the folder"):
        inputs.insert(data.draw(st.integers(0, len(inputs))), str(CORPUS))
    target = folder / f"build-{next(_counter)}.db"
    build(inputs, target, cache_dir=folder / "cache")
    assert dump(target) == expected
