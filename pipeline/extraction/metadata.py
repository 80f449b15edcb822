"""Common metadata of every report: title, area, dates, lead inspector, ISBN.

The rules live in `models/metadata.yml`. The title is found spacing-blind (real copies
glue, split and wrap it) and the area is the registered service the title names
(`linking.services.service_name_at`), so a title that runs on into the inspectorate's
name or the cover date never leaks into the area. Each value comes back with the span it
was read from, stored in `metadata_evidence` so every field can be checked.
"""

from __future__ import annotations

import re
from functools import lru_cache

import regex

from . import dates
from ..linking.services import is_not_a_service, registry_spelling, service_name_at
from ..models import load_model
from ..reading.document import Document

FLAGS = regex.IGNORECASE | regex.MULTILINE


def _expand(pattern: str, macros: dict) -> str:
    return re.sub(r"\{([A-Z_]+)\}", lambda m: macros[m.group(1)], pattern)


@lru_cache(maxsize=None)
def _rules():
    spec = load_model("metadata.yml")
    macros = {"MONTH": dates.MONTH, **spec["macros"]}  # month names, English and Welsh: dates.MONTHS
    # Macros may use earlier macros; expand until stable.
    for _ in range(5):
        for key, value in macros.items():
            macros[key] = re.sub(r"\{([A-Z_]+)\}", lambda m: macros.get(m.group(1), m.group(0)), value)
    fields = {field: [{**rule, "regex": regex.compile(_expand(rule["pattern"], macros), FLAGS)} for rule in rules]
              for field, rules in spec["fields"].items()}
    titles = [{**rule, "regex": regex.compile("".join(rule["lead"].split()))} for rule in spec["titles"]]
    return {"titles": titles, "fields": fields, "titles_within_chars": spec["titles_within_chars"],
            "not_report_dates": regex.compile(spec["not_report_dates"], FLAGS),
            "area_stops": regex.compile(_expand(spec["area_stops"], macros), FLAGS)}


def isbn_checksum_ok(isbn: str) -> bool:
    digits = isbn.replace("-", "").replace(" ", "").upper()
    if len(digits) == 13 and digits.isdigit():
        return sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits)) % 10 == 0
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] == "X"):
        total = sum((10 - i) * (10 if d == "X" else int(d)) for i, d in enumerate(digits))
        return total % 11 == 0
    return False


def _applies(rule: dict, programme: str) -> bool:
    return "programmes" not in rule or programme in rule["programmes"]


# --- title and area -------------------------------------------------------------------

def find_title(doc: Document, programme: str) -> dict | None:
    """See _find_title; computed once per document and programme (classify asks too)."""
    return doc.memo(("title", programme), lambda: _find_title(doc, programme))


def _find_title(doc: Document, programme: str) -> dict | None:
    """The report's title and the area it names: {title: (start, end), area: (start, end),
    area_value, resolved}. Rules of models/metadata.yml (titles) are tried in order, every
    place each finds its lead: the first lead followed by a registered place wins, else
    the first followed by printed text that could be an area (kept, to fail the
    area check). A lead followed by neither is passed over (a hosting site's page title
    cut short, a lead quoted in running text)."""
    rules = _rules()
    opening = rules["titles_within_chars"]
    compact = doc.compact(opening if opening < len(doc.text) else None)
    fallback = None
    for rule in rules["titles"]:
        if not _applies(rule, programme):
            continue
        for match in rule["regex"].finditer(compact.text):
            lead_start, lead_end = compact.original(match.start(), match.end())
            area = _area_after(doc.text, lead_end, known_only=rule.get("known_only", False))
            if area and area[2]["resolved"]:
                return {"title": (lead_start, area[1]), **area[2], "area": area[:2]}
            if area and fallback is None:
                fallback = {"title": (lead_start, area[1]), **area[2], "area": area[:2]}
    return fallback


def _area_after(text: str, at: int, known_only: bool = False):
    """(start, end, details) of the area printed after a title's lead."""
    start = at
    while start < len(text) and (text[start].isspace() or text[start] == ":"):
        start += 1
    if start >= len(text):
        return None
    known = service_name_at(text, start)
    if known:
        printed = text[known[0]:known[1]]
        return known[0], known[1], {"area_value": registry_spelling(printed), "resolved": True}
    if known_only:
        return None
    # No registered place: the printed text to the end of its line, cut where the title
    # runs on into the inspectorate's name, a date or a page number.
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    stop = _rules()["area_stops"].search(text, start, line_end)
    end = stop.start() if stop else line_end
    printed = text[start:end].strip(" \t:;,.-")
    if not printed or not printed[0].isalpha() or len(printed) > 60 or is_not_a_service(printed):
        return None
    return start, start + len(text[start:end].rstrip(" \t:;,.-")), {"area_value": " ".join(printed.split()), "resolved": False}


# --- the other fields -------------------------------------------------------------------

def _region(doc: Document, rule: dict, title_end: int | None) -> tuple[int, int] | None:
    start, end = 0, len(doc.text)
    if rule.get("within_lines") and doc.lines:
        end = doc.lines[min(rule["within_lines"], len(doc.lines)) - 1].end
    if rule.get("after_title"):
        if title_end is None:
            return None
        start, end = title_end, min(end, title_end + rule["after_title"])
    return start, end


def _line_of(text: str, offset: int) -> str:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text[start: len(text) if end < 0 else end]


def extract_metadata(doc: Document, programme: str) -> tuple[dict, list]:
    """Returns (values, evidence rows). Values hold only what the report states."""
    values, evidence = {}, []

    def keep(field, value, start, end):
        values[field] = value
        span = doc.span(start, end)
        evidence.append({"field": field, "value": None if value is None else str(value), **span.as_provenance()})

    title = find_title(doc, programme)
    title_end = None
    if title:
        title_end = title["title"][1]
        keep("title", " ".join(doc.text[slice(*title["title"])].split()), *title["title"])
        keep("area", title["area_value"], *title["area"])

    rules = _rules()
    for field, field_rules in rules["fields"].items():
        for rule in field_rules:
            if not _applies(rule, programme):
                continue
            region = _region(doc, rule, title_end)
            if region is None:
                continue
            if _read_field(doc, field, rule, region, values, keep, rules["not_report_dates"]):
                break
    return values, evidence


def _read_field(doc, field, rule, region, values, keep, not_report_dates) -> bool:
    """Try every match of one rule in its region; True once a value is kept."""
    parse = rule.get("parse", "text")
    for match in rule["regex"].finditer(doc.text, *region):
        start, end = match.span("value")
        raw = " ".join(match.group("value").split())
        if parse in {"date", "range", "start", "range_in_publication_year"} and \
                not_report_dates.search(_line_of(doc.text, start)):
            continue  # a hosting site's upload or view date, or a copyright year
        if parse == "date":
            value = dates.parse_date(raw)
            if value:
                keep(field, value, start, end)
                return True
        elif parse in {"range", "start", "range_in_publication_year"}:
            if parse == "range_in_publication_year":
                if not values.get("publication_date"):
                    return False
                raw = f"{raw} {values['publication_date'][:4]}"
            first, last = dates.parse_range(raw)
            if first:
                keep("fieldwork_start", first, start, end)
                if parse != "start" and last:
                    keep("fieldwork_end", last, start, end)
                return True
        elif parse == "year":
            keep(field, int(raw), start, end)
            return True
        elif parse == "isbn":
            keep(field, raw.replace(" ", "-"), start, end)
            return True
        else:
            keep(field, raw, start, end)
            return True
    return False
