"""Quantity expressions in inspection prose → normalised proportions of the cases inspected.

Interface used by every extractor: `find_quantities(text, sample_size=None)`
returns the quantities in a sentence, in order, each with its span in `text`,
its 0–1 interval, where stated or derivable its count and denominator, what it is a
proportion of (`base_kind`, `base_text`) and whether it counts the cases that met the
standard or the cases that fell short (`direction`). `read_sentence` also says what was
left out, and why, and the size of the set the sentence counted (the base of a
quantity in the next sentence that refers back to it).

The work is done by five spaCy components on a blank English pipeline, one job
each, all driven by the table in `models/quantifiers.yml` (where every reading is
written down with the reason for it):

- `quantity_numbers`   marks number tokens ("13", "36.2", "five", "twenty-five", "12/20");
- `quantity_matcher`   finds candidate expressions (percentages, fractions, ratios,
                       counts, exceptions, vague quantifiers, hedges);
- `quantity_context`   keeps only quantities of the cases inspected (no "Section 90/91",
                       "one case manager", sample sizes, national averages, changes,
                       staff, anecdotes), joins ranges and open ends, and decides what
                       each is a proportion of: the whole sample, a stated set, a narrower
                       set, or a set named earlier;
- `quantity_judgement` reads each quantity's clause (models/judgements.yml): the share
                       of cases that met the standard or that fell short; a clause that
                       judges nothing and only says what the cases were (case mix) is
                       left out;
- `quantity_intervals` turns each into its interval from the table, in exact fractions.

The sample size is applied last (`read_sentence`), so the pipeline's reading of the
words never depends on which report they came from.
"""

from __future__ import annotations

import ast
import re
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Token

from ..models import load_model
from . import judgement

TABLE_NAME = "quantifiers.yml"
PIPES = ("quantity_numbers", "quantity_matcher", "quantity_context", "quantity_judgement", "quantity_intervals")


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
    base_kind: str | None = None  # what it is a proportion of: sample | stated | antecedent | subset
    base_text: str | None = None  # the words naming that set, as printed
    direction: str | None = None  # `met` (share that met the standard), `short` (fell short) or None
    unread: tuple = ()  # spans of the text that say how many and of what: not read as a judgement

    @property
    def notation(self) -> str:
        """The interval as written in the table, e.g. '[0.65, 0.75)'."""
        if self.low is None:
            return ""
        return (f"{'(' if self.low_open else '['}{self.low:g}, {self.high:g}"
                f"{')' if self.high_open else ']'}")

    def as_row(self) -> dict:
        row = asdict(self)
        row.pop("unread")
        row["quantity_text"] = row.pop("text")
        row["proportion_low"] = row.pop("low")
        row["proportion_high"] = row.pop("high")
        return row


@dataclass
class Reading:
    """What a sentence says in numbers."""

    quantities: list  # [Quantity], the quantities of the cases inspected
    skipped: list  # [(text, reason)]: read as numbers but left out (sample_size, comparator, ...)
    named_set: int | None = None  # the size of the last set of cases it counted, for the next sentence


# --- the table -------------------------------------------------------------------------

_ALLOWED_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Add, ast.Sub, ast.Mult, ast.Div,
                  ast.USub, ast.UAdd, ast.Constant, ast.Name, ast.Load, ast.Call)
_VARIABLES = {"X", "N", "n", "A", "B", "NEXT", "PREV"}
_FUNCTIONS = {"min": min, "max": max}


class _Exact(ast.NodeTransformer):
    """Numbers written in the table become exact fractions: 0.1 is 1/10, not a binary float."""

    def visit_Constant(self, node):
        return ast.copy_location(ast.Call(ast.Name("F", ast.Load()), [ast.Constant(str(node.value))], []), node)


def _compile(expression: str):
    tree = ast.parse(expression.strip(), mode="eval")
    names = set()
    for node in ast.walk(tree):
        bad = not isinstance(node, _ALLOWED_NODES)
        if isinstance(node, ast.Call):
            bad = bad or not (isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS) or bool(node.keywords)
        elif isinstance(node, ast.Name):
            bad = node.id not in _VARIABLES | set(_FUNCTIONS)
            names.add(node.id)
        elif isinstance(node, ast.Constant):
            bad = isinstance(node.value, bool) or not isinstance(node.value, (int, float))
        if bad:
            raise ValueError(f"only arithmetic, min and max on X, N, n, A, B, NEXT, PREV: {expression!r}")
    tree = ast.fix_missing_locations(_Exact().visit(tree))
    return compile(tree, "<quantifiers.yml>", "eval"), names


def exact(value) -> Fraction:
    """A number as an exact fraction (a float by its shortest decimal: 0.1 → 1/10)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def neighbours(x: Fraction, landmarks) -> dict:
    """NEXT and PREV: the landmarks either side of x (1 and 0 at the ends)."""
    return {"NEXT": min((m for m in landmarks if m > x), default=Fraction(1)),
            "PREV": max((m for m in landmarks if m < x), default=Fraction(0))}


@dataclass(frozen=True)
class Interval:
    """An interval written as in the table: '[max(X - 0.1, PREV), X)'."""

    notation: str
    low: object  # compiled expressions
    high: object
    low_open: bool
    high_open: bool
    low_names: frozenset = frozenset()
    high_names: frozenset = frozenset()

    @classmethod
    def parse(cls, notation: str) -> "Interval":
        text = notation.strip()
        if text[0] not in "[(" or text[-1] not in "])":
            raise ValueError(f"not an interval: {notation!r}")
        low, high = _split_ends(text[1:-1], notation)
        (low_code, low_names), (high_code, high_names) = _compile(low), _compile(high)
        return cls(notation, low_code, high_code, text[0] == "(", text[-1] == ")",
                   frozenset(low_names), frozenset(high_names))

    def evaluate(self, landmarks=None, **variables) -> tuple[Fraction, Fraction, bool, bool]:
        """(low, high, low_open, high_open), exact. NEXT and PREV are found from X among
        `landmarks` (the table's fraction landmarks unless given)."""
        env = {name: exact(value) for name, value in variables.items()}
        if "X" in env and "NEXT" not in env and {"NEXT", "PREV"} & (self.low_names | self.high_names):
            env.update(neighbours(env["X"], landmarks or quantity_table().landmarks["fractions"]))
        scope = {"__builtins__": {}, "F": Fraction, **_FUNCTIONS}
        low = min(Fraction(1), max(Fraction(0), exact(eval(self.low, scope, env))))
        high = min(Fraction(1), max(Fraction(0), exact(eval(self.high, scope, env))))
        low_open, high_open = self.low_open, self.high_open
        # An end reached by the neighbouring landmark excludes it: at the landmark the
        # writer would have named it.
        if "PREV" in self.low_names and low == env.get("PREV") and low != env.get("X"):
            low_open = True
        if "NEXT" in self.high_names and high == env.get("NEXT") and high != env.get("X"):
            high_open = True
        if low >= high:  # a point ("almost 0%", clipped): a point is closed
            return high, high, False, False
        return low, high, low_open, high_open


def _split_ends(inner: str, notation: str) -> tuple[str, str]:
    """The two ends of '[a, b]', where a or b may hold a comma inside brackets ('max(a, b)')."""
    depth = 0
    for i, char in enumerate(inner):
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            return inner[:i], inner[i + 1:]
    raise ValueError(f"not an interval: {notation!r}")


def _phrase_regex(words) -> str:
    return "|".join(sorted((re.escape(str(w)).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True))


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
    landmarks: dict = field(default_factory=dict)  # fractions | percent → [Fraction]
    hedges: dict = field(default_factory=dict)  # name → Interval
    open_ends: dict = field(default_factory=dict)  # name → Interval
    vague: dict = field(default_factory=dict)  # name → row with compiled Interval
    intervals: dict = field(default_factory=dict)
    normative: object = None
    restricted_before: list = field(default_factory=list)
    restricted_after: list = field(default_factory=list)  # token tuples
    restricted_after_cases: set = field(default_factory=set)
    neutral_modifiers: set = field(default_factory=set)
    sample_clause: object = None
    existential: object = None
    not_findings: dict = field(default_factory=dict)  # compiled patterns and word sets

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
        table.landmarks = {kind: sorted(Fraction(str(v)) for v in values) for kind, values in spec["landmarks"].items()}
        fractions = spec["fractions"]
        for name, row in fractions["denominators"].items():
            table.fractions[row["singular"]] = (None, row["value"], True)
            table.fractions[row["plural"]] = (None, row["value"], False)
            for word, numerator in fractions["numerators"].items():
                form = row["singular"] if numerator == 1 else row["plural"]
                table.fractions[f"{word}{form}"] = (numerator, row["value"], numerator == 1)
        table.hedges = {row["name"]: Interval.parse(row["interval"]) for row in spec["hedges"]}
        table.open_ends = {row["name"]: Interval.parse(row["interval"]) for row in spec["open_ends"]}
        table.vague = {row["name"]: {**row, "compiled": Interval.parse(row["interval"])} for row in spec["vague"]}
        table.intervals = {
            "percent": Interval.parse(spec["percent"]["interval"]),
            "percent_range": Interval.parse(spec["percent"]["range_interval"]),
            "fraction": Interval.parse(fractions["interval"]),
            "ratio": Interval.parse(fractions["ratio_interval"]),
            "slash": Interval.parse(fractions["slash_interval"]),
            "exception_known": Interval.parse(spec["exceptions"]["interval_known"]),
            "exception_bounded": Interval.parse(spec["exceptions"]["interval_bounded"]),
            "exception_unknown": Interval.parse(spec["exceptions"]["interval_unknown"]),
        }
        table.normative = re.compile(r"\b(?:" + _phrase_regex(spec["normative_cues"]) + r")\b", re.IGNORECASE)
        scope = spec["scope"]
        table.restricted_before = [re.compile(p, re.IGNORECASE) for p in scope["restricted_before"]]
        table.restricted_after = sorted((tuple(str(p).lower().split()) for p in scope["restricted_after"]),
                                        key=len, reverse=True)
        table.restricted_after_cases = lower(scope["restricted_after_cases"])
        table.neutral_modifiers = lower(scope["neutral_modifiers"])
        table.sample_clause = re.compile(scope["sample_clause"], re.IGNORECASE)
        table.existential = re.compile(scope["existential"], re.IGNORECASE)
        nf = spec["not_findings"]
        units = _phrase_regex(spec["units"])
        table.not_findings = {
            **{key: re.compile(nf[key], re.IGNORECASE)
               for key in ("sample_before", "sample_after", "comparator_before", "comparator_after",
                           "change_before", "change_before_range", "change_after", "survey", "survey_before",
                           "example_before", "score_before")},
            # "of (the) (up to two words) staff", the words not being a counted unit
            "other_population": re.compile(
                r"^\s*(?:of\s+)?(?:(?:the|these|those|their|our|all|its|his|her)\s+)?"
                rf"(?:(?!(?:{units})\b)[\w/'-]+\s+){{0,2}}?(?:{_phrase_regex(nf['other_populations'])})\b",
                re.IGNORECASE),
            "case_mix": [re.compile(p, re.IGNORECASE) for p in nf["case_mix"]],
            "single_count_words": lower(nf["single_count_words"]),
            "count_said_by": lower(nf["count_said_by"]),
        }
        return table


@lru_cache(maxsize=1)
def quantity_table() -> Table:
    return Table.load()


# --- component 1: numbers --------------------------------------------------------------

QNUM_NORM = "<quantity-number>"  # token.norm_ of a number token (no real word normalises to it)
QSLASH_NORM = "<quantity-slash>"  # "12/20", "2/3"
DIGITS = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
SLASH = re.compile(r"(\d{1,3})/(\d{1,3})")

for _name, _default in (("qnum", None), ("is_qnum", False), ("qslash", None)):
    if not Token.has_extension(_name):
        Token.set_extension(_name, default=_default)
for _name in ("quantity_candidates", "quantity_hedges", "quantities", "quantity_skipped"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


@Language.factory("quantity_numbers")
class QuantityNumbers:
    """Marks number tokens with their value (`token._.qnum`); joins "twenty-five"; marks
    "12/20" and "2/3" (`token._.qslash`)."""

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
            elif "/" in text and (match := SLASH.fullmatch(text)):
                token._.qslash = (int(match.group(1)), int(match.group(2)))
                token.norm_ = QSLASH_NORM
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
        self.matcher.add("percent_range", [[NUM, *sign_a, {"LOWER": {"IN": ["-", "to", "–"]}}, NUM, *sign]
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
        unit = {"LOWER": {"IN": sorted(table.units | {"times", "occasions"})}}
        hyphen = {"ORTH": "-", "OP": "?"}
        every = {"LOWER": "every"}
        self.matcher.add("ratio", [
            [NUM, hyphen, {"LOWER": "in"}, hyphen, NUM],  # "one in five", "one-in-five"
            [NUM, {"LOWER": "in"}, every, NUM],  # "one in every four"
            [NUM, unit, {"LOWER": "in"}, {**every, "OP": "?"}, NUM],  # "One case in five"
            [NUM, {**unit, "OP": "?"}, {"LOWER": "out"}, {"LOWER": "of"}, every, NUM],  # "Two out of every three"
            [NUM, unit, {"LOWER": "out"}, {"LOWER": "of"}, NUM],  # "nine cases out of ten"
        ])
        self.matcher.add("slash", [[{"NORM": QSLASH_NORM}]])
        percent_aside = [{"ORTH": "("}, NUM, {"ORTH": "%"}, {"ORTH": ")"}]
        self.matcher.add("count_of", [[NUM, {"LOWER": "out", "OP": "?"}, {"LOWER": "of"},
                                       {"LOWER": {"IN": ["the", "these", "those"]}, "OP": "?"}, NUM],
                                      # "in 15 (75%) of the 20 cases": the percentage restates the count
                                      [NUM, *percent_aside, {"LOWER": "of"},
                                       {"LOWER": {"IN": ["the", "these", "those"]}, "OP": "?"}, NUM]])
        self.matcher.add("count", [[NUM]])
        exceptions = spec["exceptions"]
        all_words = {"LOWER": {"IN": exceptions["all_words"]}}
        filler = {"IS_ALPHA": True, "OP": "?"}
        excepts = [[{"LOWER": {"IN": exceptions["except_words"]}}, {"LOWER": {"IN": ["for", "in"]}, "OP": "?"}]]
        excepts += [[{"LOWER": a}, {"LOWER": b}] for a, b in exceptions["two_word_excepts"]]
        only = {"LOWER": {"IN": ["only", "just"]}, "OP": "?"}
        stated = [{"LOWER": "of"}, {"LOWER": {"IN": ["the", "these", "those"]}, "OP": "?"}, NUM]
        self.matcher.add("exception", [
            *[[all_words, filler, filler, *words, NUM] for words in excepts],
            *[[all_words, filler, filler, *words, NUM, *stated] for words in excepts],  # "All except two of the 20"
            [{"LOWER": "with"}, only, NUM, {"LOWER": {"IN": ["exception", "exceptions"]}}],
            [{"LOWER": "with"}, only, {"LOWER": {"IN": ["a", "one"]}}, {"LOWER": "single", "OP": "?"},
             {"LOWER": "exception"}],
            [{"LOWER": "with"}, {"LOWER": "the"}, {"LOWER": "exception"}, {"LOWER": "of"}, NUM],
            # "completed except in two cases", "apart from one case, all plans ...", "other than
            # in three cases": models/quantifiers.yml exceptions.leading_excepts
            *[[*({"LOWER": word} for word in words), {"LOWER": "in", "OP": "?"}, NUM]
              for words in exceptions["leading_excepts"]],
        ])
        for row in spec["hedges"]:
            self.phrases.add("hedge:" + row["name"], [nlp.make_doc(p) for p in row["phrases"]])
        for row in spec["open_ends"]:
            self.phrases.add("open:" + row["name"], [nlp.make_doc(p) for p in row["phrases"]])
        for row in spec["vague"]:
            self.phrases.add("vague:" + row["name"], [nlp.make_doc(p) for p in row["phrases"]])

    def __call__(self, doc: Doc) -> Doc:
        strings = doc.vocab.strings
        candidates, hedges = [], []
        for match_id, start, end in self.matcher(doc):
            candidates.append((strings[match_id], start, end))
        for match_id, start, end in self.phrases(doc):
            label = strings[match_id]
            (candidates if label.startswith("vague:") else hedges).append((label, start, end))
        doc._.quantity_candidates = candidates
        doc._.quantity_hedges = hedges
        return doc


# --- component 3: context --------------------------------------------------------------

# Which reading wins when two overlap at the same length (longer always wins).
PRIORITY = {"exception": 0, "count_of": 1, "slash": 1, "ratio": 2, "percent_range": 2, "percent": 3,
            "fraction": 5, "vague": 6, "count": 7}
RANGE_JOINERS = {"-", "to", "or", "and", "–"}
ANAPHORIC_WORDS = {"these", "those", "them", "such"}
DETERMINERS = {"the", "these", "those", "their", "its", "such", "our", "all"}
# Grammar words that end a noun phrase: "one of the key issues in cases" does not count cases.
FUNCTION_WORDS = {"in", "of", "to", "for", "with", "was", "were", "is", "are", "and", "or", "that", "which",
                  "where", "by", "on", "at", "from", "as", "than", "but", "had", "have", "we", "they", "it"}
RELATIVE_WORDS = {"where", "when", "whenever", "which", "that", "who", "whose"}
CLAUSE_STOPS = {",", ";", ".", ":", "!", "?", "(", ")"}
NEW_SUBJECTS = {"we", "inspectors", "they", "there"}
# A part of a clause with a verb of its own says its own thing; one without ("and in almost
# all cases in the community") shares the verb of its clause.
VERB = re.compile(r"\b(?:was|were|is|are|had|has|have|did|does|do|could|would|should|will|been|\w{3,}ed)\b", re.I)


def _number(token: Token) -> Fraction:
    """A number token's value, exactly as printed ("36.2" is 362/10)."""
    if token.text[:1].isdigit():
        return Fraction(token.text.replace(",", ""))
    return Fraction(int(token._.qnum))


def _text(doc: Doc) -> str:
    # spaCy rebuilds doc.text from its tokens on every access: read it once per doc.
    if "text" not in doc.user_data:
        doc.user_data["text"] = doc.text
    return doc.user_data["text"]


@dataclass
class NounPhrase:
    """What a quantifier counts: "of the 20 relevant cases where ...", "these cases", "them"."""

    start: int  # token where it starts (at "of" when there is one)
    det_start: int  # first token after "of"
    end: int  # token after the counted noun (or after the stated number)
    head: int | None  # token of the counted noun ("cases"), None for "them" / "of the 20"
    stated: int | None = None  # "of the 20 cases" → 20
    stated_index: int | None = None
    mods: list = field(default_factory=list)  # tokens between determiner and noun ("relevant")
    anaphoric: bool = False
    restriction_end: int | None = None  # token after the words that narrow it ("where ...")


@dataclass
class Prefix:
    """A set named at the start of a sentence: "Of the 6 cases where safeguarding was relevant, ..."."""

    comma: int  # token of the comma that ends it
    stated: int | None
    anaphoric: bool
    start_char: int
    end_char: int


@dataclass
class Candidate:
    kind: str  # percent | percent_range | fraction | ratio | slash | count_of | count | exception | vague
    start: int  # token span of the whole expression
    end: int
    core_end: int  # end of the quantifier itself, before any absorbed noun
    rule: str
    values: dict = field(default_factory=dict)
    hedge: str | None = None
    open_end: str | None = None  # "or more" / "or less"
    scope: str | None = None
    head: str | None = None  # the unit counted ("cases", "psrs"), lower case
    low: Fraction | None = None
    high: Fraction | None = None
    low_open: bool = False
    high_open: bool = False
    counts: bool = True  # may a count be derived from the sample?
    np: NounPhrase | None = None
    stated: int | None = None  # a base printed with the quantity
    base_text: str | None = None
    unread: list = field(default_factory=list)  # character spans not read as judgement
    negator: int | None = None  # token of a "not" the quantity took ("not completed in all cases")
    existential: bool = False  # "There were 13 cases where ..."
    drop: str | None = None  # why it is not a quantity of the cases inspected
    direction: str | None = None
    parts: tuple = ()  # the two ends of a range


@Language.factory("quantity_context")
class QuantityContext:
    """Keeps real quantities of cases, attaches hedges and open ends, joins ranges, and
    decides what each is a proportion of."""

    def __init__(self, nlp: Language, name: str):
        self.table = quantity_table()
        spec = self.table.spec
        self.currency = set(spec["currency_signs"])
        self.magnitudes = {w.lower() for w in spec["magnitude_words"]}
        self.vague_not_after = {w.lower() for w in spec["vague_not_after"]}
        self.universal_not_after = {w.lower() for w in spec["universal_not_after"]}
        self.negators = {w.lower() for w in spec["negators"]}
        self.not_negating = {w.lower() for w in spec["not_negating"]}
        self.negated_universal = spec["negated_universal"]
        fractions = spec["fractions"]
        self.fraction_not_after = {w.lower() for w in fractions["not_after"]}
        self.fraction_not_before = {w.lower() for w in fractions["not_before"]} | self.table.time_words
        self.singular_followers = {w.lower() for w in fractions["singular_followers"]} | self.table.pronoun_verbs
        self.range_words = {w.lower() for w in fractions["range_words"]}
        self.range_joiners = {w.lower() for w in fractions["range_joiners"]}
        self.prefix_words = spec["scope"]["of_prefix_max_words"]

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data["prefix"] = self._of_prefix(doc)
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
        chosen = self._open_ends(doc, self._ranges(doc, chosen))
        chosen = self._leading_exceptions(doc, [c for c in chosen if not self._restated(doc, c, chosen)])
        for cand in chosen:
            self._what_it_counts(doc, cand)
        # "In all 22 cases": the 22 is the base of "all", not a count of its own.
        bases = {c.np.stated_index for c in chosen if c.np and c.np.stated_index is not None}
        chosen = [c for c in chosen if not (c.kind == "count" and c.start in bases)]
        for cand in chosen:
            cand.drop = self._not_a_finding(doc, cand)
        doc._.quantities = [c for c in chosen if not c.drop]
        doc._.quantity_skipped = [c for c in chosen if c.drop]
        return doc

    # Each reader returns a Candidate, or None when the words are not a quantity here.

    def _percent(self, doc, start, end, _):
        if not self._plain_number(doc, start, allow_decimal=True) or doc[start]._.qnum > 100:
            return None
        cand = Candidate("percent", start, end, end, "percent", {"X": _number(doc[start]) / 100})
        return self._hedged(doc, cand)

    def _percent_range(self, doc, start, end, _):
        numbers = [t for t in doc[start:end] if t._.is_qnum]
        low, high = numbers[0]._.qnum, numbers[-1]._.qnum
        if not (0 <= low <= high <= 100) or (start and doc[start - 1].text in self.currency):
            return None
        return Candidate("percent_range", start, end, end, "percent_range",
                         {"A": _number(numbers[0]) / 100, "B": _number(numbers[-1]) / 100})

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
        if singular and after and after.isalpha() and after not in self.singular_followers \
                and after not in self.range_joiners:
            return None  # "a third party", "half term", "a quarter hour"
        return self._hedged(doc, Candidate("fraction", start, end, end, "fraction",
                                           {"X": Fraction(numerator, denominator)}))

    def _ratio(self, doc, start, end, _):
        numbers = [i for i in range(start, end) if doc[i]._.is_qnum]
        a, b = doc[numbers[0]]._.qnum, doc[numbers[-1]]._.qnum
        if not all(self._plain_number(doc, i) for i in numbers) or not 0 < a < b:
            return None
        cand = Candidate("ratio", start, end, end, "ratio", {"A": exact(int(a)), "B": exact(int(b))})
        unit = next((i for i in range(start, end) if doc[i].lower_ in self.table.units), None)
        if unit is not None:  # "One case in five", "nine cases out of ten": the unit is inside
            cand.np = NounPhrase(unit, unit, unit + 1, unit)
        return self._hedged(doc, cand)

    def _slash(self, doc, start, end, _):
        """"2/3 of cases" (a fraction) or "12/20 cases" (a count of a stated 20)."""
        a, b = doc[start]._.qslash
        before = doc[start - 1] if start else None
        if not 0 <= a <= b or b == 0 or (before is not None and (before.lower_ in self.table.label_words
                                                                  or before.text in self.currency)):
            return None
        if self._next_word(doc, end) == "of":
            return self._hedged(doc, Candidate("fraction", start, end, end, "slash",
                                               {"X": Fraction(a, b)}))
        return Candidate("count_of", start, end, end, "slash", {"count": a, "denominator": b})

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
        if start and doc[start - 1].lower_ in ("every", "each"):
            return None  # "three case managers for every 20 children": a ratio of staff to children
        prefix = doc.user_data.get("prefix")
        if prefix and prefix.stated is not None and start < prefix.comma:
            return None  # "In the 12 cases where ..., 9 had one": the 12 is the set counted, not a count
        # "13 cases"; "three of the cases" (of the sample); not "five of the six cases" (count_of)
        np = self._noun_phrase(doc, end, allow_verb=False)
        if np is not None and self._next_word(doc, end) == "of" and (np.stated is not None or np.head is None):
            np = None
        if np is None and prefix and start == prefix.comma + 1 and end < len(doc) \
                and doc[end].lower_ in self.table.pronoun_verbs:
            np = NounPhrase(end, end, end, None)  # "Of the 6 cases ..., 5 had a plan"
        if np is None:
            return None
        cand = Candidate("count", start, np.end, end, "count", {"count": int(doc[start]._.qnum)})
        cand.np = np
        return cand

    def _exception(self, doc, start, end, _):
        numbers = [i for i in range(start, end) if doc[i]._.is_qnum]
        stated = None
        if len(numbers) == 2:  # "all except two of the 20": the second is the base
            stated = doc[numbers[1]]._.qnum
            numbers = numbers[:1]
        number = doc[numbers[-1]]._.qnum if numbers else None  # "with a single exception": one
        excepted = int(number) if number is not None else 1
        if (number is not None and not float(number).is_integer()) or \
                (stated is not None and (not float(stated).is_integer() or stated <= excepted)):
            return None
        if start and doc[start - 1].lower_ == "in":
            start -= 1
        cand = Candidate("exception", start, end, end, "exception", {"N": excepted})
        inside = next((i for i in range(start, numbers[0] if numbers else end) if doc[i].lower_ in self.table.units), None)
        if inside is not None and stated is None:  # "All cases except one": the noun is inside
            cand.np = NounPhrase(inside, inside, inside + 1, inside)
            return cand
        if stated is not None:
            cand.stated = int(stated)
            cand.np = NounPhrase(numbers[0] + 1, numbers[0] + 2, end, None, int(stated), end - 1)
        np = self._noun_phrase(doc, end, allow_verb=True)
        if np is not None:
            cand.end = max(np.end, end)
            if cand.np is None:
                cand.np = np
            elif np.head is not None:
                cand.np.head, cand.np.end, cand.np.mods = np.head, np.end, np.mods
        return cand

    def _vague(self, doc, start, end, name):
        row = self.table.vague[name]
        if start and doc[start - 1].lower_ in self.vague_not_after:
            return None
        cand = Candidate("vague", start, end, end, "vague:" + name, counts=row.get("counts", True))
        requirement = row.get("head", "none")
        if doc[end - 1].lower_ in self.table.units:  # "in all cases": the phrase holds its noun
            if end < len(doc) and doc[end].lower_ in self.table.compound_followers:
                return None  # "no case manager": the noun is another one
            cand.np = NounPhrase(end - 1, end - 1, end, end - 1)
        elif requirement != "none":
            np = self._noun_phrase(doc, end, allow_verb=True, plural=requirement == "plural")
            if np is None:
                return None
            cand.np = np
        if row.get("universal"):
            if self.table.normative.search(self._sentence_before(doc, start)):
                return None  # "should ... in all cases": a rule, not a finding
            if start and doc[start - 1].lower_ in self.universal_not_after:
                return None  # "the needs of all children": whom a service is for
            if name == "all":
                negator = self._negator_before(doc, start)
                if negator is not None:
                    cand.rule, cand.negator = f"vague:{self.negated_universal}", negator  # "not ... in all cases"
        return cand

    # Joining and extending.

    def _ranges(self, doc, chosen: list) -> list:
        """"Between a half and two-thirds", "a third to a half": one interval."""
        out, i = [], 0
        while i < len(chosen):
            a = chosen[i]
            b = chosen[i + 1] if i + 1 < len(chosen) else None
            if b is not None and a.kind == b.kind == "fraction" and b.start == a.end + 1 \
                    and doc[a.end].lower_ in self.range_joiners:
                between = a.start and doc[a.start - 1].lower_ in self.range_words
                if (between and doc[a.end].lower_ == "and") or (doc[a.end].lower_ != "and" and a.values["X"] < b.values["X"]):
                    start = a.start - 1 if between else a.start
                    out.append(Candidate("fraction", start, b.end, b.end, "fraction_range", parts=(a, b)))
                    i += 2
                    continue
            out.append(a)
            i += 1
        return out

    def _open_ends(self, doc, chosen: list) -> list:
        """"50% or more", "half or fewer": an open end joins the figure before it."""
        ends = {start: (label.partition(":")[2], end) for label, start, end in doc._.quantity_hedges or []
                if label.startswith("open:")}
        for cand in chosen:
            if cand.kind in ("percent", "fraction") and not cand.hedge and cand.end in ends:
                name, end = ends[cand.end]
                cand.open_end, cand.end, cand.core_end = name, end, end
                cand.rule = f"{name}+{cand.rule}"
        return chosen

    @property
    def _leading_words(self) -> set:
        """First words of an exception printed before what it excepts ("Apart from",
        "With one exception"), and "in" before them."""
        spec = self.table.spec["exceptions"]
        return {words[0] for words in spec["leading_excepts"]} | {"with", "in"}

    def _leading_exceptions(self, doc, chosen: list) -> list:
        """"Apart from one case, all plans were reviewed", "With one exception, all cases had a
        plan": the exception and the "all" after it are one quantity, of what "all" counts."""
        out, skip = [], set()
        for i, cand in enumerate(chosen):
            if i in skip:
                continue
            following = chosen[i + 1] if i + 1 < len(chosen) else None
            if cand.kind == "exception" and doc[cand.start].lower_ in self._leading_words \
                    and following is not None and following.rule == "vague:all" \
                    and 0 <= following.start - cand.end <= 2 \
                    and all(t.text == "," or t.lower_ in self.table.units for t in doc[cand.end:following.start]):
                cand.end = cand.core_end = following.end
                cand.np = following.np or cand.np
                skip.add(i + 1)
            out.append(cand)
        return out

    def _restated(self, doc, cand: Candidate, chosen: list) -> bool:
        """"In seven cases (35%)": a percentage in brackets straight after a count restates it."""
        return (cand.kind == "percent" and cand.start and doc[cand.start - 1].text == "("
                and cand.end < len(doc) and doc[cand.end].text == ")"
                and any(other.end == cand.start - 1 and other.kind in ("count", "count_of") for other in chosen))

    # What a quantity counts.

    def _what_it_counts(self, doc, cand: Candidate) -> None:
        """The counted noun, the base (stated, narrowed, referred back to) and the words
        that name it, and which words say how many and of what (left unread by the
        judgement)."""
        text = _text(doc)
        if cand.np is None and cand.kind in ("fraction", "percent", "percent_range", "ratio", "count_of"):
            cand.np = self._noun_phrase(doc, cand.end if cand.kind == "count_of" else cand.core_end, allow_verb=False)
        np = cand.np
        cand.unread.append((doc[cand.start].idx, doc[cand.end - 1].idx + len(doc[cand.end - 1])))
        if cand.negator is not None:
            cand.unread.append((doc[cand.negator].idx, doc[cand.negator].idx + len(doc[cand.negator])))
        clause_start = judgement.clause_at(text, doc[cand.start].idx)[0]
        cand.existential = bool(self.table.existential.search(text[clause_start:doc[cand.start].idx]))
        restricted = False
        if np is not None:
            if np.stated is not None and cand.stated is None:
                cand.stated = np.stated
            if np.head is not None:
                cand.head = doc[np.head].lower_
                restricted = self._narrowed(doc, np) and not cand.existential
            if np.anaphoric:
                cand.scope = "anaphoric"
            first = np.det_start if np.det_start < len(doc) else np.end
            # "There were a few cases where ...": the relative clause is what was found
            last = np.end if cand.existential else max(np.end, np.restriction_end or 0)
            if last > first:
                cand.base_text = text[doc[first].idx:doc[last - 1].idx + len(doc[last - 1])]
                if restricted and cand.kind != "count" and not cand.existential:
                    # "cases where engagement could not be secured": the base, not a judgement
                    cand.unread.append((doc[first].idx, doc[last - 1].idx + len(doc[last - 1])))
        if cand.head is None:
            cand.head = self._subject_unit(doc, cand)
        if cand.scope is None and cand.kind != "count" and not cand.existential:
            before = self._sentence_before(doc, cand.start)
            condition = next((m for p in self.table.restricted_before if (m := p.search(before))), None)
            if restricted:
                cand.scope = "restricted"
            elif condition:
                cand.scope = "restricted"  # "Where reviews were necessary, two-thirds met ..."
                offset = doc[cand.start].idx - len(before)
                cand.unread.append((offset + condition.start(), offset + condition.end()))
                if condition.group(0).endswith(","):  # the condition names the cases
                    cand.base_text = before[condition.start():condition.end()].strip(" ,")
            elif cand.kind in ("fraction", "exception", "percent") and cand.core_end < len(doc) \
                    and (np is None or np.head is None) and doc[cand.core_end].lower_ in self.table.pronoun_verbs:
                cand.scope = "anaphoric"  # "two-thirds met the needs", "All except three were"
        prefix = doc.user_data.get("prefix")
        if prefix and cand.start > prefix.comma and cand.stated is None \
                and (cand.np is None or cand.np.head is None or cand.scope == "anaphoric"):
            cand.unread.append((prefix.start_char, prefix.end_char))
            if prefix.stated is not None:  # "Of the 6 cases where ..., 5 had"
                cand.stated, cand.scope = prefix.stated, "restricted"
                cand.base_text = text[prefix.start_char:prefix.end_char]
            elif prefix.anaphoric:  # "Of these, two-thirds were timely"
                cand.scope = "anaphoric"

    def _narrowed(self, doc, np: NounPhrase) -> bool:
        """Whether words around the counted noun narrow it to some of the cases."""
        if any(doc[k].lower_ not in self.table.neutral_modifiers for k in np.mods):
            return True  # "relevant cases", "custodial cases", "domain two cases"
        text, n = _text(doc), len(doc)
        after = text[doc[np.head].idx + len(doc[np.head]):]
        if self.table.sample_clause.match(after):
            return False  # "every case that we inspected"
        k = np.head + 1
        if k < n and doc[k].text == "," and k + 1 < n and doc[k + 1].lower_ in ("where", "when", "whenever"):
            k += 1
        words = [t.lower_ for t in doc[k:k + 3]]
        phrase = next((p for p in self.table.restricted_after if tuple(words[:len(p)]) == p), None)
        if phrase is None and words[:1] and words[0] in self.table.restricted_after_cases \
                and doc[np.head].lower_ in ("case", "cases"):
            phrase = (words[0],)  # "cases of", not "assessments of the risk of harm"
        if phrase is None or (phrase[0] in ("which", "who") and k + 1 < n and doc[k + 1].text == ","):
            return False  # "these cases which, whilst still not good enough, ...": a comment, not a narrowing
        np.restriction_end = self._restriction_end(doc, k, relative=phrase[0] in RELATIVE_WORDS)
        return True

    def _restriction_end(self, doc, k: int, relative: bool) -> int:
        """The token after the words that narrow a noun: a relative clause runs to the next
        comma (past a parenthesis: "where, despite best efforts, engagement could not be
        secured,"); a phrase ("with a victim", "involving violence") to its verb."""
        n = len(doc)
        if relative:
            j = k + 1
            if j < n and doc[j].text == ",":  # a parenthesis straight after "where"
                j += 1
                while j < n and doc[j].text not in CLAUSE_STOPS:
                    j += 1
                j += 1
            # ... and stops at a new subject ("cases where this was required we found ...") or at
            # the main clause's verb ("cases that required a referral had been referred")
            verbs = self.table.pronoun_verbs | {"been", "be"}
            seen_verb = False
            while j < n and j < k + 25 and doc[j].text not in CLAUSE_STOPS \
                    and not (j > k + 2 and doc[j].lower_ in NEW_SUBJECTS):
                word = doc[j].lower_
                if word in verbs:
                    previous = doc[j - 1].lower_
                    if seen_verb and previous not in verbs and not previous.endswith("ly") and previous != "not":
                        break
                    seen_verb = True
                j += 1
            return min(j, n)
        j = k + 1
        while j < n and j < k + 10 and doc[j].text not in CLAUSE_STOPS \
                and doc[j].lower_ not in self.table.pronoun_verbs and doc[j].lower_ not in ("and", "but", "or"):
            j += 1
        return min(j, n)

    def _of_prefix(self, doc) -> Prefix | None:
        """"Of the 6 cases where safeguarding was relevant, ..." / "Of these, ..." / "In the 12
        cases where a plan was required, ...": a set the rest of the sentence counts."""
        if len(doc) < 3 or doc[0].lower_ not in ("of", "in"):
            return None
        opened_by_in = doc[0].lower_ == "in"
        comma = next((i for i in range(1, min(len(doc), self.prefix_words + 1)) if doc[i].text == ","), None)
        if comma is None:
            return None
        j, anaphoric = 1, False
        if doc[j].lower_ in ("the", "these", "those"):
            anaphoric = doc[j].lower_ in ANAPHORIC_WORDS
            j += 1
        stated = int(doc[j]._.qnum) if doc[j]._.is_qnum and float(doc[j]._.qnum).is_integer() else None
        if stated is not None:
            anaphoric = False
        elif not anaphoric or opened_by_in:  # "In these cases, ..." says where, not how many
            return None
        if opened_by_in and not any(doc[i]._.is_qnum for i in range(comma + 1, len(doc))):
            return None  # "In the 12 cases where ..., plans were good": no count follows
        return Prefix(comma, stated, anaphoric, doc[1].idx, doc[comma].idx)

    # Not findings about the cases inspected.

    def _not_a_finding(self, doc, cand: Candidate) -> str | None:
        """Why a quantity is not a proportion of the cases inspected, or None."""
        nf, text = self.table.not_findings, _text(doc)
        start_char = doc[cand.start].idx
        end_char = doc[cand.end - 1].idx + len(doc[cand.end - 1])
        clause_start, clause_end = judgement.clause_at(text, start_char)
        before, after = text[clause_start:start_char], text[end_char:clause_end]
        core_end = doc[cand.core_end - 1].idx + len(doc[cand.core_end - 1])
        after_core = text[core_end:clause_end]
        kind = cand.kind
        if kind in ("count", "count_of") and (nf["sample_before"].search(before) or nf["sample_after"].match(after)):
            return "sample_size"  # "We looked at 30 cases"
        if nf["score_before"].search(before):
            return "score"  # "an Asset score of 24 out of 48"
        # "Compared with 65% nationally, 80% of cases ...": a clause with a figure of its own
        # before a comma is that figure's comparator, not this one's.
        head, comma, tail = before.rpartition(",")
        compared_before = tail if comma and re.search(r"\d", head) else before
        if kind in ("percent", "percent_range", "fraction", "ratio", "count_of") and (
                nf["comparator_before"].search(compared_before) or nf["comparator_after"].match(after)):
            return "comparator"  # "The national average was 70%", "against 78% nationally"
        is_range = kind == "percent_range" or cand.rule == "fraction_range"
        change_before = nf["change_before_range"] if is_range else nf["change_before"]
        if kind in ("percent", "percent_range", "fraction") and (
                change_before.search(before) or nf["change_after"].match(after)):
            return "change"  # "fell from 40% to 35%", "a 20% reduction"; not "From a third to a half of cases"
        counts_units = cand.np is not None and cand.np.head is not None
        # "Half of the staff"; "Half the staff" (a fraction or vague word straight before its noun)
        of_what = (after if kind == "count_of" else after_core if re.match(r"\s*of\b", after_core)
                   or (kind in ("fraction", "vague") and re.match(r"\s*(?:the|these|those)\b", after_core)) else "")
        if not counts_units and nf["other_population"].match(of_what):
            return "other_population"  # "Half of the staff", "3 of the 4 domains"
        people = not counts_units or cand.head in ("children", "people", "child", "person")
        if people and (nf["survey"].match(after_core) or nf["survey_before"].search(before)):
            return "other_population"  # "Less than half of the children responding to our survey"
        if kind == "count":
            # "only one case", "Only in one case was ...": a count said as a finding, not an anecdote
            said = any(doc[k].lower_ in nf["count_said_by"] for k in range(max(0, cand.start - 2), cand.start)
                       if k == cand.start - 1 or doc[k + 1].lower_ == "in")
            if cand.values["count"] == 1 and cand.head in nf["single_count_words"] and not said:
                return "anecdote"  # "In one case we found ..."
            if nf["example_before"].search(before):
                return "anecdote"  # "For example, in two custodial cases ..."
        return None

    # Helpers.

    def _noun_phrase(self, doc, i: int, allow_verb: bool, plural: bool = False) -> NounPhrase | None:
        """The noun a quantifier counts, starting at token i: "cases", "of those cases",
        "of the 20 relevant cases", "relevant case", "of them". None when it counts no unit."""
        table, n = self.table, len(doc)
        j, of = i, i < n and doc[i].lower_ == "of"
        if of:
            j += 1
            if j < n and doc[j].lower_ == "them":
                return NounPhrase(i, j, j + 1, None, anaphoric=True)
        det_start, anaphoric = j, False
        while j < n and j - det_start < 2 and doc[j].lower_ in DETERMINERS:
            anaphoric = anaphoric or doc[j].lower_ in ANAPHORIC_WORDS
            j += 1
        stated = stated_index = None
        if j < n and doc[j]._.is_qnum and float(doc[j]._.qnum).is_integer() and self._plain_number(doc, j):
            stated, stated_index = int(doc[j]._.qnum), j
            j += 1
        head, mods, words, k = None, [], 0, j
        while k < n and words < 4:
            word = doc[k].lower_
            following = doc[k + 1].lower_ if k + 1 < n else ""
            # "disposal cases", "referral order cases": the last noun of a compound is counted
            if word in table.units and following not in table.compound_followers and following not in table.units:
                head = k
                break
            label_number = doc[k]._.is_qnum and k > j and doc[k - 1].lower_ in table.label_words  # "domain two"
            # a piece of a hyphenated word ("out-of-court") is part of one modifier
            joined = k > j and (doc[k].text == "-" or doc[k - 1].text == "-") and not doc[k - 1].whitespace_
            if not (label_number or joined) and (not (doc[k].is_alpha or doc[k].text == "-") or word in FUNCTION_WORDS
                                                 or doc[k]._.is_qnum or word in table.time_words
                                                 or word in table.pronoun_verbs or word in ("a", "an")):
                break  # a modifier ("relevant", "community") may stand between; not a verb ("lacked a plan")
            mods.append(k)
            words += not joined
            k += 1
        if head is None:
            if stated is not None and of and (j >= n or (doc[j].is_punct and doc[j].text != "-")
                                              or doc[j].lower_ in table.pronoun_verbs):
                return NounPhrase(i, det_start, j, None, stated, stated_index, anaphoric=anaphoric)  # "of the 20 had"
            if anaphoric and j > det_start:
                return NounPhrase(i, det_start, j, None, anaphoric=True)  # "half of these were"
            if allow_verb and i < n and doc[i].lower_ in table.pronoun_verbs:
                return NounPhrase(i, i, i, None, anaphoric=True)  # "Most were", "All except three were"
            return None
        word = doc[head].lower_
        if plural and not (word.endswith("s") or word in ("children", "people")):
            return None
        return NounPhrase(i, det_start, head + 1, head, stated, stated_index, mods, anaphoric)

    def _hedged(self, doc, cand: Candidate) -> Candidate:
        """Joins a hedge that ends where the quantity starts ("just over" + "half")."""
        best = None
        for label, start, end in doc._.quantity_hedges or []:
            if label.startswith("hedge:") and end == cand.start and (best is None or start < best[1]):
                best = (label.partition(":")[2], start)
        if best:
            cand.hedge, cand.start = best
            cand.rule = f"{best[0]}+{cand.rule}"
        return cand

    def _hedged_count(self, doc, start: int) -> bool:
        """'over 20 cases' states no count; 'only one case' does."""
        return any(end == start and label.startswith("hedge:") and label != "hedge:exactly"
                   for label, _, end in doc._.quantity_hedges or [])

    def _negator_before(self, doc, start: int) -> int | None:
        """The "not" of a negated universal ("not completed in all cases"); "not only" negates nothing."""
        for i in range(start - 1, max(-1, start - 6), -1):
            if doc[i].text in CLAUSE_STOPS:
                return None
            if doc[i].lower_ in self.negators:
                following = doc[i + 1].lower_ if i + 1 < len(doc) else ""
                return None if following in self.not_negating else i
        return None

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

    def _subject_unit(self, doc, cand: Candidate) -> str | None:
        """No noun after the quantity ("PSRs were, with one exception, of good quality"):
        it is of the sentence's subject, the nearest unit before it."""
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


# --- component 4: judgement ------------------------------------------------------------

@Language.factory("quantity_judgement")
class QuantityJudgement:
    """Each quantity's direction: the share of cases that met the standard (`met`) or fell
    short (`short`), from its clause's judgement words (models/judgements.yml). A clause
    that judges nothing and says what the cases were (case mix: "every case ... required
    specific planning", "five cases that were eligible for MAPPA", "There were 13 cases
    where ...") is not a finding: it is left out, its count kept as a named set."""

    def __init__(self, nlp: Language, name: str):
        self.case_mix = quantity_table().not_findings["case_mix"]

    def __call__(self, doc: Doc) -> Doc:
        text = _text(doc)
        quantities = doc._.quantities or []
        unread = [span for cand in quantities + (doc._.quantity_skipped or []) for span in cand.unread]
        kept = []
        for cand in quantities:
            offset = doc[cand.start].idx
            clause = judgement.clause_at(text, offset)
            part = judgement.segment_at(text, clause, offset)
            sign = judgement.judge(text, *part, unread, near=offset)
            if sign == 0:
                words = judgement.blanked(text, *part, unread)
                whole = judgement.judge(text, *clause, unread, near=offset)
                if cand.existential and cand.kind == "count" and whole == 0:
                    cand.drop = "set"  # "There were 13 cases where the child had not complied"
                elif any(p.search(words) for p in self.case_mix) or (
                        whole == 0 and any(p.search(judgement.blanked(text, *clause, unread)) for p in self.case_mix)):
                    cand.drop = "case_mix"  # "A small number of cases met the criteria for MAPPA"
                elif not VERB.search(words):  # "... in custody and in almost all cases in the community"
                    sign = whole
            cand.direction = {1: "met", -1: "short"}.get(sign)
            if cand.drop:
                doc._.quantity_skipped.append(cand)
            else:
                kept.append(cand)
        doc._.quantities = kept
        return doc


# --- component 5: intervals ------------------------------------------------------------

@Language.factory("quantity_intervals")
class QuantityIntervals:
    """Each quantity's interval, from the table (before any sample size is known), exact."""

    def __init__(self, nlp: Language, name: str):
        self.table = quantity_table()

    def __call__(self, doc: Doc) -> Doc:
        for cand in (doc._.quantities or []) + (doc._.quantity_skipped or []):
            self.interval(cand)
        return doc

    def interval(self, cand: Candidate) -> None:
        table, intervals = self.table, self.table.intervals
        if cand.parts:  # a range: from the low end of the first to the high end of the second
            for part in cand.parts:
                self.interval(part)
            first, second = cand.parts
            cand.low, cand.low_open, cand.high, cand.high_open = first.low, first.low_open, second.high, second.high_open
            return
        landmarks = table.landmarks["percent" if cand.kind == "percent" else "fractions"]
        if cand.kind == "ratio" and cand.hedge:  # "around one in four": the hedge of its value
            cand.values["X"] = cand.values["A"] / cand.values["B"]
        if cand.kind in ("percent", "fraction") or (cand.kind == "ratio" and cand.hedge):
            interval = (table.open_ends[cand.open_end] if cand.open_end else
                        table.hedges[cand.hedge] if cand.hedge else intervals[cand.kind])
            values = {"X": cand.values["X"], **neighbours(cand.values["X"], landmarks)}
        elif cand.kind == "count_of":
            interval, values = intervals["ratio"], {"A": cand.values["count"], "B": cand.values["denominator"]}
        elif cand.kind == "exception":
            interval, values = intervals["exception_unknown"], cand.values
        elif cand.kind == "vague":
            interval, values = table.vague[cand.rule.partition(":")[2]]["compiled"], {}
        elif cand.kind in ("percent_range", "ratio"):
            interval, values = intervals[cand.kind], cand.values
        else:  # a bare count: a proportion only once a sample size is known
            return
        cand.low, cand.high, cand.low_open, cand.high_open = interval.evaluate(**values)


# --- the interface ---------------------------------------------------------------------

@lru_cache(maxsize=1)
def quantity_nlp() -> Language:
    """The blank English pipeline with the five quantity components, built once."""
    nlp = spacy.blank("en")
    for name in PIPES:
        nlp.add_pipe(name)
    return nlp


CONTRACT_KIND = {"percent_range": "percent", "ratio": "fraction", "count_of": "count"}


def find_quantities(text: str, sample_size: int | None = None, *, antecedent: int | None = None) -> list[Quantity]:
    """The quantities of the cases inspected in a sentence, in order.

    sample_size: how many cases the sentence speaks of (an SQS letter's sample). It is
    the denominator of quantities of the whole set ("in all except two cases" → 18/20)
    and only an upper bound for narrower ones ("all except one relevant case"); a
    number printed with the quantity is its base whatever the sample ("In all but one
    of the 12 cases" → 11/12).
    antecedent: the size of the set named in the previous sentence, the denominator of
    quantities that refer back to it ("There were 13 cases… in all except one of those
    cases" → 12/13; "in three-quarters of the cases. All except three were…" → 12/15).
    """
    return read_sentence(text, sample_size, antecedent=antecedent).quantities


# Words that never make a quantity on their own: a sentence whose only quantity-table
# words are these has no quantity, and is not given to the pipeline at all.
NOT_QUANTITY_WORDS = {"a", "an", "the", "in", "of", "on", "at", "to", "for", "with", "and", "or", "by", "but",
                  "not", "cases", "case"}


@lru_cache(maxsize=1)
def _trigger_words() -> frozenset:
    """Every word that can start or make a quantity in models/quantifiers.yml (number words,
    fractions, vague quantifiers, percent words, exceptions, ranges): at least one of them,
    or a digit, is in every quantity the pipeline reads (two thirds of sentences have
    none). Each phrase contributes its words but the function words, or all of its
    words where it has nothing else."""
    table = load_model("quantifiers.yml")
    phrases = [str(word) for word in table["numbers"]["words"]]
    fractions = table["fractions"]
    # A numerator ("a", "one") makes a quantity only with its denominator ("a third"), itself a trigger.
    phrases += [str(w) for w in (*fractions["denominators"], *fractions.get("bare", []),
                                 *fractions.get("glued", []), *fractions.get("range_words", []))]
    # ... and glued to it by a converter ("threequarters", "twothirds").
    phrases += [f"{n}{d}{plural}" for n in fractions["numerators"] for d in fractions["denominators"]
                for plural in ("", "s") if str(n) not in NOT_QUANTITY_WORDS]
    phrases += [str(w) for w in table["percent"]["signs"]]
    phrases += [str(w) for w in table["exceptions"]["all_words"]]
    phrases += [phrase for rule in table["vague"] for phrase in rule["phrases"]]
    words = set()
    for phrase in phrases:
        parts = {w for w in re.findall(r"[a-z]+", phrase.lower())}
        words |= (parts - NOT_QUANTITY_WORDS) or parts
    return frozenset(words)


def _may_quantify(text: str) -> bool:
    if any(ch.isdigit() for ch in text):
        return True
    triggers = _trigger_words()
    return any(word in triggers for word in re.findall(r"[a-z]+", text.lower()))


def read_sentence(text: str, sample_size: int | None = None, *, antecedent: int | None = None) -> Reading:
    """find_quantities, with what was left out (and why) and the size of the set counted."""
    if not text or not text.strip() or not _may_quantify(text):
        return Reading([], [])
    nlp = quantity_nlp()
    doc = nlp.make_doc(text)
    doc.user_data["text"] = text  # spaCy's doc.text is rebuilt from the tokens: keep the original
    for _, component in nlp.pipeline:
        doc = component(doc)
    table = quantity_table()
    quantities = [_with_base(doc, cand, sample_size, antecedent, table) for cand in doc._.quantities]
    skipped = sorted(doc._.quantity_skipped or [], key=lambda c: c.start)
    named = [(q.start, q.count) for q in quantities if q.count is not None]
    for cand in skipped:  # a set the sentence defines ("There were 13 cases where ...")
        if cand.drop in ("set", "case_mix"):
            count = _with_base(doc, cand, sample_size, antecedent, table).count
            if count is not None:
                named.append((doc[cand.start].idx, count))
    return Reading(quantities, [(doc[c.start:c.end].text, c.drop) for c in skipped],
                   max(named)[1] if named else None)


def _float(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 6)


def _with_base(doc: Doc, cand: Candidate, sample_size, antecedent, table: Table) -> Quantity:
    span = doc[cand.start:cand.end]
    quantity = Quantity(span.text, span.start_char, span.end_char, _float(cand.low), _float(cand.high),
                        kind=CONTRACT_KIND.get(cand.kind, cand.kind), low_open=cand.low_open,
                        high_open=cand.high_open, rule=cand.rule, scope=cand.scope, base_text=cand.base_text,
                        direction=cand.direction, unread=tuple(cand.unread))
    if cand.kind == "count_of":
        quantity.count, quantity.denominator = cand.values["count"], cand.values["denominator"]
        quantity.base = quantity.base_kind = "stated"
        return quantity
    exact_base, bound, base = None, None, None
    # One per case (cases, children, assessments) or nothing named: of the whole sample.
    of_sample = cand.head is None or cand.head in table.sample_units
    if cand.stated is not None:
        exact_base, base, quantity.base_kind = cand.stated, "stated", "stated"
    elif cand.scope == "anaphoric":
        quantity.base_kind = "antecedent" if antecedent else "subset"
        if antecedent:
            exact_base, base = antecedent, "antecedent"
        elif sample_size:
            bound = sample_size
    elif of_sample and (cand.scope is None or cand.kind == "count"):
        quantity.base_kind = "sample"
        if sample_size:
            exact_base, base = sample_size, "sample"
    else:
        quantity.base_kind = "subset"  # PSRs, reviews, "relevant" cases: some of the sample
        if sample_size:
            bound = sample_size
    if cand.kind == "count":
        quantity.count = cand.values["count"]
        if exact_base and quantity.count <= exact_base:
            quantity.denominator, quantity.base = exact_base, base
            quantity.low = quantity.high = _float(Fraction(quantity.count, exact_base))
        return quantity
    if cand.kind == "exception":
        excepted = cand.values["N"]
        if exact_base and exact_base > excepted:
            quantity.count, quantity.denominator, quantity.base = exact_base - excepted, exact_base, base
            return _set(quantity, table.intervals["exception_known"].evaluate(N=excepted, n=exact_base))
        if bound and bound > excepted:
            return _set(quantity, table.intervals["exception_bounded"].evaluate(N=excepted, n=bound))
        return quantity  # the unknown-base interval of the table
    if exact_base and cand.low is not None:
        count = _unique_count(cand, exact_base, quantity.text) if cand.counts else None
        if count is not None:
            quantity.count, quantity.denominator, quantity.base = count, exact_base, base
        elif base == "stated":
            quantity.denominator, quantity.base = exact_base, base  # "Most of the 20 cases": 20, count unknown
    return quantity


def _set(quantity: Quantity, interval) -> Quantity:
    low, high, quantity.low_open, quantity.high_open = interval
    quantity.low, quantity.high = _float(low), _float(high)
    return quantity


def _unique_count(cand: Candidate, n: int, printed: str) -> int | None:
    """The one count k of n that the words allow, or None when several (or none) fit.
    Exact: k/n is compared with the interval as fractions, never as rounded decimals."""
    if cand.kind == "percent" and not cand.hedge and not cand.open_end:
        number = re.match(r"\s*[\d,]+(?:\.(\d+))?", printed)
        decimals = len(number.group(1) or "") if number else 0
        tolerance = Fraction(1, 2) / 10 ** decimals / 100  # printed to the nearest 10^-d percent
        fits = [k for k in range(n + 1) if abs(Fraction(k, n) - cand.values["X"]) <= tolerance]
    else:
        fits = [k for k in range(n + 1) if _inside(Fraction(k, n), cand)]
    return fits[0] if len(fits) == 1 else None


def _inside(value: Fraction, cand: Candidate) -> bool:
    above = value > cand.low if cand.low_open else value >= cand.low
    below = value < cand.high if cand.high_open else value <= cand.high
    return above and below
