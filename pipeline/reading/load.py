"""Load a report file (PDF, text export or saved web page) into raw pages of lines.

A file that cannot be read raises `LoadError` with one plain sentence a user can
act on; the build records it in `ingest_log` and carries on with the others.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

PDF_SUFFIXES = {".pdf"}
TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
SUPPORTED_SUFFIXES = PDF_SUFFIXES | TEXT_SUFFIXES | HTML_SUFFIXES

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
DEFAULT_MAX_PAGES = 500

# A line that is only a page number marker, e.g. "Page 7" or "Page 7 of 36".
PAGE_MARKER = re.compile(r"^\s*page\s+(\d{1,4})(?:\s+of\s+\d{1,4})?\s*$", re.IGNORECASE)


class LoadError(Exception):
    """The file is unreadable as what its name claims; the message says what to do."""


@dataclass
class RawDocument:
    path: str
    sha256: str
    kind: str  # "pdf" | "text" | "html"
    pages: list  # [(page_number | None, [(source_line, text), ...])]
    page_count: int | None
    anchors: dict = field(default_factory=dict)  # web pages: source_line -> id of its heading
    removed: list = field(default_factory=list)  # web pages: [(rule, text, source_line)] site chrome taken out
    unreadable: list = field(default_factory=list)  # PDFs: [(page number, why)] pages whose text could not be read


def sha256_of(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load(path, *, max_bytes=DEFAULT_MAX_BYTES, max_pages=DEFAULT_MAX_PAGES, pdf_engine="pdfium", sha256=None):
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(f"unsupported file type '{suffix or '(none)'}': give a .pdf, .txt, .md or .html file")
    size = path.stat().st_size
    if size == 0:
        raise LoadError("the file is empty (0 bytes): re-download or re-export it")
    if size > max_bytes:
        raise LoadError(f"the file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit (raise --max-mb to load it)")
    sha = sha256 or sha256_of(path)
    with open(path, "rb") as handle:
        head = handle.read(1024)
    if suffix in PDF_SUFFIXES:
        _check_pdf_signature(head)
        unreadable = []
        if pdf_engine == "pdfplumber":
            pages, count = _pdf_pages_pdfplumber(path, max_pages)
        else:
            pages, count = _pdf_pages_pdfium(path, max_pages, unreadable)
        return RawDocument(str(path), sha, "pdf", pages, count, unreadable=unreadable)
    if head.startswith(b"%PDF-"):
        raise LoadError(f"this is a PDF saved with a '{suffix}' name: rename it to .pdf")
    if suffix in HTML_SUFFIXES:
        return _web_page(path, sha)
    return RawDocument(str(path), sha, "text", text_pages(_decode_text(path.read_bytes())), None)


def _web_page(path: Path, sha: str) -> RawDocument:
    from .html import HtmlError, parse

    data = path.read_bytes()
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError("binary data in a web page (NUL bytes): save the report page again from the browser")
    if b"<" not in data[:65536]:
        raise LoadError("not a web page (no HTML markup): give the page as saved by the browser, or rename a text export to .txt")
    try:
        page = parse(data)
    except HtmlError as exc:
        raise LoadError(str(exc)) from None
    return RawDocument(str(path), sha, "html", [(None, page.lines)], None, page.anchors, page.removed)


def _check_pdf_signature(head: bytes) -> None:
    stripped = head.lstrip().lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head")):
        raise LoadError("not a PDF: it is an HTML page saved with a .pdf name (the download probably failed; fetch the report again)")
    if b"%PDF-" not in head:
        raise LoadError("not a PDF: the file has no PDF header (it is corrupt or another format renamed to .pdf)")


def _decode_text(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise LoadError("binary data in a text file (NUL bytes): export the report as UTF-8 text or give the PDF")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(f"not UTF-8 text (invalid byte at offset {exc.start}): re-export the file as UTF-8") from None
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > max(10, len(text[:20000]) // 100):
        raise LoadError("binary data in a text file (control characters): export the report as UTF-8 text or give the PDF")
    if not text.strip():
        raise LoadError("the file holds no text, only white space: re-export it")
    return text


def _split_lines(text: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", text)


def text_pages(text: str) -> list:
    """Pages of a text export: form feeds first, else "Page N" marker lines, else one unnumbered page."""
    if "\f" in text:
        chunks = text.split("\f")
        if chunks and not chunks[-1].strip():
            chunks = chunks[:-1]
        pages, source_line = [], 0
        for number, chunk in enumerate(chunks, start=1):
            lines = []
            for line in _split_lines(chunk):
                source_line += 1
                lines.append((source_line, line))
            source_line -= 1  # the form feed sits inside a line, not between two
            pages.append((number, lines))
        return pages
    lines = list(enumerate(_split_lines(text), start=1))
    # Pages are numbered from 1: a "Page 0" line is text, not a marker.
    markers = [(i, int(m.group(1))) for i, (_, line) in enumerate(lines)
               if (m := PAGE_MARKER.match(line)) and int(m.group(1)) >= 1]
    if len(markers) < 2:
        return [(None, lines)]
    # Footer style ("Page N" closes page N) unless the first marker opens the document.
    first_content = next((i for i, (_, line) in enumerate(lines) if line.strip()), 0)
    header_style = markers[0][0] <= first_content
    pages, current, page_no = [], [], markers[0][1] if header_style else 1
    marker_at = dict(markers)
    for i, item in enumerate(lines):
        if i in marker_at:
            if header_style:
                if current:
                    pages.append((page_no, current))
                page_no, current = marker_at[i], []
            else:
                pages.append((marker_at[i], current))
                page_no, current = marker_at[i] + 1, []
            continue
        current.append(item)
    if any(text.strip() for _, text in current):
        pages.append((page_no, current))
    return pages


def _pdf_pages_pdfium(path: Path, max_pages: int, unreadable: list):
    """Every page's text. A page PDFium cannot read (a damaged page tree) is kept empty and
    listed in `unreadable`, so the other pages still load; when none can be read, the
    file is refused."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise LoadError(_pdfium_reason(exc)) from None
    try:
        count = len(pdf)
        if count == 0:
            raise LoadError("the PDF has no pages")
        if count > max_pages:
            raise LoadError(f"the PDF has {count} pages, over the {max_pages}-page limit (raise --max-pages to load it)")
        pages = []
        for index in range(count):
            try:
                page = pdf[index]
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                textpage.close()
                page.close()
            except pdfium.PdfiumError as exc:
                unreadable.append((index + 1, str(exc) or type(exc).__name__))
                text = ""
            pages.append((index + 1, list(enumerate(_split_lines(text), start=1))))
    finally:
        pdf.close()
    if unreadable and len(unreadable) == count:
        raise LoadError(f"corrupt PDF: none of its {count} pages can be read ({unreadable[0][1]}): fetch the report again")
    _require_text(pages)
    return pages, count


def _pdf_pages_pdfplumber(path: Path, max_pages: int):
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        with pdfplumber.open(str(path)) as pdf:
            count = len(pdf.pages)
            if count > max_pages:
                raise LoadError(f"the PDF has {count} pages, over the {max_pages}-page limit (raise --max-pages to load it)")
            pages = [
                (page.page_number, list(enumerate(_split_lines(page.extract_text() or ""), start=1)))
                for page in pdf.pages
            ]
    except PDFPasswordIncorrect:
        raise LoadError("the PDF is encrypted with a password: give an unencrypted copy") from None
    except PdfminerException as exc:  # pdfplumber 0.11 wraps every pdfminer error in this
        if exc.args and isinstance(exc.args[0], PDFPasswordIncorrect):
            raise LoadError("the PDF is encrypted with a password: give an unencrypted copy") from None
        cause = type(exc.args[0]).__name__ if exc.args and isinstance(exc.args[0], Exception) else "PdfminerException"
        raise LoadError(f"corrupt or truncated PDF ({cause}): fetch the report again") from None
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as exc:
        raise LoadError(f"corrupt or truncated PDF ({type(exc).__name__}): fetch the report again") from None
    _require_text(pages)
    return pages, count


def _pdfium_reason(exc: Exception) -> str:
    message = str(exc).lower()
    if "password" in message:
        return "the PDF is encrypted with a password: give an unencrypted copy"
    if "format" in message or "file" in message:
        return "corrupt or truncated PDF (PDFium cannot parse it): fetch the report again"
    return f"the PDF cannot be opened ({exc}): fetch the report again"


def _require_text(pages) -> None:
    if not any(text.strip() for _, lines in pages for _, text in lines):
        raise LoadError("the PDF has no text layer (a scan?): run OCR on it first or give a text export")
