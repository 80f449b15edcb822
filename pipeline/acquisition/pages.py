"""The site's pages read with a real HTML parser (selectolax) and the selectors in
models/sources.yml. A page without the structure its selectors expect raises
StructureError naming the selector that found nothing: a changed site is an error,
never an empty success."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin, urlsplit, unquote

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from ..extraction import dates


class StructureError(Exception):
    """A page lacks the structure models/sources.yml expects."""

    def __init__(self, url: str, selector: str, what: str):
        super().__init__(f"{url}: page not recognised: selector `{selector}` found no {what} "
                         f"(models/sources.yml)")
        self.url, self.selector = url, selector


@dataclass
class Link:
    title: str
    url: str


@dataclass
class InspectionPage:
    url: str
    title: str | None
    published: str | None        # ISO date
    published_text: str | None   # as printed
    report: Link | None
    others: list = field(default_factory=list)  # the page's other PDFs (annexes, easy read, Welsh)


def _text(node) -> str:
    return " ".join((node.text(separator=" ") or "").split()) if node is not None else ""


def listing_links(html: str, url: str, listing: dict) -> list[Link]:
    """Each result's title and absolute link, in page order (none on a page past the end)."""
    tree = HTMLParser(html)
    links = []
    for result in tree.css(listing["result"]):
        anchor = result.css_first(listing["link"])
        if anchor is None or not anchor.attributes.get("href"):
            raise StructureError(url, f"{listing['result']} {listing['link']}", "link in a result")
        links.append(Link(_text(anchor), urljoin(url, anchor.attributes["href"].strip())))
    return links


def parse_date(text: str) -> str | None:
    """A page's publication date as ISO 8601: a <time datetime="2025-06-03T09:00:00+00:00">,
    "03/06/2025" (day first, as the site prints), or the words the reports' own date reader
    knows ("Tuesday, 3 June 2025", "14th January 2020")."""
    cleaned = " ".join(text.split())
    if iso := _ISO.match(cleaned):
        return iso[0]
    if numeric := _DAY_FIRST.fullmatch(cleaned):
        try:
            return datetime.strptime(numeric[0], "%d/%m/%Y").date().isoformat()
        except ValueError:
            return None
    return dates.parse_date(cleaned)


_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?=T|\s|$)")
_DAY_FIRST = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")


def _documents(tree, url: str, spec: dict, not_the_report) -> tuple[Link | None, list]:
    """The report among the page's document links: the first whose text and file name name
    none of `not_the_report` (annexes, easy-read and Welsh versions), preferring one whose
    text mentions an inspection or a report."""
    suffix = spec.get("document_suffix", ".pdf").lower()
    seen, candidates = set(), []
    for anchor in tree.css(spec["documents"]):
        href = (anchor.attributes.get("href") or "").strip()
        target = urljoin(url, href)
        if not urlsplit(target).path.lower().endswith(suffix) or target in seen:
            continue
        seen.add(target)
        candidates.append(Link(_text(anchor), target))
    reports, others = [], []
    for link in candidates:
        name = unquote(urlsplit(link.url).path.rsplit("/", 1)[-1]).replace("-", " ").replace("_", " ")
        words = f"{link.title} {name}".casefold()
        (others if any(w in words for w in not_the_report) else reports).append(link)
    preferred = [l for l in reports if "inspection" in l.title.casefold() or "report" in l.title.casefold()]
    chosen = (preferred or reports or [None])[0]
    return chosen, [l for l in candidates if l is not chosen]


def inspection_page(html: str, url: str, spec: dict, not_the_report) -> InspectionPage:
    """An archived-site inspection page: its publication date (div#inspection-meta, the dd
    after the dt "Date of publication") and its report PDF."""
    tree = HTMLParser(html)
    meta = tree.css_first(spec["meta"])
    if meta is None:
        raise StructureError(url, spec["meta"], "facts box")
    published_text = None
    for label in meta.css(spec["label"]):
        if _text(label).casefold().startswith(spec["published_label"].casefold()):
            sibling = label.next
            while sibling is not None and sibling.tag != spec["value"]:
                sibling = sibling.next
            if sibling is not None:
                published_text = _text(sibling)
            break
    if published_text is None:
        raise StructureError(url, f"{spec['meta']} {spec['label']}", f"\"{spec['published_label']}\"")
    published = parse_date(published_text)
    title = _text(tree.css_first("h1")) or None
    report, others = _documents(tree, url, spec, not_the_report)
    return InspectionPage(url, title, published, published_text, report, others)


def document_page(html: str, url: str, spec: dict, not_the_report) -> InspectionPage:
    """A current-site report page: the report is the page itself (saved as .html); its
    title (h1), the date printed after "Published:", and a PDF version where offered."""
    tree = HTMLParser(html)
    heading = tree.css_first(spec["title"])
    if heading is None or not _text(heading):
        raise StructureError(url, spec["title"], "title")
    published_text = _published(tree, spec["published_label"])
    if published_text is None:
        raise StructureError(url, f"text \"{spec['published_label']}\"", "publication date")
    published = parse_date(published_text)
    pdf, others = _documents(tree, url, spec, not_the_report)
    page = InspectionPage(url, _text(heading), published, published_text, Link(_text(heading), url), others)
    if pdf is not None:
        page.others = [pdf] + [o for o in others if o.url != pdf.url]
    return page


def _published(tree, label: str) -> str | None:
    """The date printed after a label: in the same element ("Published: 3 June 2025"),
    in a <time> inside it, or in the element that follows it."""
    folded = label.casefold()
    body = tree.body or tree.root
    for node in body.traverse(include_text=False):
        own = _text(node)
        if not own.casefold().startswith(folded) or len(own) > len(label) + 40:
            continue
        if any(_text(child).casefold().startswith(folded) for child in node.iter(include_text=False)):
            continue  # a child holds the label: read the innermost element
        stamp = node.css_first("time")
        if stamp is not None:
            return stamp.attributes.get("datetime") or _text(stamp)
        rest = own[len(label):].strip()
        if rest:
            return rest
        sibling = node.next
        while sibling is not None and (sibling.tag == "-text" and not sibling.text().strip()):
            sibling = sibling.next
        if sibling is not None:
            return _text(sibling) if sibling.tag != "-text" else " ".join(sibling.text().split())
    return None
