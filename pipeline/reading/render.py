"""Render a text export as a PDF, for tests and benchmarks (needs fpdf2, a test extra).

Lines wrap at the page width and pages break where they fill, as in a real report,
so extraction from the PDF is tested against hard line wraps and page breaks.
"""

from __future__ import annotations

from pathlib import Path

FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
]


def _font_path():
    return next((p for p in FONT_CANDIDATES if Path(p).exists()), None)


def render_text_to_pdf(text: str, target, *, title: str = "", font_size: float = 9,
                       password: str | None = None) -> Path:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(15, 15, 15)
    font = _font_path()
    if font:
        pdf.add_font("Body", "", font)
        pdf.set_font("Body", size=font_size)
    else:  # core font: Latin-1 only, so other characters become '?'
        pdf.set_font("Helvetica", size=font_size)
        text = text.encode("latin-1", "replace").decode("latin-1")
    if title:
        pdf.set_title(title)
    if password:
        pdf.set_encryption(owner_password=password + "-owner", user_password=password)
    height = font_size * 0.5
    for page_text in text.replace("\r\n", "\n").split("\f"):  # a form feed starts a new page
        pdf.add_page()
        for line in page_text.split("\n"):
            if not line.strip():
                pdf.ln(height / 2)
                continue
            pdf.multi_cell(0, height, line.replace("\t", "    "), new_x="LMARGIN", new_y="NEXT")
    target = Path(target)
    pdf.output(str(target))
    return target
