"""Quantity expressions in inspection prose → normalised proportions.

Interface used by every extractor: `find_quantities(text, sample_size=None)`
returns the quantities in a sentence, in order, each with its span in `text`,
its 0–1 interval and, where stated or derivable, count and denominator.

The work is done by four spaCy components on a blank English pipeline, one job
each, all driven by the table in `models/quantifiers.yml` (where every reading is
written down with the reason for it):

- `quantity_numbers`   marks number tokens ("13", "36.2", "five", "twenty-five");
- `quantity_matcher`   finds candidate expressions (percentages, fractions,
                       counts, exceptions, vague quantifiers, hedges);
- `quantity_context`   keeps only real quantities of cases (no "Section 90/91",
                       "Level 2 or 3", "the most common", "one case manager"),
                       attaches hedges, and decides the scope (the whole sample,
                       a restricted subset, or a set named earlier);
- `quantity_intervals` turns each into its interval from the table.

The sample size is applied last (`find_quantities`), so the pipeline's reading of
the words never depends on which report they came from.
"""

from __future__ import annotations

import ast
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Token

from ..models import load_model

TABLE_NAME = "quantifiers.yml"
PIPES = ("quantity_numbers", "quantity_matcher", "quantity_context", "quantity_intervals")
EPSILON = 1e-9


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
    low_open: bool = False  # the interval excludes `low` ("just over half": (0.5, 0.6])
    high_open: bool = False  # the interval excludes `high` ("almost three-quarters": [0.65, 0.75))
    rule: str | None = None  # the row of models/quantifiers.yml that read it
    scope: str | None = None  # None (the whole set), `restricted` or `anaphoric`
    base: str | None = None  # where the denominator came from: stated | sample | antecedent

    @property
    def notation(self) -> str:
        """The interval as written in the table, e.g. '[0.65, 0.75)'."""
        if self.low is None:
            return ""
        return (f"{'(' if self.low_open else '['}{self.low:g}, {self.high:g}"
                f"{')' if self.high_open else ']'}")

    def as_row(self) -> dict:
        row = asdict(self)
        row["quantity_text"] = row.pop("text")
        row["proportion_low"] = row.pop("low")
        row["proportion_high"] = row.pop("high")
        return row


# --- the table -------------------------------------------------------------------------

_ALLOWED_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Add, ast.Sub, ast.Mult, ast.Div,
                  ast.USub, ast.UAdd, ast.Constant, ast.Name, ast.Load)


@dataclass(frozen=True)
class Interval:
    """An interval written as in the table: '[X - 0.1, X)'."""

    notation: str
    low: object  # compiled expressions
    high: object
    low_open: bool
    high_open: bool

    @classmethod
    def parse(cls, notation: str) -> "Interval":
        text = notation.strip()
        if text[0] not in "[(" or text[-1] not in "])" or text.count(",") != 1:
            raise ValueError(f"not an interval: {notation!r}")
        low, high = text[1:-1].split(",")
        return cls(notation, _compile(low), _compile(high), text[0] == "(", text[-1] == ")")

    def evaluate(self, **variables) -> tuple[float, float, bool, bool]:
        low = min(1.0, max(0.0, eval(self.low, {"__builtins__": {}}, variables)))
        high = min(1.0, max(0.0, eval(self.high, {"__builtins__": {}}, variables)))
        low, high = round(low, 6), round(high, 6)
        if low == high:  # clipped to a point ("almost 0%"): a point is closed
            return low, high, False, False
        return low, high, self.low_open, self.high_open


def _compile(expression: str):
    tree = ast.parse(expression.strip(), mode="eval")
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise ValueError(f"only arithmetic on X, N, n, A, B is allowed: {expression!r}")
    return compile(tree, "<quantifiers.yml>", "eval")


@dataclass
class Table:
    """models/quantifiers.yml, compiled once."""

    spec: dict
    label_words: set = field(default_factory=set)
    units: set = field(default_factory=set)
    compound_followers: set = field(default_factory=set)
    pronoun_verbs: set = field(default_factory=set)
    sample_units: set = field(default_factory=set)
    time_words: set = field(default_factory=set)
    number_words: dict = field(default_factory=dict)
    fractions: dict = field(default_factory=dict)  # word → (numerator or None, denominator, singular)
    hedges: dict = field(default_factory=dict)  # name → Interval
    vague: dict = field(default_factory=dict)  # name → row with compiled Interval
    intervals: dict = field(default_factory=dict)
    normative: object = None
    restricted_after: list = field(default_factory=list)
    restricted_before: list = field(default_factory=list)
    anaphoric_after: list = field(default_factory=list)

    @classmethod
    def load(cls) -> "Table":
        spec = load_model(TABLE_NAME)
        table = cls(spec)
        lower = lambda words: {str(w).lower() for w in words}  # noqa: E731
        table.label_words = lower(spec["label_words"])
        table.units = lower(spec["units"])
        table.compound_followers = lower(spec["compound_followers"])
        table.pronoun_verbs = lower(spec["pronoun_verbs"])
        table.sample_units = lower(spec["sample_units"])
        table.time_words = lower(spec["time_words"])
        table.number_words = {k.lower(): v for k, v in spec["numbers"]["words"].items()}
        fractions = spec["fractions"]
        for name, row in fractions["denominators"].items():
            table.fractions[row["singular"]] = (None, row["value"], True)
            table.fractions[row["plural"]] = (None, row["value"], False)
            for word, numerator in fractions["numerators"].items():
                form = row["singular"] if numerator == 1 else row["plural"]
                table.fractions[f"{word}{form}"] = (numerator, row["value"], numerator == 1)
        table.hedges = {row["name"]: Interval.parse(row["interval"]) for row in spec["hedges"]}
        table.vague = {row["name"]: {**row, "compiled": Interval.parse(row["interval"])} for row in spec["vague"]}
        table.intervals = {
            "percent": Interval.parse(spec["percent"]["interval"]),
            "percent_range": Interval.parse(spec["percent"]["range_interval"]),
            "fraction": Interval.parse(fractions["interval"]),
            "ratio": Interval.parse(fractions["ratio_interval"]),
            "exception_known": Interval.parse(spec["exceptions"]["interval_known"]),
            "exception_bounded": Interval.parse(spec["exceptions"]["interval_bounded"]),
            "exception_unknown": Interval.parse(spec["exceptions"]["interval_unknown"]),
        }
        cues = sorted(spec["normative_cues"], key=len, reverse=True)
        table.normative = re.compile(r"\b(?:" + "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in cues) + r")\b",
                                     re.IGNORECASE)
        scope = spec["scope"]
        table.restricted_after = [re.compile(p, re.IGNORECASE) for p in scope["restricted_after"]]
        table.restricted_before = [re.compile(p, re.IGNORECASE) for p in scope["restricted_before"]]
        table.anaphoric_after = [re.compile(p, re.IGNORECASE) for p in scope["anaphoric_after"]]
        return table


@lru_cache(maxsize=1)
def quantity_table() -> Table:
    return Table.load()


# --- component 1: numbers --------------------------------------------------------------

QNUM_NORM = "<quantity-number>"  # token.norm_ of a number token (no real word normalises to it)
DIGITS = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")

for _name, _default in (("qnum", None), ("is_qnum", False)):
    if not Token.has_extension(_name):
        Token.set_extension(_name, default=_default)
for _name in ("quantity_candidates", "quantity_hedges", "quantities"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


@Language.factory("quantity_numbers")
class QuantityNumbers:
    """Marks number tokens with their value (`token._.qnum`); joins "twenty-five"."""

    def __init__(self, nlp: Language, name: str):
        table = quantity_table()
        self.words = table.number_words
        self.tens = {w.lower() for w in table.spec["numbers"]["tens"]}

    def __call__(self, doc: Doc) -> Doc:
        joins = []
        for i, token in enumerate(doc[:-1]):
            if token.lower_ in self.tens:
                j = i + 2 if doc[i + 1].text == "-" and i + 2 < len(doc) else i + 1
                if j < len(doc) and self.words.get(doc[j].lower_, 99) < 10:
                    joins.append((i, j + 1))
        if joins:
            with doc.retokenize() as retokenizer:
                for start, end in joins:
                    retokenizer.merge(doc[start:end])
        words = self.words
        for token in doc:
            text = token.text
            # Most tokens are plain words, not numbers: rule them out cheaply. A joined
            # "twenty-five" or "twenty five" is not alphabetic, so it is still read.
            if text.isalpha() and token.lower_ not in words:
                continue
            value = self.value(text)
            if value is not None:
                token._.qnum = value
                token._.is_qnum = True
                token.norm_ = QNUM_NORM  # what the Matcher tests: a C-level attribute, unlike `_`
        return doc

    def value(self, text: str) -> float | None:
        if text[:1].isdigit():
            return float(text.replace(",", "")) if DIGITS.fullmatch(text) else None
        lower = text.lower()
        if lower in self.words:
            return float(self.words[lower])
        parts = re.split(r"[\s-]+", lower)
        if len(parts) == 2 and parts[0] in self.tens and parts[1] in self.words:
            return float(self.words[parts[0]] + self.words[parts[1]])
        return None


# --- component 2: candidate expressions ------------------------------------------------

# A number token, as the Matcher sees it. (Matching on the `_.is_qnum` extension costs
# a Python call per token per pattern state: most of the matcher's time.)
NUM = {"NORM": QNUM_NORM}


@Language.factory("quantity_matcher")
class QuantityMatcher:
    """Candidate quantity expressions and hedges, from the table's words."""

    def __init__(self, nlp: Language, name: str):
        table = quantity_table()
        spec = table.spec
        self.matcher = Matcher(nlp.vocab)
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        signs = [[{"ORTH": "%"}], [{"LOWER": "percent"}], [{"LOWER": "per"}, {"ORTH": "-", "OP": "?"}, {"LOWER": "cent"}]]
        self.matcher.add("percent", [[NUM, *sign] for sign in signs])
        self.matcher.add("percent_range", [[NUM, *sign_a, {"LOWER": {"IN": ["-", "to"]}}, NUM, *sign]
                                           for sign in signs for sign_a in ([], sign)]
                         + [[{"LOWER": "between"}, NUM, *sign_a, {"LOWER": "and"}, NUM, *sign]
                            for sign in signs for sign_a in ([], sign)])
        fractions = spec["fractions"]
        numerators = list(fractions["numerators"])
        denominators = [w for row in fractions["denominators"].values() for w in (row["singular"], row["plural"])]
        glued = [w for w, (num, _, _) in table.fractions.items() if num is not None]
        self.matcher.add("fraction", [
            [{"LOWER": {"IN": numerators}}, {"ORTH": "-", "OP": "?"}, {"LOWER": {"IN": denominators}}],
            [{"LOWER": {"IN": [w.lower() for w in fractions["bare"]]}}],
            [{"LOWER": {"IN": glued}}],
        ])
        self.matcher.add("ratio", [[NUM, {"LOWER": "in"}, NUM]])
        self.matcher.add("count_of", [[NUM, {"LOWER": "out", "OP": "?"}, {"LOWER": "of"},
                                       {"LOWER": {"IN": ["the", "these", "those"]}, "OP": "?"}, NUM]])
        self.matcher.add("count", [[NUM]])
        exceptions = spec["exceptions"]
        all_words = {"LOWER": {"IN": exceptions["all_words"]}}
        filler = {"IS_ALPHA": True, "OP": "?"}
        excepts = [[{"LOWER": {"IN": exceptions["except_words"]}}, {"LOWER": {"IN": ["for", "in"]}, "OP": "?"}]]
        excepts += [[{"LOWER": a}, {"LOWER": b}] for a, b in exceptions["two_word_excepts"]]
        only = {"LOWER": {"IN": ["only", "just"]}, "OP": "?"}
        self.matcher.add("exception", [
            *[[all_words, filler, filler, *words, NUM] for words in excepts],
            [{"LOWER": "with"}, only, NUM, {"LOWER": {"IN": ["exception", "exceptions"]}}],
            [{"LOWER": "with"}, only, {"LOWER": {"IN": ["a", "one"]}}, {"LOWER": "single", "OP": "?"},
             {"LOWER": "exception"}],
            [{"LOWER": "with"}, {"LOWER": "the"}, {"LOWER": "exception"}, {"LOWER": "of"}, NUM],
        ])
        for row in spec["hedges"]:
            self.phrases.add("hedge:" + row["name"], [nlp.make_doc(p) for p in row["phrases"]])
        for row in spec["vague"]:
            self.phrases.add("vague:" + row["name"], [nlp.make_doc(p) for p in row["phrases"]])

    def __call__(self, doc: Doc) -> Doc:
        strings = doc.vocab.strings
        candidates, hedges = [], []
        for match_id, start, end in self.matcher(doc):
            candidates.append((strings[match_id], start, end))
        for match_id, start, end in self.phrases(doc):
            label = strings[match_id]
            (hedges if label.startswith("hedge:") else candidates).append((label, start, end))
        doc._.quantity_candidates = candidates
        doc._.quantity_hedges = hedges
        return doc


# --- component 3: context --------------------------------------------------------------

# Which reading wins when two overlap at the same length (longer always wins).
PRIORITY = {"exception": 0, "count_of": 1, "percent_range": 2, "percent": 3, "ratio": 4,
            "fraction": 5, "vague": 6, "count": 7}
RANGE_JOINERS = {"-", "to", "or", "and", "–"}
ANAPHORIC_WORDS = {"these", "those", "them", "such"}
# Grammar words that end a noun phrase: "one of the key issues in cases" does not count cases.
FUNCTION_WORDS = {"in", "of", "to", "for", "with", "was", "were", "is", "are", "and", "or", "that", "which",
                  "where", "by", "on", "at", "from", "as", "than", "but", "had", "have", "we", "they", "it"}


def _text(doc: Doc) -> str:
    # spaCy rebuilds doc.text from its tokens on every access: read it once per doc.
    if "text" not in doc.user_data:
        doc.user_data["text"] = doc.text
    return doc.user_data["text"]


@dataclass
class Candidate:
    kind: str  # percent | percent_range | fraction | ratio | count_of | count | exception | vague
    start: int  # token span of the whole expression
    end: int
    core_end: int  # end of the quantifier itself, before any absorbed noun
    rule: str
    values: dict = field(default_factory=dict)
    hedge: str | None = None
    scope: str | None = None
    head: str | None = None  # the unit counted ("cases", "psrs"), lower case
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    counts: bool = True  # may a count be derived from the sample?


@Language.factory("quantity_context")
class QuantityContext:
    """Keeps real quantities of cases, attaches hedges, and decides each one's scope."""

    def __init__(self, nlp: Language, name: str):
        self.table = quantity_table()
        spec = self.table.spec
        self.currency = set(spec["currency_signs"])
        self.magnitudes = {w.lower() for w in spec["magnitude_words"]}
        self.vague_not_after = {w.lower() for w in spec["vague_not_after"]}
        self.universal_not_after = {w.lower() for w in spec["universal_not_after"]}
        self.negators = {w.lower() for w in spec["negators"]}
        self.negated_universal = spec["negated_universal"]
        fractions = spec["fractions"]
        self.fraction_not_after = {w.lower() for w in fractions["not_after"]}
        self.fraction_not_before = {w.lower() for w in fractions["not_before"]} | self.table.time_words
        self.singular_followers = {w.lower() for w in fractions["singular_followers"]} | self.table.pronoun_verbs

    def __call__(self, doc: Doc) -> Doc:
        kept = []
        for label, start, end in doc._.quantity_candidates or []:
            kind, _, name = label.partition(":")
            candidate = getattr(self, "_" + kind)(doc, start, end, name)
            if candidate is not None:
                kept.append(candidate)
        chosen = []
        for cand in sorted(kept, key=lambda c: (c.start - c.end, PRIORITY[c.kind], c.start)):
            if all(cand.end <= other.start or cand.start >= other.end for other in chosen):
                chosen.append(cand)
        chosen.sort(key=lambda c: c.start)
        for cand in chosen:
            cand.scope = cand.scope or self._scope(doc, cand)
            if cand.head is None:
                cand.head = self._head_word(doc, cand)
        doc._.quantities = chosen
        return doc

    # Each reader returns a Candidate, or None when the words are not a quantity here.

    def _percent(self, doc, start, end, _):
        if not self._plain_number(doc, start, allow_decimal=True) or doc[start]._.qnum > 100:
            return None
        return self._hedged(doc, Candidate("percent", start, end, end, "percent", {"X": doc[start]._.qnum / 100}))

    def _percent_range(self, doc, start, end, _):
        numbers = [t._.qnum for t in doc[start:end] if t._.is_qnum]
        low, high = numbers[0], numbers[-1]
        if not (0 <= low <= high <= 100) or (start and doc[start - 1].text in self.currency):
            return None
        return Candidate("percent_range", start, end, end, "percent_range", {"A": low / 100, "B": high / 100})

    def _fraction(self, doc, start, end, _):
        words = [t.lower_ for t in doc[start:end] if t.text != "-"]
        fractions = self.table.fractions
        if len(words) == 1:
            numerator, denominator, singular = fractions[words[0]]
            numerator = 1 if numerator is None else numerator
        else:
            numerator = self.table.spec["fractions"]["numerators"][words[0]]
            _, denominator, singular = fractions[words[1]]
            if singular != (numerator == 1):  # "a halves", "three-quarter"
                return None
        before = doc[start - 1].lower_ if start else ""
        after = self._next_word(doc, end)
        if before in self.fraction_not_after or after in self.fraction_not_before:
            return None
        if singular and after and after.isalpha() and after not in self.singular_followers:
            return None  # "a third party", "half term", "a quarter hour"
        return self._hedged(doc, Candidate("fraction", start, end, end, "fraction", {"X": numerator / denominator}))

    def _ratio(self, doc, start, end, _):
        a, b = doc[start]._.qnum, doc[end - 1]._.qnum
        if not (self._plain_number(doc, start) and self._plain_number(doc, end - 1)) or not 0 < a < b:
            return None
        return Candidate("ratio", start, end, end, "ratio", {"A": a, "B": b})

    def _count_of(self, doc, start, end, _):
        count, denominator = doc[start]._.qnum, doc[end - 1]._.qnum
        if not (self._plain_number(doc, start) and self._plain_number(doc, end - 1)):
            return None
        if not 0 <= count <= denominator or denominator == 0:
            return None
        return Candidate("count_of", start, end, end, "count_of", {"count": int(count), "denominator": int(denominator)})

    def _count(self, doc, start, end, _):
        if not self._plain_number(doc, start) or self._hedged_count(doc, start):
            return None
        if start and (doc[start - 1].lower_ == "of" or (start >= 2 and doc[start - 2:start].text.lower() == "of the")):
            return None  # "78% of the 32 cases": the base of another quantity, not a count
        head = self._head(doc, end, allow_verb=False)
        if head is None:
            return None
        head_end, anaphoric = head
        cand = Candidate("count", start, head_end, end, "count", {"count": int(doc[start]._.qnum)})
        cand.scope = "anaphoric" if anaphoric else None
        return cand

    def _exception(self, doc, start, end, _):
        numbers = [t._.qnum for t in doc[start:end] if t._.is_qnum]
        number = numbers[-1] if numbers else None  # "with a single exception": one
        excepted = int(number) if number is not None else 1
        if number is not None and not float(number).is_integer():
            return None
        if start and doc[start - 1].lower_ == "in":
            start -= 1
        head = self._head(doc, end, allow_verb=True)
        cand = Candidate("exception", start, end, end, "exception", {"N": excepted})
        if head is not None:
            cand.end, anaphoric = head
            if anaphoric:
                cand.scope = "anaphoric"
        return cand

    def _vague(self, doc, start, end, name):
        row = self.table.vague[name]
        if start and doc[start - 1].lower_ in self.vague_not_after:
            return None
        cand = Candidate("vague", start, end, end, "vague:" + name, counts=row.get("counts", True))
        requirement = row.get("head", "none")
        if requirement != "none" and doc[end - 1].lower_ not in self.table.units:
            head = self._head(doc, end, allow_verb=True, plural=requirement == "plural")
            if head is None:
                return None
            if head[1]:
                cand.scope = "anaphoric"
        if row.get("universal"):
            if self.table.normative.search(self._sentence_before(doc, start)):
                return None  # "should ... in all cases": a rule, not a finding
            if start and doc[start - 1].lower_ in self.universal_not_after:
                return None  # "the needs of all children": whom a service is for
            if name == "all" and any(t.lower_ in self.negators for t in doc[max(0, start - 5):start]):
                cand.rule = f"vague:{self.negated_universal}"  # "not completed in all cases": not all
        return cand

    # Helpers.

    def _hedged(self, doc, cand: Candidate) -> Candidate:
        """Joins a hedge that ends where the quantity starts ("just over" + "half")."""
        best = None
        for label, start, end in doc._.quantity_hedges or []:
            if end == cand.start and (best is None or start < best[1]):
                best = (label.partition(":")[2], start)
        if best:
            cand.hedge, cand.start = best
            cand.rule = f"{best[0]}+{cand.rule}"
        return cand

    def _hedged_count(self, doc, start: int) -> bool:
        """'over 20 cases' states no count; 'only one case' does."""
        return any(end == start and label != "hedge:exactly" for label, _, end in doc._.quantity_hedges or [])

    def _plain_number(self, doc, i: int, allow_decimal: bool = False) -> bool:
        """A number that can count cases: not a label ("Category 3"), year, phone number,
        sum of money, decimal section number or one end of a range ("Level 2 or 3")."""
        token = doc[i]
        text, value = token.text, token._.qnum
        if text[:1].isdigit():
            if len(text) > 1 and text[0] == "0" and text[1] != ".":
                return False  # "07917"
            if re.fullmatch(r"(?:19|20)\d\d", text):
                return False
            if "." in text and not allow_decimal:
                return False
        elif not value.is_integer():
            return False
        before = doc[i - 1] if i else None
        after = doc[i + 1] if i + 1 < len(doc) else None
        if before is not None and (before.lower_ in self.table.label_words or before.text in self.currency):
            return False
        if after is not None and after.lower_ in self.magnitudes:
            return False
        if before is not None and before.lower_ in RANGE_JOINERS and i >= 2 and doc[i - 2]._.is_qnum:
            return False
        if after is not None and after.lower_ in RANGE_JOINERS and i + 2 < len(doc) and doc[i + 2]._.is_qnum:
            return False
        return True

    def _head(self, doc, i: int, allow_verb: bool, plural: bool = False):
        """The noun a quantifier counts, starting at token i: "cases", "of those cases",
        "relevant case", "community cases". Returns (end, anaphoric) or None."""
        units, n = self.table.units, len(doc)
        j, anaphoric = i, False
        if j < n and doc[j].lower_ == "of":
            j += 1
            if j < n and doc[j].lower_ == "them":
                return j + 1, True
        if j < n and doc[j].lower_ in ("the", "these", "those", "their", "its", "such"):
            anaphoric = doc[j].lower_ in ANAPHORIC_WORDS
            j += 1
        for k in range(j, min(j + 3, n)):
            word = doc[k].lower_
            if word in units and not (k + 1 < n and doc[k + 1].lower_ in self.table.compound_followers):
                if plural and not (word.endswith("s") or word in ("children", "people")):
                    return None
                return k + 1, anaphoric
            if not (doc[k].is_alpha or doc[k].text == "-") or word in FUNCTION_WORDS \
                    or doc[k]._.is_qnum or word in self.table.time_words:
                break  # a modifier ("relevant", "community") may stand between; nothing else
        if allow_verb and i < n and doc[i].lower_ in self.table.pronoun_verbs:
            return i, True  # "Most were", "All except three were": refers back
        return None

    def _head_word(self, doc, cand: Candidate) -> str | None:
        last = doc[cand.end - 1].lower_
        if last in self.table.units:  # "in all cases", "13 cases", "all except one relevant case"
            return last
        head = self._head(doc, cand.core_end, allow_verb=False)
        if head:
            return doc[head[0] - 1].lower_
        # No noun after it ("PSRs were, with one exception, of good quality"): the
        # quantity is of the sentence's subject, the nearest unit before it.
        for token in reversed(doc[:cand.start]):
            if token.text in (".", "?", "!", ";"):
                break
            following = doc[token.i + 1].lower_ if token.i + 1 < len(doc) else ""
            if token.lower_ in self.table.units and following not in self.table.compound_followers:
                return token.lower_
        return None

    def _next_word(self, doc, end: int) -> str:
        if end < len(doc) and doc[end].text == "-":
            end += 1
        return doc[end].lower_ if end < len(doc) else ""

    def _sentence_before(self, doc, start: int) -> str:
        text = _text(doc)[: doc[start].idx]
        cut = max(text.rfind(". "), text.rfind("? "), text.rfind("! "), text.rfind("\n"))
        return text[cut + 1:]

    def _scope(self, doc, cand: Candidate) -> str | None:
        after = _text(doc)[doc[cand.core_end - 1].idx + len(doc[cand.core_end - 1]):][:120]
        if any(p.search(after) for p in self.table.anaphoric_after):
            return "anaphoric"
        if cand.kind != "count" and any(p.search(after) for p in self.table.restricted_after):
            return "restricted"
        if cand.kind != "count" and any(p.search(self._sentence_before(doc, cand.start))
                                        for p in self.table.restricted_before):
            return "restricted"
        if cand.kind in ("fraction", "exception", "percent") and cand.core_end < len(doc) \
                and doc[cand.core_end].lower_ in self.table.pronoun_verbs:
            return "anaphoric"  # "two-thirds met the needs", "All except three were"
        return None


# --- component 4: intervals ------------------------------------------------------------

@Language.factory("quantity_intervals")
class QuantityIntervals:
    """Each kept quantity's interval, from the table (before any sample size is known)."""

    def __init__(self, nlp: Language, name: str):
        self.table = quantity_table()

    def __call__(self, doc: Doc) -> Doc:
        intervals = self.table.intervals
        for cand in doc._.quantities or []:
            if cand.kind in ("percent", "fraction"):
                interval = self.table.hedges[cand.hedge] if cand.hedge else intervals[cand.kind]
            elif cand.kind == "count_of":
                interval, cand.values = intervals["ratio"], {**cand.values, "A": cand.values["count"],
                                                             "B": cand.values["denominator"]}
            elif cand.kind == "exception":
                interval = intervals["exception_unknown"]
            elif cand.kind == "vague":
                interval = self.table.vague[cand.rule.partition(":")[2]]["compiled"]
            elif cand.kind in ("percent_range", "ratio"):
                interval = intervals[cand.kind]
            else:  # a bare count: a proportion only once a sample size is known
                continue
            cand.low, cand.high, cand.low_open, cand.high_open = interval.evaluate(**cand.values)
        return doc


# --- the interface ---------------------------------------------------------------------

@lru_cache(maxsize=1)
def quantity_nlp() -> Language:
    """The blank English pipeline with the four quantity components, built once."""
    nlp = spacy.blank("en")
    for name in PIPES:
        nlp.add_pipe(name)
    return nlp


CONTRACT_KIND = {"percent_range": "percent", "ratio": "fraction", "count_of": "count"}


def find_quantities(text: str, sample_size: int | None = None, *, antecedent: int | None = None) -> list[Quantity]:
    """The quantities in a sentence, in order.

    sample_size: how many cases the sentence speaks of (an SQS letter's sample). It is
    the denominator of quantities of the whole set ("in all except two cases" → 18/20)
    and only an upper bound for restricted ones ("all except one relevant case").
    antecedent: the size of the set named in the previous sentence, the denominator of
    quantities that refer back to it ("There were 13 cases… in all except one of those
    cases" → 12/13; "in three-quarters of the cases. All except three were…" → 12/15).
    """
    if not text or not text.strip():
        return []
    nlp = quantity_nlp()
    doc = nlp.make_doc(text)
    doc.user_data["text"] = text  # spaCy's doc.text is rebuilt from the tokens: keep the original
    for _, component in nlp.pipeline:
        doc = component(doc)
    table = quantity_table()
    return [_with_base(doc, cand, sample_size, antecedent, table) for cand in doc._.quantities]


def _with_base(doc: Doc, cand: Candidate, sample_size, antecedent, table: Table) -> Quantity:
    span = doc[cand.start:cand.end]
    quantity = Quantity(span.text, span.start_char, span.end_char, cand.low, cand.high,
                        kind=CONTRACT_KIND.get(cand.kind, cand.kind), low_open=cand.low_open,
                        high_open=cand.high_open, rule=cand.rule, scope=cand.scope)
    if cand.kind == "count_of":
        quantity.count, quantity.denominator, quantity.base = cand.values["count"], cand.values["denominator"], "stated"
        return quantity
    exact, bound, base = None, None, None
    # One per case (cases, children, assessments) or nothing named: of the whole sample.
    of_sample = cand.head is None or cand.head in table.sample_units
    if cand.scope == "anaphoric" and antecedent:
        exact, base = antecedent, "antecedent"
    elif sample_size and of_sample and (cand.scope is None or cand.kind == "count"):
        exact, base = sample_size, "sample"
    elif sample_size:
        bound = sample_size  # PSRs, reviews, "relevant" cases: some of the sample
    if cand.kind == "count":
        quantity.count = cand.values["count"]
        if exact and quantity.count <= exact:
            quantity.denominator, quantity.base = exact, base
            quantity.low = quantity.high = round(quantity.count / exact, 6)
        return quantity
    if cand.kind == "exception":
        excepted = cand.values["N"]
        if exact and exact > excepted:
            quantity.count, quantity.denominator, quantity.base = exact - excepted, exact, base
            return _set(quantity, table.intervals["exception_known"].evaluate(N=excepted, n=exact))
        if bound and bound > excepted:
            return _set(quantity, table.intervals["exception_bounded"].evaluate(N=excepted, n=bound))
        return quantity  # the unknown-base interval of the table
    if exact and cand.counts and cand.low is not None:
        count = _unique_count(cand, exact, quantity.text)
        if count is not None:
            quantity.count, quantity.denominator, quantity.base = count, exact, base
    return quantity


def _set(quantity: Quantity, interval) -> Quantity:
    quantity.low, quantity.high, quantity.low_open, quantity.high_open = interval
    return quantity


def _unique_count(cand: Candidate, n: int, printed: str) -> int | None:
    """The one count k of n that the words allow, or None when several (or none) fit."""
    if cand.kind == "percent" and not cand.hedge:
        decimals = len(printed.split(".")[1].split("%")[0].split()[0]) if "." in printed else 0
        tolerance = 0.5 * 10 ** -decimals / 100 + EPSILON
        fits = [k for k in range(n + 1) if abs(k / n - cand.low) <= tolerance]
    else:
        fits = [k for k in range(n + 1)
                if (k / n > cand.low + EPSILON if cand.low_open else k / n >= cand.low - EPSILON)
                and (k / n < cand.high - EPSILON if cand.high_open else k / n <= cand.high + EPSILON)]
    return fits[0] if len(fits) == 1 else None
