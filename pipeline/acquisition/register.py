"""The register, models/inspections.csv: every youth inspection the inspectorate is known
to have published, each row with the source of its facts, and how loaded reports are
linked to it.

Linking rule (one report per inspection, one inspection per report), in this order:

1. URL: the report's `source_url` (from the manifest) is the inspection's `report_url`
   or `landing_url` (a 2025 report is its own page), or the report's manifest
   `landing_url` is the inspection's `landing_url`;
2. otherwise the same service (`service_id`), the same programme family and the same
   publication year, when exactly one inspection fits (if several fit, the one published
   in the same month, when exactly one is). The 2018 framework and its 2021 refresh count
   as one family: which of the two a register row belongs to is not always public.

A report that fits no inspection stays unlinked (the `coverage` view lists it as
`unregistered`); an inspection no report fits is `missing`.
"""

from __future__ import annotations

import csv
from pathlib import Path

REGISTER_FILE = Path(__file__).resolve().parents[2] / "models" / "inspections.csv"
COLUMNS = ["id", "area", "service_id", "programme", "published", "landing_url", "report_url",
           "overall_rating", "source", "notes"]
FAMILIES = {"YOS-2018": "standards", "YJS-2021": "standards"}
RATINGS = {"Outstanding", "Good", "Requires improvement", "Inadequate"}


def load_register(path: Path | str | None = None) -> list[dict]:
    with open(path or REGISTER_FILE, newline="", encoding="utf-8") as handle:
        rows = [{c: (row.get(c) or None) for c in COLUMNS} for row in csv.DictReader(handle)]
    return rows


def resolved(rows: list[dict]) -> list[dict]:
    """Rows with service_id filled in from the area where the CSV leaves it empty
    (pipeline.linking.link.resolve_area; an unresolved area stays NULL)."""
    from ..linking.link import resolve_area

    out = []
    for row in rows:
        row = dict(row)
        if not row.get("service_id") and row.get("area"):
            row["service_id"] = resolve_area(row["area"])["service_id"]
        out.append(row)
    return out


def family(programme: str | None) -> str | None:
    return FAMILIES.get(programme, programme)


def _year(date: str | None) -> str | None:
    return date[:4] if date and len(date) >= 4 else None


def link_reports(inspections: list[dict], reports: list[dict]) -> dict:
    """{inspection id: (report id, how)} by the rule in this module's docstring.
    `reports`: dicts with id, service_id, programme, publication_date, source_url, landing_url."""
    links, used_reports = {}, set()
    by_url = {}
    for row in inspections:
        for column in ("report_url", "landing_url"):
            if row.get(column):
                by_url.setdefault(row[column], row["id"])
    for report in sorted(reports, key=lambda r: r["id"]):
        for url, how in ((report.get("source_url"), "report_url"), (report.get("landing_url"), "landing_url")):
            target = by_url.get(url) if url else None
            if target and target not in links:
                links[target] = (report["id"], how)
                used_reports.add(report["id"])
                break
    for report in sorted(reports, key=lambda r: r["id"]):
        if report["id"] in used_reports or not report.get("service_id"):
            continue
        year = _year(report.get("publication_date"))
        fits = [row for row in inspections if row["id"] not in links
                and row.get("service_id") == report["service_id"]
                and family(row.get("programme")) == family(report.get("programme"))
                and _year(row.get("published")) == year and year]
        if len(fits) > 1:
            month = (report.get("publication_date") or "")[:7]
            fits = [row for row in fits if len(month) == 7 and (row.get("published") or "")[:7] == month]
        if len(fits) == 1:
            links[fits[0]["id"]] = (report["id"], "service_programme_year")
            used_reports.add(report["id"])
    # A register row whose publication date no source gave can still be the report's: when
    # it is the only undated row of that service and programme family, and no dated row of
    # theirs is left for the report.
    for report in sorted(reports, key=lambda r: r["id"]):
        if report["id"] in used_reports or not report.get("service_id"):
            continue
        same = [row for row in inspections if row["id"] not in links
                and row.get("service_id") == report["service_id"]
                and family(row.get("programme")) == family(report.get("programme"))]
        undated = [row for row in same if not _year(row.get("published"))]
        if len(undated) == 1 and len(same) == 1:
            links[undated[0]["id"]] = (report["id"], "service_programme_undated")
            used_reports.add(report["id"])
    return links


def inspection_rows(reports: list[dict], register: list[dict] | None = None) -> list[dict]:
    """The `inspections` table: the register with service ids and the report linked to each."""
    rows = resolved(register if register is not None else load_register())
    links = link_reports(rows, reports)
    for row in rows:
        report_id, how = links.get(row["id"], (None, None))
        row["report_id"], row["link_rule"] = report_id, how
    return rows


def missing_from(found_urls: set, register: list[dict], *, programmes=None, since=None, until=None) -> list[dict]:
    """Register rows (within the run's programmes and years) that the site did not yield:
    neither their landing page nor their report URL was found."""
    out = []
    for row in register:
        if programmes and row.get("programme") not in programmes:
            continue
        year = _year(row.get("published"))
        if year and ((since and int(year) < since) or (until and int(year) > until)):
            continue
        if not ({row.get("landing_url"), row.get("report_url")} & found_urls):
            out.append(row)
    return out
