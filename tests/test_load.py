"""Loading: text pages, PDF pages, and unreadable files refused with a plain reason."""

import pytest

from pipeline.process import document_from
from pipeline.reading.load import LoadError, load, text_pages
from pipeline.reading.render import render_text_to_pdf

from .conftest import CORPUS, FIXTURES


def test_form_feeds_make_pages():
    pages = text_pages("one\ntwo\fthree\n\ffour\f")
    assert [number for number, _ in pages] == [1, 2, 3]
    assert [[t for _, t in lines] for _, lines in pages] == [["one", "two"], ["three", ""], ["four"]]
    # source line numbers count through the file
    assert [[n for n, _ in lines] for _, lines in pages] == [[1, 2], [2, 3], [3]]


def test_page_footer_markers_make_pages():
    pages = text_pages("Intro\nmore\nPage 1\nSecond page\nPage 2\nthird")
    assert [(n, [t for _, t in lines]) for n, lines in pages] == [
        (1, ["Intro", "more"]), (2, ["Second page"]), (3, ["third"])]


def test_page_header_markers_make_pages():
    pages = text_pages("Page 4\nalpha\nPage 5 of 9\nbeta")
    assert [(n, [t for _, t in lines]) for n, lines in pages] == [(4, ["alpha"]), (5, ["beta"])]


def test_text_without_markers_is_one_unnumbered_page():
    raw = load(CORPUS / "2013-sqs-wandsworth.txt")
    assert raw.kind == "text" and raw.page_count is None
    assert len(raw.pages) == 1 and raw.pages[0][0] is None
    assert raw.sha256 == "791fa151d911075fa36de4aa11b929c789a2b25f85bc825a907d7db74c297881"


def test_pdf_pages_are_numbered(tmp_path):
    pdf = render_text_to_pdf((CORPUS / "2016-sqs-norfolk.txt").read_text(encoding="utf-8"), tmp_path / "n.pdf")
    raw = load(pdf)
    assert raw.kind == "pdf"
    assert raw.page_count == len(raw.pages) >= 3
    assert [number for number, _ in raw.pages] == list(range(1, raw.page_count + 1))
    first_page = " ".join(text for _, text in raw.pages[0][1])
    assert "Short Quality Screening" in first_page


@pytest.mark.parametrize("name, content, message", [
    ("empty.txt", b"", "the file is empty"),
    ("blank.txt", b"  \n\n \t\n", "no text"),
    ("latin1.txt", "Caf\xe9 report".encode("latin-1"), "not UTF-8 text"),
    ("binary.txt", bytes(range(256)) * 4, "binary data"),
    ("pdf-named.txt", b"%PDF-1.4\n%...", "rename it to .pdf"),
    ("page.pdf", b"<!DOCTYPE html><html><body>Not found</body></html>", "HTML page saved with a .pdf name"),
    ("random.pdf", bytes([7, 200, 13, 99]) * 300, "no PDF header"),
    ("notes.docx", b"PK\x03\x04", "unsupported file type"),
])
def test_unreadable_inputs_raise_a_plain_reason(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoadError, match=message):
        load(path)


def test_truncated_pdf_is_refused(tmp_path):
    pdf = render_text_to_pdf("A short report\nwith two lines", tmp_path / "whole.pdf")
    data = pdf.read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 3])
    with pytest.raises(LoadError, match="corrupt or truncated"):
        load(cut)


def test_encrypted_pdf_is_refused(tmp_path):
    pdf = render_text_to_pdf("Secret report", tmp_path / "locked.pdf", password="letmein")
    with pytest.raises(LoadError, match="encrypted"):
        load(pdf)


def test_size_and_page_limits(tmp_path):
    pdf = render_text_to_pdf("one\fone more\fand another", tmp_path / "three.pdf")
    with pytest.raises(LoadError, match="3 pages, over the 2-page limit"):
        load(pdf, max_pages=2)
    with pytest.raises(LoadError, match="over the 0 MB limit"):
        load(CORPUS / "2016-sqs-norfolk.txt", max_bytes=1000)


def test_html_fixture_saved_as_pdf():
    with pytest.raises(LoadError, match="HTML page"):
        load(FIXTURES / "html-saved-as.pdf")


def test_pdfplumber_engine_reads_the_same_words(tmp_path):
    pdf = render_text_to_pdf("Publication date: 22 June 2016\nLead Inspector Ian Menary", tmp_path / "p.pdf")
    fast = " ".join(t for _, lines in load(pdf).pages for _, t in lines).split()
    slow = " ".join(t for _, lines in load(pdf, pdf_engine="pdfplumber").pages for _, t in lines).split()
    assert fast == slow == ["Publication", "date:", "22", "June", "2016", "Lead", "Inspector", "Ian", "Menary"]


def _pdf_with_a_damaged_page(tmp_path, pages_to_break):
    """A rendered PDF whose page objects are broken one by one (their /Type renamed):
    PDFium then fails to load those pages ("Failed to load page.")."""
    import re

    pdf = render_text_to_pdf("\n".join(f"Line {i} of the report text." for i in range(200)), tmp_path / "r.pdf")
    data = pdf.read_bytes()
    starts = [m.start() for m in re.finditer(rb"/Type /Page\b", data)]  # not /Type /Pages
    for k in pages_to_break:
        at = starts[k]
        data = data[:at] + b"/Type /Xage" + data[at + len(b"/Type /Page"):]
    broken = tmp_path / "damaged.pdf"
    broken.write_bytes(data)
    return broken


def test_a_damaged_page_is_lost_alone_and_said_so(tmp_path):
    # Found by the property tests: a damaged page tree raised pypdfium2's own error. Now
    # the other pages load, the page is kept empty, and the loss is recorded.
    raw = load(_pdf_with_a_damaged_page(tmp_path, [1]))
    assert raw.unreadable == [(2, "Failed to load page.")]
    assert [any(text.strip() for _, text in lines) for _, lines in raw.pages] == [True, False, True, True]
    doc, cleaning = document_from(raw)
    assert cleaning.rules["unreadable_page"]["example_before"] == "page 2: Failed to load page."


def test_a_pdf_whose_every_page_is_damaged_is_refused(tmp_path):
    with pytest.raises(LoadError, match=r"corrupt PDF: none of its 4 pages can be read \(Failed to load page.\)"):
        load(_pdf_with_a_damaged_page(tmp_path, [0, 1, 2, 3]))
