"""Core Case Inspection reports (2009–12): scores, recommendations, findings, samples, context.

Every CCI report follows one template, described as data in `models/cci.yml`. The
extractor walks the template's landmarks — the foreword sentence and table, the
scoring summary, the "General Criterion" headings with their Score/Comment and
numbered lists, "OVERALL SCORE" lines, recommendations, good-practice case
studies, Appendix 2 — with patterns that treat any whitespace alike. So it reads
a text export and a PDF (lines wrapped anywhere, blank lines gone) the same way,
and a partial copy yields whatever landmarks it still contains.

Numbered lists are read by their numbering, not their layout: "(1)" starts a
list, the next number continues it, anything else is text of the current item.
That joins items split across page breaks and finds the areas for improvement
when an export lost their heading (the numbering restarts at (1)).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import regex

from . import register
from ...reading.document import Document
from ..findings import finding, provenance
from ...models import load_model
from ..numbers import NUMBER_PHRASE, words_to_int
from ...checks.cci import band_validations, section_score_checks

FLAGS = regex.IGNORECASE | regex.MULTILINE | regex.DOTALL


# ---------------------------------------------------------------- the model

def model() -> dict:
    return load_model("cci.yml")


def _macros() -> dict:
    spec = model()
    sections = [r"\s+".join(name.split()) for name in spec["sections"].values()]
    return {**spec["macros"], "BAND": f"(?:{'|'.join(spec['bands'])})", "SECTION": "|".join(sections),
            "NUMBER": rf"\d[\d,]*|{NUMBER_PHRASE.pattern}"}


@lru_cache(maxsize=None)
def compiled(source: str):
    macros = _macros()
    return regex.compile(re.sub(r"\{([A-Z]+)\}", lambda m: macros[m.group(1)], source), FLAGS)


def rx(*path: str):
    """The compiled pattern at a path of keys in models/cci.yml."""
    node = model()
    for key in path:
        node = node[key]
    return compiled(node)


def fold(text: str) -> str:
    return " ".join(text.split())


def percent_of(text: str | None) -> float | None:
    match = regex.search(r"\d+(?:\.\d+)?", text or "")
    return float(match.group(0)) if match else None


def first_after(pattern, text: str, start: int, default: int) -> int:
    match = pattern.search(text, start)
    return match.start() if match else default


# ---------------------------------------------------------------- entry point

@register("CCI")
def extract(doc: Document, context: dict) -> dict:
    criteria = find_criteria(doc)
    scores, validations = headline_scores(doc)
    scores += criterion_scores(doc, criteria)
    scores += section_scores(doc, criteria)
    validations += [percent_out_of_range(row) for row in scores if not 0 <= (row["percent"] or 0) <= 100]
    findings, list_check = criterion_findings(doc, criteria)
    validations += [check for check in (list_check, criteria_complete(doc, criteria)) if check]
    validations += band_validations(scores)
    validations += section_score_checks(scores)
    report, cover_check = cover_year(doc, context.get("metadata") or {})
    validations += [cover_check] if cover_check else []
    return {
        "metadata_evidence": report.pop("metadata_evidence", []),
        "report": report,
        "scores": scores,
        "recommendations": recommendations(doc),
        "findings": findings + good_practice(doc),
        "samples": samples(doc),
        "context_facts": context_facts(doc),
        "validations": validations,
    }


# ---------------------------------------------------------------- headline scores

def headline_scores(doc: Document) -> tuple[list, list]:
    """The three headline scores, from the scoring summary, the foreword table and
    the foreword sentence (whichever this copy has), cross-checked."""
    text = doc.text
    table, noise = foreword_table(doc)
    summary = summary_scores(doc)
    rows, checks = [], []
    for code, spec in model()["headline"].items():
        sentence = compiled(spec["foreword"]).search(text)
        printed = {
            "foreword sentence": percent_of(sentence["percent"]) if sentence else None,
            "foreword table": table[code]["area"] if code in table else None,
            "scoring summary": percent_of(summary[code]["match"]["percent"]) if code in summary else None,
        }
        if not any(value is not None for value in printed.values()):
            continue
        rows.append(headline_row(doc, code, sentence, table.get(code), summary.get(code)))
        checks.append(headline_agreement(code, printed, doc, sentence, table.get(code), summary.get(code)))
    for code, cells in table.items():
        checks.append(programme_range_check(code, cells))
    return rows, checks + [noise_check(doc, run) for run in noise]


def headline_row(doc, code, sentence, table_row, summary) -> dict:
    """Percent from the scoring summary, else the foreword table, else the foreword
    sentence; the band from the summary, programme_* from the table. The evidence is
    the first of those the copy has (the summary prints both percent and band)."""
    programme = {k: table_row[k] for k in ("lowest", "highest", "average")} if table_row else {}
    match = summary["match"] if summary else None
    percents = [percent_of(match["percent"]) if match else None, table_row["area"] if table_row else None,
                percent_of(sentence["percent"]) if sentence else None]
    percent = next((p for p in percents if p is not None), None)
    if match:
        return score_row(doc, match.span(), code, summary["label"], percent, match["band"], **programme)
    if table_row:
        return score_row(doc, (table_row["start"], table_row["end"]), code, table_row["label"], percent, **programme)
    return score_row(doc, sentence.span(), code, model()["headline"][code]["label"], percent)


def summary_scores(doc: Document) -> dict:
    """The scoring summary: "Safeguarding score:" ... "Score: Comment: 55% SUBSTANTIAL improvement required"."""
    text = doc.text
    headings = {}
    for code, spec in model()["headline"].items():
        match = compiled(spec["summary"]).search(text)
        if match:
            headings[code] = match
    starts = sorted(m.start() for m in headings.values())
    found = {}
    for code, heading in headings.items():
        limit = next((s for s in starts if s > heading.start()), heading.end() + 2000)
        score = rx("score_comment").search(text, heading.end(), limit)
        if score:
            found[code] = {"label": fold(heading["label"]), "match": score}
    return found


def foreword_table(doc: Document) -> tuple[dict, list]:
    """Rows of the foreword table {code: cells} and the runs of cells that are noise.

    Cells are read as runs of numbers between labels. A row is four percentages;
    a run of numbers without "%" or above 100 (the Wessex export's `3770 7170 0070
    3376`) is conversion noise: reported, never read as numbers."""
    text, spec = doc.text, model()["foreword_table"]
    header = rx("foreword_table", "header").search(text)
    if not header:
        return {}, []
    columns = column_order(header["header"], spec["columns"])
    end = min(first_after(rx("foreword_table", "end"), text, header.end(), len(text)), header.end() + spec["max_chars"])
    rows, noise = {}, []
    label_start = header.end()
    for run in cell_runs(text, header.end(), end):
        before = text[label_start:run[0].start()]
        row_start = label_start + len(before) - len(before.lstrip())
        label = fold(before)
        cells = [(float(c["number"]), bool(c["pct"])) for c in run]
        code = next((c for c, s in model()["headline"].items() if compiled(s["table_row"]).search(label)), None)
        problems = ([f"{len(cells)} values, not {len(columns)}"] if len(cells) != len(columns) else []) + \
                   (["values without %"] if not all(pct for _, pct in cells) else []) + \
                   (["values over 100"] if any(value > 100 for value, _ in cells) else []) + \
                   (["a label naming no headline score"] if not code else [])
        if not problems:
            values = dict(zip(columns, (value for value, _ in cells)))
            rows[code] = {**values, "label": label, "start": row_start, "end": run[-1].end()}
        else:
            noise.append({"label": label, "cells": " ".join(fold(c.group(0)) for c in run),
                          "problems": problems, "start": row_start, "end": run[-1].end()})
        label_start = run[-1].end()
    return rows, noise


def column_order(header: str, names: dict) -> list[str]:
    """Columns as the header orders Lowest/Highest/Average; the area's own score follows them."""
    positions = {key: header.lower().find(word.lower()) for key, word in names.items()}
    return sorted(positions, key=positions.get) + ["area"]


def cell_runs(text: str, start: int, end: int) -> list[list]:
    """Consecutive number cells separated only by whitespace."""
    runs = []
    for cell in rx("foreword_table", "cell").finditer(text, start, end):
        if runs and not text[runs[-1][-1].end():cell.start()].strip():
            runs[-1].append(cell)
        else:
            runs.append([cell])
    return runs


def headline_agreement(code, printed, doc, sentence, table_row, summary) -> dict:
    values = {where: v for where, v in printed.items() if v is not None}
    spans = [m.group(0) for m in (sentence, summary and summary["match"]) if m]
    if table_row:
        spans.insert(1, doc.span(table_row["start"], table_row["end"]).text)
    agree = len(values) >= 2 and len(set(values.values())) == 1
    note = "" if len(values) >= 2 else "; printed only once in this copy, so it cannot be cross-checked"
    return {"rule": "headline_score_printed_consistently",
            "expected": f"{code}: the same percentage in the foreword sentence, the foreword table and the scoring summary",
            "found": "; ".join(f"{where} {v:g}%" for where, v in values.items()),
            "passed": int(agree), "evidence": " | ".join(fold(s) for s in spans) + note}


def programme_range_check(code: str, cells: dict) -> dict:
    low, high, avg, area = cells["lowest"], cells["highest"], cells["average"], cells["area"]
    ok = low <= avg <= high and low <= area <= high
    return {"rule": "programme_comparison_in_range",
            "expected": f"{code}: lowest <= average <= highest, and the area's score within lowest..highest",
            "found": f"lowest {low:g}%, average {avg:g}%, highest {high:g}%, area {area:g}%",
            "passed": int(ok), "evidence": f"foreword table row '{cells['label']}'"}


def noise_check(doc: Document, run: dict) -> dict:
    return {"rule": "foreword_table_row_is_percentages",
            "expected": "a row of four percentages (0-100, printed with %): lowest, highest, average, area",
            "found": run["cells"], "passed": 0,
            "evidence": f"'{run['label']} {run['cells']}' (line {doc.span(run['start'], run['end']).line}) has "
                        f"{', '.join(run['problems'])}: conversion noise, ignored (never read as numbers)"}


# ---------------------------------------------------------------- general criteria

@dataclass
class Criterion:
    code: str
    name: str
    heading: regex.Match
    score: regex.Match | None  # its Score/Comment
    body_start: int  # where its numbered lists begin
    body_end: int


def find_criteria(doc: Document) -> list[Criterion]:
    text = doc.text
    headings = list(rx("criterion_heading").finditer(text))
    criteria = []
    for i, heading in enumerate(headings):
        next_start = headings[i + 1].start() if i + 1 < len(headings) else len(text)
        score = rx("score_comment").search(text, heading.end(), next_start)
        body_start = score.end() if score else heading.end()
        body_end = min(next_start, first_after(rx("criterion_end"), text, body_start, len(text)))
        criteria.append(Criterion(heading["code"], fold(heading["name"]), heading, score, body_start, body_end))
    return criteria


def score_row(doc: Document, span: tuple, code: str, label: str, percent, band=None, **programme) -> dict:
    return {"code": code, "label": label, "percent": percent, "band": band.upper() if band else None,
            **{f"programme_{k}": programme.get(k) for k in ("lowest", "highest", "average")},
            **provenance(doc, *span)}


def percent_out_of_range(row: dict) -> dict:
    """A score over 100% is a misread (OCR) or a misprint: the row keeps its evidence and
    band, its percent becomes NULL, and this failed check says what was printed."""
    printed, row["percent"] = row["percent"], None
    return {"rule": "score_is_a_percentage", "expected": f"{row['code']}: a percentage between 0 and 100",
            "found": f"{printed:g}%", "passed": 0,
            "evidence": f"{fold(row['evidence'])}: not stored as a score (percent left NULL)"}


def criterion_scores(doc: Document, criteria: list[Criterion]) -> list[dict]:
    return [score_row(doc, c.score.span(), c.code, c.name, percent_of(c.score["percent"]), c.score["band"])
            for c in criteria if c.score]


def section_scores(doc: Document, criteria: list[Criterion]) -> list[dict]:
    """ "OVERALL SCORE for quality of <section> work: 58%" → section-N, N from the
    section's name, else from the criteria printed above it."""
    numbers = {fold(name).lower(): number for number, name in model()["sections"].items()}
    rows = []
    for match in rx("section_score").finditer(doc.text):
        label = fold(match["label"])
        above = [c.code for c in criteria if c.heading.start() < match.start()]
        number = numbers.get(label.lower()) or (above[-1].split(".")[0] if above else None)
        if number is None:
            continue
        rows.append(score_row(doc, match.span(), f"section-{number}", label, percent_of(match["percent"])))
    return rows


def cover_year(doc: Document, metadata: dict) -> tuple[dict, dict | None]:
    """The year printed on the cover by the ISBN: the publication year when a partial
    copy lost the foreword's dated signature, and a check on it otherwise."""
    match = rx("cover_year").search(doc.text)
    if not match:
        return {}, None
    year = int(match["year"])
    published = metadata.get("publication_date")
    if not published:
        evidence = {"field": "publication_date", "value": str(year), **provenance(doc, *match.span("year"))}
        return {"year": year, "publication_date": str(year), "metadata_evidence": [evidence]}, None
    return {}, {"rule": "cover_year_matches_publication_date",
                "expected": f"the cover year equals the publication year ({published[:4]})",
                "found": str(year), "passed": int(published[:4] == str(year)), "evidence": fold(match.group(0))}


def criteria_complete(doc: Document, criteria: list[Criterion]) -> dict:
    expected = model()["criteria"]
    found = [c.code for c in criteria]
    scored = [c.code for c in criteria if c.score]
    missing = [code for code in expected if code not in scored]
    return {"rule": "general_criteria_complete",
            "expected": f"a Score/Comment for each general criterion {', '.join(expected)}",
            "found": ", ".join(scored) or None, "passed": int(not missing and found == expected),
            "evidence": ("all criteria of the template found" if not missing and found == expected else
                         f"missing {', '.join(missing) or 'none'}; headings in order: {', '.join(found) or 'none'}"
                         + ("" if found else " (the copy may be partial)"))}


# ---------------------------------------------------------------- numbered lists

@dataclass
class Item:
    number: int  # as printed
    marker: int  # offset of "(n)"
    start: int  # offset just after the marker
    end: int
    list_index: int  # 0 for the first list of a block, 1 after numbering restarted ...
    heading: str | None  # the list's heading key, where one was printed


def numbered_items(text: str, start: int, end: int, headings: dict | None = None,
                   breaks=None) -> tuple[list[Item], list[int]]:
    """Items "(1)"… between two offsets, and the numbers of markers out of sequence
    (read as text of the item before). A list starts at (1) or at a heading; a
    heading or a break line (e.g. "Furthermore:") ends the item before it."""
    events = [(m.start(), "item", m) for m in rx("lists", "item").finditer(text, start, end)]
    for key, pattern in (headings or {}).items():
        events += [(m.start(), "heading", key) for m in pattern.finditer(text, start, end)]
    if breaks is not None:
        events += [(m.start(), "break", None) for m in breaks.finditer(text, start, end)]
    items, skipped, heading, list_index = [], [], None, -1
    for position, kind, value in sorted(events, key=lambda e: e[0]):
        if kind != "item":
            close(items, position)
            heading = value if kind == "heading" else heading
            continue
        number = int(value["number"])
        expected = items[-1].number + 1 if items else 1
        if number == 1 or (heading and number == expected):
            list_index += 1
        elif number != expected:
            skipped.append(number)  # e.g. "(14)" cited in the text: part of the item
            continue
        close(items, position)
        list_heading = heading if number == 1 or heading else items[-1].heading
        items.append(Item(number, value.start("number") - 1, value.end(), end, list_index, list_heading))
        heading = None
    close(items, end)
    return items, skipped


def close(items: list[Item], at: int) -> None:
    if items and items[-1].end > at >= items[-1].start:
        items[-1].end = at


def statement(text: str) -> str:
    """An item's text: continuation bullets and emphasis marks a line break left dropped, whitespace folded."""
    text = rx("lists", "continuation_bullet").sub("", text)
    text = regex.sub(r"(?<![\w*])\*(?=[^\s*])|(?<=[^\s*])\*(?![\w*])", "", text)
    return fold(text)


def trimmed_end(text: str, start: int, end: int) -> int:
    return start + len(text[start:end].rstrip())


# ---------------------------------------------------------------- findings

def criterion_findings(doc: Document, criteria: list[Criterion]) -> tuple[list, dict]:
    """Every numbered strength and area for improvement, with its criterion."""
    headings = {key: compiled(p) for key, p in model()["lists"]["headings"].items()}
    rows, summary, problems = [], [], []
    for c in criteria:
        items, skipped = numbered_items(doc.text, c.body_start, c.body_end, headings)
        polarities = list_polarities(items)
        counts = {"strength": 0, "improvement": 0}
        for item in items:
            polarity = polarities[item.list_index]
            counts[polarity] += 1
            end = trimmed_end(doc.text, item.start, item.end)
            rows.append(finding(doc, item.start, end, section=c.code, heading=c.name, polarity=polarity,
                                text=statement(doc.text[item.start:end])))
        summary.append(f"{c.code}: {counts['strength']} strengths, {counts['improvement']} improvements")
        if skipped or len(polarities) > 2:
            problems.append(f"{c.code}: {len(polarities)} lists, out-of-sequence markers {skipped}")
    if not criteria:
        return rows, None
    check = {"rule": "finding_lists_numbered_in_sequence",
             "expected": "under each criterion, strengths then areas for improvement, each numbered (1), (2), ...",
             "found": "; ".join(summary) or None, "passed": int(not problems),
             "evidence": "; ".join(problems) or "every list numbered in sequence; a list without its heading "
                                                 "was placed by its numbering restarting at (1)"}
    return rows, check


def list_polarities(items: list[Item]) -> list[str]:
    """Each list's polarity: its heading's, else the one after the previous list's
    in the template's order (strengths, then areas for improvement)."""
    order = model()["lists"]["order"]
    polarities: list[str] = []
    for item in items:
        if item.list_index < len(polarities):
            continue
        if item.heading:
            polarities.append(item.heading)
        elif polarities:
            polarities.append(order[min(order.index(polarities[-1]) + 1, len(order) - 1)])
        else:
            polarities.append(order[0])
    return polarities


def good_practice(doc: Document) -> list[dict]:
    """Good-practice case studies as strengths; the criterion reference goes in `heading`
    ("Assessment and Sentence Planning, General Criterion: 1.3c"), the story in `text`."""
    text, spec = doc.text, model()["good_practice"]
    start = rx("good_practice", "start").search(text)
    if not start:
        return []
    end = first_after(rx("good_practice", "end"), text, start.end(), len(text))
    heads = list(rx("good_practice", "case_heading").finditer(text, start.end(), end))
    bounds = [(h.start(), h.end(), fold(h["domain"])) for h in heads]
    rows = []
    for i, (case_start, body_start, domain) in enumerate(bounds):
        case_end = trimmed_end(text, case_start, bounds[i + 1][0] if i + 1 < len(bounds) else end)
        criterion = rx("good_practice", "criterion").search(text, body_start, case_end)
        if not criterion:
            continue
        story = text[body_start:criterion.start()] + " " + text[criterion.end():case_end]
        rows.append(finding(doc, case_start, case_end, section=spec["section"], polarity="strength",
                            heading=f"{domain}, General Criterion: {fold(criterion['ref'])}",
                            text=statement(story)))
    return rows


# ---------------------------------------------------------------- recommendations

def recommendations(doc: Document) -> list[dict]:
    """Numbered recommendations (those after "Furthermore:" too), with the
    responsibility in the closing bracket as addressee."""
    text = doc.text
    start = rx("recommendations", "start").search(text)
    if not start:
        return []
    end = first_after(rx("recommendations", "end"), text, start.end(), len(text))
    items, _ = numbered_items(text, start.end(), end, breaks=rx("recommendations", "breaks"))
    rows = []
    for order, item in enumerate(items, 1):
        item_end = trimmed_end(text, item.start, item.end)
        body = statement(text[item.start:item_end])
        addressee = rx("recommendations", "addressee").search(body)
        if addressee:
            body = body[:addressee.start()].rstrip()
        rows.append({"number": order, "text": body, "addressee": fold(addressee["addressee"]) if addressee else None,
                     **provenance(doc, item.marker, item_end)})
    return rows


# ---------------------------------------------------------------- samples and context

def samples(doc: Document) -> list[dict]:
    """Questionnaire counts, printed in words ("One hundred and fifty-four") or digits."""
    rows = []
    for kind, pattern in model()["samples"].items():
        match = compiled(pattern).search(doc.text)
        n = words_to_int(fold(match["n"]).replace("-", " ")) if match else None
        if n is not None:
            rows.append({"kind": kind, "n": n, **provenance(doc, *match.span())})
    return rows


def context_facts(doc: Document) -> list[dict]:
    """Appendix 2 statistics; a figure given per council becomes one row per council."""
    text, spec = doc.text, model()["context"]
    appendix = rx("context", "appendix").search(text)
    start = appendix.end() if appendix else 0
    end = first_after(compiled(r"^[ \t]*Appendix\s+\d"), text, start, len(text)) if appendix else len(text)
    rows = []
    for measure, rule in spec["measures"].items():
        match = compiled(rule["pattern"]).search(text, start, end)
        if not match:
            continue
        comparator, note, same_as_area = comparator_of(match, rule)
        if rule["unit"] == "%" and comparator is not None and not 0 <= comparator <= 100:
            # A misprint or a misread: a share cannot be over 100%. Kept as evidence only.
            comparator, note = None, f"the England/Wales figure printed ({comparator:g}%) is not a percentage, so it is not stored"
        base_note = "; ".join(fold(match[g]) for g in ("note", "caveat")
                              if g in match.groupdict() and match[g]) or None
        for value, label in labelled_values(match["values"]):
            if rule["unit"] == "%" and not 0 <= value <= 100:
                continue  # not a share: a misread figure is never stored as one
            rows.append({"measure": measure, "value": value, "unit": rule["unit"],
                         "comparator_label": spec["comparator_label"] if comparator is not None or note else None,
                         "comparator_value": value if same_as_area else comparator,
                         "note": "; ".join(p for p in (label, base_note, note) if p) or None,
                         **provenance(doc, *match.span())})
    return rows


def comparator_of(match, rule: dict) -> tuple[float | None, str | None, bool]:
    """(the comparator's value, a note, whether the comparator is only implied by "the same
    as the average": then it is the area's own value)."""
    tail = match["tail"] if "tail" in match.groupdict() and match["tail"] else ""
    if rule.get("comparator"):
        found = compiled(rule["comparator"]).search(tail)
        if found:
            return float(found["value"]), None, False
    if tail and rx("context", "same_as_comparator").search(tail):
        return None, "England/Wales figure not printed: the report says it was the same as the area's", True
    return None, None, False


def labelled_values(values: str) -> list[tuple[float, str | None]]:
    """ "1,240,103 (Hampshire), 217,445 (Southampton)" → [(1240103, 'Hampshire'), ...]."""
    found = []
    for match in rx("context", "value").finditer(values):
        label = match["bracketed"] or match["named"]
        found.append((float(match["number"].replace(",", "").rstrip(".")), fold(label) if label else None))
    return found
