"""Numbers written as words ("One hundred and fifty-four", "twenty-five") → int."""

from __future__ import annotations

import regex

UNITS = {"zero": 0, "no": 0, "none": 0, "one": 1, "a": 1, "an": 1, "single": 1, "two": 2, "three": 3, "four": 4,
         "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
         "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
         "nineteen": 19}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1000}
NUMBER_WORDS = set(UNITS) - {"no", "none", "a", "an", "single"} | set(TENS) | set(SCALES)

_WORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
# A run of number words: "one hundred and fifty-four", "twenty five", "eleven".
NUMBER_PHRASE = regex.compile(
    rf"\b(?:{_WORD})(?:(?:\s+and\s+|[\s-]+)(?:{_WORD}))*\b", regex.IGNORECASE)


def words_to_int(text: str) -> int | None:
    """'One hundred and fifty-four' → 154; '12' → 12; None when not a number."""
    text = text.strip().lower().replace(",", "")
    if text.isdigit():
        return int(text)
    words = [w for w in regex.split(r"[\s-]+", text) if w and w != "and"]
    if not words or any(w not in UNITS and w not in TENS and w not in SCALES for w in words):
        return None
    total, current = 0, 0
    for word in words:
        if word in UNITS:
            current += UNITS[word]
        elif word in TENS:
            current += TENS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        else:  # thousand
            total += (current or 1) * SCALES[word]
            current = 0
    return total + current

