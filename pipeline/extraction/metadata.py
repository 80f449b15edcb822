"""Common metadata of every report: title, area, dates, lead inspector, ISBN.

The patterns live in `models/metadata.yml`. Each value comes back with the span
it was read from, stored in `metadata_evidence` so every field can be checked.
"""

from __future__ import annotations

import re
from functools import lru_cache

import regex

from . import dates
from ..reading.document import Document
from ..models import load_model

FIELDS = ("title", "area", "publication_date", "fieldwork_start", "fieldwork_end",
          "lead_inspector", "isbn", "previous_inspection_year")


@lru_cache(maxsize=None)
def _rules():
    spec = load_model("metadata.yml")
    macros = dict(spec["macros"])
    # Macros may use earlier macros; expand until stable.
    for _ in range(5):
        for key, value in macros.items():
            macros[key] = re.sub(r"\{([A-Z_]+)\}", lambda m: macros.get(m.group(1), m.group(0)), value)
    compiled = {}
    for field, patterns in spec["fields"].items():
        compiled[field] = []
        for rule in patterns:
            source = re.sub(r"\{([A-Z_]+)\}", lambda m: macros[m.group(1)], rule["pattern"])
            compiled[field].append({**rule, "regex": regex.compile(source, regex.IGNORECASE | regex.MULTILINE)})
    return compiled


def isbn_checksum_ok(isbn: str) -> bool:
    digits = isbn.replace("-", "").replace(" ", "").upper()
    if len(digits) == 13 and digits.isdigit():
        return sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits)) % 10 == 0
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] == "X"):
        total = sum((10 - i) * (10 if d == "X" else int(d)) for i, d in enumerate(digits))
        return total % 11 == 0
    return False


def _search(doc: Document, rule):
    end = len(doc.text)
    if rule.get("within_lines") and doc.lines:
        end = doc.lines[min(rule["within_lines"], len(doc.lines)) - 1].end
    return rule["regex"].search(doc.text, 0, end)


def extract_metadata(doc: Document, programme: str) -> tuple[dict, list]:
    """Returns (values, evidence rows). Values hold only what the report states."""
    values, evidence = {}, []

    def keep(field, value, match, group):
        values[field] = value
        span = doc.span(match.start(group), match.end(group))
        evidence.append({"field": field, "value": None if value is None else str(value), **span.as_provenance()})

    for field, rules in _rules().items():
        for rule in rules:
            if "programmes" in rule and programme not in rule["programmes"]:
                continue
            match = _search(doc, rule)
            if not match:
                continue
            if field == "title":
                area = " ".join(match.group("area").split()).strip(" :;,.-")
                keep("title", " ".join(match.group("title").split()), match, "title")
                keep("area", area, match, "area")
                break
            raw = " ".join(match.group("value").split())
            parse = rule.get("parse", "text")
            if parse == "date":
                value = dates.parse_date(raw)
                if value:
                    keep(field, value, match, "value")
                    break
            elif parse in {"range", "start", "range_in_publication_year"}:
                if parse == "range_in_publication_year":
                    if not values.get("publication_date"):
                        continue
                    raw = f"{raw} {values['publication_date'][:4]}"
                start, end = dates.parse_range(raw)
                if start:
                    keep("fieldwork_start", start, match, "value")
                    if parse != "start" and end:
                        keep("fieldwork_end", end, match, "value")
                    break
            elif parse == "year":
                keep(field, int(raw), match, "value")
                break
            elif parse == "isbn":
                keep(field, raw.replace(" ", "-"), match, "value")
                break
            else:
                keep(field, raw, match, "value")
                break
    return values, evidence
