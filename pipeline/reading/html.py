"""Saved web pages (the inspectorate's report pages since 2025) → the same lines as a text export.

The page is parsed with lxml's HTML parser, the site's chrome (models/site_chrome.yml:
cookie banner, "Skip to content", navigation, header and footer, the licence block,
"Back to top" links) is removed and recorded, and what is left becomes lines:

- a heading is a line of its own between blank lines; lines carry the id of the heading
  they sit under (`anchor`), so a value can link to `source_url#<anchor>`;
- a paragraph is a line (a <br> breaks it), followed by a blank line;
- a list item is "- text" (numbered lists "1. text"), nested lists indented;
- a table row is its cells joined by tabs, the layout the extractors read in text exports;
- a footnote reference (<sup>1</sup>) is "[^1]" and a footnote "[^1] text", the
  convention the clean stage uses for PDF superscripts.

A web page has no pages: every line has page None, and `source_line` is the line of
this text (1-based), not of the HTML file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..models import load_model

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
LISTS = {"ul", "ol"}
# Elements that start a new line of text; everything else is inline.
BLOCKS = HEADINGS | LISTS | {
    "p", "div", "section", "article", "main", "aside", "header", "footer", "nav", "li", "table",
    "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "blockquote", "dl", "dt", "dd",
    "figure", "figcaption", "pre", "address", "details", "summary", "hr", "form", "fieldset",
    "body", "html"}
NEVER_CHROME = {"html", "body", "main", "article"}
STUB = "chrome-removed"
TEXT_RULE_MAX = 1500  # a text rule judges small elements only, never the page
FOOTNOTE_REF = re.compile(r"^\[?(\d{1,3})\]?$")
FOOTNOTE_ID = re.compile(r"(?:fn|footnote|note)[-_:]?(\d{1,3})$", re.IGNORECASE)
BACKLINK = re.compile(r"\s*(?:↩︎?|↑|\^|Back to (?:text|content))\s*$", re.IGNORECASE)


class HtmlError(Exception):
    """The page cannot be read; the message says what to do."""


@dataclass
class Page:
    """A web page as lines: [(source_line, text)], the heading id of each line, and the chrome removed."""

    lines: list
    anchors: dict  # source_line -> id of the heading the line sits under
    removed: list = field(default_factory=list)  # [(rule, text removed, source_line where it was)]
    title: str | None = None


@lru_cache(maxsize=1)
def _rules():
    spec = load_model("site_chrome.yml")
    kinds = {}
    for kind, rule in spec["kinds"].items():
        kinds[kind] = {
            "tags": {t.lower() for t in rule.get("tags", [])},
            "roles": {r.lower() for r in rule.get("roles", [])},
            "class_or_id": {w.lower() for w in rule.get("class_or_id", [])},
            "text": [re.compile(p, re.IGNORECASE | re.DOTALL) for p in rule.get("text", [])],
        }
    followers = [re.compile(p, re.IGNORECASE) for p in spec.get("licence_followers", [])]
    return set(spec.get("markup", [])), kinds, followers


def _fold(text: str) -> str:
    return " ".join((text or "").split())


def _text(el) -> str:
    """An element's text, its pieces (split by <br> and inline tags) joined by spaces."""
    return _fold(" ".join(el.itertext()))


def _words(value: str | None) -> set:
    """Words of a class or id attribute: each class, and its hyphen/underscore parts."""
    classes = (value or "").lower().split()
    return set(classes) | {w for c in classes for w in re.split(r"[_-]+", c) if w}


def _tag(el) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def parse(data: bytes) -> Page:
    """The lines of a saved web page. Raises HtmlError when it holds no text."""
    import lxml.html
    from lxml import etree

    try:
        # huge_tree: a page nested thousands deep is still a page (libxml2 stops at 256 levels otherwise)
        root = lxml.html.document_fromstring(_decode(data), parser=lxml.html.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError) as exc:
        raise HtmlError(f"the web page cannot be parsed ({exc}): save it again from the browser") from None
    markup, kinds, followers = _rules()
    title = _fold(root.findtext(".//title") or "") or None
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or _tag(el) in markup:
            _drop(el)
    writer = _Writer()
    try:
        removed = _remove_chrome(root, kinds, followers)
        body = root.find("body") if root.find("body") is not None else root
        writer.block(body)
    except RecursionError:
        raise HtmlError("the web page nests its markup too deeply to be read (thousands of levels): "
                        "save the report page again from the browser") from None
    lines, anchors = writer.finish()
    if not any(text.strip() for _, text in lines):
        raise HtmlError("the web page holds no text once the site's menus and banners are removed: "
                        "save the report page itself (File > Save page as), not a search or index page")
    # A removal is placed at the line that followed it, so `cleaning.line` points into the text.
    placed = [(rule, text, writer.position_of(stub)) for rule, text, stub in removed]
    return Page(lines, anchors, placed, title)


CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)


def _decode(data: bytes) -> str:
    """The page as text: its BOM or declared charset, else UTF-8 (what browsers save), else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        declared = CHARSET.search(data[:4096])
        try:
            text = data.decode(declared.group(1).decode("ascii") if declared else "utf-8-sig")
        except (LookupError, UnicodeDecodeError):
            text = data.decode("utf-8", errors="replace") if declared else data.decode("cp1252", errors="replace")
    # lxml refuses text that still declares a byte encoding.
    return re.sub(r"^\s*<\?xml[^>]*\?>", "", text.lstrip("\ufeff"))


def _drop(el) -> None:
    """Remove an element but keep the text that follows it (its tail)."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    previous = el.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _inside(el, tags: set) -> bool:
    return any(_tag(a) in tags for a in el.iterancestors())


def _chrome_kind(el, kinds: dict, protected: bool):
    tag, role = _tag(el), (el.get("role") or "").lower()
    names = _words(el.get("class")) | _words(el.get("id"))
    for kind, rule in kinds.items():
        if not protected and (tag in rule["tags"] or role in rule["roles"]):
            return kind
        if rule["class_or_id"] & names:
            return kind
    # Text rules judge small leaf blocks only ("Skip to content", one licence paragraph),
    # never a container that merely starts with such words.
    if tag in NEVER_CHROME or any(_tag(d) in BLOCKS for d in el.iterdescendants()):
        return None
    text = _text(el)
    if not text or len(text) > TEXT_RULE_MAX:
        return None
    for kind, rule in kinds.items():
        if any(p.fullmatch(text) for p in rule["text"]):
            return kind
    return None


def _remove_chrome(root, kinds: dict, followers: list) -> list:
    """Remove chrome elements, outermost first, in document order. Returns
    [(rule, text removed, stub)], the stub an empty element left in its place so the
    writer can tell which line came next."""
    from lxml import etree

    removed = []

    def visit(el):
        for child in [c for c in el if isinstance(c.tag, str)]:
            if child.getparent() is not el:  # already removed with the licence block
                continue
            protected = _tag(child) in {"main", "article"} or _inside(child, {"main", "article"})
            kind = _chrome_kind(child, kinds, protected)
            if kind is None:
                visit(child)
                continue
            texts = [_text(child)]
            if kind == "licence_boilerplate":
                texts += _remove_followers(child, followers)
            stub = etree.Element(STUB, n=str(len(removed)))
            child.addprevious(stub)
            _drop(child)
            removed.append((f"site_{kind}", " | ".join(t for t in texts if t), stub))

    visit(root)
    return removed


def _remove_followers(el, followers: list) -> list:
    """The licence block's following lines, when each is an element of its own."""
    texts = []
    while True:
        following = el.getnext()
        if following is None or not isinstance(following.tag, str):
            return texts
        text = _text(following)
        if not text or not any(p.fullmatch(text) for p in followers):
            return texts
        texts.append(text)
        _drop(following)


class _Writer:
    """Walks the cleaned tree in document order and writes lines."""

    def __init__(self):
        self.lines: list[str] = []
        self.line_anchor: list = []
        self.anchor = None
        self.markers: dict = {}  # stub number -> index of the line that came next

    # -------------------------------------------------------------- output
    def emit(self, text: str) -> None:
        for piece in text.split("\n"):
            piece = piece.rstrip()
            if not piece.strip():
                self.blank()
                continue
            self.lines.append(piece)
            self.line_anchor.append(self.anchor)

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")
            self.line_anchor.append(self.anchor)

    def finish(self):
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
            self.line_anchor.pop()
        lines = [(number, text) for number, text in enumerate(self.lines, start=1)]
        anchors = {number: anchor for number, anchor in enumerate(self.line_anchor, start=1) if anchor}
        return lines, anchors

    def position_of(self, stub) -> int:
        """1-based line that followed a removed element (the last line if none did)."""
        return min(self.markers.get(stub.get("n"), len(self.lines)) + 1, max(len(self.lines), 1))

    # -------------------------------------------------------------- inline text
    def inline(self, el, top=True) -> str:
        """Text of an element and its inline children; <br> is a line break, a
        footnote reference "[^n]"."""
        tag = _tag(el)
        if tag == STUB:
            self.markers.setdefault(el.get("n"), len(self.lines))
            return ""
        if tag == "br":
            return "\n"
        if tag == "sup":
            text = _fold(el.text_content())
            match = FOOTNOTE_REF.match(text)
            if match:
                return f"[^{match.group(1)}]"
        parts = [el.text or ""] if isinstance(el.tag, str) else []
        for child in el:
            if isinstance(child.tag, str):
                parts.append(self.inline(child, top=False))
            parts.append(child.tail or "")
        text = "".join(parts)
        if tag in {"td", "th", "li", "dt", "dd"} and not top:
            text = " " + text + " "
        return text

    @staticmethod
    def flat(text: str) -> str:
        """Inline text as one or more lines: spaces folded within each line."""
        return "\n".join(" ".join(line.split()) for line in text.split("\n"))

    # -------------------------------------------------------------- blocks
    def heading_anchor(self, el):
        if el.get("id"):
            return el.get("id")
        inner = next((d for d in el.iterdescendants() if isinstance(d.tag, str) and (d.get("id") or d.get("name"))), None)
        if inner is not None:
            return inner.get("id") or inner.get("name")
        parent = el.getparent()
        if parent is not None and _tag(parent) in {"section", "article", "div"} and parent.get("id") \
                and parent.index(el) == 0:
            return parent.get("id")
        return self.anchor

    def block(self, el) -> None:
        tag = _tag(el)
        if tag == STUB:
            self.markers.setdefault(el.get("n"), len(self.lines))
            return
        if tag in HEADINGS:
            self.blank()
            self.anchor = self.heading_anchor(el)
            self.emit(self.flat(self.inline(el)).replace("\n", " "))
            self.blank()
            return
        if tag in LISTS:
            self.list(el, 0)
            self.blank()
            return
        if tag == "table":
            self.table(el)
            self.blank()
            return
        if tag == "hr":
            self.blank()
            return
        if not any(_tag(d) in BLOCKS for d in el.iterdescendants()):
            self.emit(self.flat(self.inline(el)))
            if tag not in {"html", "body"}:
                self.blank()
            return
        self.container(el)

    def container(self, el) -> None:
        """A block with block children: runs of inline content between them are paragraphs."""
        run = [el.text or ""]
        for child in el:
            if not isinstance(child.tag, str):
                run.append(child.tail or "")
                continue
            if _tag(child) in BLOCKS or _tag(child) == STUB or any(
                    _tag(d) in BLOCKS for d in child.iterdescendants()):
                self.paragraph("".join(run))
                run = []
                self.block(child)
            else:
                run.append(self.inline(child, top=False))
            run.append(child.tail or "")
        self.paragraph("".join(run))

    def paragraph(self, text: str) -> None:
        if text.strip():
            self.emit(self.flat(text))
            self.blank()

    def list(self, el, depth: int) -> None:
        parent = el.getparent()
        names = _words(el.get("class")) | _words(el.get("id"))
        if parent is not None:
            names |= _words(parent.get("class")) | _words(parent.get("id"))
        footnotes = bool(names & {"footnote", "footnotes", "endnotes", "notes"})
        ordered = _tag(el) == "ol"
        number = int(el.get("start") or 1) if (el.get("start") or "").isdigit() else 1
        for item in (c for c in el if _tag(c) == "li"):
            nested = [c for c in item if _tag(c) in LISTS]
            for sub in nested:
                sub_tail = sub.tail
                item.remove(sub)
                if sub_tail:
                    item.text = (item.text or "") + sub_tail
            text = " ".join(self.flat(self.inline(item)).split())
            note = FOOTNOTE_ID.search(item.get("id") or "")
            if footnotes or note:
                text = BACKLINK.sub("", text)
                label = note.group(1) if note else str(number)
                self.emit(f"[^{label}] {text}")
            else:
                marker = f"{number}." if ordered else "-"
                self.emit("  " * depth + f"{marker} {text}")
            number += 1
            for sub in nested:
                self.list(sub, depth + 1)

    def table(self, el) -> None:
        caption = el.find("caption")
        if caption is not None:
            self.emit(" ".join(self.flat(self.inline(caption)).split()))
        for row in el.iter("tr"):
            cells = [" ".join(self.flat(self.inline(cell)).split()) for cell in row if _tag(cell) in {"td", "th"}]
            while cells and not cells[-1]:
                cells.pop()
            if any(cells):
                self.emit("\t".join(cells))
