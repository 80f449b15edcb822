"""Loaded reports linked to the register of inspections (models/inspections.csv,
pipeline/acquisition/register.py): the `inspections` table.

Linking rule (one report per inspection, one inspection per report), in this order:

1. URL: the report's `source_url` (from the manifest) is the inspection's `report_url`
   or `landing_url` (a 2025 report is its own page), or the report's manifest
   `landing_url` is the inspection's `landing_url`;
2. otherwise the same service (`service_id`), the same programme family and the same
   publication year, when exactly one inspection fits (if several fit, the one published
   in the same month, when exactly one is). The 2018 framework and its 2021 refresh count
   as one family: which of the two a register row belongs to is not always public;
3. otherwise a register row no source gave a publication date, when it is the only row
   of that service and programme family left.

A report that fits no inspection stays unlinked (the `coverage` view lists it as
`unregistered`); an inspection no report fits is `missing`.
"""

from __future__ import annotations

from ..acquisition.register import load_register, year_of as _year
from .services import resolve_area

FAMILIES = {"YOS-2018": "standards", "YJS-2021": "standards"}


def resolved(rows: list[dict]) -> list[dict]:
    """Rows with service_id filled in from the area where the CSV leaves it empty
    (resolve_area; an unresolved area stays NULL)."""
    out = []
    for row in rows:
        row = dict(row)
        if not row.get("service_id") and row.get("area"):
            row["service_id"] = resolve_area(row["area"])["service_id"]
        out.append(row)
    return out


def family(programme: str | None) -> str | None:
    return FAMILIES.get(programme, programme)


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
