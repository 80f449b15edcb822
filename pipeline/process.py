"""One input file through every stage: load → clean → classify → extract → validate.

`process_file` never raises for a bad input: it returns an `Outcome` whose status
and reason go to `ingest_log`. The result dict is what `extracted/` stores and what
the build writes to the database.
"""

from __future__ import annotations

import re
import time
import traceback
from dataclasses import dataclass, field

from .extraction.classify import classify
from .reading.clean import clean_pages
from .reading.document import Document
from .extraction.extractors import extractor_for
from .linking.link import link_result
from .reading.load import LoadError, load
from .extraction.metadata import extract_metadata, isbn_checksum_ok
from .reading.passages import passages
from .storage.schema import REPORT_TABLES


@dataclass
class Outcome:
    path: str
    sha256: str | None
    status: str  # ok | rejected | error (duplicate is decided by the build)
    reason: str
    programme: str | None = None
    result: dict | None = None
    seconds: float = 0.0
    messages: list = field(default_factory=list)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-") or "unknown"


def report_id(values: dict, programme: str) -> str:
    date = values.get("publication_date") or values.get("fieldwork_start") or ""
    year = date[:4] if date else "undated"
    return f"{year}-{slug(programme)}-{slug(values.get('area'))}"


def document_from(raw) -> tuple[Document, object]:
    pages, report = clean_pages(raw.pages)
    for rule, text, source_line in getattr(raw, "removed", ()):  # a web page's site chrome
        report.record(rule, text, "", source_line)
    for page, why in getattr(raw, "unreadable", ()):  # a damaged PDF page: its text is lost
        report.record("unreadable_page", f"page {page}: {why}", "", 0)
    return Document.from_pages(raw.path, raw.sha256, raw.kind, pages, raw.page_count,
                               getattr(raw, "anchors", None)), report


def extract_document(doc: Document, cleaning=None) -> tuple[object, dict | None]:
    """Classify and extract one loaded document. Returns (classification, result or None)."""
    decision = classify(doc)
    if not decision.accepted:
        return decision, None
    programme = decision.programme
    values, evidence = extract_metadata(doc, programme)
    rid = report_id(values, programme)
    date = values.get("publication_date") or values.get("fieldwork_start")
    report = {
        "id": rid,
        "title": values.get("title"),
        "area": values.get("area"),
        "programme": programme,
        "year": int(date[:4]) if date else None,
        "publication_date": values.get("publication_date"),
        "fieldwork_start": values.get("fieldwork_start"),
        "fieldwork_end": values.get("fieldwork_end"),
        "overall_rating": None,
        "lead_inspector": values.get("lead_inspector"),
        "isbn": values.get("isbn"),
        "previous_inspection_year": values.get("previous_inspection_year"),
        "classification_evidence": decision.evidence_text,
        "source_path": doc.source_path,
        "source_sha256": doc.sha256,
        "source_kind": doc.kind,
        "pages": doc.page_count,
    }
    result = {"report": report, "metadata_evidence": evidence, **{table: [] for table in REPORT_TABLES}}
    extractor = extractor_for(programme)
    if extractor:
        extracted = extractor(doc, {"programme": programme, "metadata": values})
        report.update(extracted.pop("report", {}) or {})
        for table, rows in extracted.items():
            result.setdefault(table, []).extend(rows)
        # An extractor may date a report the common metadata could not (a partial copy).
        if report["year"] is None and report.get("publication_date"):
            report["year"] = int(report["publication_date"][:4])
        report["id"] = report_id({**values, "publication_date": report.get("publication_date")}, programme)
    result["validations"].extend(_common_validations(report, evidence))
    if cleaning and "unreadable_page" in cleaning.rules:
        lost = cleaning.rules["unreadable_page"]
        result["validations"].append({
            "rule": "pdf_pages_readable", "expected": "every page of the PDF gives its text",
            "found": f"{lost['count']} page(s) unreadable", "passed": 0,
            "evidence": f"{lost['example_before']} (and the cleaning table's unreadable_page row); "
                        "values on those pages are missing from this report"})
    result["cleaning"] = cleaning.as_rows() if cleaning else []
    result["passages"] = passages(doc)
    link_result(result, doc.text)  # service, themes, lineage stated in the text
    return decision, result


def _common_validations(report: dict, evidence: list) -> list:
    rows = []
    isbn_ev = next((e["evidence"] for e in evidence if e["field"] == "isbn"), None)
    if report.get("isbn"):
        ok = isbn_checksum_ok(report["isbn"])
        rows.append({"rule": "isbn_check_digit", "expected": "a valid ISBN check digit",
                     "found": report["isbn"], "passed": int(ok),
                     "evidence": isbn_ev if ok else f"{isbn_ev}: the check digit is wrong, so a digit was misread or misprinted"})
    for name in ("title", "area", "publication_date"):
        if not report.get(name):
            words = name.replace("_", " ")
            rows.append({"rule": f"has_{name}", "expected": f"the report states its {words}",
                         "found": None, "passed": 0,
                         "evidence": f"no {words} pattern of models/metadata.yml matched this {report['programme']} report"})
    start, end = report.get("fieldwork_start"), report.get("fieldwork_end")
    pub = report.get("publication_date")
    if start and pub:
        ok = (end or start)[: len(pub)] <= pub
        rows.append({"rule": "fieldwork_before_publication", "expected": f"fieldwork ends on or before publication ({pub})",
                     "found": end or start, "passed": int(ok),
                     "evidence": f"fieldwork {start} to {end or '?'}, published {pub}"})
    return rows


def process_file(path, sha256=None, **load_options) -> Outcome:
    started = time.perf_counter()
    outcome = Outcome(str(path), sha256, "error", "")
    try:
        raw = load(path, sha256=sha256, **load_options)
        outcome.sha256 = raw.sha256
        doc, cleaning = document_from(raw)
        decision, result = extract_document(doc, cleaning)
        if result is None:
            outcome.status, outcome.reason = "rejected", decision.reason
        else:
            outcome.status, outcome.programme, outcome.result = "ok", decision.programme, result
            outcome.reason = decision.reason
    except LoadError as exc:
        outcome.status, outcome.reason = "error", str(exc)
    except Exception as exc:  # a bug must cost one file, not the build
        outcome.status = "error"
        outcome.reason = f"internal error while processing ({type(exc).__name__}: {exc}); please report it with this file"
        outcome.messages.append(traceback.format_exc())
    outcome.seconds = round(time.perf_counter() - started, 3)
    return outcome



def warm_up() -> None:
    """Load, once, what every document needs (the extractors, the NLP pipeline, the rule
    tables, the service register), so that forked workers start with it in memory."""
    from .linking import services, themes
    from .extraction import metadata
    from .extraction.extractors import _all  # noqa: F401
    from .models import MODELS_DIR, load_model
    from .extraction.quantities import find_quantities

    import pypdfium2  # noqa: F401

    for path in MODELS_DIR.glob("*"):
        if path.suffix in {".yml", ".yaml", ".json", ".jsonl"}:
            load_model(path.name)
    metadata._rules()
    from .reading import artefacts
    artefacts.english_words()
    services.load_services()
    services._name_index()
    themes._keyword_patterns()
    find_quantities("In almost three-quarters of cases, all except two of the 20, the plan was good.", 20)
