"""A report saved safely: downloaded to a temporary file beside its target, checked
(Content-Length received in full, a PDF that starts with %PDF and ends with %%EOF, no
HTML error page behind a .pdf link), and only then renamed into place. A failed download
never touches the file already there."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..reading.load import sha256_of
from .http import Client, FetchError

PDF_HEADER_WINDOW = 1024   # the PDF header may follow a little junk (PDF 1.7, 7.5.2)
PDF_TRAILER_WINDOW = 2048  # %%EOF within the last bytes, allowing trailing whitespace


@dataclass
class Saved:
    status: str            # `new`, `changed` or `unchanged`
    sha256: str | None
    etag: str | None
    last_modified: str | None
    bytes: int | None


def _looks_like_html(head: bytes) -> bool:
    folded = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return folded.startswith((b"<!doctype html", b"<html", b"<head", b"<?xml")) or b"<html" in folded[:512]


def problem_with(path: Path, kind: str, content_type: str | None) -> str | None:
    """Why a downloaded file must not be kept, or None when it is good."""
    size = path.stat().st_size
    if size == 0:
        return "empty answer (0 bytes)"
    with open(path, "rb") as handle:
        head = handle.read(PDF_HEADER_WINDOW)
        handle.seek(max(0, size - PDF_TRAILER_WINDOW))
        tail = handle.read()
    if kind == "pdf":
        if b"%PDF-" not in head:
            if _looks_like_html(head) or (content_type or "").startswith("text/html"):
                return "an HTML page, not a PDF, behind a .pdf link (an error or sign-in page): refused"
            return "not a PDF (no %PDF header)"
        if b"%%EOF" not in tail:
            return "incomplete PDF (no %%EOF at the end)"
    elif kind == "html":
        if not _looks_like_html(head):
            return "not an HTML page"
    return None


def save(client: Client, url: str, target: Path, kind: str, *, etag: str | None = None,
         last_modified: str | None = None, sha256: str | None = None, body: bytes | None = None,
         headers=None) -> Saved:
    """Download `url` (or keep `body`, already fetched) into `target` when new or changed.
    A conditional request (If-None-Match / If-Modified-Since) is sent when the file is
    already there, so an unchanged report costs no download (and no reading: `sha256`
    is what the manifest recorded of it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f".{target.name}.part")  # hidden: a build never reads it
    have = target.exists()
    try:
        if body is None:
            conditional = {}
            if have and etag:
                conditional["If-None-Match"] = etag
            if have and last_modified:
                conditional["If-Modified-Since"] = last_modified
            response = client.download(url, part, headers=conditional)
            if response.status == 304:
                if not have:
                    raise FetchError(url, "the site answered 304 Not Modified for a file not saved yet")
                return Saved("unchanged", sha256, etag, last_modified, target.stat().st_size)
            if response.status != 200:
                raise FetchError.for_status(url, response.status)
            headers = response.headers
        else:
            part.write_bytes(body)
        content_type = (headers or {}).get("content-type")
        problem = problem_with(part, kind, content_type)
        if problem:
            raise FetchError(url, problem)
        digest = sha256_of(part)
        new_etag = (headers or {}).get("etag")
        new_modified = (headers or {}).get("last-modified")
        size = part.stat().st_size
        if have and sha256_of(target) == digest:  # the file itself, not the manifest's word for it
            return Saved("unchanged", digest, new_etag or etag, new_modified or last_modified, size)
        os.replace(part, target)
        return Saved("changed" if have else "new", digest, new_etag, new_modified, size)
    finally:
        if part.exists():
            part.unlink()
