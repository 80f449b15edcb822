"""Repairs of PDF text artefacts that need the whole document: words a converter split
or glued, and running headers and footers repeated between pages.

Each repair is judged by the document's own vocabulary (models/artefacts.yml says how),
so a report's names and terms are never "corrected" towards a dictionary's, and each is
recorded in the clean stage's report (the `cleaning` table) with an example.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from ..models import load_model

WORD = re.compile(r"[A-Za-z]+")
TRIPLE = re.compile(r"(?<![a-z])(?=([a-z]+) ([a-z]{1,3}) ([a-z]+)(?![a-z]))")
PUNCTUATION = "\"'()[]{}.,;:!?‘’“”-"
PAIR = re.compile(r"(?<![A-Za-z])([a-z]+)([ -])(?=([a-z]+))")
CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
DIGITS = re.compile(r"\d+")


@lru_cache(maxsize=1)
def english_words() -> dict:
    """An English lexicon, word -> frequency (pyspellchecker's list, some 160,000 words):
    what tells a stray fragment ("uate", "cumberlan") from a real word ("way", "low")."""
    from spellchecker import SpellChecker

    return SpellChecker(language="en", distance=1).word_frequency.dictionary


def is_english_word(word: str) -> bool:
    return english_words().get(word.lower(), 0) >= _rules()["english_word_min_frequency"]


@lru_cache(maxsize=1)
def _rules() -> dict:
    spec = load_model("artefacts.yml")
    return {**spec, "camel_words": {w.lower() for w in spec["camel_words"]}}


class Vocabulary:
    """How often the document uses each word, and each pair of words side by side (with a
    space between, or a hyphen: `joiners` remembers which, for 'multi-agency')."""

    def __init__(self, texts):
        text = "\n".join(texts).lower()
        self.words = Counter(WORD.findall(text))
        found = PAIR.findall(text)  # (word, " " or "-", next word), overlapping
        self.pairs = Counter((a, b) for a, _, b in found)
        self.joiners: dict = {}
        for a, gap, b in found:
            self.joiners.setdefault((a, b), Counter())[gap] += 1
        # A fragment of a split word, or a glued pair, is a word the document uses at most
        # once. Found once for the whole document, the candidates let every line without
        # one be passed over (nearly every line of nearly every report).
        self.rare = {word for word, count in self.words.items() if count <= 1}
        self.split = self._split_candidates(text)
        self.glued = self._glued_candidates()

    def _split_candidates(self, text: str) -> set:
        """Runs of two or three words, a rare one among them, whose letters make a word
        the document uses: what join_split_words may join."""
        found = set()
        for (a, b), _ in self.pairs.items():
            if (a in self.rare or b in self.rare) and self.words.get(a + b):
                found.add(f"{a} {b}")
        for match in TRIPLE.finditer(text):
            a, b, c = match.groups()
            if (a in self.rare or b in self.rare or c in self.rare) and self.words.get(a + b + c):
                found.add(f"{a} {b} {c}")
        return found

    def _glued_candidates(self) -> set:
        """Rare words the document also prints as two words side by side."""
        shortest = _rules()["min_glued_length"]
        return {word for word in self.rare if len(word) >= shortest
                and any(self.pairs.get((word[:cut], word[cut:]), 0) > 1 for cut in range(2, len(word) - 1))}


# --- glued words with a capital inside ------------------------------------------------

GLUED_CAPITAL = re.compile(r"[a-z][A-Z]")


def split_camel_glue(text: str) -> str:
    """'ofYouth Offending Work inLambethAn' -> 'of Youth Offending Work in Lambeth An'."""
    if not GLUED_CAPITAL.search(text):  # nearly every line
        return text
    rules = _rules()

    def fix(match):
        token = match.group(0)
        if token.lower() in rules["camel_words"] or not CAMEL.search(token):
            return token
        parts, start = [], 0
        for cut in CAMEL.finditer(token):
            left = token[start:cut.start()]
            tail = re.search(r"[A-Za-z]+$", left)
            fragment = tail.group(0) if tail else left
            if fragment in rules["name_prefixes"] or len(re.sub(r"[^a-z]", "", fragment)) < 2:
                continue
            parts.append(token[start:cut.start()])
            start = cut.start()
        parts.append(token[start:])
        return " ".join(parts)

    return re.sub(r"[A-Za-z]{3,}", fix, text)


# --- words split by a stray space, or glued without one --------------------------------

def join_split_words(text: str, vocabulary: Vocabulary) -> str:
    """'Inadeq uate' -> 'Inadequate' when the document uses 'inadequate' elsewhere and
    never uses 'inadeq' or 'uate' as words; 'Requires i mprovement' -> 'Requires
    improvement'; 'Inade q uate' (two stray spaces) -> 'Inadequate'."""
    words, rare = vocabulary.words, vocabulary.rare
    if not vocabulary.split:
        return text
    lowered = text.lower()
    if not any(candidate in lowered for candidate in vocabulary.split):
        return text
    tokens = text.split(" ")
    # A fragment is a word the document uses at most once: only pairs next to one are tried.
    letters = [token.strip(PUNCTUATION).lower() for token in tokens]
    near_rare = {i + d for i, word in enumerate(letters) if word in rare for d in (-2, -1, 0)}
    out, index = [], 0
    while index < len(tokens):
        joined = None
        if index in near_rare:
            for width in (3, 2):  # a word split twice, or once
                group = tokens[index:index + width]
                # Cheap test first: the letters joined must be a word of the document.
                if len(group) == width and words.get(_joined_letters(group)) \
                        and _fragments(group) and _is_split_word(group, words):
                    joined = width
                    break
        if joined:
            out.append("".join(tokens[index:index + joined]))
            index += joined
        else:
            out.append(tokens[index])
            index += 1
    return " ".join(out)


def _joined_letters(group) -> str:
    """The letters the fragments would make: the first's trailing letters, the last's
    leading ones (punctuation outside them stays outside)."""
    return (group[0].rsplit(None, 1)[-1].lstrip("\"'(‘“[").lower() + "".join(group[1:-1])
            + group[-1].rstrip(".,;:!?)'\"’”]")).lower()


def _fragments(group) -> bool:
    """Letters only, the first perhaps after punctuation, the last perhaps before it; no
    capital after the first fragment (a capital starts a new word)."""
    first, *rest = group
    if not re.search(r"[A-Za-z]$", first) or not all(re.fullmatch(r"[a-z]+", g) for g in rest[:-1]):
        return False
    return bool(re.match(r"[a-z]+(?![A-Za-z])", rest[-1]))


def _is_split_word(group, words) -> bool:
    letters = [re.search(r"[A-Za-z]+$", group[0]).group(0)] + [g for g in group[1:-1]] + \
              [re.match(r"[a-z]+", group[-1]).group(0)]
    joined = "".join(letters).lower()
    if words[joined] == 0:
        return False
    # At least one fragment is no word at all: not English, and never a word of its own in
    # the document beyond this place. "found a way" stays; "Inadeq uate" is joined.
    return any(words[piece.lower()] <= 1 and not is_english_word(piece) for piece in letters)


def split_glued_words(text: str, vocabulary: Vocabulary) -> str:
    """'youngpeople' -> 'young people' when the document never uses 'youngpeople' elsewhere
    but prints 'young people' side by side (twice at least); 'multiagency' -> 'multi-agency'
    where the document hyphenates it."""
    words, pairs = vocabulary.words, vocabulary.pairs
    shortest = _rules()["min_glued_length"]
    if not vocabulary.glued:
        return text
    lowered = text.lower()
    if not any(word in lowered for word in vocabulary.glued):
        return text

    def fix(match):
        token = match.group(0)
        lower = token.lower()
        if len(token) < shortest or words[lower] > 1 or not token[1:].islower() or is_english_word(lower):
            return token
        best, best_count = None, 1  # printed side by side at least twice elsewhere
        for cut in range(2, len(lower) - 1):
            count = pairs[(lower[:cut], lower[cut:])]
            if count > best_count:
                best, best_count = cut, count
        if best is None:
            return token
        joiner = vocabulary.joiners[(lower[:best], lower[best:])].most_common(1)[0][0]
        return f"{token[:best]}{joiner}{token[best:]}"

    return re.sub(r"[A-Za-z]+", fix, text)


# --- running headers and footers -------------------------------------------------------

def running_lines(pages) -> set[tuple[int, int]]:
    """(page index, line index) of each repeat of a running header or footer, its first
    appearance excepted. pages: [(page_number, [(source_line, text), ...]), ...]."""
    spec = _rules()["running_lines"]
    numbered = [p for p in pages if p[0] is not None]
    if len(numbered) < spec["min_pages"]:
        return set()
    seen: dict[str, list] = {}
    for page_index, (_, lines) in enumerate(pages):
        filled = [i for i, (_, text) in enumerate(lines) if text.strip()]
        edges = set(filled[: spec["edge_lines"]] + filled[-spec["edge_lines"]:])
        for line_index in sorted(edges):
            text = lines[line_index][1].strip()
            # A header or footer: words with a page number perhaps, or a page number alone.
            if len(text) > spec["max_length"] or not (re.search(r"[A-Za-z]{3}", text) or text.isdigit()):
                continue
            key = DIGITS.sub("#", " ".join(text.split())).lower()
            seen.setdefault(key, []).append((page_index, line_index))
    repeats = set()
    for places in seen.values():
        pages_with = {page for page, _ in places}
        if len(pages_with) >= spec["min_pages"] and len(pages_with) >= spec["min_share"] * len(pages):
            repeats.update(places[1:])
    return repeats
