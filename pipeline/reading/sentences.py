"""Sentence boundaries in cleaned report prose, as character offsets.

Report prose is edited English: a sentence ends at `.`, `!` or `?` (perhaps followed
by a closing quote, bracket or footnote marker) before a capital or a digit. The
exceptions are abbreviations ("e.g. The", "Dr. Smith") and initials. A rule this
small is faster than a statistical parser and has nothing to misjudge.
"""

from __future__ import annotations

import re

# Words that end with a full stop without ending a sentence (lower case, no final stop).
ABBREVIATIONS = {
    "e.g", "eg", "i.e", "ie", "etc", "cf", "vs", "viz", "approx", "mr", "mrs", "ms", "dr", "prof", "st",
    "no", "nos", "para", "paras", "p", "pp", "vol", "fig", "ref", "inc", "ltd", "co", "dept", "govt",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}

# The end of a sentence: the stop, anything that may follow it, then space before a
# capital, digit or opening quote/bracket.
BOUNDARY = re.compile(r"[.!?](?:[\"')\]]|\[\^\d+\])*(?=\s+[\"'(\[]?[A-Z0-9])")
LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence of text, whitespace trimmed."""
    spans, start = [], 0
    for match in BOUNDARY.finditer(text):
        if match.group(0)[0] == "." and _is_abbreviation(text[start:match.start()]):
            continue
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    return [trimmed for span in spans if (trimmed := _trim(text, *span))]


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


def _is_abbreviation(before: str) -> bool:
    match = LAST_WORD.search(before)
    if not match:
        return False
    word = match.group(1)
    if len(word) == 1 and word.isupper():
        return True  # an initial: "J. Smith"
    return word.lower().rstrip(".") in ABBREVIATIONS


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
