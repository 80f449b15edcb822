"""The polite HTTP client: one request at a time, a pause between requests, a User-Agent
naming the project, robots.txt honoured, retries with exponential back-off on 429, 5xx,
timeouts and broken connections (waiting as long as Retry-After asks), redirects followed
(each hop is a request like any other), and `--mirror`.

With a mirror PREFIX every URL U is requested as PREFIX + U (a local test site, or a web
archive such as https://web.archive.org/web/2024/), while everything recorded — the
manifest, the messages, robots.txt decisions — uses U itself.
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import httpx

from .robots import Robots

RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_REDIRECTS = 10


class FetchError(Exception):
    """One URL could not be fetched; `reason` is one plain sentence."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"{url}: {reason}")
        self.url, self.reason = url, reason

    @classmethod
    def for_status(cls, url: str, status: int) -> "FetchError":
        """An answer other than 200 (or 304 to a conditional request)."""
        return cls(url, f"HTTP {status}" + (" (the page is gone)" if status in (404, 410) else ""))


@dataclass
class Response:
    url: str            # the URL asked for (original form, never the mirror's)
    final_url: str      # after redirects, original form
    status: int
    headers: httpx.Headers
    content: bytes = b""
    bytes_written: int = 0

    @property
    def text(self) -> str:
        return self.content.decode(self._charset(), errors="replace")

    def _charset(self) -> str:
        kind = self.headers.get("content-type", "")
        for part in kind.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip('"')
        return "utf-8"


@dataclass
class Client:
    user_agent: str
    delay: float = 1.0
    timeout: float = 60.0
    retries: int = 4
    backoff: float = 2.0
    max_retry_after: float = 300.0
    mirror: str | None = None
    sleep: object = time.sleep
    clock: object = time.monotonic
    transport: object = None
    requests: list = field(default_factory=list)  # (original URL, status or error) of every request sent

    def __post_init__(self):
        self._last_end = None
        self._http = httpx.Client(headers={"User-Agent": self.user_agent}, timeout=self.timeout,
                                  follow_redirects=False, transport=self.transport)
        self.robots = Robots(self)

    def close(self) -> None:
        self._http.close()

    # -- URLs -----------------------------------------------------------------------
    def wire(self, url: str) -> str:
        return self.mirror + url if self.mirror else url

    def original(self, wire_url: str) -> str:
        if self.mirror and wire_url.startswith(self.mirror):
            return wire_url[len(self.mirror):]
        return wire_url

    # -- politeness -----------------------------------------------------------------
    def _pause(self, delay: float) -> None:
        """Wait until `delay` seconds have passed since the previous request ended."""
        if self._last_end is not None:
            wait = self._last_end + delay - self.clock()
            if wait > 0:
                self.sleep(wait)

    def _retry_wait(self, attempt: int, retry_after: str | None) -> float:
        wait = self.backoff * (2 ** attempt)
        if retry_after:
            asked = _parse_retry_after(retry_after)
            if asked is not None:
                wait = max(wait, asked)
        return wait

    # -- requests -------------------------------------------------------------------
    def get(self, url: str, *, headers: dict | None = None, robots: bool = True) -> Response:
        """A page (or a 304/4xx answer): the body read into memory."""
        return self._request(url, headers or {}, sink=None, robots=robots)

    def download(self, url: str, path: Path, *, headers: dict | None = None) -> Response:
        """Stream a 200 answer's body to `path` (a temporary file the caller checks and renames)."""
        return self._request(url, headers or {}, sink=Path(path), robots=True)

    def _request(self, url: str, headers: dict, sink: Path | None, robots: bool) -> Response:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            if robots:
                self.robots.check(current)
            response = self._with_retries(current, headers, sink, robots)
            if response.status in (301, 302, 303, 307, 308) and "location" in response.headers:
                current = self.original(urljoin(self.wire(current), response.headers["location"]))
                continue
            response.url, response.final_url = url, current
            return response
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")

    def _with_retries(self, url: str, headers: dict, sink: Path | None, robots: bool) -> Response:
        delay = max(self.delay, self.robots.crawl_delay(url) if robots else 0.0)
        reason = "no attempt made"
        for attempt in range(self.retries + 1):
            self._pause(delay)
            retry_after = None
            try:
                with self._http.stream("GET", self.wire(url), headers=headers) as answer:
                    if answer.status_code in RETRY_STATUSES:
                        reason = f"HTTP {answer.status_code} {answer.reason_phrase}".strip()
                        retry_after = answer.headers.get("retry-after")
                        self.requests.append((url, answer.status_code))
                    else:
                        result = self._receive(url, answer, sink)
                        self.requests.append((url, answer.status_code))
                        return result
            except httpx.TimeoutException:
                reason = f"timed out after {self.timeout:g} s"
                self.requests.append((url, "timeout"))
            except _Incomplete as exc:
                reason = str(exc)
                self.requests.append((url, "incomplete"))
            except httpx.TransportError as exc:
                reason = _transport_reason(exc)
                self.requests.append((url, "error"))
            finally:
                self._last_end = self.clock()
            if attempt == self.retries:
                break
            wait = self._retry_wait(attempt, retry_after)
            if wait > self.max_retry_after:
                raise FetchError(url, f"{reason}; the site asked to wait {wait:.0f} s, more than the "
                                      f"{self.max_retry_after:.0f} s allowed")
            self.sleep(wait)
        raise FetchError(url, f"{reason} (after {self.retries + 1} attempts)")

    def _receive(self, url: str, answer: httpx.Response, sink: Path | None) -> Response:
        response = Response(url, url, answer.status_code, answer.headers)
        if sink is None or answer.status_code != 200:
            response.content = answer.read()
            return response
        expected = answer.headers.get("content-length")
        written = 0
        with open(sink, "wb") as handle:
            try:
                for chunk in answer.iter_bytes():  # as received: a cut-short body keeps what arrived
                    handle.write(chunk)
                    written += len(chunk)
            except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
                raise _Incomplete(f"download cut short after {written} bytes"
                                  + (f" of {expected}" if expected else "")) from exc
        encoded = answer.headers.get("content-encoding", "identity").lower() not in ("", "identity")
        # Content-Length counts the bytes on the wire: comparable only when nothing was decoded.
        if not encoded and expected is not None and expected.isdigit() and int(expected) != written:
            raise _Incomplete(f"download cut short: {written} of {expected} bytes received")
        response.bytes_written = written
        return response


class _Incomplete(Exception):
    pass


def _transport_reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return f"connection failed ({text})"


def _parse_retry_after(value: str) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
