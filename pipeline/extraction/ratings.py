"""Rating words as printed: the one reading shared by the standards frameworks (2018, 2021)
and the 2025 programme, whose scales are data (models/frameworks.yml: rating_scores)."""

from __future__ import annotations

from ..reading.compact import compact, loose_pattern


def rating_word(scores, text: str | None) -> str | None:
    """A printed rating → one of the scale's words, or None. Quotes, case and spacing are
    ignored, so a word a converter split ("Inadeq uate", "Requires i mprovement") still reads."""
    return {compact(word): word for word in scores}.get(compact(text or ""))


def rating_pattern(scores) -> str:
    """A regular expression for any of the scale's words, tolerant of the same noise."""
    return "|".join(loose_pattern(word) for word in scores)
