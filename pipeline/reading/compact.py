"""Spacing-blind matching: find known phrases whatever a PDF converter did to the spaces.

Real copies of the reports break words with stray spaces ("Inadeq uate", "cumberlan d"),
glue words together ("inLambethAn", "DagenhamHM"), letter-space logos ("H M I n s pe c t o r
a t e") and wrap titles over lines. None of that changes the letters, so a phrase is
looked for in the *compact* form of the text: its letters and digits only, lower-cased,
accents folded, `&` read as `and`. Every compact character keeps the offset it came from,
so a match is still a span of the original text, for evidence.

Only phrases long enough to be unambiguous without their spaces (a title, a service
name) should be matched this way: "in" or "yos" would be found inside other words.
"""

from __future__ import annotations

import bisect
import re
import unicodedata


def compact(text: str) -> str:
    """The compact form of a phrase: 'Telford & Wrekin' -> 'telfordandwrekin'."""
    return CompactText(text).text


def _fold(ch: str) -> str:
    if ch.isascii():
        return ch.lower() if ch.isalnum() else ("and" if ch == "&" else "")
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c.lower() for c in decomposed if c.isascii() and c.isalnum())


_RUNS = re.compile(r"([\x00-\x25\x27-\x7f]+)|(.)", re.DOTALL)  # ASCII but "&", or one other character


class CompactText:
    """A text's letters and digits, with the offset of each in the original."""

    __slots__ = ("source", "text", "offsets", "base")

    def __init__(self, source: str, start: int = 0, end: int | None = None):
        end = len(source) if end is None else end
        chars, offsets = [], []
        # ASCII runs in one pass of C string methods; the rare other character (an accent,
        # "&") folded one by one.
        for run in _RUNS.finditer(source, start, end):
            if run.group(1) is not None:
                lowered = run.group(1).lower()
                at = run.start()
                kept = [i for i, ch in enumerate(lowered) if ch.isalnum()]
                chars.append("".join([lowered[i] for i in kept]))
                offsets.extend([at + i for i in kept])
            else:
                folded = _fold(run.group(2))
                chars.append(folded)
                offsets.extend([run.start()] * len(folded))
        self.source, self.text, self.offsets, self.base = source, "".join(chars), offsets, start

    def original(self, compact_start: int, compact_end: int) -> tuple[int, int]:
        """Offsets in the original text of a compact span [start, end)."""
        return self.offsets[compact_start], self.offsets[compact_end - 1] + 1

    def compact_at(self, offset: int) -> int:
        """The first compact position at or after an original offset."""
        return bisect.bisect_left(self.offsets, offset)

    def find(self, phrase: str, start: int = 0, end: int | None = None):
        """(start, end) in the original text of the first occurrence of a phrase, or None.
        start/end bound the search by original offsets."""
        needle = compact(phrase)
        if not needle:
            return None
        lo = self.compact_at(start) if start else 0
        hi = self.compact_at(end) if end is not None else len(self.text)
        at = self.text.find(needle, lo, hi)
        if at < 0:
            return None
        return self.original(at, at + len(needle))

    def find_all(self, phrase: str):
        needle = compact(phrase)
        at = self.text.find(needle) if needle else -1
        while at >= 0:
            yield self.original(at, at + len(needle))
            at = self.text.find(needle, at + len(needle))


def loose_pattern(phrase: str) -> str:
    """A regular expression for a phrase that tolerates what PDF converters do to it: a
    stray space inside a word ("Inadeq uate", "Requires i mprovement") and any whitespace,
    line breaks included, between words ("Requires\nimprovement")."""
    words = phrase.split()
    return r"\s+".join("[ ]?".join(re.escape(ch) for ch in word) for word in words)
