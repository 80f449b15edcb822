"""robots.txt, read once per site (RFC 9309): a 4xx answer means no rules; a site whose
robots.txt cannot be read (5xx, unreachable) is not crawled at all."""

from __future__ import annotations

from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser


class Robots:
    def __init__(self, client):
        self.client = client
        self._rules: dict[str, RobotFileParser | str | None] = {}

    @staticmethod
    def location(url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}/robots.txt"

    def _rules_for(self, url: str):
        where = self.location(url)
        if where not in self._rules:
            from .http import FetchError

            try:
                answer = self.client.get(where, robots=False)
            except FetchError as exc:
                self._rules[where] = f"its robots.txt could not be read ({exc.reason})"
            else:
                if answer.status == 200:
                    parser = RobotFileParser(where)
                    parser.parse(answer.text.splitlines())
                    self._rules[where] = parser
                elif 400 <= answer.status < 500:
                    self._rules[where] = None  # no robots.txt: no rules
                else:
                    self._rules[where] = f"its robots.txt answered HTTP {answer.status}"
        return self._rules[where]

    def check(self, url: str) -> None:
        """Raise FetchError when robots.txt forbids `url` (or could not be read)."""
        from .http import FetchError

        rules = self._rules_for(url)
        if isinstance(rules, str):
            raise FetchError(url, f"not fetched: {rules}, so the site's rules are unknown")
        if rules is not None and not rules.can_fetch(self.client.user_agent, url):
            raise FetchError(url, f"disallowed by {self.location(url)}")

    def crawl_delay(self, url: str) -> float:
        rules = self._rules.get(self.location(url))
        if isinstance(rules, RobotFileParser):
            delay = rules.crawl_delay(self.client.user_agent)
            return float(delay) if delay else 0.0
        return 0.0
