"""One self-rewriting progress line on a terminal, for `build` and `fetch`.

Items done of those to do, the rate and an estimate of the time left. Silent when
stderr is not a terminal (CI, logs), where the per-problem lines and the summary say
enough.
"""

from __future__ import annotations

import sys
import time

import click


class Progress:
    def __init__(self, enabled: bool | None = None, label: str = "documents", min_total: int = 1):
        """enabled: None means "when stderr is a terminal"; min_total: a shorter run is
        over before a bar helps."""
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.label, self.min_total = label, min_total
        self.total, self.done, self.started, self.shown = 0, 0, 0.0, False

    def start(self, total: int) -> None:
        self.enabled = self.enabled and total >= self.min_total
        self.total, self.done, self.started = total, 0, time.monotonic()

    def advance(self) -> None:
        if not self.enabled or not self.total:  # cached results are reported before start()
            return
        self.done += 1
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else 0
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        click.echo(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {self.label}, "
                   f"{rate:.1f}/s, {left:.0f} s left ", err=True, nl=False)
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            click.echo("\r\033[K", err=True, nl=False, color=True)  # keep the erase code
            self.shown = False

    def line(self, text: str) -> None:
        """A message line that does not tangle with the bar."""
        self.clear()
        click.echo(text, err=True)
