"""models/sources.yml as objects: where each site lists its reports and how to read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import __version__

SOURCES_FILE = Path(__file__).resolve().parents[2] / "models" / "sources.yml"


@dataclass
class ListingType:
    type: str
    programmes: list
    years: tuple
    verified: bool
    evidence: str = ""


@dataclass
class Source:
    key: str
    name: str
    kind: str  # `listing` (paginated listing -> inspection pages -> PDFs) or `pages` (report pages)
    base: str  # robots.txt is read from each URL's own host (acquisition/robots.py)
    programmes: list = field(default_factory=list)
    listing_url: str | None = None
    first_page: int = 0
    max_pages: int = 50
    listing: dict | None = None
    inspection_page: dict | None = None
    document_page: dict | None = None
    types: list = field(default_factory=list)
    programme_hints: list = field(default_factory=list)
    pages_from_register: bool = False

    def all_programmes(self) -> set:
        found = set(self.programmes)
        for listing_type in self.types:
            found.update(listing_type.programmes)
        return found

    def programme_hint(self, title: str | None) -> str | None:
        """The programme a title suggests: a hint recorded in the manifest, never a decision."""
        folded = " ".join((title or "").split()).casefold()
        for rule in self.programme_hints:
            if rule["title"].casefold() in folded:
                return rule["programme"]
        return None


@dataclass
class Settings:
    user_agent: str
    delay: float
    timeout: float
    retries: int
    backoff: float
    max_retry_after: float
    not_the_report: list
    sources: dict


def load_settings(path: Path | str | None = None) -> Settings:
    data = yaml.safe_load(Path(path or SOURCES_FILE).read_text(encoding="utf-8"))
    sources = {}
    for key, spec in data["sources"].items():
        if spec["kind"] == "pages" and not spec.get("pages_from_register"):
            # The only way pages are found until a listing of the current site is verified.
            raise ValueError(f"{path or SOURCES_FILE}: source {key!r} has kind `pages` but no "
                             "`pages_from_register: true`: it would find nothing")
        types = [ListingType(t["type"], list(t["programmes"]), tuple(t["years"]), t.get("verified") is True,
                             t.get("evidence", "")) for t in spec.get("types", [])]
        sources[key] = Source(
            key=key, name=spec["name"], kind=spec["kind"], base=spec["base"],
            programmes=list(spec.get("programmes", [])),
            listing_url=spec.get("listing_url"), first_page=spec.get("first_page", 0),
            max_pages=spec.get("max_pages", 50), listing=spec.get("listing"),
            inspection_page=spec.get("inspection_page"), document_page=spec.get("document_page"),
            types=types, programme_hints=spec.get("programme_hints", []),
            pages_from_register=bool(spec.get("pages_from_register")))
    return Settings(
        user_agent=data["user_agent"].format(version=__version__, home=data["home"]),
        delay=float(data["delay_seconds"]), timeout=float(data["timeout_seconds"]),
        retries=int(data["retries"]), backoff=float(data["backoff_seconds"]),
        max_retry_after=float(data["max_retry_after_seconds"]),
        not_the_report=[w.casefold() for w in data.get("not_the_report", [])], sources=sources)
