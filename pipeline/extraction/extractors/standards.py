"""Reports of the standards-and-ratings framework: YOS-2018 (2018-21) and YJS-2021.

One extractor reads both programmes; what differs between them (standards, names,
domains, scoring rules) is data in models/frameworks.yml. A report prints each
standard's rating in up to three places — the summary of ratings, the heading of the
standard's section and the annex table — and all three are read so that
pipeline/checks/standards.py can check them against each other and against the
inspectorate's own scoring rules. Nothing read here is ever corrected.

Choices (see also the tests):
- a ratings row is read from the summary table or, where that has no rating word for the
  standard, from its section heading, then the annex (the validations record the gap);
- key_questions holds the questions of case-level standards only (those with a "% yes");
  domain-one questions carry no percentage and are read only to check completeness;
- findings: domain-summary bullets get section "1"/"2"/"3" and the domain name as
  heading; narrative sentences with a quantity get the standard code ("2.1") and name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import regex

from ...checks import standards as validate_standards
from ...reading.compact import loose_pattern
from ...reading.document import Document
from .. import ratings
from ..findings import finding, provenance
from ..judgement import about_an_earlier_inspection
from ...models import load_model
from ..numbers import NUMBER_PHRASE, words_to_int
from ..quantities import read_sentence
from . import register

# ---------------------------------------------------------------- framework data


@dataclass(frozen=True)
class Standard:
    code: str
    name: str
    domain: str
    sample: str | None  # case sample its key questions are answered over, if case-level
    key_questions: int | None
    counts_towards_overall: bool


@dataclass(frozen=True)
class Framework:
    programme: str
    domains: tuple  # ((number, name), ...)
    standards: tuple  # (Standard, ...)
    rating_scores: dict
    key_question_bands: list
    overall_bands: list
    percent_tolerance: float
    sample_statements: dict

    def rating_word(self, text: str | None) -> str | None:
        return ratings.rating_word(self.rating_scores, text)

    @property
    def rating_pattern(self) -> str:
        return ratings.rating_pattern(self.rating_scores)


@lru_cache(maxsize=None)
def load_framework(programme: str) -> Framework:
    spec = load_model("frameworks.yml")["frameworks"][programme]
    standards = tuple(
        Standard(code=s["code"], name=s["name"], domain=d["number"],
                 sample=d.get("sample") if s.get("case_level", True) else None,
                 key_questions=s.get("key_questions"),
                 counts_towards_overall=s.get("counts_towards_overall", True))
        for d in spec["domains"] for s in d["standards"])
    return Framework(programme, tuple((d["number"], d["name"]) for d in spec["domains"]), standards,
                     spec["rating_scores"], spec["key_question_bands"], spec["overall_bands"],
                     spec["percent_tolerance"], spec["sample_statements"])


# ---------------------------------------------------------------- where things are


def lines_between(doc: Document, start: int, end: int | None = None):
    """The lines that start in [start, end)."""
    end = len(doc.text) if end is None else end
    if not doc.lines or end <= start:
        return
    index = doc.line_at(start).number - 1
    index += doc.lines[index].start < start
    for line in doc.lines[index:]:
        if line.start >= end:
            return
        yield line


def find_line(doc: Document, pattern: str, start: int = 0, end: int | None = None):
    """The first line in [start, end) whose whole stripped text matches (case-insensitive)."""
    rx = re.compile(pattern, re.IGNORECASE)
    return next((line for line in lines_between(doc, start, end) if rx.fullmatch(line.text.strip())), None)


# A heading with no page number after it: table-of-contents rows end in one.
ANNEX_HEADING = r"Annexe?\s*\d+\s*[-:.]?\s*[A-Za-z][A-Za-z ,&/-]*"
RESULTS_ANNEX = r"Annexe?\s*\d+\s*[-:.]?\s*Inspection\s+(?:results|data)\b.*"
OVERALL_BLOCK = re.compile(r"^[ \t]*Overall\s+rating[ \t]*:?[ \t]*(?:\n[ \t]*)*(?P<cell>[^\n\t]+)",
                           re.IGNORECASE | re.MULTILINE)


@dataclass
class Layout:
    """Offsets in doc.text of the parts of a standards report."""

    summary: tuple  # summary of ratings: the "Overall rating" block up to "Recommendations"
    recommendations: tuple
    context: tuple  # contextual facts page
    sections: tuple  # the domain sections, up to the first annex
    annex: tuple  # the inspection results annex (standards, key questions, % yes)
    overall: re.Match | None


def layout(doc: Document, fw: Framework) -> Layout:
    end = len(doc.text)
    overall = OVERALL_BLOCK.search(doc.text)
    top = overall.start() if overall else 0
    recs = find_line(doc, r"Recommendations", top)
    body = recs.end if recs else top
    first_domain = _domain_heading(doc, fw, fw.domains[0], body)
    first_annex = find_line(doc, ANNEX_HEADING, first_domain.start() if first_domain else body)
    sections_end = first_annex.start if first_annex else end
    domains_start = first_domain.start() if first_domain else sections_end
    context = find_line(doc, r"Contextual\s+facts", top, domains_start)
    front_end = context.start if context else domains_start  # where recommendations must stop
    results = find_line(doc, RESULTS_ANNEX, domains_start)
    after_results = find_line(doc, ANNEX_HEADING, results.end) if results else None
    return Layout(
        summary=(top, recs.start if recs else front_end) if overall else (0, 0),
        recommendations=(recs.end, _recommendations_end(doc, recs.end, front_end)) if recs else (0, 0),
        context=(context.end, domains_start) if context else (0, 0),
        sections=(body, sections_end),
        # Without a recognisable results annex, key questions are sought in all the annexes.
        annex=(results.end, after_results.start if after_results else end) if results else (sections_end, end),
        overall=overall)


def _recommendations_end(doc: Document, start: int, end: int) -> int:
    following = find_line(doc, r"Introduction|Background|Contextual\s+facts", start, end)
    return following.start if following else end


def _domain_heading(doc: Document, fw: Framework, domain: tuple, start: int, end: int | None = None):
    number, name = domain
    rx = re.compile(rf"^[ \t]*{number}\.?[ \t]+(?P<name>{loose_pattern(name)})[ \t]*$", re.IGNORECASE | re.MULTILINE)
    return rx.search(doc.text, start, end if end is not None else len(doc.text))


# ---------------------------------------------------------------- ratings


@dataclass
class PrintedRating:
    """One place a standard's rating is printed."""

    code: str
    name: str  # standard name as printed
    cell: str  # the rating as printed ('' when none was found)
    rating: str | None  # the normalised rating word; None when the cell is not one
    start: int
    end: int


def _standard_row(code: str) -> re.Pattern:
    # "2.1\tAssessment\tGood", "2.1 Assessment Good", "2.1. Assessment" — never "2.1.1".
    return re.compile(rf"^[ \t]*(?:-[ \t]+)?(?P<code>{re.escape(code)})(?!\.?\d)\.?[ \t]+(?P<rest>\S[^\n]*)$",
                      re.MULTILINE)


def _split_row(rest: str, standard: Standard, fw: Framework) -> tuple[str, str]:
    """A row's text after the code → (name as printed, rating cell as printed)."""
    cells = [cell.strip() for cell in rest.split("\t") if cell.strip()]
    if len(cells) >= 2:
        return " ".join(cells[:-1]), cells[-1]
    text = rest.strip()
    at_end = re.search(rf"[ \t]+['\"‘’]?(?:{fw.rating_pattern})['\"‘’]?\.?$", text, re.IGNORECASE)
    if at_end:
        return text[: at_end.start()].strip(), text[at_end.start():].strip()
    named = re.match(rf"{loose_pattern(standard.name)}\b", text, re.IGNORECASE)
    if named:  # the framework's name, then whatever the report printed as the rating
        return named.group(0), text[named.end():].strip()
    return text, ""


def printed_rows(doc: Document, fw: Framework, region: tuple) -> dict:
    """code → PrintedRating for each standard row found in a region (first occurrence)."""
    found = {}
    for standard in fw.standards:
        match = _standard_row(standard.code).search(doc.text, *region)
        if match:
            name, cell = _split_row(match.group("rest"), standard, fw)
            row = PrintedRating(standard.code, name, cell, fw.rating_word(cell), match.start("code"), match.end())
            found[standard.code] = row if row.rating else _wrapped_rating(doc, fw, row)
    return found


def _wrapped_rating(doc: Document, fw: Framework, row: PrintedRating) -> PrintedRating:
    """A PDF wraps a narrow rating column: "Requires" / "improvement" on two lines, or the
    whole rating on the line below the standard's name."""
    cell_start = doc.text.rindex(row.cell, row.start, row.end) if row.cell else row.end
    wrapped = re.match(rf"\s*['\"‘’]?(?:{fw.rating_pattern})['\"‘’]?\.?[ \t]*(?=\n|$)",
                       doc.text[cell_start: cell_start + 60], re.IGNORECASE)
    if wrapped and (row.cell or "\n" in wrapped.group(0)):
        row.cell = wrapped.group(0).strip()
        row.rating, row.end = fw.rating_word(row.cell), cell_start + wrapped.end()
    return row


def overall_rating(doc: Document, fw: Framework, lay: Layout) -> tuple[str | None, list]:
    """The overall rating as printed in the ratings table, and every statement of it."""
    statements = []
    if lay.overall:
        cell = lay.overall.group("cell")
        statements.append(("ratings table", cell, fw.rating_word(cell), lay.overall.start(), lay.overall.end()))
    # "rated as 'Good'", "an overall rating of Good", "Overall rating for the YOS Good"
    # (a council's own cover of the report).
    prose = re.compile(r"(?:rated\s+as|overall\s+rating\s+(?:of|for\s+(?:the\s+)?(?:YOS|YOT|YJS|service|partnership)))"
                       rf"\s*:?\s*['\"‘’]?(?P<word>{fw.rating_pattern})", re.IGNORECASE)
    for match in prose.finditer(doc.text, 0, lay.summary[0] or lay.sections[0]):
        if about_an_earlier_inspection(doc.text, match.start("word")):
            continue  # "At its last inspection in 2016, it was rated as 'Inadequate'": not this report's
        word = match.group("word")
        statements.append(("prose", word, fw.rating_word(word), match.start(), match.end()))
    rating = next((s[2] for s in statements if s[2]), None)
    return rating, [(source, printed, word, provenance(doc, start, end))
                    for source, printed, word, start, end in statements]


def rating_rows(fw: Framework, sources: dict, doc: Document) -> list:
    """One `ratings` row per standard, read from the first source that printed a rating word."""
    rows = []
    for standard in fw.standards:
        printed = [src[standard.code] for src in sources.values() if standard.code in src]
        if not printed:
            continue  # reported by the validations
        chosen = next((p for p in printed if p.rating), printed[0])
        rows.append({"code": standard.code, "standard": chosen.name or standard.name, "rating": chosen.rating,
                     "score": fw.rating_scores.get(chosen.rating), **provenance(doc, chosen.start, chosen.end)})
    return rows


# ---------------------------------------------------------------- annex: key questions


@dataclass
class KeyQuestion:
    code: str
    question: str
    percent_yes: float | None
    start: int
    end: int

    @property
    def standard(self) -> str:
        return self.code.rsplit(".", 1)[0]


KEY_QUESTION = re.compile(
    r"(?<![\d.])(?P<code>\d\.\d{1,2}\.\d{1,2})\.?\s+"
    r"(?P<question>(?:(?!\d\.\d{1,2}\.\d)[^?]){3,700}?\?)"  # up to its question mark, never into the next
    r"(?:[ \t\n|]*(?P<pct>\d{1,3}(?:\.\d+)?)[ \t]*%)?")  # "% yes" in the next cell: tab, newline or pipe


def key_questions(doc: Document, region: tuple) -> list:
    return [KeyQuestion(m.group("code"), " ".join(m.group("question").split()),
                        float(m.group("pct")) if m.group("pct") else None, m.start(), m.end())
            for m in KEY_QUESTION.finditer(doc.text, *region)]


def annex_ratings(doc: Document, fw: Framework, region: tuple, questions: list) -> dict:
    """Standard rows of the annex table. A rating not on the row itself (a table cell
    flattened to lines) is the rating word that ends a line within the standard's block."""
    rows = printed_rows(doc, fw, region)
    starts = sorted(row.start for row in rows.values())
    domain_line = re.compile(r"^[ \t]*\d\.[ \t]+[A-Z][^\n]*$", re.MULTILINE)
    masked = [(q.start, q.end) for q in questions]
    # A cell of its own: after a line break, a tab or a question's "? ", and ending its line.
    cell = re.compile(rf"(?:(?<=\n)|(?<=\t)|(?<=\? ))[ \t]*['\"‘’]?(?P<word>{fw.rating_pattern})"
                      rf"['\"‘’]?\.?[ \t]*(?=\n|$)",
                      re.IGNORECASE)
    for row in rows.values():
        if row.rating or row.cell:
            continue
        block_end = min([s for s in starts if s > row.start] + [region[1]])
        heading = domain_line.search(doc.text, row.end, block_end)
        block_end = heading.start() if heading else block_end
        for match in cell.finditer(doc.text, row.end, block_end):
            if not any(start <= match.start() < end for start, end in masked):
                row.cell, row.rating, row.end = match.group("word"), fw.rating_word(match.group("word")), match.end()
                break
    return rows


def key_question_rows(doc: Document, fw: Framework, questions: list) -> list:
    case_level = {s.code for s in fw.standards if s.sample}
    return [{"code": q.code, "question": q.question, "percent_yes": q.percent_yes, **provenance(doc, q.start, q.end)}
            for q in questions if q.standard in case_level]


# ---------------------------------------------------------------- recommendations


LEAD_IN = re.compile(r"^(?P<who>\S.*?)\s+should:?\s*$")
ITEM = re.compile(r"^[ \t]*(?:(?P<number>\d{1,2})[.)]|[-•])[ \t]+\S")


def recommendations(doc: Document, region: tuple) -> list:
    """Numbered (or bulleted) items, each with the addressee of the "... should:" lead-in
    above it. A wrapped line (PDF) continues an item unless the item has ended its
    sentence and the line starts a new one; a blank line ends an item."""
    items, addressee, current, before = [], None, None, ""  # before: text since the last item
    for line in lines_between(doc, *region):
        text = line.text.strip()
        item, lead_in = ITEM.match(line.text), LEAD_IN.match(text)
        if item:
            number = int(item.group("number")) if item.group("number") else len(items) + 1
            indent = len(line.text) - len(line.text.lstrip())
            current = {"number": number, "addressee": addressee, "start": line.start + indent, "end": line.end}
            items.append(current)
        elif lead_in:  # only the last sentence before "should:" names who (a wrapped lead-in spans lines)
            addressee = re.split(r"(?<=[.!?:])\s+", f"{before} {lead_in.group('who')}".strip())[-1].rstrip(" ,;")
            current, before = None, ""
        elif text and current and not (doc.text[current["end"] - 1] in ".!?" and text[0].isupper()):
            current["end"] = line.end
        else:
            current, before = None, f"{before} {text}" if text else ""
    rows = []
    for item in items:
        span = doc.span(item["start"], item["end"])
        rows.append({"number": item["number"], "text": re.sub(r"^(?:\d{1,2}[.)]|[-•])\s+", "", span.text),
                     "addressee": item["addressee"], **span.as_provenance()})
    return rows


def stated_recommendation_count(doc: Document, region: tuple) -> tuple | None:
    match = regex.search(rf"made\s+(?P<n>\d+|{NUMBER_PHRASE.pattern})\s+recommendations", doc.text,
                         flags=regex.IGNORECASE, pos=region[0], endpos=region[1])
    return (words_to_int(match.group("n")), " ".join(match.group(0).split())) if match else None


# ---------------------------------------------------------------- samples


def sample_statements(doc: Document, fw: Framework) -> list:
    """Every statement of a case sample's size: (kind, n, provenance), in document order."""
    number = rf"\d{{1,4}}|{NUMBER_PHRASE.pattern}"
    found = []
    for kind, patterns in fw.sample_statements.items():
        for pattern in patterns:
            for match in regex.finditer(pattern.replace("{N}", number), doc.text, flags=regex.IGNORECASE):
                n = words_to_int(match.group("n"))
                if n:
                    found.append((match.start(), kind, n, provenance(doc, match.start(), match.end())))
    found.sort(key=lambda item: item[0])
    return [item[1:] for item in found]


def sample_rows(statements: list) -> list:
    rows, seen = [], set()
    for kind, n, prov in statements:
        if kind not in seen:
            seen.add(kind)
            rows.append({"kind": kind, "n": n, **prov})
    return rows


# ---------------------------------------------------------------- contextual facts

NUMBER_TOKEN = re.compile(r"^(?P<value>\d[\d,]*(?:\.\d+)?)\s*(?P<pct>%?)$")
MARKER = re.compile(r"\s*\[\^(\d+)\]")
RATE_PER = re.compile(r"rate\s+per\s+([\d,]+)", re.IGNORECASE)


@dataclass
class Token:
    text: str  # footnote markers removed
    start: int
    end: int
    markers: list = field(default_factory=list)

    @property
    def number(self):
        match = NUMBER_TOKEN.match(self.text)
        return (float(match.group("value").replace(",", "")), match.group("pct")) if match else None


def _tokens(doc: Document, region: tuple) -> list:
    """The contextual facts page as cells: one per line, or per tab-separated cell."""
    tokens = []
    for line in lines_between(doc, *region):
        if line.text.lstrip().startswith("[^"):
            continue  # a footnote's text, read by _footnote
        for cell in re.finditer(r"[^\t]+", line.text):
            raw = cell.group(0)
            text = MARKER.sub("", raw).strip()
            if text:
                start = line.start + cell.start() + len(raw) - len(raw.lstrip())
                tokens.append(Token(text, start, line.start + cell.end(), MARKER.findall(raw)))
    return tokens


def _footnote(doc: Document, marker: str, after: int) -> str | None:
    """The text of footnote N: its first definition after the marker (numbers restart)."""
    match = re.compile(rf"^\[\^{marker}\]\s*(?P<text>\S[^\n]*)$", re.MULTILINE).search(doc.text, after)
    return " ".join(match.group("text").split()) if match else None


def context_facts(doc: Document, region: tuple) -> tuple[list, list]:
    """Rows of `context_facts`, and the names of groups whose layout could not be read."""
    groups = load_model("frameworks.yml")["context_facts"]
    tokens = _tokens(doc, region)
    heads = []
    for index, token in enumerate(tokens):
        group = next((g for g in groups if re.match(rf"{g['heading']}(?!\w)", token.text, re.IGNORECASE)), None)
        if group and token.number is None:
            heads.append((index, group))
    rows, unreadable = [], []
    for (index, group), following in zip(heads, heads[1:] + [(len(tokens), None)]):
        body = tokens[index + 1: following[0]]
        read = LAYOUTS[group["layout"]](group, tokens[index], body)
        if read is None:
            unreadable.append(f"{group.get('measure', group['heading'])} at line {doc.line_at(tokens[index].start).number}")
            continue
        for fact, first, last, marker_tokens in read:
            markers = [m for t in marker_tokens for m in t.markers] or _nearest_marker(tokens, index)
            note = _footnote(doc, markers[0], first.start) if markers else None
            rows.append({**fact, "note": note, **provenance(doc, first.start, last.end)})
    return rows, unreadable


def _nearest_marker(tokens: list, index: int) -> list:
    # A group without a source of its own takes the one on the heading above it ("Caseload information [^5]").
    for token in reversed(tokens[: index + 1]):
        if token.markers:
            return token.markers
    return []


def _unit(group: dict, head: Token, body: list, pct: str) -> str | None:
    if pct:
        return "%"
    rate = next((RATE_PER.search(t.text) for t in [head, *body[:1]] if RATE_PER.search(t.text)), None)
    return f"per {rate.group(1)}" if rate else group.get("unit")


def _area_vs_comparator(group, head, body):
    start = next((i for i, t in enumerate(body) if t.number), None)
    if start is None or len(body) < start + 4 or not body[start + 2].number or body[start + 1].number:
        return None
    value, area, other, comparator = body[start: start + 4]
    fact = {"measure": group["measure"], "value": value.number[0], "unit": _unit(group, head, body, value.number[1]),
            "comparator_label": comparator.text, "comparator_value": other.number[0]}
    return [(fact, value, comparator, [area, comparator])]


def _categories(group, head, body):
    first_number = next((i for i, t in enumerate(body) if t.number), None)
    if not first_number or first_number < 2:
        return None
    categories, k = body[: first_number - 1], first_number - 1
    values, comparator, others = body[first_number: first_number + k], body[first_number + k: first_number + k + 1], \
        body[first_number + k + 1: first_number + 2 * k + 1]
    if len(others) != k or not comparator or comparator[0].number or not all(t.number for t in values + others):
        return None
    names = group.get("categories", {})
    facts = []
    for category, value, other in zip(categories, values, others):
        slug = names.get(category.text) or re.sub(r"[^a-z0-9]+", "_", category.text.lower()).strip("_")
        fact = {"measure": f"{group['measure']}_{slug}", "value": value.number[0],
                "unit": _unit(group, head, body, value.number[1]),
                "comparator_label": comparator[0].text, "comparator_value": other.number[0]}
        facts.append((fact, category, other, [comparator[0]]))
    return facts


def _labelled_values(group, head, body):
    facts = []
    for value, label in zip(body[::2], body[1::2]):
        if not value.number or label.number:
            return None
        rule = next((r for r in group["labels"] if re.search(r["pattern"], label.text, re.IGNORECASE)), None)
        if rule:
            facts.append(({"measure": rule["measure"], "value": value.number[0], "unit": group.get("unit"),
                           "comparator_label": None, "comparator_value": None}, value, label, [label]))
    return facts or None


LAYOUTS = {"area_vs_comparator": _area_vs_comparator, "categories": _categories, "labelled_values": _labelled_values}


# ---------------------------------------------------------------- findings


BULLET = re.compile(r"[-•]\s+(?=\S)")


def _bullets(doc: Document, start: int, end: int) -> list:
    """(start, end) of each "- " list item. A wrapped line (PDF) continues the item above
    it when it starts in lower case or the item has not yet ended its sentence."""
    items, last = [], None  # last: number of the current item's last line
    for line in lines_between(doc, start, end):
        text = line.text.strip()
        if BULLET.match(text):
            items.append([line.start + line.text.index(text[0]), line.end])
            last = line.number
        elif text and items and last == line.number - 1 and (
                text[0].islower() or doc.text[items[-1][1] - 1] not in ".!?:"):
            items[-1][1], last = line.end, line.number
    return [tuple(item) for item in items]


def summary_findings(doc: Document, domain: str, heading: str, summary, end: int) -> list:
    """The Strengths / Areas for improvement bullets under a domain's Summary line."""
    strengths = find_line(doc, r"Strengths:?", summary.end, end)
    weaknesses = find_line(doc, r"Areas\s+for\s+improvement:?", summary.end, end)
    rows = []
    for label, polarity, stop in ((strengths, "strength", weaknesses.start if weaknesses else end),
                                  (weaknesses, "improvement", end)):
        for item_start, item_end in _bullets(doc, label.end, stop) if label else []:
            row = finding(doc, item_start, item_end, section=domain, heading=heading, polarity=polarity)
            row["text"] = BULLET.sub("", row["text"], count=1)
            rows.append(row)
    return rows


SENTENCE_END = re.compile(r"[.!?][\"')]?(?=\s+[\"'(]?[A-Z0-9])")


def sentences(doc: Document, start: int, end: int):
    """(start, end) of each sentence between two offsets; line breaks are not boundaries."""
    cursor = start
    for match in [*SENTENCE_END.finditer(doc.text, start, end), None]:
        stop = match.end() if match else end
        piece = doc.text[cursor:stop]
        if piece.strip():
            yield cursor + len(piece) - len(piece.lstrip()), cursor + len(piece.rstrip())
        cursor = stop


def narrative_findings(doc: Document, standard: Standard, heading: PrintedRating, end: int, sample) -> list:
    """Sentences of a standard's section that state a quantity ("In 21 of the 22 cases").
    The first sentence is the standard's own definition ("... for all children and young
    people"), not a finding, so it is left out."""
    rows = []
    for start, stop in list(sentences(doc, heading.end, end))[1:]:
        reading = read_sentence(doc.span(start, stop).text, sample)
        if reading.quantities:
            rows.append(finding(doc, start, stop, section=standard.code, heading=heading.name,
                                sample_size=sample, reading=reading))
    return rows


def _domain_spans(doc: Document, fw: Framework, region: tuple):
    """(domain number, name as printed, start, end) of each domain section found."""
    found = sorted(((d[0], m) for d in fw.domains if (m := _domain_heading(doc, fw, d, *region))),
                   key=lambda item: item[1].start())
    for (number, match), following in zip(found, [*found[1:], None]):
        yield number, match.group("name"), match.end(), following[1].start() if following else region[1]


def findings(doc: Document, fw: Framework, lay: Layout, headings: dict, samples: dict) -> list:
    """Per domain: quantities in each standard's narrative, then the Summary bullets."""
    rows = []
    for domain, name, start, end in _domain_spans(doc, fw, lay.sections):
        summary = find_line(doc, r"Summary:?", start, end)
        narrative_end = summary.start if summary else end
        standards = sorted((s for s in fw.standards if s.domain == domain and s.code in headings),
                           key=lambda s: headings[s.code].start)
        for standard, following in zip(standards, [*standards[1:], None]):
            stop = min(headings[following.code].start if following else narrative_end, narrative_end)
            rows += narrative_findings(doc, standard, headings[standard.code], stop, samples.get(standard.sample))
        rows += summary_findings(doc, domain, name, summary, end) if summary else []
    return rows


# ---------------------------------------------------------------- the extractor


@register("YOS-2018")
@register("YJS-2021")
def extract(doc: Document, context: dict) -> dict:
    fw = load_framework(context["programme"])
    lay = layout(doc, fw)
    questions = key_questions(doc, lay.annex)
    printed = {
        "summary of ratings": printed_rows(doc, fw, lay.summary),
        "section heading": printed_rows(doc, fw, lay.sections),
        "annex table": annex_ratings(doc, fw, lay.annex, questions),
    }
    overall, overall_statements = overall_rating(doc, fw, lay)
    ratings = rating_rows(fw, printed, doc)
    statements = sample_statements(doc, fw)
    samples = sample_rows(statements)
    recs = recommendations(doc, lay.recommendations)
    facts, unreadable_facts = context_facts(doc, lay.context)
    sample_sizes = {row["kind"]: row["n"] for row in samples}
    checks = validate_standards.validate(
        fw, doc, printed=printed, ratings=ratings, questions=questions, overall=overall,
        overall_statements=overall_statements, sample_statements=statements, recommendations=recs,
        stated_recommendations=stated_recommendation_count(doc, lay.recommendations),
        unreadable_facts=unreadable_facts)
    stated = next((where for _, _, word, where in overall_statements if word and word == overall), None)
    return {
        "report": {"overall_rating": overall},
        # Where the overall rating was read, beside the common metadata's evidence.
        "metadata_evidence": [{"field": "overall_rating", "value": overall, **stated}] if stated else [],
        "ratings": ratings,
        "key_questions": key_question_rows(doc, fw, questions),
        "recommendations": recs,
        "samples": samples,
        "context_facts": facts,
        "findings": findings(doc, fw, lay, printed["section heading"], sample_sizes),
        "validations": checks,
    }
