"""One document model for every input: pages → lines, each with its page and offsets.

Every extracted value points back into `Document.text` by character offsets, so
it can carry the page it came from and the exact text (`evidence`) it was read from.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Line:
    number: int  # 1-based position among the document's cleaned lines
    page: int | None  # 1-based page, None when the source has no page structure
    source_line: int  # 1-based line in the source page (text exports: in the file)
    start: int  # offset of the line's first character in Document.text
    text: str
    anchor: str | None = None  # web pages: id of the heading the line sits under (source_url#anchor)

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True)
class Span:
    """A located piece of text: what provenance columns are filled from."""

    start: int
    end: int
    text: str
    page: int | None
    line: int
    anchor: str | None = None

    def as_provenance(self) -> dict:
        # `anchor` only where the source has one (a web page), so PDF and text results keep their shape.
        row = {"page": self.page, "line": self.line, "evidence": self.text}
        if self.anchor:
            row["anchor"] = self.anchor
        return row


@dataclass
class Document:
    source_path: str
    sha256: str
    kind: str  # "pdf", "text" or "html"
    page_count: int | None
    lines: list[Line]
    text: str = ""
    _starts: list[int] = field(default_factory=list, repr=False)
    _memo: dict = field(default_factory=dict, repr=False)  # what stages compute once per document

    @classmethod
    def from_pages(cls, source_path, sha256, kind, pages, page_count=None, anchors=None):
        """pages: list of (page_number | None, [(source_line, text), ...]); anchors: source_line
        -> heading id (web pages)."""
        lines, chunks, offset, number = [], [], 0, 0
        anchors = anchors or {}
        for page_number, page_lines in pages:
            for source_line, text in page_lines:
                number += 1
                lines.append(Line(number, page_number, source_line, offset, text, anchors.get(source_line)))
                chunks.append(text)
                offset += len(text) + 1
        doc = cls(source_path, sha256, kind, page_count, lines, "\n".join(chunks))
        doc._starts = [line.start for line in lines]
        return doc

    def compact(self, end: int | None = None):
        """The text up to `end` read spacing-blind (reading/compact.py), made once per document."""
        from .compact import CompactText

        key = ("compact", end)
        if key not in self._memo:
            self._memo[key] = CompactText(self.text, 0, end)
        return self._memo[key]

    def memo(self, key, compute):
        """compute() once per document and key: results several stages need (a title)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def line_at(self, offset: int) -> Line:
        index = max(0, bisect.bisect_right(self._starts, offset) - 1)
        return self.lines[index]

    def span(self, start: int, end: int) -> Span:
        """The text between two offsets, whitespace folded, with its page and first line."""
        line = self.line_at(start)
        return Span(start, end, " ".join(self.text[start:end].split()), line.page, line.number, line.anchor)

    def line_span(self, line: Line) -> Span:
        return Span(line.start, line.end, line.text.strip(), line.page, line.number, line.anchor)

    def blocks(self, breaks_before=None):
        """Paragraph-like blocks: runs of non-blank lines on one page, as lists of Line.
        `breaks_before(line)` may start a new block at a line (a heading in PDF text,
        which has no blank lines between paragraphs)."""
        block = []
        for line in self.lines:
            if not line.text.strip():
                if block:
                    yield block
                block = []
                continue
            if block and (line.page != block[-1].page or (breaks_before and breaks_before(line))):
                yield block
                block = []
            block.append(line)
        if block:
            yield block
