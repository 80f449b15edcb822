"""Reports of the 2025 programme (YJS-2025): "An inspection of youth justice work with
children and victims in <area>", published as web pages.

The framework is data (models/frameworks.yml, `YJS-2025`): two rated areas, work with
children (C1) and work with victims (V1), their judgements (C1.1-C1.6 by stage and purpose,
V1.1 and V1.2) and how a report states its samples. Only the openings of real reports
were available when this was written, so every element is found by its words, wherever
the report prints it, in the layouts the inspectorate's other reports use:

- a rating: a table row or line naming the element and ending in a rating word
  ("Work with victims<TAB>Requires improvement"), or prose ("Work with victims was rated as
  'Requires improvement'"); the overall rating from the foreword ("Overall, Wirral YJS was
  rated as 'Good'"), a ratings row ("Overall rating<TAB>Good") or "an overall rating of";
- a judgement's "% yes" and case count: a row naming it (by code or words) with "85%" and/or
  "12 out of 14" in its cells;
- samples, recommendations (with the addressee of their "... should:" lead-in) and findings
  with quantities (pipeline.extraction.quantities), under the heading they sit beneath.

Every statement of a rating is kept, so pipeline/checks/yjs2025.py can check that the
report prints each one alike everywhere. Nothing read here is ever corrected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ...checks import yjs2025 as checks
from ...models import load_model
from ...reading.document import Document
from ...reading.passages import heading_text
from .. import ratings
from ..findings import finding, provenance
from ..judgement import about_an_earlier_inspection
from ..quantities import read_sentence
from . import register
from .standards import LEAD_IN, ITEM, find_line, lines_between, recommendations, sample_rows, sentences
from .standards import sample_statements

PROGRAMME = "YJS-2025"
QUOTE = "['\"‘’“”]"
BACK_TO_TOP = re.compile(r"\s*\(?Back to top\)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Element:
    """A rated area (C1, V1) or a judgement within it (C1.1 ... V1.2)."""

    code: str
    name: str
    area: str  # the code of the area it belongs to
    sample: str | None  # the sample its "% yes" is over; None for an organisational judgement
    also_named: tuple = ()  # other wordings reports print it in

    @property
    def is_area(self) -> bool:
        return self.code == self.area


@dataclass(frozen=True)
class Framework:
    programme: str
    rating_scores: dict
    percent_tolerance: float
    sample_statements: dict
    sample_bounds: dict
    elements: tuple
    sample_headings: dict  # sample kind -> words of a section heading that speaks of it, in order
    key_question_bands: list | None
    overall_bands: list | None

    @property
    def rating_pattern(self) -> str:
        return ratings.rating_pattern(self.rating_scores)

    def rating_word(self, text: str | None) -> str | None:
        return ratings.rating_word(self.rating_scores, text)

    @property
    def areas(self) -> list:
        return [e for e in self.elements if e.is_area]


@lru_cache(maxsize=1)
def load_framework() -> Framework:
    spec = load_model("frameworks.yml")["frameworks"][PROGRAMME]
    elements = []
    for domain in spec["domains"]:
        for standard in domain["standards"]:
            elements.append(Element(standard["code"], standard["name"], standard["code"], domain.get("sample"),
                                    tuple(standard.get("also_named", ()))))
            organisational = set(standard.get("organisational", []))
            for code, question in (standard.get("questions") or {}).items():
                elements.append(Element(code, question, standard["code"],
                                        None if code in organisational else domain.get("sample")))
    return Framework(PROGRAMME, spec["rating_scores"], spec["percent_tolerance"], spec["sample_statements"],
                     spec.get("sample_bounds") or {}, tuple(elements),
                     {h["sample"]: re.compile(h["words"], re.IGNORECASE) for h in spec["sample_headings"]},
                     spec.get("key_question_bands"), spec.get("overall_bands"))


def _words(text: str) -> str:
    """Printed words as a pattern that survives line wraps, spacing and optional commas."""
    words = [re.escape(w.strip(",")) for w in text.rstrip("?").split()]
    return r",?\s+".join(words)


def name_pattern(element: Element) -> str:
    """An element by its code or its words (any of its wordings: "work done with ...")."""
    words = "|".join(_words(name) for name in (element.name, *element.also_named))
    words = f"(?:{words})" if element.also_named else words
    return rf"(?:{re.escape(element.code)}\b\.?\s*)?{words}\??|{re.escape(element.code)}(?![\d.])"


# ---------------------------------------------------------------- ratings


@dataclass
class Statement:
    """One place a rating is printed."""

    code: str  # an element's code, or "overall"
    source: str  # "ratings row" or "prose"
    printed: str  # the rating as printed
    rating: str | None  # the normalised word
    start: int
    end: int


def rating_statements(doc: Document, fw: Framework) -> list:
    """Every statement of an element's rating, in document order."""
    words = fw.rating_pattern
    found = []
    for element in fw.elements:
        name = name_pattern(element)
        # A row may open with a number cell ("1.<TAB>Work with children<TAB>Good").
        row = re.compile(rf"^[ \t]*(?:-[ \t]+|\d{{1,2}}\.?\t)?(?:{name})[ \t]*(?::[ \t]*|\t[^\n]*?\t?|[ \t]+)"
                         rf"{QUOTE}?(?P<word>{words}){QUOTE}?\.?{QUOTE}?[ \t]*$", re.IGNORECASE | re.MULTILINE)
        # A heading naming the element, then "Rating: Good" on the next line that has text.
        boxed = re.compile(rf"^[ \t]*(?:{name})[ \t]*:?[ \t]*\n(?:[ \t]*\n)*[ \t]*Rating[ \t]*[:\t][ \t]*"
                           rf"{QUOTE}?(?P<word>{words}){QUOTE}?\.?[ \t]*$", re.IGNORECASE | re.MULTILINE)
        prose = re.compile(rf"(?<![\w-])(?:{name})(?:\s+[\w'’-]+){{0,3}}?\s+(?:was|were|is|are|has\s+been|had\s+been)"
                           rf"\s+(?:rated|judged)\s+(?:as\s+)?{QUOTE}?(?P<word>{words})(?:\.?{QUOTE})?", re.IGNORECASE)
        for source, pattern in (("ratings row", row), ("ratings row", boxed), ("prose", prose)):
            for match in pattern.finditer(doc.text):
                word = match.group("word")
                found.append(Statement(element.code, source, " ".join(word.split()), fw.rating_word(word),
                                       match.start(), match.end()))
    return _outermost(found)


def _outermost(statements: list) -> list:
    """A judgement's row inside an area's row ("C1.1 ..." also matches "C1"): keep the most
    specific element for each printed rating."""
    kept = []
    for s in sorted(statements, key=lambda s: (s.end, -len(s.code))):
        if kept and kept[-1].end == s.end and kept[-1].start <= s.start:
            continue
        kept.append(s)
    return sorted(kept, key=lambda s: s.start)


OVERALL_PATTERNS = (
    ("ratings row", r"^[ \t]*Overall(?:[ \t]+rating)?[ \t]*(?::[ \t]*|\t+|[ \t]+){q}?(?P<word>{w}){q}?\.?{q}?[ \t]*$"),
    # "Overall, Wirral YJS was rated as 'Good'": the subject is the service, as printed.
    ("prose", r"\bOverall,?\s+(?:[^.\n]{{1,120}}?\s)?(?:was|is|has\s+been)\s+rated\s+(?:as\s+)?{q}?(?P<word>{w})(?:\.?{q})?"),
    ("prose", r"\boverall\s+rating\s+(?:of|was|is)\s*:?\s*{q}?(?P<word>{w})(?:\.?{q})?"),
)


def overall_statements(doc: Document, fw: Framework) -> list:
    found = []
    for source, pattern in OVERALL_PATTERNS:
        rx = re.compile(pattern.format(q=QUOTE, w=fw.rating_pattern), re.IGNORECASE | re.MULTILINE)
        for match in rx.finditer(doc.text):
            if source == "prose" and about_an_earlier_inspection(doc.text, match.start("word")):
                continue  # "Overall, at its last inspection in 2022, it was rated as ...": not this report's
            word = match.group("word")
            found.append(Statement("overall", source, " ".join(word.split()), fw.rating_word(word),
                                   match.start(), match.end()))
    return sorted(found, key=lambda s: s.start)


def rating_rows(doc: Document, fw: Framework, statements: list) -> list:
    """One `ratings` row per element the report rates: its first statement, a ratings row first."""
    rows = []
    for element in fw.elements:
        printed = [s for s in statements if s.code == element.code and s.rating]
        if not printed:
            continue
        chosen = next((s for s in printed if s.source == "ratings row"), printed[0])
        rows.append({"code": element.code, "standard": element.name, "rating": chosen.rating,
                     "score": fw.rating_scores.get(chosen.rating), **provenance(doc, chosen.start, chosen.end)})
    return rows


# ---------------------------------------------------------------- judgements: % yes and counts


@dataclass
class Judgement:
    code: str
    question: str
    percent_yes: float | None
    count: int | None
    denominator: int | None
    start: int
    end: int
    sample: str | None


PERCENT = re.compile(r"(?<![\d.])(?P<pct>\d{1,3}(?:\.\d+)?)\s*%")
FIGURES_ONLY = re.compile(r"^[\s\d%/.()]*(?:out\s+of|of)?[\s\d%/.()]*(?:cases)?\s*$", re.IGNORECASE)
COUNT = re.compile(r"(?<![\d.])(?P<k>\d{1,3})\s*(?:out\s+of|of|/)\s*(?:the\s+)?(?P<n>\d{1,3})(?![\d.%])(?:\s+cases)?",
                   re.IGNORECASE)


def judgements(doc: Document, fw: Framework) -> list:
    """Each judgement's row with a "% yes" or a case count: a line that opens with the
    judgement's code or words and carries the figures in its cells."""
    found = []
    for element in (e for e in fw.elements if not e.is_area):
        opening = re.compile(rf"^[ \t]*(?:-[ \t]+)?(?:{name_pattern(element)})", re.IGNORECASE)
        for index, line in enumerate(doc.lines):
            match = opening.match(line.text)
            if not match:
                continue
            rest, end = line.text[match.end():], line.end
            if not rest.strip():
                # A flattened table cell: the figures alone on the next line that has text.
                following = next((l for l in doc.lines[index + 1: index + 4] if l.text.strip()), None)
                if following is not None and FIGURES_ONLY.match(following.text):
                    rest, end = "\t" + following.text, following.end
            if not re.match(r"\s*(?:[\t:|]|\d)", rest):
                continue  # prose that opens with the judgement's words, not a row of figures
            pct, count = PERCENT.search(rest), COUNT.search(rest)
            if not pct and not count:
                continue
            found.append(Judgement(element.code, element.name, float(pct.group("pct")) if pct else None,
                                   int(count.group("k")) if count else None, int(count.group("n")) if count else None,
                                   line.start + len(line.text) - len(line.text.lstrip()), end, element.sample))
            break
    return found


def key_question_rows(doc: Document, found: list) -> list:
    return [{"code": j.code, "question": j.question, "percent_yes": j.percent_yes, "count": j.count,
             "denominator": j.denominator, **provenance(doc, j.start, j.end)} for j in found]


# ---------------------------------------------------------------- samples


# ---------------------------------------------------------------- sections, recommendations, findings


def heading_of(line) -> str | None:
    """The heading a line states ("Foreword (Back to top)" -> "Foreword"), or None."""
    text = BACK_TO_TOP.sub("", line.text)
    if text == line.text:
        return heading_text(line)
    return " ".join(text.split()) or None


def recommendations_region(doc: Document) -> tuple | None:
    heading = find_line(doc, r"Recommendations(?:\s*\(?Back to top\)?)?:?")
    if heading is None:
        return None
    started = False
    for line in lines_between(doc, heading.end + 1):
        text = line.text.strip()
        if ITEM.match(line.text):
            started = True
        elif started and text and not LEAD_IN.match(text) and heading_of(line):
            return heading.end, line.start
    return heading.end, len(doc.text)


POLARITY = {"strengths": "strength", "areas for improvement": "improvement"}


def findings(doc: Document, fw: Framework, samples: dict, skip: list) -> list:
    """Sentences stating a quantity, under the heading they sit beneath; over the victims'
    sample under a victims heading, else the children's."""
    rows, section, area = [], None, None

    def is_heading(line):
        return heading_of(line) is not None

    for block in doc.blocks(breaks_before=is_heading):
        if title := heading_of(block[0]):  # a heading opens the block (a text export has no blank line after it)
            section, block = title, block[1:]
            area = next((kind for kind, words in fw.sample_headings.items() if words.search(title)), area)
            if not block:
                continue
        sample = samples.get(area or "children_cases")
        for run in _prose_runs(block):
            start, end = run[0].start, run[-1].end
            if any(a <= start < b for a, b in skip):
                continue  # the recommendations
            for s, e in sentences(doc, start, end):
                reading = read_sentence(doc.span(s, e).text, sample)
                if reading.quantities:
                    rows.append(finding(doc, s, e, section=section, heading=section, reading=reading,
                                        polarity=POLARITY.get((section or "").lower()), sample_size=sample))
    return rows


def _prose_runs(block: list) -> list:
    """The block's consecutive lines that are not table rows (a row has tab-separated cells)."""
    runs, run = [], []
    for line in block:
        if "\t" in line.text:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(line)
    return runs + ([run] if run else [])


# ---------------------------------------------------------------- the extractor


@register(PROGRAMME)
def extract(doc: Document, context: dict) -> dict:
    fw = load_framework()
    statements = rating_statements(doc, fw)
    overall = overall_statements(doc, fw)
    overall_rating = next((s.rating for s in overall if s.rating), None)
    found = judgements(doc, fw)
    sample_found = sample_statements(doc, fw)  # the standards extractor's reader, over this framework's patterns
    samples = sample_rows(sample_found)
    sizes = {row["kind"]: row["n"] for row in samples}
    region = recommendations_region(doc)
    # `number` is the order in the report: a web page restarts its numbered list under each addressee.
    recs = [{**row, "number": i} for i, row in enumerate(recommendations(doc, region) if region else [], start=1)]
    stated = next((s for s in overall if s.rating and s.rating == overall_rating), None)
    return {
        "report": {"overall_rating": overall_rating},
        # Where the overall rating was read, beside the common metadata's evidence.
        "metadata_evidence": [{"field": "overall_rating", "value": overall_rating,
                               **provenance(doc, stated.start, stated.end)}] if stated else [],
        "ratings": rating_rows(doc, fw, statements),
        "key_questions": key_question_rows(doc, found),
        "recommendations": recs,
        "samples": samples,
        "findings": findings(doc, fw, sizes, [region] if region else []),
        "validations": checks.validate(fw, doc, statements=statements, overall=overall, judgements=found,
                                       sample_statements=sample_found, recommendations=recs,
                                       has_recommendations=region is not None),
    }
