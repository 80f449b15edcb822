"""The register, models/inspections.csv: every youth inspection the inspectorate is known
to have published, each row with the source of its facts. `fetch` reports the rows the
site did not yield; `build` links loaded reports to the rows (pipeline/linking/inspections.py).
"""

from __future__ import annotations

import csv
from pathlib import Path

REGISTER_FILE = Path(__file__).resolve().parents[2] / "models" / "inspections.csv"
COLUMNS = ["id", "area", "service_id", "programme", "published", "landing_url", "report_url",
           "overall_rating", "source", "notes"]


def load_register(path: Path | str | None = None) -> list[dict]:
    with open(path or REGISTER_FILE, newline="", encoding="utf-8") as handle:
        return [{c: (row.get(c) or None) for c in COLUMNS} for row in csv.DictReader(handle)]


def year_of(date: str | None) -> str | None:
    return date[:4] if date and len(date) >= 4 else None


def missing_from(found_urls: set, register: list[dict], *, programmes=None, since=None, until=None) -> list[dict]:
    """Register rows (within the run's programmes and years) that the site did not yield:
    neither their landing page nor their report URL was found."""
    out = []
    for row in register:
        if programmes and row.get("programme") not in programmes:
            continue
        year = year_of(row.get("published"))
        if year and ((since and int(year) < since) or (until and int(year) > until)):
            continue
        if not ({row.get("landing_url"), row.get("report_url")} & found_urls):
            out.append(row)
    return out
