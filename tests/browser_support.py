"""Helpers for tests/test_browser.py: find Chromium, run `inspections serve`, save screenshots.

Browser downloads (`playwright install`) are not used: the test drives a system Chromium
(Debian's `chromium` package in CI), found by `find_chromium()`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

DEBIAN_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
# Headless, and quiet on the network: without the background-networking flags Chromium
# keeps trying (and failing) to reach Google's services.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NOT_FOUND = "no Chromium found: install Debian's chromium or set CHROMIUM_PATH=/path/to/chromium"


def find_chromium() -> tuple[str | None, str]:
    """(path, '') of the Chromium to drive, or (None, why not).

    CHROMIUM_PATH, when set, is the only candidate (a path or a name on PATH); otherwise
    /usr/bin/chromium, then chromium, chromium-browser, google-chrome on PATH.
    """
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        found = shutil.which(explicit)
        if found:
            return found, ""
        return None, f"{NOT_FOUND} (CHROMIUM_PATH={explicit} is not an executable)"
    if os.access(DEBIAN_CHROMIUM, os.X_OK):
        return DEBIAN_CHROMIUM, ""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found, ""
    return None, NOT_FOUND


def browser_required() -> bool:
    """CI sets REQUIRE_BROWSER=1 (.ci/run): a missing browser is then a failure, not a skip."""
    return os.environ.get("REQUIRE_BROWSER", "").strip().lower() in ("1", "true", "yes", "on")


def unavailable(reason: str):
    """Skip the browser tests, or fail them when REQUIRE_BROWSER is set."""
    if browser_required():
        pytest.fail(f"{reason} [REQUIRE_BROWSER is set, so the browser test may not be skipped]", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`inspections serve` (the command `make run` uses) in a subprocess, on a free port."""

    def __init__(self, db_path: Path, log_dir: Path, timeout: float = 30.0):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.stdout_path, self.stderr_path = log_dir / "serve.stdout", log_dir / "serve.stderr"
        command = [sys.executable, "-m", "pipeline.cli", "serve", "--db", str(db_path),
                   "--host", "127.0.0.1", "--port", str(self.port)]
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        try:
            self._wait(timeout)
        except BaseException:
            self.stop()
            raise

    def _wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last_error = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"`inspections serve` exited with status {self.process.returncode} "
                            f"before answering; its stderr:\n{self.stderr()}", pytrace=False)
            try:
                with urllib.request.urlopen(f"{self.url}/-/versions.json", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
                last_error = exc
            time.sleep(0.2)
        pytest.fail(f"`inspections serve` did not answer {self.url}/-/versions.json within {timeout:.0f} s "
                    f"({last_error}); its stderr:\n{self.stderr()}", pytrace=False)

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")[-4000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class ConsoleErrors(list):
    """Console messages of type error and uncaught page errors, as readable strings."""

    def attach(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.append(f"pageerror: {error}"))

    def _console(self, message) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        if "favicon" in url or "favicon" in message.text:
            return
        self.append(f"console.error: {message.text} ({url})")


def _screenshot(page, path: Path) -> None:
    try:
        page.screenshot(path=str(path), full_page=True)
    except Exception as exc:  # a crashed page must not hide the test's own failure
        print(f"could not save screenshot {path}: {exc}", file=sys.stderr)


@contextmanager
def step(page, name: str):
    """Save a full-page screenshot of the step as test-artifacts/screenshots/<name>.png when
    the block ends, passed or failed; a failure's message then names the screenshot."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    path.unlink(missing_ok=True)  # never leave a previous run's picture for this step
    try:
        yield path
    except BaseException as exc:
        _screenshot(page, path)
        exc.add_note(f"screenshot of the page at failure: {path.relative_to(ROOT)} (URL {page.url})")
        raise
    _screenshot(page, path)
