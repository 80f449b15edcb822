"""Shared helpers for extractors: provenance for a row, and a finding with its quantities."""

from __future__ import annotations

from ..reading.document import Document
from .quantities import Reading, read_sentence


def provenance(doc: Document, start: int, end: int) -> dict:
    """page, line and evidence for the text between two offsets of doc.text."""
    return doc.span(start, end).as_provenance()


def met_share(quantities: list) -> dict:
    """The finding's share of cases that met the standard: the mean over its quantities that
    judge case work (those with a direction), each direction-corrected (a share that fell short
    counts as 1 minus it). What report_theme_measures averages, per finding."""
    shares = [(q.low, q.high) if q.direction == "met" else (1 - q.high, 1 - q.low)
              for q in quantities if q.direction and q.low is not None]
    if not shares:
        return {"met_low": None, "met_high": None, "met_n": None}
    return {"met_low": round(sum(low for low, _ in shares) / len(shares), 6),
            "met_high": round(sum(high for _, high in shares) / len(shares), 6), "met_n": len(shares)}


def quantity_columns(quantities: list) -> dict:
    """The contract's quantity columns from the first quantity, and its direction (the share
    of cases that met the standard or fell short); the finding's direction-corrected share
    (`met_share`); all of them under `quantities` (written to `finding_quantities` by the
    build)."""
    first = quantities[0] if quantities else None
    return {
        "direction": first.direction if first else None,
        **met_share(quantities),
        "quantity_text": first.text if first else None,
        "proportion_low": first.low if first else None,
        "proportion_high": first.high if first else None,
        "count": first.count if first else None,
        "denominator": first.denominator if first else None,
        "quantities": [q.as_row() for q in quantities],
    }


def finding(doc: Document, start: int, end: int, *, section: str | None, heading: str | None = None,
            polarity: str | None = None, sample_size: int | None = None, text: str | None = None,
            antecedent: int | None = None, evidence: str | None = None, reading: Reading | None = None) -> dict:
    """A `findings` row for the statement between two offsets of doc.text.

    `text` replaces the statement when it was re-joined from pieces (a footnote or page
    break inside it), `evidence` the quoted source; `antecedent` is the count an
    anaphoric quantity refers back to ("all except one of those cases"); `reading` the
    statement's quantities when the caller has read them already (read_sentence)."""
    span = doc.span(start, end)
    statement = text if text is not None else span.text
    row = {"section": section, "heading": heading, "text": statement, "polarity": polarity,
           **span.as_provenance()}
    if evidence is not None:
        row["evidence"] = evidence
    if reading is None:
        reading = read_sentence(statement, sample_size, antecedent=antecedent)
    row.update(quantity_columns(reading.quantities))
    return row
