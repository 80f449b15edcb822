"""Quantity expressions in inspection prose → normalised proportions.

Interface used by every extractor: `find_quantities(text, sample_size=None)`
returns the quantities in a sentence, in order, each with its span in `text`,
its 0–1 interval and, where stated or derivable, count and denominator.
(The full spaCy component with its tables in models/ is issue 5's work.)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import regex


@dataclass
class Quantity:
    text: str  # as printed
    start: int  # offsets in the text given to find_quantities
    end: int
    low: float | None  # proportion 0–1
    high: float | None
    count: int | None = None
    denominator: int | None = None
    kind: str = "percent"  # percent | count | exception | fraction | vague

    def as_row(self) -> dict:
        row = asdict(self)
        row["quantity_text"] = row.pop("text")
        row["proportion_low"] = row.pop("low")
        row["proportion_high"] = row.pop("high")
        return row


PERCENT = regex.compile(r"(?<![\d.])(\d{1,3}(?:\.\d+)?)\s?(?:%|per\s?cent\b)", regex.IGNORECASE)
OUT_OF = regex.compile(r"\b(\d{1,4})\s+(?:out\s+)?of\s+(?:the\s+)?(\d{1,4})\b(?!\s*(?:%|per))", regex.IGNORECASE)


def find_quantities(text: str, sample_size: int | None = None) -> list[Quantity]:
    found = []
    for match in PERCENT.finditer(text):
        value = float(match.group(1))
        if value <= 100:
            found.append(Quantity(match.group(0), match.start(), match.end(), value / 100, value / 100))
    for match in OUT_OF.finditer(text):
        count, denominator = int(match.group(1)), int(match.group(2))
        if 0 < denominator and count <= denominator:
            found.append(Quantity(match.group(0), match.start(), match.end(), count / denominator,
                                  count / denominator, count, denominator, "count"))
    return sorted(found, key=lambda q: q.start)
