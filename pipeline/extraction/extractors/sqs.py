"""SQS letters (Short Quality Screening, 2012–17), and what Full Joint Inspection reports share with them.

A letter has no score table. What inspectors found is written in numbered
paragraphs (1.1 … 4.5) under four domain headings, then listed as "Key strengths"
and "Areas requiring improvement". Each sentence of a paragraph becomes a finding
with its quantities ("almost three-quarters of cases") normalised by
pipeline.extraction.quantities; the improvement list becomes the recommendations.

The letters reach us in several layouts (text exports with one line per paragraph,
PDFs with hard line wraps, paragraphs broken by a page break or a footnote), so a
paragraph is assembled from the lines between one paragraph number and the next,
leaving out footnotes and page furniture, and remembering where every piece came
from so each sentence keeps its page, line and evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...reading.document import Document, Line
from .. import judgement
from ..findings import finding, provenance
from ..numbers import words_to_int
from ..quantities import find_quantities, read_sentence
from ...reading.sentences import split_sentences
from . import register

# --- layout: what each kind of line looks like ----------------------------------------

COMMENTARY_START = re.compile(r"^\s*Commentary\s+on\s+the\s+inspection\b", re.I)
# "1. Reducing reoffending", "4. Making sure the sentence is served": short, no full stop.
DOMAIN_HEADING = re.compile(r"^\s*(?P<number>[1-9])\.?\s+(?P<heading>[A-Z][A-Za-z ,'()/-]{3,80}?)\s*$")
# "- 1.1. Sufficient efforts…", "1.1 Sufficient efforts…"
PARAGRAPH = re.compile(r"^\s*(?:[-•*]\s*)?(?P<code>[1-9]\.\d{1,2})\.?(?=\s)\s*")
SECTION_END = re.compile(r"^\s*(?:Operational\s+management|Key\s+strengths|Areas\s+(?:requiring|for)\s+improvement"
                         r"|Recommendations|Copy\s+to)\b", re.I)
STRENGTHS_HEADING = re.compile(r"^\s*Key\s+strengths\s*:?\s*$", re.I)
IMPROVEMENTS_HEADING = re.compile(r"^\s*(?:(?:The\s+)?(?:main\s+)?Areas\s+(?:requiring|for)\s+improvement"
                                  r"|Recommendations)\s*:?\s*$", re.I)
# The sentences that close the lists.
LIST_END = re.compile(r"^\s*(?:We\s+(?:strongly\s+recommend|are\s+grateful)|If\s+you\s+have|Please\s+pass"
                      r"|Copy\s+to|Operational\s+management|Note\s*\d*\s*:)", re.I)
# "- ", "• ", "i. ", "- ii. ", "(a) ", "3. " at the start of a list item.
LIST_ITEM = re.compile(r"^\s*(?:[-•*]\s+)?(?:\(?(?:[ivx]{1,6}|[a-h]|\d{1,2})[.)]\s+)?(?=\S)")
BULLET = re.compile(r"^\s*[-•*]\s+")
ENUMERATOR = re.compile(r"^\s*\(?(?:[ivx]{1,6}|[a-h]|\d{1,2})[.)]\s+")
PAGE_FURNITURE = re.compile(r"^\s*(?:\d{1,3}|Page\s+\d+(?:\s+of\s+\d+)?)\s*$", re.I)
# A footnote line: "[^1] The reoffending rate…" (superscripts, cleaned) or "1 The
# reoffending rate…" (a PDF that lost the superscript; only for numbers the text cites).
FOOTNOTE_LINE = re.compile(r"^\s*(?:\[\^(?P<marked>\d{1,2})\]|(?P<plain>\d{1,2})(?=\s+[A-Z]))\s*")
# A footnote cited in the text: "rate[^1]" or, when the superscript was lost, "rate1 ".
FOOTNOTE_MARK = re.compile(r"\[\^(\d{1,2})\]|(?<=[a-z'])(\d{1,2})(?=[\s,.;:)])")
SENTENCE_END = re.compile(r"[.!?)\]]\s*$")

# --- what the letters say, as data ----------------------------------------------------

SAMPLE_PATTERNS = [  # the number of cases examined
    r"\bsample\s+of\s+(?P<n>\d+|[a-z]+(?:[\s-][a-z]+)?)\s+(?:recent\s+|relevant\s+)?cases\b",
    r"\bwe\s+(?:examined|inspected|looked\s+at|assessed|reviewed|read)\s+(?P<n>\d+|[a-z]+(?:[\s-][a-z]+)?)"
    r"\s+(?:recent\s+|relevant\s+)?cases\b",
    r"\b(?P<n>\d+|[a-z]+(?:[\s-][a-z]+)?)\s+cases\s+were\s+(?:examined|inspected|assessed|reviewed)\b",
]
REOFFENDING = re.compile(
    r"reoffending\s+rate(?P<mark>\[\^\d{1,2}\]|\d{1,2}(?=\s))?\s+(?:for\s+[^.\n]{1,60}?\s+)?"
    r"(?:was|is|of|stood\s+at)\s+(?P<value>\d{1,2}(?:\.\d+)?)\s?(?:%|per\s?cent)", re.I)
COMPARATOR = re.compile(
    r"(?:(?P<direction>better|worse|lower|higher)\s+than\s+)?(?:the\s+)?(?P<label>England\s+and\s+Wales|England|Wales)"
    r"(?:\s+(?:average|rate|figure))?\s+(?:of|was|is|at)\s+(?P<value>\d{1,2}(?:\.\d+)?)\s?(?:%|per\s?cent)", re.I)
# Parts of a reoffending footnote worth keeping as the fact's note, in this order.
NOTE_PARTS = [
    r"[A-Z][a-z]+\s+\d{4}\s*(?:-|to)\s*[A-Z][a-z]+\s+\d{4}\s+cohort",
    r"binary\s+reoffending\s+rates?\s+after\s+\d+\s+months",
    r"published\s+(?:in\s+)?[A-Z][a-z]+\s+\d{4}",
    r"Source:\s*[^.,;\n]+",
]

def polarity_of(sentence: str, quantities: list | None = None) -> str | None:
    """`improvement`, `strength` or None, from the grammar of the sentence's judgement
    (models/judgements.yml, with the letters' rules in models/sqs.yml): each clause's
    judgement words read through its negation and its quantities ("sufficient in only
    two-thirds of cases" needs improvement; "rather than making sure they were of good
    enough quality" falls short)."""
    if quantities is None:
        quantities = find_quantities(sentence)
    return judgement.polarity(sentence, quantities, judgement.PolarityRules.load("sqs.yml"))


# --- text assembled from pieces of the document ----------------------------------------

@dataclass
class Stitched:
    """Text joined from pieces of doc.text (one paragraph across lines, a page break or a
    footnote), mapping every offset back to the document."""

    pieces: list  # [(doc_start, doc_end)]
    text: str
    starts: list  # offset of each piece in text

    @classmethod
    def of(cls, doc: Document, pieces: list) -> "Stitched":
        texts, starts, offset = [], [], 0
        for start, end in pieces:
            starts.append(offset)
            texts.append(doc.text[start:end])
            offset += end - start + 1
        return cls(pieces, " ".join(texts), starts)

    def to_doc(self, offset: int, *, end: bool = False) -> int:
        """The doc.text offset of a text offset (for an end offset, the piece it closes)."""
        index = 0
        for i, start in enumerate(self.starts):
            if start < offset or (start == offset and not end):
                index = i
        piece_start, piece_end = self.pieces[index]
        return min(piece_start + offset - self.starts[index], piece_end)


def _piece(line: Line, skip: int = 0) -> tuple[int, int] | None:
    """The offsets of a line's content after `skip` characters, whitespace trimmed."""
    text = line.text[skip:]
    content = text.strip()
    if not content:
        return None
    start = line.start + skip + (len(text) - len(text.lstrip()))
    return start, start + len(content)


def _clean_sentence(text: str, footnotes: dict) -> str:
    """A sentence as stored: whitespace folded, footnote markers removed."""
    text = FOOTNOTE_MARK.sub(lambda m: "" if (m.group(1) or m.group(2)) in footnotes else m.group(0), text)
    return " ".join(text.split())


# --- footnotes -------------------------------------------------------------------------

@dataclass
class Footnote:
    number: str
    lines: list  # Line numbers (1-based) the footnote occupies
    stitched: Stitched


def find_footnotes(doc: Document) -> dict:
    """Footnotes by number. A footnote runs on over following lines until one ends a sentence."""
    cited = {m.group(1) or m.group(2) for m in FOOTNOTE_MARK.finditer(doc.text)}
    footnotes, lines, i = {}, doc.lines, 0
    while i < len(lines):
        match = FOOTNOTE_LINE.match(lines[i].text)
        number = match and (match.group("marked") or (match.group("plain") if match.group("plain") in cited else None))
        if not number or PARAGRAPH.match(lines[i].text) or DOMAIN_HEADING.match(lines[i].text):
            i += 1
            continue
        taken, pieces = [lines[i].number], [_piece(lines[i], match.end())]
        while not SENTENCE_END.search(lines[i].text) and i + 1 < len(lines) and lines[i + 1].text.strip():
            i += 1
            taken.append(lines[i].number)
            pieces.append(_piece(lines[i]))
        footnotes.setdefault(number, Footnote(number, taken, Stitched.of(doc, [p for p in pieces if p])))
        i += 1
    return footnotes


# --- the numbered paragraphs -----------------------------------------------------------

@dataclass
class Paragraph:
    code: str  # "2.1"
    heading: str | None  # "Protecting the public", as printed
    pieces: list


def find_paragraphs(doc: Document, footnote_lines: set) -> tuple[list, list]:
    """The numbered paragraphs of the commentary, and the domain headings [(number, heading)]."""
    lines = doc.lines
    start = next((i for i, line in enumerate(lines) if COMMENTARY_START.match(line.text)), None)
    if start is None:
        start = next((i for i, line in enumerate(lines) if _domain_heading(lines, i)), len(lines))
    paragraphs, headings, current, heading = [], [], None, None
    for i in range(start, len(lines)):
        line = lines[i]
        if line.number in footnote_lines or PAGE_FURNITURE.match(line.text) or not line.text.strip():
            continue
        if SECTION_END.match(line.text) and not PARAGRAPH.match(line.text):
            break
        if match := _domain_heading(lines, i):
            heading = " ".join(match.group("heading").split())
            headings.append((match.group("number"), heading))
            current = None
            continue
        if match := PARAGRAPH.match(line.text):
            current = Paragraph(match.group("code"), heading, [])
            paragraphs.append(current)
            piece = _piece(line, match.end())
        elif current is not None:  # a wrapped line, or one continued after a page break or footnote
            bullet = BULLET.match(line.text)
            piece = _piece(line, bullet.end() if bullet else 0)
        else:
            continue
        if piece:
            current.pieces.append(piece)
    return paragraphs, headings


def _domain_heading(lines: list, i: int):
    """A domain heading line, recognised by the paragraph that follows it."""
    match = DOMAIN_HEADING.match(lines[i].text)
    if not match:
        return None
    following = next((line for line in lines[i + 1:i + 4] if line.text.strip()), None)
    numbered = following and PARAGRAPH.match(following.text)
    return match if numbered and numbered.group("code").split(".")[0] == match.group("number") else None


def paragraph_findings(doc: Document, paragraph: Paragraph, sample: int | None, footnotes: dict) -> list:
    """One finding per sentence. A quantity that refers back ("All except three were",
    "all except one of those cases") takes as its base the set the previous sentence
    counted ("There were 13 cases where ...")."""
    stitched = Stitched.of(doc, paragraph.pieces)
    rows, antecedent = [], None
    for start, end in split_sentences(stitched.text):
        raw = stitched.text[start:end]
        text = _clean_sentence(raw, footnotes)
        reading = read_sentence(text, sample, antecedent=antecedent)
        row = finding(doc, stitched.to_doc(start), stitched.to_doc(end, end=True), section=paragraph.code,
                      heading=paragraph.heading, polarity=polarity_of(text, reading.quantities), text=text,
                      evidence=" ".join(raw.split()), reading=reading)
        antecedent = reading.named_set
        rows.append(row)
    return rows


# --- the lists -------------------------------------------------------------------------

def list_items(doc: Document, heading: re.Pattern, footnote_lines: set) -> list:
    """The items of the list under a heading ("Key strengths"), as Stitched texts.

    An item starts at a bullet or enumerator; a line without one continues it (a hard
    wrap) unless a blank line came first, which ends the list; so do the letter's
    closing sentences and the next heading. Lines before the first item introduce it."""
    lines = doc.lines
    start = next((i for i, line in enumerate(lines) if heading.match(line.text)), None)
    if start is None:
        return []
    items, current, blank = [], None, False
    for line in lines[start + 1:]:
        text = line.text
        if line.number in footnote_lines or PAGE_FURNITURE.match(text):
            continue
        if not text.strip():
            blank = True
            continue
        if LIST_END.match(text) or STRENGTHS_HEADING.match(text) or IMPROVEMENTS_HEADING.match(text):
            break
        marker = BULLET.match(text) or ENUMERATOR.match(text)
        if marker:
            current = [_piece(line, LIST_ITEM.match(text).end())]
            items.append(current)
        elif current is None:
            continue  # "The best aspects of work that we found in Wandsworth included:"
        elif blank:
            break
        else:
            current.append(_piece(line))
        blank = False
    return [Stitched.of(doc, [p for p in item if p]) for item in items if any(item)]


# --- samples and context ---------------------------------------------------------------

def find_sample(doc: Document) -> dict | None:
    for pattern in SAMPLE_PATTERNS:
        for match in re.finditer(pattern, doc.text, re.I):
            n = words_to_int(match.group("n").replace("-", " "))
            if n:
                return {"kind": "cases", "n": n, **provenance(doc, match.start(), match.end())}
    return None


def reoffending_facts(doc: Document, footnotes: dict) -> tuple[list, list]:
    """The published reoffending rate with its England and Wales comparator, and a check
    that the letter's "better/worse than" agrees with the two figures."""
    match = REOFFENDING.search(doc.text)
    if not match:
        return [], []
    comparator = COMPARATOR.search(doc.text, match.end(), match.end() + 400)
    end = comparator.end() if comparator else match.end()
    value = float(match.group("value"))
    mark = re.sub(r"\D", "", match.group("mark") or "")
    note = footnotes.get(mark) or next((f for f in footnotes.values() if "reoffending" in f.stitched.text.lower()), None)
    fact = {"measure": "reoffending_rate", "value": value, "unit": "%",
            "comparator_label": " ".join(comparator.group("label").split()) if comparator else None,
            "comparator_value": float(comparator.group("value")) if comparator else None,
            "note": _note(note.stitched.text) if note else None,
            **provenance(doc, match.start(), end)}
    checks = []
    if comparator and comparator.group("direction"):
        direction = comparator.group("direction").lower()
        lower_is_said = direction in ("better", "lower")  # a lower reoffending rate is better
        agrees = value < fact["comparator_value"] if lower_is_said else value > fact["comparator_value"]
        checks.append({"rule": "reoffending_rate_comparison",
                       "expected": f"{value} {'<' if lower_is_said else '>'} {fact['comparator_value']} "
                                   f"(the letter says {direction} than {fact['comparator_label']})",
                       "found": f"{value} vs {fact['comparator_value']}", "passed": int(agrees),
                       "evidence": fact["evidence"] if agrees else
                       f"{fact['evidence']}: the words and the figures disagree, so a figure was misread or misprinted"})
    return [fact], checks


def _note(footnote: str) -> str:
    parts = [" ".join(m.group(0).split()) for p in NOTE_PARTS if (m := re.search(p, footnote))]
    return "; ".join(parts) if parts else " ".join(footnote.split())


def sequence_check(paragraphs: list, headings: list) -> dict:
    """The paragraphs must run 1.1, 1.2, … under headings 1, 2, … with none lost or repeated."""
    found = [p.code for p in paragraphs]
    expected, domains = [], [number for number, _ in headings]
    for number in domains:
        count = sum(1 for code in found if code.split(".")[0] == number)
        expected += [f"{number}.{k}" for k in range(1, count + 1)]
    ok = bool(found) and found == expected and domains == [str(k) for k in range(1, len(domains) + 1)]
    summary = ", ".join(f"{n}.1-{n}.{sum(1 for c in found if c.split('.')[0] == n)}" for n in domains)
    return {"rule": "sqs_paragraph_sequence", "expected": "paragraphs numbered 1.1, 1.2, … in order under headings 1, 2, …",
            "found": summary or "no numbered paragraphs", "passed": int(ok),
            "evidence": f"paragraphs {' '.join(found)}" if ok else
            f"paragraphs {' '.join(found) or 'none'}: a paragraph was lost, repeated or misnumbered in this layout"}


# --- the extractor ---------------------------------------------------------------------

@register("SQS")
def extract(doc: Document, context: dict) -> dict:
    footnotes = find_footnotes(doc)
    footnote_lines = {number for note in footnotes.values() for number in note.lines}
    sample = find_sample(doc)
    size = sample["n"] if sample else None

    paragraphs, headings = find_paragraphs(doc, footnote_lines)
    findings = [row for paragraph in paragraphs for row in paragraph_findings(doc, paragraph, size, footnotes)]
    for item in list_items(doc, STRENGTHS_HEADING, footnote_lines):
        text = _clean_sentence(item.text, footnotes)
        row = finding(doc, item.pieces[0][0], item.pieces[-1][1], section="Key strengths", heading="Key strengths",
                      polarity="strength", sample_size=size, text=text)
        row["evidence"] = " ".join(item.text.split())
        findings.append(row)

    recommendations = []
    for number, item in enumerate(list_items(doc, IMPROVEMENTS_HEADING, footnote_lines), start=1):
        row = provenance(doc, item.pieces[0][0], item.pieces[-1][1])
        row["evidence"] = " ".join(item.text.split())
        recommendations.append({"number": number, "text": _clean_sentence(item.text, footnotes),
                                "addressee": None, **row})

    facts, validations = reoffending_facts(doc, footnotes)
    if paragraphs or context.get("programme") == "SQS":
        validations.append(sequence_check(paragraphs, headings))
    return {"findings": findings, "recommendations": recommendations, "samples": [sample] if sample else [],
            "context_facts": facts, "validations": validations}
