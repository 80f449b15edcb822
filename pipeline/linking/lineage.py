"""Lineage: how services split, merged and were renamed, from the registry and from report text."""

from __future__ import annotations

import regex

from ..reading.sentences import sentences as split_sentences_text
from .services import _read_csv, resolve_area

# --- lineage ------------------------------------------------------------------------

LINEAGE_COLUMNS = ("predecessor_id", "successor_id", "year", "kind", "evidence", "effective", "verified", "note", "sources")
# The `service_lineage` columns beyond the contract's, for pipeline/storage/schema.py.
LINEAGE_EXTRA_COLUMNS = [
    ("effective", str, "When the change took effect, ISO 8601 as precise as known (NULL: only the year is known). A predecessor's report belongs to the successor's history only when its fieldwork was before this"),
    ("verified", str, "`yes` when a source confirms the change and its date; `no` when unverified; NULL for a change read from a report only"),
    ("note", str, "How the date was established, and what is uncertain"),
    ("sources", str, "URLs and corpus files, `;`-separated"),
]


def lineage_rows() -> list[dict]:
    """service_lineage rows from models/lineage.csv."""
    return [{"predecessor_id": row["predecessor_id"], "successor_id": row["successor_id"],
             "year": int(row["year"]) if row["year"] else None, "kind": row["kind"],
             "evidence": row["evidence"], "effective": row.get("effective") or None,
             "verified": row.get("verified") or None, "note": row.get("note") or None,
             "sources": row.get("sources") or None} for row in _read_csv("lineage.csv")]


# A service name as printed: capitalised words, joined by lower-case connectors only
# when another capitalised word follows ("Isle of Wight", "Wessex Youth Offending Team").
# A comma may join them too ("Bournemouth, Christchurch and Poole"); _service_named
# then also tries what follows each comma ("Overall, Southampton YOS").
_NAME = r"[A-Z][\w'’&.-]*(?:,?\s+(?:(?:of|and|upon|on|with|&)\s+)*[A-Z][\w'’&.-]*)*"
# ... or a reference to the report's own service ("The service was previously part of ...").
_SUBJECT = rf"(?:{_NAME}|(?:[Tt]he|[Tt]his)\s+(?:service|team|partnership|YOT|YOS|YJS)|It)"
_BE = r"(?:(?:was|were|is|has|had|have)\s+)?(?:(?:been|previously|originally)\s+)*"
# (pattern, kind): `S` is the successor (the sentence's subject), `P` (and `P2`) the
# predecessor(s); patterns are tried in order and a sentence is read by the first that matches.
LINEAGE_STATEMENTS = [
    (rf"(?P<S>{_SUBJECT})\s+{_BE}(?:disaggregated|separated|split|demerged|broke\s+away)\s+from\s+(?:the\s+)?(?P<P>{_NAME})", "split"),
    (rf"(?P<S>{_SUBJECT})\s+{_BE}ceas(?:ed|ing)\s+to\s+be\s+(?:a\s+)?part\s+of\s+(?:the\s+)?(?P<P>{_NAME})", "split"),
    (rf"(?P<S>{_SUBJECT})\s+{_BE}part\s+of\s+(?:the\s+)?(?P<P>{_NAME})\s+until\b", "split"),
    (rf"(?P<S>{_SUBJECT})\s+(?:was|were|had\s+been)\s+previously\s+(?:a\s+)?part\s+of\s+(?:the\s+)?(?P<P>{_NAME})", "split"),
    (rf"(?P<S>{_SUBJECT})\s+{_BE}formed\s+(?:in\s+\w+\s+)?(?:\d{{4}}\s+)?(?:from|by)\s+(?:the\s+)?(?:merger|merging|amalgamation|combination|combining)\s+of\s+(?:the\s+)?(?P<P>{_NAME})\s+(?:and|with)\s+(?:the\s+)?(?P<P2>{_NAME})", "merge"),
    (rf"(?P<S>{_SUBJECT})\s+{_BE}formed\s+(?:in\s+\w+\s+)?(?:\d{{4}}\s+)?from\s+(?:the\s+)?(?P<P>{_NAME})", "split"),
    (rf"(?P<S>{_SUBJECT})\s+{_BE}merged\s+with\s+(?:the\s+)?(?P<P>{_NAME})", "merge"),
    (rf"(?P<S>{_SUBJECT})\s+{_BE}(?:formerly|previously)\s+(?:known\s+as|called)\s+(?:the\s+)?(?P<P>{_NAME})", "rename"),
    (rf"(?P<P>{_NAME})\s+{_BE}renamed\s+(?:as\s+)?(?:the\s+)?(?P<S>{_NAME})", "rename"),
]
_STATEMENTS = [(regex.compile(pattern), kind) for pattern, kind in LINEAGE_STATEMENTS]
_YEAR = regex.compile(r"\b(?:19|20)\d\d\b")
def sentences(text: str) -> list[str]:
    """Sentences of a text, with line breaks folded (PDF text wraps anywhere)."""
    return split_sentences_text(" ".join(text.split()))


_SELF_REFERENCE = regex.compile(
    r"(?:[Tt]he|[Tt]his|It)(?:\s+(?:service|team|partnership|YOT|YOS|YJS|Youth\s+(?:Offending|Justice)\s+(?:Team|Service)))?")


def _service_named(name: str, report_service: str | None) -> str | None:
    # "The service", "It", "The YOT" mean the report's own service; any other name must
    # resolve, so an unregistered service is never mistaken for the report's.
    parts = name.split(", ")
    for tail in (", ".join(parts[i:]) for i in range(len(parts))):
        if _SELF_REFERENCE.fullmatch(tail):
            return report_service
        resolved = resolve_area(tail)["service_id"]
        if resolved:
            return resolved
    return None


def lineage_from_text(text: str, service_id: str | None, year: int | None = None,
                      source: str | None = None) -> list[dict]:
    """Lineage a report states, e.g. "Southampton YOS disaggregated from Wessex Youth
    Offending Team in 2012" -> wessex -> southampton, 2012, split, with the sentence as
    evidence (prefixed by `source`, the report id). A subject that is not a service
    name ("The service was previously part of ...") means `service_id`. A sentence
    without a year takes `year` (the report's: the change happened by then)."""
    rows, seen = [], set()
    for sentence in sentences(text):
        for pattern, kind in _STATEMENTS:
            match = pattern.search(sentence)
            if not match:
                continue
            successor = _service_named(match.group("S"), service_id)
            predecessors = [match.group(g) for g in ("P", "P2") if g in pattern.groupindex and match.group(g)]
            stated_year = _YEAR.search(sentence[match.start():])
            for name in predecessors:
                predecessor = _service_named(name, None)
                if not predecessor or not successor or predecessor == successor:
                    continue
                if (predecessor, successor) in seen:
                    continue
                seen.add((predecessor, successor))
                quoted = f'"{sentence}"'
                rows.append({"predecessor_id": predecessor, "successor_id": successor,
                             "year": int(stated_year.group(0)) if stated_year else year, "kind": kind,
                             "evidence": f"{source}: {quoted}" if source else quoted})
            break
    return rows


def merge_lineage(*groups) -> list[dict]:
    """One row per (predecessor, successor): the first group's year and kind win (the
    registry is curated); evidence that adds a new statement is appended."""
    merged: dict[tuple, dict] = {}
    for rows in groups:
        for row in rows:
            key = (row["predecessor_id"], row["successor_id"])
            if key not in merged:
                merged[key] = {column: row.get(column) for column in LINEAGE_COLUMNS}
                continue
            kept = merged[key]
            statement = row["evidence"].split(": ", 1)[-1]
            if statement not in kept["evidence"]:
                kept["evidence"] = f"{kept['evidence']} | {row['evidence']}"
            if kept["year"] is None:
                kept["year"] = row["year"]
    return sorted(merged.values(), key=lambda r: (r["predecessor_id"], r["successor_id"]))
