"""Split a document into searchable passages, each under the heading it sits beneath."""

from __future__ import annotations

import regex

from .document import Document, Line

NUMBERED_HEADING = regex.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2}){0,2}\.?|Appendix\s+\w+:?|Annex\s+\w+\s*-?)\s+[A-Z][^\t]{1,90}$")
BULLET = regex.compile(r"^\s*(?:-|\(\d+\)|\(?[ivx]+\)|[ivx]+\.)\s")
NUMERIC_CELL = regex.compile(r"^[\d.,%\s£$-]+$")


def heading_text(line: Line) -> str | None:
    """The heading a line states, or None. Headings are short, unpunctuated, not list items."""
    lead_in = line.text.rstrip("\t ").endswith(":")
    text = line.text.strip().rstrip("\t :")
    if not text or len(text) > 90 or BULLET.match(text) or NUMERIC_CELL.match(text):
        return None
    if text.endswith((".", ",", ";")) or "\t" in text or "|" in text or "@" in text or ", " in text:
        return None
    if regex.search(r"\b(?:19|20)\d\d\b", text) and not NUMBERED_HEADING.match(text):
        return None
    if NUMBERED_HEADING.match(text):
        return " ".join(text.split())
    words = text.split()
    if len(words) <= (12 if lead_in else 8) and text[0].isupper() and not text.endswith("?"):
        return " ".join(words)
    return None


def passages(doc: Document) -> list[dict]:
    rows, section = [], None

    def is_heading(line):
        return heading_text(line) is not None

    for block in doc.blocks(breaks_before=is_heading if doc.kind == "pdf" else None):
        if len(block) == 1 and (title := heading_text(block[0])):
            section = title
            continue
        rows.append({
            "page": block[0].page,
            "section": section,
            "text": "\n".join(line.text for line in block),
            "line_start": block[0].number,
            "line_end": block[-1].number,
        })
    return rows
