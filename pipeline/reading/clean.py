"""The clean stage: undo conversion noise, and record every kind of change made.

Rules run in a fixed order on each line; a rule may split a line in two (HTML
paragraphs inside a table cell) but every cleaned line keeps the number of the
source line it came from. `CleanReport.rules` says how often each rule fired,
with one before/after example, and is stored in the `cleaning` table.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from . import artefacts
from ..models import load_model

SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
SUPERSCRIPT_RUN = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
QUOTES_DASHES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"',
                               "–": "-", "—": "-", "‒": "-", "−": "-", "‐": "-", "‑": "-"})
PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd\ufffd]")
BULLET_GLYPH = re.compile(r"^\s*(?:-\s+)?[♦•▪●◦■□➢➤►✓✔]\s*")
HTML_PARAGRAPH = re.compile(r"</p>\s*<p[^>]*>", re.IGNORECASE)
HTML_TAG = re.compile(r"</?(?:p|i|b|em|strong|u|span|div|br|sup|sub|font|a)(?:\s[^>]*)?/?>", re.IGNORECASE)
AUTOLINK = re.compile(r"<((?:https?://|www\.)[^>\s]+)>")
MD_LINK = re.compile(r"\[([^\]\n]+)\]\((?:https?://|www\.|mailto:)[^)\s]*\)")
MD_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__")
MD_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")
MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
PIPE_ROW = re.compile(r"^\s*(?:-\s+)?\|(.*)\|\s*$")
PIPE_SEPARATOR = re.compile(r"^[\s|:-]*$")
HYPHEN_END = re.compile(r"([A-Za-z]{2,})[-\xad\x02]$")
NEXT_WORD = re.compile(r"^([a-z][a-z]*)(.*)$", re.DOTALL)
# Prefixes whose line-end hyphen is a real one (multi-agency, well-being), not a word break.
HYPHEN_PREFIXES = {"multi", "non", "self", "well", "post", "pre", "out", "co", "ex", "cross",
                   "inter", "anti", "under", "over", "sub", "semi", "long", "short", "high", "low",
                   "full", "part", "first", "one", "two", "three", "age", "court", "case"}


@dataclass
class CleanReport:
    rules: dict = field(default_factory=dict)  # rule -> {"count", "example_before", "example_after", "line"}

    def record(self, rule, before, after, source_line):
        entry = self.rules.setdefault(rule, {"count": 0, "example_before": before[:200],
                                             "example_after": after[:200], "line": source_line})
        entry["count"] += 1

    def as_rows(self):
        return [{"rule": rule, **entry} for rule, entry in sorted(self.rules.items())]


def homoglyph_map() -> dict:
    return load_model("homoglyphs.json")["map"]


def _footnote_markers(text: str) -> str:
    return SUPERSCRIPT_RUN.sub(lambda m: "[^" + m.group(0).translate(SUPERSCRIPT_DIGITS) + "]", text)


@lru_cache(maxsize=1)
def _homoglyph_chars():
    return re.compile("[" + re.escape("".join(homoglyph_map())) + "]")


def _homoglyphs(text: str) -> str:
    if not _homoglyph_chars().search(text):  # nearly every line: no look-alike at all
        return text
    mapping = homoglyph_map()

    def fix(match):
        word = match.group(0)
        if not any(ch in mapping for ch in word):
            return word
        # Only words that are Latin apart from look-alikes: real Cyrillic or Greek words stay.
        if any(ch.isalpha() and ch not in mapping and not ch.isascii() for ch in word):
            return word
        return "".join(mapping.get(ch, ch) for ch in word)

    return re.sub(r"\w+", fix, text)


def _html_cells(text: str) -> list[str]:
    """A table row whose cells hold several <p> paragraphs: the first paragraph of every
    cell stays in the row, the others follow as lines of their own."""
    cells = [HTML_PARAGRAPH.split(cell) for cell in text.split("\t")]
    row = "\t".join(parts[0] for parts in cells)
    extra = [part for parts in cells for part in parts[1:]]
    return [row, *extra]


def _pipe_row(text: str):
    match = PIPE_ROW.match(text)
    if not match:
        return None
    if PIPE_SEPARATOR.match(match.group(1)):
        return ""
    return "\t".join(cell.strip() for cell in match.group(1).split("|"))


LINE_RULES = []


def line_rule(name):
    def register(func):
        LINE_RULES.append((name, func))
        return func
    return register


@line_rule("footnote_markers")
def _rule_footnotes(text):
    return _footnote_markers(text)


@line_rule("unicode_nfkc")
def _rule_nfkc(text):
    return unicodedata.normalize("NFKC", text)


@line_rule("quotes_and_dashes")
def _rule_quotes(text):
    return text.translate(QUOTES_DASHES)


@line_rule("homoglyphs")
def _rule_homoglyphs(text):
    return _homoglyphs(text)


@line_rule("private_use_glyphs")
def _rule_private_use(text):
    return PRIVATE_USE.sub("", text)


@line_rule("bullet_glyphs")
def _rule_bullets(text):
    return BULLET_GLYPH.sub("- ", text)


@line_rule("html_entities")
def _rule_entities(text):
    return html.unescape(text) if "&" in text else text


@line_rule("markdown_pipe_table")
def _rule_pipe(text):
    row = _pipe_row(text)
    return text if row is None else row


@line_rule("markdown_links")
def _rule_md_links(text):
    return AUTOLINK.sub(r"\1", MD_LINK.sub(r"\1", text))


@line_rule("markdown_emphasis")
def _rule_md_emphasis(text):
    text = MD_STRONG.sub(lambda m: m.group(1) or m.group(2), text)
    text = MD_EMPHASIS.sub(r"\1", text)
    return MD_HEADING.sub("", text)


@line_rule("html_tags")
def _rule_html(text):
    return HTML_TAG.sub("", text)


@line_rule("whitespace")
def _rule_whitespace(text):
    text = re.sub(r"[ \u00a0\u2000-\u200b\u202f\u205f\u3000]+", " ", text)
    text = re.sub(r" *\t *", "\t", text)
    return text.strip(" ").rstrip("\t ")


def clean_line(text: str, source_line: int, report: CleanReport) -> list[str]:
    lines = [text]
    for name, rule in LINE_RULES:
        if name == "html_tags" and any("<p" in line.lower() for line in lines):
            split = [part for line in lines for part in _html_cells(line)]
            if split != lines:
                report.record("html_table_cells", text, " | ".join(split), source_line)
            lines = split
        out = []
        for line in lines:
            new = rule(line)
            if new != line:
                report.record(name, line, new, source_line)
            out.append(new)
        lines = out
    return lines


def _dehyphenate(lines: list, text_lower: str, report: CleanReport) -> list:
    """Join words broken across a line end ("assess-" / "ment ..."), keeping real hyphens."""
    out = list(lines)
    for i in range(len(out) - 1):
        source_line, text = out[i]
        match = HYPHEN_END.search(text)
        if not match:
            continue
        next_source, following = out[i + 1]
        word_match = NEXT_WORD.match(following)
        if not word_match:
            continue
        prefix, word, rest = match.group(1), word_match.group(1), word_match.group(2)
        hyphenated, closed = f"{prefix}-{word}".lower(), f"{prefix}{word}".lower()
        keep = prefix.lower() in HYPHEN_PREFIXES or (hyphenated in text_lower and closed not in text_lower)
        joined = text[: match.end(1)] + ("-" if keep else "") + word
        report.record("hyphenation", text[-40:] + " / " + following[:40], joined[-60:], source_line)
        out[i] = (source_line, joined)
        out[i + 1] = (next_source, rest.lstrip())
    return out


def clean_pages(pages) -> tuple[list, CleanReport]:
    report = CleanReport()
    cleaned = []
    for page_number, lines in pages:
        page_lines = []
        for source_line, text in lines:
            for piece in clean_line(text, source_line, report):
                page_lines.append((source_line, piece))
        cleaned.append((page_number, page_lines))
    text_lower = "\n".join(t for _, lines in cleaned for _, t in lines).lower()
    cleaned = [(number, _dehyphenate(lines, text_lower, report)) for number, lines in cleaned]
    return _repair_artefacts(cleaned, report), report


def _repair_artefacts(pages, report: CleanReport) -> list:
    """Document-wide repairs (pipeline/reading/artefacts.py): running headers and footers
    repeated between pages, words glued at a capital, split by a space, or glued."""
    repeats = artefacts.running_lines(pages)
    kept = []
    for page_index, (number, lines) in enumerate(pages):
        page_lines = []
        for line_index, (source_line, text) in enumerate(lines):
            if (page_index, line_index) in repeats:
                report.record("running_header_or_footer", text, "", source_line)
                continue
            page_lines.append((source_line, _apply(artefacts.split_camel_glue, "glued_at_a_capital",
                                                   text, source_line, report)))
        kept.append((number, page_lines))
    vocabulary = artefacts.Vocabulary(text for _, lines in kept for _, text in lines)
    repaired = []
    for number, lines in kept:
        out = []
        for source_line, text in lines:
            text = _apply(lambda t: artefacts.join_split_words(t, vocabulary), "word_split_by_a_space",
                          text, source_line, report)
            text = _apply(lambda t: artefacts.split_glued_words(t, vocabulary), "words_glued_together",
                          text, source_line, report)
            out.append((source_line, text))
        repaired.append((number, out))
    return repaired


def _apply(rule, name: str, text: str, source_line: int, report: CleanReport) -> str:
    new = rule(text)
    if new != text:
        report.record(name, text, new, source_line)
    return new
