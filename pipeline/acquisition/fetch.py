"""One fetch run: every source, every report, then the summary.

Per source (one failing never stops the others):
- `listing` sources: each listing type and year, page after page until a page shows no
  new result (paged=0 and paged=1 are the same page); each result's inspection page is
  read for its publication date and report PDF, unless the manifest already holds a
  report from that page (then only the report is revalidated);
- `pages` sources: each report page (from the register), saved as .html, with the PDF
  version it offers saved beside it as an `alternative` (not loaded twice).
Every report already in the manifest is revalidated with a conditional request
(ETag / Last-Modified): an unchanged report costs no download.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, unquote

import httpx

from ..reading.load import HTML_SUFFIXES
from .download import Saved, save
from .http import Client, FetchError
from .manifest import Manifest
from .pages import StructureError, document_page, inspection_page, listing_links
from .register import load_register, missing_from
from .sources import Settings, Source

SHOW_MISSING = 20


@dataclass
class Item:
    """One report the site offers."""
    source: str
    url: str                 # the report's own URL (PDF, or the report page itself)
    kind: str                # `pdf` or `html`
    landing_url: str
    title: str | None
    published: str | None
    programme_hint: str | None
    role: str = "report"
    body: bytes | None = None        # a page already fetched (a 2025 report page)
    headers: object = None


@dataclass
class Summary:
    found: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: list = field(default_factory=list)       # (url, reason)
    unrecognised: list = field(default_factory=list)  # (url, reason): pages whose structure was missing
    skipped: int = 0
    planned: list = field(default_factory=list)       # dry run: (url, file)
    missing: list = field(default_factory=list)       # register rows the site did not yield
    requests: int = 0
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        if self.unrecognised:
            return 2
        return 1 if self.failed else 0

    def lines(self, dry_run: bool = False) -> list[str]:
        head = (f"found {self.found} reports: {self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
                f"{len(self.failed)} failed" + (f", {len(self.unrecognised)} pages not recognised" if self.unrecognised else "")
                + f" ({self.requests} requests in {self.seconds:.0f} s)")
        if dry_run:
            head = f"dry run: found {self.found} reports, {len(self.planned)} would be downloaded ({self.requests} requests)"
        out = [head]
        if self.skipped:
            out.append(f"{self.skipped} listed inspections skipped: their titles name no youth work "
                       "(models/sources.yml: title_must_include_any)")
        if self.missing:
            out.append(f"the register lists {len(self.missing)} inspections the site did not yield:")
            for row in self.missing[:SHOW_MISSING]:
                out.append(f"  missing: {row['id']} ({row.get('programme') or '?'}, {row.get('published') or '?'}) "
                           f"{row.get('landing_url') or row.get('report_url') or 'no URL known'}")
            if len(self.missing) > SHOW_MISSING:
                out.append(f"  ... and {len(self.missing) - SHOW_MISSING} more (models/inspections.csv)")
        return out


class Run:
    def __init__(self, settings: Settings, client: Client, out_dir: Path, *, since=None, until=None,
                 programmes=None, dry_run=False, err=None, progress=None, register=None):
        self.settings, self.client, self.out = settings, client, Path(out_dir)
        self.since, self.until = since, until
        self.programmes = set(programmes or ())
        self.dry_run = dry_run
        self.err = err or (lambda line: print(line, file=sys.stderr))
        self.progress = progress
        self.register = register if register is not None else load_register()
        self.manifest = Manifest(self.out)
        self.summary = Summary()
        self.items: dict[str, Item] = {}   # by report URL: one download however many pages link it
        self.found_urls: set[str] = set()

    # -- reporting ------------------------------------------------------------------
    def fail(self, url: str, reason: str) -> None:
        self.summary.failed.append((url, reason))
        self.err(f"failed: {url}: {reason}")

    def unrecognised(self, exc: StructureError) -> None:
        self.summary.unrecognised.append((exc.url, str(exc)))
        self.err(f"error: {exc}")

    # -- selection ------------------------------------------------------------------
    def _years(self, first: int, last: int) -> range:
        return range(max(first, self.since or first), min(last, self.until or last) + 1)

    def _wanted_programmes(self, programmes) -> bool:
        return not self.programmes or bool(self.programmes & set(programmes))

    def _in_years(self, published: str | None) -> bool:
        if not published:
            return True
        year = int(published[:4])
        return (not self.since or year >= self.since) and (not self.until or year <= self.until)

    # -- the run --------------------------------------------------------------------
    def run(self) -> Summary:
        started = time.monotonic()
        for source in self.settings.sources.values():
            if not self._wanted_programmes(source.all_programmes()):
                continue
            try:
                if source.kind == "listing":
                    self.discover_listing(source)
                elif source.kind == "pages":
                    self.discover_pages(source)
            except StructureError as exc:
                self.unrecognised(exc)
            except FetchError as exc:
                self.fail(exc.url, exc.reason)
        self.summary.found = sum(1 for item in self.items.values() if item.role == "report")
        self.save_all()
        self.summary.missing = missing_from(self.found_urls, self.register, programmes=self.programmes or None,
                                            since=self.since, until=self.until)
        self.summary.requests = len(self.client.requests)
        self.summary.seconds = time.monotonic() - started
        return self.summary

    def _page(self, url: str):
        """A page's HTML; FetchError for anything but 200."""
        answer = self.client.get(url)
        if answer.status != 200:
            raise FetchError.for_status(url, answer.status)
        return answer

    def _read(self, url: str, reader, spec: dict):
        """(answer, page) of a page read by `reader` with `spec`'s selectors; None once a
        failure or an unrecognised page has been reported."""
        try:
            answer = self._page(url)
            return answer, reader(answer.text, answer.final_url, spec, self.settings.not_the_report)
        except FetchError as exc:
            self.fail(exc.url, exc.reason)
        except StructureError as exc:
            self.unrecognised(exc)
        return None

    def discover_listing(self, source: Source) -> None:
        seen_pages: set[str] = set()
        title_words = [w.casefold() for w in source.listing.get("title_must_include_any", [])]
        for listing_type in source.types:
            if not self._wanted_programmes(listing_type.programmes):
                continue
            results, fetched = 0, 0
            for year in self._years(*listing_type.years):
                seen_this_year: set[str] = set()
                repeats = 0
                for page in range(source.first_page, source.first_page + source.max_pages):
                    url = source.listing_url.format(type=listing_type.type, year=year, page=page)
                    try:
                        answer = self._page(url)
                    except FetchError as exc:
                        self.fail(exc.url, exc.reason)
                        break  # the rest of this year's pages cannot be reached reliably
                    fetched += 1
                    links = listing_links(answer.text, answer.final_url, source.listing)
                    if not links:
                        break  # past the last page
                    results += len(links)
                    fresh = [l for l in links if l.url not in seen_this_year]
                    if not fresh:
                        # paged=0 and paged=1 are the same page; a site that ignores `paged`
                        # altogether repeats forever: two repeats in a row end the year.
                        repeats += 1
                        if repeats >= 2:
                            break
                        continue
                    repeats = 0
                    seen_this_year.update(l.url for l in links)
                    for link in fresh:
                        if link.url in seen_pages:
                            continue
                        seen_pages.add(link.url)
                        if title_words and not any(w in link.title.casefold() for w in title_words):
                            self.summary.skipped += 1  # not a youth inspection (e.g. an adult probation one)
                            continue
                        self.found_urls.add(link.url)
                        self.read_inspection(source, link)
            if fetched and not results:
                note = "" if listing_type.verified else f" (listing type `{listing_type.type}` is unverified)"
                # One empty year is possible; a type with no result in any year means the
                # listing's markup (or the type) is not what models/sources.yml says.
                self.unrecognised(StructureError(
                    source.listing_url.format(type=listing_type.type, year="…", page="…"),
                    source.listing["result"], "result on any listing page" + note))

    def read_inspection(self, source: Source, link) -> None:
        known = [row for row in self.manifest.by_landing(link.url) if row.get("role", "report") in ("", "report")]
        if known and all((self.out / row["file"]).exists() and row.get("source_url") for row in known):
            for row in known:  # already saved: revalidate the report, skip its inspection page
                self.add(Item(source.key, row["source_url"], _kind(row["file"]), link.url, row.get("title") or link.title,
                              row.get("published") or None, row.get("programme_hint") or None))
            return
        read = self._read(link.url, inspection_page, source.inspection_page)
        if read is None:
            return
        _, page = read
        if page.report is None:
            self.fail(link.url, "no report PDF linked from the inspection page"
                      + (f" (only: {', '.join(o.title or o.url for o in page.others)})" if page.others else ""))
            return
        if not self._in_years(page.published):
            return
        self.found_urls.add(page.report.url)
        self.add(Item(source.key, page.report.url, "pdf", link.url, link.title or page.title, page.published,
                      source.programme_hint(link.title or page.title)))

    def discover_pages(self, source: Source) -> None:
        urls = []  # the register's pages (pages_from_register: no listing of the site is verified)
        for row in self.register:
            if row.get("programme") in source.programmes and (row.get("landing_url") or "").startswith(source.base):
                if self._in_years(row.get("published")) and row["landing_url"] not in urls:
                    urls.append(row["landing_url"])
        for url in urls:
            self.found_urls.add(url)
            known = self.manifest.by_url(url)
            if known and (self.out / known["file"]).exists():
                self.add(Item(source.key, url, "html", url, known.get("title") or None, known.get("published") or None,
                              known.get("programme_hint") or None))
                for row in self.manifest.rows:
                    if row.get("landing_url") == url and row.get("role") == "alternative":
                        self.add(Item(source.key, row["source_url"], _kind(row["file"]), url, row.get("title"),
                                      row.get("published") or None, row.get("programme_hint") or None, role="alternative"))
                continue
            read = self._read(url, document_page, source.document_page)
            if read is None:
                continue
            answer, page = read
            if not self._in_years(page.published):
                continue
            hint = source.programmes[0] if len(source.programmes) == 1 else None
            self.add(Item(source.key, url, "html", url, page.title, page.published, hint,
                          body=answer.content, headers=answer.headers))
            pdfs = [o for o in page.others if o.url.lower().endswith(".pdf")]
            if pdfs:
                self.add(Item(source.key, pdfs[0].url, "pdf", url, page.title, page.published, hint, role="alternative"))

    def add(self, item: Item) -> None:
        self.items.setdefault(item.url, item)  # one report linked from two pages is saved once

    # -- saving ---------------------------------------------------------------------
    def file_name(self, item: Item) -> str:
        known = self.manifest.by_url(item.url)
        if known:
            return known["file"]
        path = urlsplit(item.landing_url)
        slug = unquote(path.path.rstrip("/").rsplit("/", 1)[-1]) or "index"
        if not path.path.strip("/") and "p" in parse_qs(path.query):
            slug = f"p-{parse_qs(path.query)['p'][0]}"   # /?p=1234
        year = (item.published or "")[:4] or "undated"
        stem = f"{year}-{_safe(slug)}"
        if item.role == "alternative":
            stem += "-version"
        name = f"{stem}.{item.kind}"
        taken = {row["file"] for row in self.manifest.rows}
        number = 2
        while name in taken or (self.out / name).exists():  # never overwrite a file the manifest does not list
            name = f"{stem}-{number}.{item.kind}"
            number += 1
        return name

    def save_all(self) -> None:
        todo = list(self.items.values())
        if self.progress:
            self.progress.start(len(todo))
        for item in todo:
            try:
                self.save_one(item)
            finally:
                if self.progress:
                    self.progress.advance()
        if self.progress:
            self.progress.clear()

    def save_one(self, item: Item) -> None:
        name = self.file_name(item)
        if self.dry_run:
            try:
                self.client.robots.check(item.url)
            except FetchError as exc:
                self.fail(exc.url, exc.reason)
                return
            if not self.manifest.by_url(item.url):
                self.summary.planned.append((item.url, name))
                self.err(f"would save: {item.url} -> {self.out / name}")
            return
        known = self.manifest.by_url(item.url) or {}
        try:
            saved: Saved = save(self.client, item.url, self.out / name, item.kind,
                                etag=known.get("etag") or None, last_modified=known.get("last_modified") or None,
                                sha256=known.get("sha256") or None, body=item.body, headers=item.headers)
        except FetchError as exc:
            self.fail(exc.url, exc.reason)
            return
        except (httpx.HTTPError, OSError) as exc:
            # A body the client cannot decode, a full disk: this report fails, the rest go on.
            self.fail(item.url, f"{type(exc).__name__}: {exc}".rstrip(": "))
            return
        if item.role == "report":
            setattr(self.summary, saved.status, getattr(self.summary, saved.status) + 1)
        if saved.status == "unchanged" and known:
            if saved.etag != known.get("etag") or saved.last_modified != known.get("last_modified"):
                self.manifest.upsert({"file": name, "etag": saved.etag, "last_modified": saved.last_modified})
            return
        self.manifest.upsert({
            "file": name, "sha256": saved.sha256, "source_url": item.url, "landing_url": item.landing_url,
            "title": item.title, "published": item.published, "programme_hint": item.programme_hint,
            "fetched_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
            "etag": saved.etag, "last_modified": saved.last_modified, "bytes": saved.bytes,
            "role": item.role, "source": item.source})


def _kind(file: str) -> str:
    return "html" if Path(file).suffix.lower() in HTML_SUFFIXES else "pdf"


def _safe(text: str) -> str:
    out = "".join(c if c.isalnum() or c in "-_" else "-" for c in text.lower())
    return "-".join(part for part in out.split("-") if part)[:120] or "report"
