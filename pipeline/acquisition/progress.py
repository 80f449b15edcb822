"""A one-line progress bar on a terminal (silent otherwise: the failure lines and the
summary say enough in a log)."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, stream=None, label: str = "reports"):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.label, self.total, self.done, self.started, self.shown = label, 0, 0, 0.0, False

    def start(self, total: int) -> None:
        self.total, self.done, self.started = total, 0, time.monotonic()

    def advance(self) -> None:
        if not self.enabled or not self.total:
            return
        self.done += 1
        elapsed = max(time.monotonic() - self.started, 1e-6)
        left = (self.total - self.done) * elapsed / self.done
        filled = int(30 * self.done / self.total)
        self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total} {self.label}, "
                          f"{left:.0f} s left ")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False

    def line(self, text: str) -> None:
        """A message line that does not tangle with the bar."""
        self.clear()
        self.stream.write(text + "\n")
        self.stream.flush()
