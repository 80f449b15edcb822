"""Shared helpers for extractors: provenance for a row, and a finding with its quantities."""

from __future__ import annotations

from .document import Document
from .quantities import find_quantities


def provenance(doc: Document, start: int, end: int) -> dict:
    """page, line and evidence for the text between two offsets of doc.text."""
    return doc.span(start, end).as_provenance()


def finding(doc: Document, start: int, end: int, *, section: str | None, heading: str | None = None,
            polarity: str | None = None, sample_size: int | None = None, text: str | None = None) -> dict:
    """A `findings` row for the statement between two offsets of doc.text.

    The first quantity fills the contract's quantity columns; all of them go to
    `finding_quantities` (key `quantities`, written by the build).
    """
    span = doc.span(start, end)
    statement = text if text is not None else span.text
    quantities = find_quantities(statement, sample_size)
    first = quantities[0] if quantities else None
    return {
        "section": section,
        "heading": heading,
        "text": statement,
        "polarity": polarity,
        "quantity_text": first.text if first else None,
        "proportion_low": first.low if first else None,
        "proportion_high": first.high if first else None,
        "count": first.count if first else None,
        "denominator": first.denominator if first else None,
        **span.as_provenance(),
        "quantities": [q.as_row() for q in quantities],
    }
