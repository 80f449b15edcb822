"""Full Joint Inspections (2012-17): the SQS reading of the narrative findings, plus the
six judged areas and their judgements (models/fji.yml).

A judgement is read where the report prints it, as a sentence ("work to reduce
reoffending was unsatisfactory") or a table row ("Reducing reoffending: Unsatisfactory");
every statement of an area's judgement is kept for the check that they agree, and the
first becomes its `judgements` row, with page and evidence.
"""

from __future__ import annotations

from functools import lru_cache

import regex

from ...models import load_model
from ...reading.document import Document
from ..findings import provenance
from ..judgement import about_an_earlier_inspection
from . import register, sqs

FLAGS = regex.IGNORECASE | regex.MULTILINE


@lru_cache(maxsize=1)
def _rules() -> dict:
    spec = load_model("fji.yml")
    scale = "|".join(spec["scale"])
    areas = {}
    for code, area in spec["areas"].items():
        areas[str(code)] = {
            "label": area["label"],
            "sentence": regex.compile(rf"(?:{area['sentence']}){spec['verdict'].replace('{SCALE}', scale)}", FLAGS),
            "row": regex.compile(spec["table_row"].replace("{LABEL}", area["label_pattern"]).replace("{SCALE}", scale), FLAGS),
        }
    return {"scale": spec["scale"], "areas": areas}


def _word(printed: str) -> str:
    return next(word for word in _rules()["scale"] if word.lower() == printed.lower())


def judgement_statements(doc: Document) -> dict:
    """code -> [(judgement, start, end, how)] in the order printed."""
    found: dict[str, list] = {}
    for code, area in _rules()["areas"].items():
        for how in ("sentence", "row"):
            for match in area[how].finditer(doc.text):
                found.setdefault(code, []).append((_word(match["word"]), match.start(), match.end(), how))
    return {code: sorted(statements, key=lambda s: s[1]) for code, statements in found.items()}


def judgements(doc: Document) -> tuple[list, list]:
    """(`judgements` rows, validations). An area's judgement is read from the report's
    table where it has one, else from its first sentence; sentences about an earlier
    inspection are not this report's judgement (and are not compared)."""
    rules = _rules()
    scale = rules["scale"]
    rows, validations = [], []
    for code, found in sorted(judgement_statements(doc).items()):
        statements = [s for s in found if s[3] == "row" or not about_an_earlier_inspection(doc.text, s[1])]
        if not statements:
            continue  # only an earlier inspection's judgement is printed: no row rather than a wrong one
        word, start, end, _ = next((s for s in statements if s[3] == "row"), statements[0])
        rows.append({"code": code, "area": rules["areas"][code]["label"], "judgement": word,
                     "score": len(scale) - 1 - scale.index(word), **provenance(doc, start, end)})
        words = {s[0] for s in statements}
        if len(statements) > 1:
            printed = "; ".join(f"'{doc.span(s[1], s[2]).text}'" for s in statements)
            validations.append({
                "rule": "fji_judgement_printed_consistently",
                "expected": f"every statement of area {code} ({rules['areas'][code]['label']}) gives the same judgement",
                "found": ", ".join(sorted(words)), "passed": int(len(words) == 1), "evidence": printed[:1000]})
    return rows, validations


@register("FJI")
def extract(doc: Document, context: dict) -> dict:
    result = sqs.extract(doc, context)
    rows, checks = judgements(doc)
    result["judgements"] = rows
    result["validations"] = result.get("validations", []) + checks
    return result
