"""Whether a statement says work met the standard or fell short: the grammar of models/judgements.yml.

A sentence is cut into clauses; each clause's judgement words are read through its
negation ("not sufficient", "had not been completed", "no recorded plan" fall short;
"no delays" meets the standard). What a quantity says about how many, and the set it
counts ("not always", "cases where engagement could not be secured"), is blanked out
first: it says how many and of what, not how well.

- `judge(text, start, end, exclude)`: +1 (met), -1 (fell short) or 0 (no judgement)
  for one clause;
- `clause_spans(text)`: where the clauses of a sentence are;
- `polarity(text, quantities, rules)`: `strength`, `improvement` or None for a sentence,
  with the rules of the programme that needs it (`PolarityRules.load("sqs.yml")`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from ..models import load_model

MODEL = "judgements.yml"


def _words(patterns) -> re.Pattern:
    return re.compile(r"(?<![\w-])(?:" + "|".join(f"(?:{p})" for p in patterns) + r")(?![\w-])", re.IGNORECASE)


@dataclass(frozen=True)
class Grammar:
    meets: re.Pattern
    falls_short: re.Pattern
    needs: re.Pattern
    negators: re.Pattern
    breaks: re.Pattern
    segments: re.Pattern
    subordinate: re.Pattern
    ignore: re.Pattern


@lru_cache(maxsize=1)
def grammar() -> Grammar:
    spec = load_model(MODEL)
    not_negating = "|".join(spec["not_negating"])
    negators = [rf"not(?!\s+(?:{not_negating})\b)" if n == "not" else n for n in spec["negators"]]
    return Grammar(
        meets=_words(spec["meets"]),
        falls_short=_words(spec["falls_short"]),
        needs=_words(spec["needs"]),
        negators=_words(negators),
        breaks=re.compile("|".join(f"(?:{p})" for p in spec["clause_breaks"]), re.IGNORECASE),
        segments=re.compile("|".join(f"(?:{p})" for p in spec["segment_breaks"]), re.IGNORECASE),
        subordinate=re.compile(r"\s*(?:" + "|".join(spec["leading_subordinators"]) + r")\b[^,;]*,", re.IGNORECASE),
        ignore=_words(spec["ignore"]),
    )


@lru_cache(maxsize=1)
def _earlier_inspection() -> re.Pattern:
    return _words(load_model(MODEL)["earlier_inspection"])


def about_an_earlier_inspection(text: str, at: int) -> bool:
    """Whether the sentence holding `at`, up to it, speaks of an earlier inspection
    (models/judgements.yml: earlier_inspection). A sentence starts after a full stop or a
    blank line: a sentence a PDF wrapped over lines is read whole."""
    start = max(text.rfind(". ", 0, at), text.rfind(".\n", 0, at), text.rfind("\n\n", 0, at)) + 1
    return bool(_earlier_inspection().search(text, start, at))


@dataclass(frozen=True)
class PolarityRules:
    """When a judged clause is a strength or an improvement (a programme's model file)."""

    improvement: re.Pattern
    strength_needs_more_than: Fraction
    instances: frozenset
    shortfall_quantifiers: frozenset
    rare_shortfall_quantifiers: frozenset = frozenset()

    @classmethod
    @lru_cache(maxsize=None)
    def load(cls, name: str) -> "PolarityRules":
        spec = load_model(name)
        return cls(_words(spec["improvement"]), Fraction(spec["strength_needs_more_than"]),
                   frozenset(spec["instances"]), frozenset(spec["shortfall_quantifiers"]),
                   frozenset(spec.get("rare_shortfall_quantifiers", ())))


def _spans(pattern: re.Pattern, text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, at = [], start
    for match in pattern.finditer(text, start, end):
        if match.start() > at:
            spans.append((at, match.start()))
        at = match.end()
    spans.append((at, end))
    return [span for span in spans if text[span[0]:span[1]].strip()] or [(start, end)]


def _holding(spans, offset: int) -> tuple[int, int]:
    for start, end in spans:
        if start <= offset < end:
            return start, end
    return min(spans, key=lambda span: abs(span[0] - offset))


def clause_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause of a sentence; a leading subordinate clause ("While ..., ")
    is a clause of its own."""
    spans = []
    for start, end in _spans(grammar().breaks, text, 0, len(text)):
        match = grammar().subordinate.match(text, start, end)
        if match and match.end() < end:
            spans += [(start, match.end() - 1), (match.end(), end)]
        else:
            spans.append((start, end))
    return spans


def clause_at(text: str, offset: int) -> tuple[int, int]:
    """The clause that holds the character at `offset`."""
    return _holding(clause_spans(text), offset)


def segment_at(text: str, clause: tuple[int, int], offset: int) -> tuple[int, int]:
    """The part of a clause (between "and"s) that holds the character at `offset`."""
    return _holding(_spans(grammar().segments, text, *clause), offset)


def blanked(text: str, start: int, end: int, exclude) -> str:
    chars = list(text[start:end])
    for a, b in exclude:
        for i in range(max(a, start), min(b, end)):
            chars[i - start] = " "
    clause = "".join(chars)
    return grammar().ignore.sub(lambda m: " " * len(m.group(0)), clause)


def judge(text: str, start: int = 0, end: int | None = None, exclude=(), near: int | None = None) -> int:
    """+1 when the clause text[start:end] says the work met the standard, -1 when it says it
    fell short, 0 when it judges nothing. `exclude`: (start, end) spans of text left unread;
    `near`: the offset of a quantity: where the clause has words that meet the standard and
    a need ("requires improvement"), the one nearer the quantity decides (without it, or
    against a plain shortfall such as "late", the shortfall decides)."""
    g = grammar()
    clause = blanked(text, start, len(text) if end is None else end, exclude)
    hard = [m.span() for m in g.falls_short.finditer(clause)]
    needs = [m.span() for m in g.needs.finditer(clause)]
    short = hard + needs
    meets = [m.span() for m in g.meets.finditer(clause)
             if not any(a <= m.start() < b or m.start() <= a < m.end() for a, b in short)]
    negated = any(not any(a <= m.start() < b for a, b in short) for m in g.negators.finditer(clause))
    if meets and needs and not hard and near is not None:
        at = near - start
        distance = lambda span: min(abs(span[0] - at), abs(span[1] - at))  # noqa: E731
        nearest_meets = min(map(distance, meets)) < min(map(distance, needs))
        meets, short = (meets, []) if nearest_meets else ([], short)
    if negated:
        return -1 if meets else 1 if short else 0
    return -1 if short else 1 if meets else 0


def polarity(text: str, quantities, rules: PolarityRules) -> str | None:
    """`improvement` when any clause reports a shortfall or something to be done, else
    `strength` when any clause reports work that met the standard, else None."""
    verdicts = set()
    exclude = [span for q in quantities for span in q.unread]
    for start, end in clause_spans(text):
        inside = [q for q in quantities if start <= q.start < end]
        if rules.improvement.search(blanked(text, start, end, exclude)):
            verdicts.add("improvement")
            continue
        sign = judge(text, start, end, exclude)
        if sign < 0:
            none_fell_short = inside and all(q.low is not None and q.high == 0 for q in inside)
            # "Few cases lacked a plan", "Assessments were rarely late": a shortfall said to
            # be rare is a strength ("a few cases lacked a plan" is another quantifier).
            rarely_short = inside and all((q.rule or "").rpartition(":")[2] in rules.rare_shortfall_quantifiers
                                          for q in inside)
            verdicts.add("strength" if none_fell_short or rarely_short else "improvement")
        elif sign > 0:
            verdicts.add("improvement" if any(_a_shortfall(q, rules) for q in inside) else "strength")
    if "improvement" in verdicts:
        return "improvement"
    return "strength" if verdicts else None


def _a_shortfall(quantity, rules: PolarityRules) -> bool:
    """A share of cases meeting the standard that is written up as needing improvement."""
    name = (quantity.rule or "").rpartition(":")[2]
    if name in rules.shortfall_quantifiers:
        return True
    if name in rules.instances or quantity.high is None:
        return False
    if "only" in quantity.text.lower().split():
        return True
    return Fraction(quantity.high).limit_denominator(1000) <= rules.strength_needs_more_than
