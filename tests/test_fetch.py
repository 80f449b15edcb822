"""`inspections fetch` against a local copy of both of the inspectorate's websites.

A threaded http.server serves the archived site's listing and inspection pages and the
current site's 2025 report page (markup in tests/fixtures/site/), reached with
`--mirror http://127.0.0.1:PORT/`; nothing here touches the internet. The site has
pagination with a repeated page (paged=0 == paged=1), a 500 that succeeds on retry, a
429 with Retry-After, a listed inspection that is gone (404), an HTML error page behind a
.pdf link, a download cut short, one PDF linked from two pages, a redirect and a
robots.txt that disallows a path. The tests read what the server received (the request
log) as well as what was saved.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import http.server
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from pipeline import __version__
from pipeline.acquisition import sources as sources_module
from pipeline.acquisition.download import problem_with
from pipeline.acquisition.pages import StructureError, inspection_page, listing_links, parse_date
from pipeline.linking.inspections import link_reports
from pipeline.cli import cli

SITE = Path(__file__).resolve().parent / "fixtures" / "site"
A = "https://www.justiceinspectorates.gov.uk"
B = "https://hmiprobation.justiceinspectorates.gov.uk"
UPLOADS = f"{A}/hmiprobation/wp-content/uploads/sites/5"
TYPE_2018 = "inspection-of-youth-offending-services-2018-onwards"
WIRRAL = f"{B}/document/an-inspection-of-youth-justice-work-with-children-and-victims-in-wirral-2025"
DELAY = 0.05


def pdf_bytes(label: str, size: int = 3000) -> bytes:
    body = (f"%PDF-1.4\n% {label}\n" + "x" * size).encode()
    return body + b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def inspection(slug: str, title: str) -> dict:
    return {"href": f"{A}/hmiprobation/inspections/{slug}/", "title": title}


class Site:
    """The two websites: pages by original URL, faults that can be switched off."""

    def __init__(self):
        self.log = []          # (monotonic time, original URL, request headers)
        self.hits = {}         # original URL -> count
        self.faults = True
        self.broken_listing = False
        self.broken_inspection = False
        self.pdfs = {
            f"{UPLOADS}/2020/01/Southampton-YOS-inspection-report.pdf": pdf_bytes("southampton"),
            f"{UPLOADS}/2020/01/Southampton-data-annex.pdf": pdf_bytes("annex"),
            f"{UPLOADS}/2020/01/Southampton-adroddiad-Cymraeg.pdf": pdf_bytes("welsh"),
            f"{UPLOADS}/2020/03/Redirected-inspection-report.pdf": pdf_bytes("redirected"),
            f"{UPLOADS}/2020/05/Cut-short-inspection-report.pdf": pdf_bytes("cut short", 20000),
            f"{UPLOADS}/2020/06/Joint-inspection-report.pdf": pdf_bytes("joint"),
            f"{UPLOADS}/private/Private-inspection-report.pdf": pdf_bytes("private"),
            f"{B}/wp-content/uploads/2025/06/Wirral-inspection-report.pdf": pdf_bytes("wirral pdf"),
        }
        self.cut_short = {f"{UPLOADS}/2020/05/Cut-short-inspection-report.pdf"}

    # -- pages ----------------------------------------------------------------------
    def listing(self, query: dict) -> str | None:
        year, page = query.get("year", [""])[0], query.get("paged", ["0"])[0]
        if query.get("probation-inspection-type", [""])[0] != TYPE_2018 or year != "2020":
            results = []
        elif page in ("0", "1"):  # the same page twice
            results = [inspection("southamptonyos", "An inspection of youth offending services in Southampton"),
                       inspection("gone", "An inspection of youth offending services in Gonetown"),
                       inspection("errorpage", "An inspection of youth offending services in Errortown")]
        elif page == "2":
            results = [inspection("oldslug", "An inspection of youth offending services in Redirectshire"),
                       inspection("cutshort", "An inspection of youth offending services in Cutshire"),
                       inspection("twopages-a", "A joint inspection of youth offending services in Jointshire"),
                       inspection("twopages-b", "A joint inspection of youth offending services in Jointshire (corrected)"),
                       inspection("private", "An inspection of youth offending services in Privateshire"),
                       inspection("adult", "An inspection of probation services in Adultshire")]
        else:
            results = []
        template = (SITE / "result.html").read_text()
        items = "\n".join(template.format(**r) for r in results)
        if self.broken_listing:
            items = items.replace('class="result inspection"', 'class="search-hit"')
        return (SITE / "listing.html").read_text().format(results=items, pagination="")

    def inspection(self, slug: str) -> str | None:
        docs = {
            "southamptonyos": ("Southampton", "14 January 2020", [
                ("Inspection data annex (PDF, 300 kB)", f"{UPLOADS}/2020/01/Southampton-data-annex.pdf"),
                ("An inspection of youth offending services in Southampton (PDF, 2 MB)",
                 f"{UPLOADS}/2020/01/Southampton-YOS-inspection-report.pdf"),
                ("Arolygiad - Cymraeg (PDF, 2 MB)", f"{UPLOADS}/2020/01/Southampton-adroddiad-Cymraeg.pdf")]),
            "errorpage": ("Errortown", "3 March 2020", [
                ("An inspection of youth offending services in Errortown (PDF)", f"{UPLOADS}/2020/03/Errortown-report.pdf")]),
            "newslug": ("Redirectshire", "24 March 2020", [
                ("An inspection of youth offending services in Redirectshire (PDF)", f"{UPLOADS}/2020/03/Redirected-inspection-report.pdf")]),
            "cutshort": ("Cutshire", "5 May 2020", [
                ("An inspection of youth offending services in Cutshire (PDF)", f"{UPLOADS}/2020/05/Cut-short-inspection-report.pdf")]),
            "twopages-a": ("Jointshire", "9 June 2020", [
                ("A joint inspection of youth offending services in Jointshire (PDF)", f"{UPLOADS}/2020/06/Joint-inspection-report.pdf")]),
            "twopages-b": ("Jointshire", "9 June 2020", [
                ("A joint inspection of youth offending services in Jointshire (PDF)", f"{UPLOADS}/2020/06/Joint-inspection-report.pdf")]),
            "private": ("Privateshire", "1 July 2020", [
                ("An inspection of youth offending services in Privateshire (PDF)", f"{UPLOADS}/private/Private-inspection-report.pdf")]),
        }
        if slug not in docs:
            return None
        area, published, links = docs[slug]
        documents = "\n".join(f'    <li><a href="{href}">{text}</a></li>' for text, href in links)
        page = (SITE / "inspection.html").read_text().format(
            title=f"An inspection of youth offending services in {area}", area=area, published=published, documents=documents)
        if self.broken_inspection:
            page = page.replace('id="inspection-meta"', 'id="facts"')
        return page

    def document(self) -> str:
        return (SITE / "document.html").read_text().format(
            title="An inspection of youth justice work with children and victims in Wirral", area="Wirral",
            published="3 June 2025", pdf=f"{B}/wp-content/uploads/2025/06/Wirral-inspection-report.pdf")

    # -- answers --------------------------------------------------------------------
    def answer(self, url: str, headers) -> tuple:
        """(status, headers, body, cut_at) for an original URL."""
        self.hits[url] = self.hits.get(url, 0) + 1
        n = self.hits[url]
        parts = urlsplit(url)
        origin, path, query = f"{parts.scheme}://{parts.netloc}", parts.path, parse_qs(parts.query)
        html = {"Content-Type": "text/html; charset=UTF-8"}
        if url == f"{A}/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /hmiprobation/wp-content/uploads/sites/5/private/\n", None
        if url == f"{B}/robots.txt":
            return 404, html, b"<html><body>Not found</body></html>", None
        if origin == A and path == "/hmiprobation/inspections":
            if self.faults and query.get("paged") == ["2"] and n == 1:
                return 500, html, b"<html><body>Internal Server Error</body></html>", None
            return 200, html, self.listing(query).encode(), None
        if origin == A and path.startswith("/hmiprobation/inspections/"):
            slug = path.rstrip("/").rsplit("/", 1)[-1]
            if slug == "oldslug":
                return 301, {"Location": f"{A}/hmiprobation/inspections/newslug/"}, b"", None
            if self.faults and slug == "southamptonyos" and n == 1:
                return 429, {"Retry-After": "1", **html}, b"<html><body>Too many requests</body></html>", None
            page = self.inspection(slug)
            if page is None:
                return 404, html, b"<html><body><h1>Page not found</h1></body></html>", None
            return 200, html, page.encode(), None
        if url == f"{UPLOADS}/2020/03/Errortown-report.pdf":
            return 200, html, b"<!DOCTYPE html><html><body><h1>Sorry, that page cannot be found</h1></body></html>", None
        if url == WIRRAL:
            return self._conditional(headers, self.document().encode(), html)
        if url in self.pdfs:
            body = self.pdfs[url]
            if self.faults and url in self.cut_short:
                return 200, {"Content-Type": "application/pdf", "ETag": _etag(body)}, body, len(body) // 3
            return self._conditional(headers, body, {"Content-Type": "application/pdf"})
        return 404, html, b"<html><body>Not found</body></html>", None

    @staticmethod
    def _conditional(headers, body, base) -> tuple:
        tag = _etag(body)
        if headers.get("If-None-Match") == tag:
            return 304, {"ETag": tag}, b"", None
        return 200, {**base, "ETag": tag, "Last-Modified": "Tue, 14 Jan 2020 09:00:00 GMT"}, body, None


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


@pytest.fixture
def site():
    state = Site()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            original = self.path[1:]
            state.log.append((time.monotonic(), original, dict(self.headers)))
            status, headers, body, cut_at = state.answer(original, self.headers)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            if cut_at is not None:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body if cut_at is None else body[:cut_at])
            if cut_at is not None:
                self.wfile.flush()
                self.close_connection = True

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.mirror = f"http://127.0.0.1:{server.server_address[1]}/"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def quick(monkeypatch):
    """The real models/sources.yml, with back-off shortened so retries take milliseconds."""
    real = sources_module.load_settings

    def settings(path=None):
        return dataclasses.replace(real(path), backoff=0.01)

    monkeypatch.setattr(sources_module, "load_settings", settings)


@pytest.fixture
def register(tmp_path) -> Path:
    path = tmp_path / "inspections.csv"
    rows = [
        {"id": "2020-yos-2018-southampton", "area": "Southampton", "programme": "YOS-2018", "published": "2020-01-14",
         "landing_url": f"{A}/hmiprobation/inspections/southamptonyos/", "source": "test"},
        {"id": "2020-yos-2018-nowhere", "area": "Nowhere", "programme": "YOS-2018", "published": "2020-02-01",
         "landing_url": f"{A}/hmiprobation/inspections/nowhereyos/", "source": "test"},
        {"id": "2025-yjs-2025-wirral", "area": "Wirral", "programme": "YJS-2025", "published": "2025",
         "landing_url": WIRRAL, "report_url": WIRRAL, "source": "test"},
        {"id": "2011-cci-leeds", "area": "Leeds", "programme": "CCI", "published": "2011-01", "source": "test"},
    ]
    columns = ["id", "area", "service_id", "programme", "published", "landing_url", "report_url",
               "overall_rating", "source", "notes"]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def run_fetch(site, out: Path, register: Path, *extra, programmes=("YOS-2018", "YJS-2025")):
    args = ["fetch", "--out", str(out), "--mirror", site.mirror, "--delay", str(DELAY), "--since", "2020",
            "--register", str(register), *extra]
    for programme in programmes:
        args += ["--programme", programme]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return result.exit_code, result.stderr


def manifest(out: Path) -> dict:
    with open(out / "manifest.csv", newline="", encoding="utf-8") as handle:
        return {row["source_url"]: row for row in csv.DictReader(handle)}


def requested(site, fragment: str) -> list:
    return [entry for entry in site.log if fragment in entry[1]]


# -- the whole run ----------------------------------------------------------------------

def test_first_run_saves_every_good_report_and_names_each_failure(site, quick, register, tmp_path):
    out = tmp_path / "corpus"
    code, err = run_fetch(site, out, register)
    assert code == 1, err  # some failed
    saved = sorted(p.name for p in out.iterdir())
    assert saved == ["2020-oldslug.pdf", "2020-southamptonyos.pdf", "2020-twopages-a.pdf",
                     "2025-an-inspection-of-youth-justice-work-with-children-and-victims-in-wirral-2025-version.pdf",
                     "2025-an-inspection-of-youth-justice-work-with-children-and-victims-in-wirral-2025.html",
                     "manifest.csv"]
    assert (out / "2020-southamptonyos.pdf").read_bytes() == site.pdfs[f"{UPLOADS}/2020/01/Southampton-YOS-inspection-report.pdf"]
    failures = [line for line in err.splitlines() if line.startswith("failed: ")]
    size = len(site.pdfs[f"{UPLOADS}/2020/05/Cut-short-inspection-report.pdf"])
    assert sorted(failures) == sorted([
        f"failed: {A}/hmiprobation/inspections/gone/: HTTP 404 (the page is gone)",
        f"failed: {UPLOADS}/2020/03/Errortown-report.pdf: an HTML page, not a PDF, behind a .pdf link (an error or sign-in page): refused",
        f"failed: {UPLOADS}/2020/05/Cut-short-inspection-report.pdf: download cut short after {size // 3} bytes of {size} (after 5 attempts)",
        f"failed: {UPLOADS}/private/Private-inspection-report.pdf: disallowed by {A}/robots.txt",
    ])
    assert "found 7 reports: 4 new, 0 changed, 0 unchanged, 4 failed" in err
    assert "1 listed inspections skipped: their titles name no youth work" in err  # Adultshire
    assert "the register lists 1 inspections the site did not yield:" in err
    assert f"missing: 2020-yos-2018-nowhere (YOS-2018, 2020-02-01) {A}/hmiprobation/inspections/nowhereyos/" in err
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]  # no half-written file left


def test_manifest_records_the_original_urls_and_the_inspection_page_facts(site, quick, register, tmp_path):
    out = tmp_path / "corpus"
    run_fetch(site, out, register)
    rows = manifest(out)
    southampton = rows[f"{UPLOADS}/2020/01/Southampton-YOS-inspection-report.pdf"]
    assert southampton["file"] == "2020-southamptonyos.pdf"
    assert southampton["landing_url"] == f"{A}/hmiprobation/inspections/southamptonyos/"
    assert southampton["title"] == "An inspection of youth offending services in Southampton"
    assert southampton["published"] == "2020-01-14"
    assert southampton["programme_hint"] == "YOS-2018"
    assert southampton["role"] == "report" and southampton["source"] == "archived-site"
    assert southampton["sha256"] == hashlib.sha256((out / "2020-southamptonyos.pdf").read_bytes()).hexdigest()
    assert southampton["etag"] == _etag(site.pdfs[f"{UPLOADS}/2020/01/Southampton-YOS-inspection-report.pdf"])
    assert southampton["fetched_at"].startswith(time.strftime("%Y"))
    # the redirect: recorded as the page the listing linked
    assert rows[f"{UPLOADS}/2020/03/Redirected-inspection-report.pdf"]["landing_url"] == f"{A}/hmiprobation/inspections/oldslug/"
    # one PDF linked from two pages: one file, one row
    assert [r["file"] for r in rows.values() if "Joint" in r["source_url"]] == ["2020-twopages-a.pdf"]
    wirral = rows[WIRRAL]
    assert wirral["published"] == "2025-06-03" and wirral["programme_hint"] == "YJS-2025" and wirral["role"] == "report"
    assert wirral["title"] == "An inspection of youth justice work with children and victims in Wirral"
    version = rows[f"{B}/wp-content/uploads/2025/06/Wirral-inspection-report.pdf"]
    assert version["role"] == "alternative" and version["landing_url"] == WIRRAL
    assert all("127.0.0.1" not in value for row in rows.values() for value in row.values())  # the mirror is never recorded
    assert len(rows) == 5


def test_requests_are_polite(site, quick, register, tmp_path):
    run_fetch(site, tmp_path / "corpus", register)
    agents = {entry[2].get("User-Agent") for entry in site.log}
    assert agents == {f"youth-justice-inspections/{__version__} (+https://github.com/youth-justice-inspections/"
                      f"youth-justice-inspections; one request a second; research dataset of HM Inspectorate of "
                      f"Probation youth inspection reports)"}
    starts = [entry[0] for entry in site.log]
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert min(gaps) >= DELAY * 0.9, min(gaps)  # one at a time, --delay apart
    # robots.txt first, from each site, before anything else there
    assert site.log[0][1] == f"{A}/robots.txt"
    assert requested(site, f"{B}/robots.txt")[0][0] < requested(site, WIRRAL)[0][0]
    assert not requested(site, "/sites/5/private/")  # disallowed: never requested
    # 429 with Retry-After: 1 -> the retry waited a second
    first, second = requested(site, "/inspections/southamptonyos/")
    assert second[0] - first[0] >= 1.0
    # the 500 was retried and its page read
    assert len(requested(site, "paged=2")) == 2 and requested(site, "/inspections/oldslug/")
    # pagination: paged=0 and paged=1 are the same page; paged=3 is empty and ends the year
    pages_2020 = sorted({parse_qs(urlsplit(e[1]).query)["paged"][0] for e in site.log if "year=2020" in e[1]})
    assert pages_2020 == ["0", "1", "2", "3"]
    # a cut-short download is retried (1 + 4 retries), then given up
    assert len(requested(site, "Cut-short-inspection-report.pdf")) == 5
    # the same PDF from two pages is downloaded once; the adult inspection is not followed
    assert len(requested(site, "Joint-inspection-report.pdf")) == 1
    assert not requested(site, "/inspections/adult/")


def test_second_run_downloads_nothing_unchanged(site, quick, register, tmp_path):
    out = tmp_path / "corpus"
    site.faults = False
    assert run_fetch(site, out, register)[0] == 1  # errortown, gone, private still fail
    files = {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.name != "manifest.csv"}
    before = len(site.log)
    code, err = run_fetch(site, out, register)
    second = site.log[before:]
    reports = [e for e in second if e[1].endswith(".pdf") or e[1] == WIRRAL]
    # every saved report revalidated with its ETag; no inspection page of a saved report re-read
    saved_urls = set(manifest(out))
    assert {e[1] for e in reports if e[1] in saved_urls} == saved_urls
    assert all(e[2].get("If-None-Match") for e in reports if e[1] in saved_urls)
    assert not [e for e in second if "/inspections/southamptonyos/" in e[1] or "/inspections/twopages-a/" in e[1]]
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.name != "manifest.csv"} == files
    assert "found 7 reports: 0 new, 0 changed, 5 unchanged, 3 failed" in err, err
    assert code == 1


def test_a_clean_site_exits_0_and_a_changed_report_replaces_the_old_one(site, quick, register, tmp_path):
    out = tmp_path / "corpus"
    code, err = run_fetch(site, out, register, "--since", "2025")
    assert code == 0, err
    assert "found 1 reports: 1 new, 0 changed, 0 unchanged, 0 failed" in err
    saved = out / "2025-an-inspection-of-youth-justice-work-with-children-and-victims-in-wirral-2025.html"
    old = saved.read_text()
    # the report page changes on the site: the next run replaces the saved copy
    original_document = site.document
    site.document = lambda: original_document().replace("rated as 'Good'", "rated as 'Good' overall")
    code, err = run_fetch(site, out, register, "--since", "2025")
    assert code == 0 and "found 1 reports: 0 new, 1 changed, 0 unchanged" in err, err
    assert saved.read_text() != old and "rated as 'Good' overall" in saved.read_text()
    assert manifest(out)[WIRRAL]["sha256"] == hashlib.sha256(saved.read_bytes()).hexdigest()


def test_a_failed_download_never_replaces_a_good_file(site, quick, register, tmp_path):
    out = tmp_path / "corpus"
    site.faults = False
    run_fetch(site, out, register)
    target = out / "2020-cutshort.pdf"
    good = target.read_bytes()
    row = manifest(out)[f"{UPLOADS}/2020/05/Cut-short-inspection-report.pdf"]
    # the report changes on the site (new ETag) and its download is cut short
    site.pdfs[f"{UPLOADS}/2020/05/Cut-short-inspection-report.pdf"] = pdf_bytes("cut short, revised", 30000)
    site.faults = True
    code, err = run_fetch(site, out, register)
    assert code == 1
    assert f"failed: {UPLOADS}/2020/05/Cut-short-inspection-report.pdf: download cut short" in err
    assert target.read_bytes() == good
    assert manifest(out)[f"{UPLOADS}/2020/05/Cut-short-inspection-report.pdf"] == row


def test_an_interrupted_run_resumes(site, quick, register, tmp_path, monkeypatch):
    from pipeline.acquisition import fetch as fetch_module

    out = tmp_path / "corpus"
    site.faults = False
    real_save_one, calls = fetch_module.Run.save_one, []

    def interrupted(self, item):
        calls.append(item.url)
        if len(calls) == 4:  # after Southampton (saved), Errortown (refused), Redirectshire (saved)
            raise KeyboardInterrupt
        real_save_one(self, item)

    monkeypatch.setattr(fetch_module.Run, "save_one", interrupted)
    code, err = run_fetch(site, out, register, programmes=["YOS-2018"])
    assert code == 1 and "Aborted!" in err  # click's answer to Ctrl-C
    assert sorted(row["file"] for row in manifest(out).values()) == ["2020-oldslug.pdf", "2020-southamptonyos.pdf"]
    monkeypatch.setattr(fetch_module.Run, "save_one", real_save_one)
    code, err = run_fetch(site, out, register, programmes=["YOS-2018"])
    assert "found 6 reports: 2 new, 0 changed, 2 unchanged, 3 failed" in err, err
    assert sorted(row["file"] for row in manifest(out).values()) == [
        "2020-cutshort.pdf", "2020-oldslug.pdf", "2020-southamptonyos.pdf", "2020-twopages-a.pdf"]


def test_an_unexpected_download_error_costs_that_report_only(site, quick, register, tmp_path, monkeypatch):
    # Found by review: a body httpx cannot decode, or a full disk, ended the whole run.
    import httpx

    from pipeline.acquisition import fetch as fetch_module

    out = tmp_path / "corpus"
    site.faults = False
    real_save = fetch_module.save

    def flaky(client, url, target, *args, **kwargs):
        if url.endswith("southamptonyos.pdf") or "Southampton" in url:
            raise httpx.DecodingError("Error -3 while decompressing data: incorrect header check")
        if "Redirect" in url or "oldslug" in url:
            raise OSError(28, "No space left on device")
        return real_save(client, url, target, *args, **kwargs)

    monkeypatch.setattr(fetch_module, "save", flaky)
    code, err = run_fetch(site, out, register, programmes=["YOS-2018"])
    assert code == 1
    failures = [line for line in err.splitlines() if line.startswith("failed: ")]
    assert any("DecodingError: Error -3 while decompressing" in line for line in failures), err
    assert any("No space left on device" in line for line in failures), err
    assert "2020-twopages-a.pdf" in {row["file"] for row in manifest(out).values()}  # the others still saved


def test_dry_run_writes_nothing(site, quick, register, tmp_path):
    out = tmp_path / "corpus"
    code, err = run_fetch(site, out, register, "--dry-run")
    assert not out.exists()
    assert f"would save: {UPLOADS}/2020/01/Southampton-YOS-inspection-report.pdf -> {out / '2020-southamptonyos.pdf'}" in err
    assert not requested(site, ".pdf")  # nothing downloaded
    assert "dry run: found 7 reports, 7 would be downloaded" in err
    assert f"failed: {UPLOADS}/private/Private-inspection-report.pdf: disallowed by {A}/robots.txt" in err
    assert code == 1  # the gone inspection page and the disallowed report


def test_a_listing_without_its_structure_is_an_error_naming_the_selector(site, quick, register, tmp_path):
    out = tmp_path / "corpus"
    site.broken_listing = True
    code, err = run_fetch(site, out, register)
    assert code == 2
    assert "selector `div.result.inspection` found no result on any listing page" in err
    # the other site still delivered
    assert (out / "2025-an-inspection-of-youth-justice-work-with-children-and-victims-in-wirral-2025.html").exists()


def test_an_inspection_page_without_its_facts_box_is_an_error_naming_the_selector(site, quick, register, tmp_path):
    site.broken_inspection = True
    code, err = run_fetch(site, tmp_path / "corpus", register, programmes=["YOS-2018"])
    assert code == 2
    assert f"error: {A}/hmiprobation/inspections/southamptonyos/: page not recognised: selector `div#inspection-meta` found no facts box" in err


def test_usage_errors_exit_2(site, register, tmp_path):
    # Always pointed at the local site and a temporary folder: were a check ever to run
    # after the client starts, the test must still not reach the real site or ./corpus.
    local = ["--mirror", site.mirror, "--out", str(tmp_path / "corpus"), "--register", str(register)]
    result = CliRunner().invoke(cli, ["fetch", "--since", "2021", "--until", "2020", *local])
    assert result.exit_code == 2 and "--since 2021 is after --until 2020" in result.output
    result = CliRunner().invoke(cli, ["fetch", "--programme", "XYZ", *local])
    assert result.exit_code == 2
    assert site.log == [] and not (tmp_path / "corpus").exists()


# -- the parts --------------------------------------------------------------------------

def test_listing_links_and_a_result_without_its_link():
    page = (SITE / "listing.html").read_text().format(
        results=(SITE / "result.html").read_text().format(href="/hmiprobation/inspections/x/", title="An inspection of X"),
        pagination="")
    spec = {"result": "div.result.inspection", "link": "h4 > a"}
    links = listing_links(page, f"{A}/hmiprobation/inspections?year=2020", spec)
    assert [(l.title, l.url) for l in links] == [("An inspection of X", f"{A}/hmiprobation/inspections/x/")]
    with pytest.raises(StructureError, match="div.result.inspection h4 > a"):
        listing_links(page.replace("<h4>", "<h3>").replace("</h4>", "</h3>"), A, spec)


def test_the_report_is_chosen_over_annexes_and_welsh_versions():
    settings = sources_module.load_settings()
    spec = settings.sources["archived-site"].inspection_page
    html = Site().inspection("southamptonyos")
    page = inspection_page(html, f"{A}/hmiprobation/inspections/southamptonyos/", spec, settings.not_the_report)
    assert page.report.url == f"{UPLOADS}/2020/01/Southampton-YOS-inspection-report.pdf"
    assert page.published == "2020-01-14" and page.published_text == "14 January 2020"
    assert sorted(o.url.rsplit("/", 1)[-1] for o in page.others) == ["Southampton-adroddiad-Cymraeg.pdf", "Southampton-data-annex.pdf"]


def test_dates_as_printed():
    assert parse_date("14 January 2020") == "2020-01-14"
    assert parse_date("12th June 2013") == "2013-06-12"
    assert parse_date("Tuesday, 3 June 2025") == "2025-06-03"  # found by review: was None
    assert parse_date("2025-06-03T09:00:00+00:00") == "2025-06-03"
    assert parse_date("03/06/2025") == "2025-06-03"
    assert parse_date("sometime in 2020") is None


def test_downloads_are_checked(tmp_path):
    good, html, cut, junk = (tmp_path / n for n in ("good.pdf", "html.pdf", "cut.pdf", "junk.pdf"))
    good.write_bytes(pdf_bytes("good"))
    html.write_bytes(b"<!DOCTYPE html><html><body>Access denied</body></html>")
    cut.write_bytes(pdf_bytes("cut")[:-40])
    junk.write_bytes(b"\x00\x01binary")
    assert problem_with(good, "pdf", "application/pdf") is None
    assert problem_with(html, "pdf", "text/html").startswith("an HTML page, not a PDF")
    assert problem_with(cut, "pdf", "application/pdf") == "incomplete PDF (no %%EOF at the end)"
    assert problem_with(junk, "pdf", None) == "not a PDF (no %PDF header)"


def test_reports_link_to_the_register_by_url_then_by_service_programme_and_year():
    inspections = [
        {"id": "a", "service_id": "southampton", "programme": "YOS-2018", "published": "2020-01-14",
         "landing_url": "https://x/southamptonyos/", "report_url": None},
        {"id": "b", "service_id": "leeds", "programme": "CCI", "published": "2011-01", "landing_url": None, "report_url": None},
        {"id": "c", "service_id": "kent", "programme": "YJS-2021", "published": "2021-10-05", "landing_url": None, "report_url": None},
        {"id": "d", "service_id": "kent", "programme": "YJS-2021", "published": "2021-03-01", "landing_url": None, "report_url": None},
    ]
    reports = [
        {"id": "r1", "service_id": "southampton", "programme": "YOS-2018", "publication_date": "2019-11",
         "source_url": "https://x/report.pdf", "landing_url": "https://x/southamptonyos/"},
        {"id": "r2", "service_id": "leeds", "programme": "CCI", "publication_date": "2011-01", "source_url": None, "landing_url": None},
        # a 2021 refresh report the register lists as 2018 framework: one family; two in 2021: the month decides
        {"id": "r3", "service_id": "kent", "programme": "YOS-2018", "publication_date": "2021-10", "source_url": None, "landing_url": None},
        {"id": "r4", "service_id": "leeds", "programme": "SQS", "publication_date": "2014-02", "source_url": None, "landing_url": None},
    ]
    assert link_reports(inspections, reports) == {
        "a": ("r1", "landing_url"), "b": ("r2", "service_programme_year"), "c": ("r3", "service_programme_year")}
    # Found by review: a register row no source dated (Cardiff's) could never be linked.
    undated = [{"id": "e", "service_id": "cardiff", "programme": "YOS-2018", "published": None,
                "landing_url": None, "report_url": None}]
    cardiff = [{"id": "r5", "service_id": "cardiff", "programme": "YOS-2018", "publication_date": "2020-07",
                "source_url": None, "landing_url": None}]
    assert link_reports(undated, cardiff) == {"e": ("r5", "service_programme_undated")}
    # ... but not when the service has another row of that programme family, dated or not.
    assert link_reports(undated + [{**undated[0], "id": "f"}], cardiff) == {}


# -- build: the manifest and the register in the database --------------------------------

def test_build_reads_the_manifest_and_links_reports_to_the_register(tmp_path):
    import shutil
    import sqlite3

    from pipeline.build import build

    from .conftest import CORPUS

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "2020-yos-2018-southampton.txt", corpus / "2020-southamptonyos.txt")
    shutil.copy(CORPUS / "2011-cci-leeds.txt", corpus / "2011-cci-leeds.txt")
    (corpus / "2020-southamptonyos-version.txt").write_text(
        (CORPUS / "2020-yos-2018-southampton.txt").read_text(encoding="utf-8") + "\nAnother format.\n", encoding="utf-8")
    landing = f"{A}/hmiprobation/inspections/southamptonyos/"
    with open(corpus / "manifest.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "sha256", "source_url", "landing_url", "title", "published", "programme_hint",
                         "fetched_at", "role"])
        writer.writerow(["2020-southamptonyos.txt", "", f"{UPLOADS}/2020/01/Southampton-YOS-inspection-report.pdf",
                         landing, "", "2020-01-14", "YOS-2018", "", "report"])
        writer.writerow(["2020-southamptonyos-version.txt", "", f"{UPLOADS}/x.pdf", landing, "", "", "", "", "alternative"])
    summary = build([str(corpus)], tmp_path / "inspections.db")
    assert summary.exit_code == 0
    db = sqlite3.connect(tmp_path / "inspections.db")
    assert db.execute("SELECT id, source_url FROM reports ORDER BY id").fetchall() == [
        ("2011-cci-leeds", None), ("2020-yos-2018-southampton", f"{UPLOADS}/2020/01/Southampton-YOS-inspection-report.pdf")]
    assert db.execute("SELECT status, reason FROM ingest_log WHERE path LIKE '%version.txt'").fetchone() == (
        "duplicate", f"another format of the report published at {landing} (manifest role `alternative`): "
                     "loaded once, from the report itself")
    linked = dict(db.execute("SELECT report_id, link_rule FROM inspections WHERE report_id IS NOT NULL").fetchall())
    assert linked == {"2020-yos-2018-southampton": "landing_url", "2011-cci-leeds": "service_programme_year"}
    coverage = db.execute("SELECT status, count(*) FROM coverage GROUP BY status ORDER BY status").fetchall()
    known = db.execute("SELECT count(*) FROM inspections").fetchone()[0]
    assert coverage == [("loaded", 2), ("missing", known - 2)]
    assert db.execute("SELECT service_id FROM inspections WHERE id = '2020-yos-2018-southampton'").fetchone() == ("southampton",)
