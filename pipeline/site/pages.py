"""What the report, service and compare pages show, read from the database.

Each `*_context` function takes a sqlite3 connection (Datasette runs it in its database
thread through `execute_fn`, so a page's dozen small queries cost one trip) and returns
plain dicts and lists for the templates in templates/. Nothing here writes.

Pages are laid out by what a report's rows hold, never by its programme's name: ratings
and key questions (the 2018, 2021 and 2025 frameworks) are grouped into domains by the
first component of their code, with domain names and case samples from
models/frameworks.yml where the programme is described there; CCI scores by their codes;
findings by the heading they sit under. A new framework whose rows use the same tables
renders without a change here.
"""

from __future__ import annotations

import bisect
import re
import sqlite3
import urllib.parse
from functools import lru_cache

from markupsafe import Markup, escape

from ..checks.standards import band_of
from ..storage.views import HEADLINE_CODES
from . import charts

BANDS = ["MINIMUM", "MODERATE", "SUBSTANTIAL", "DRASTIC"]
SAMPLE_LABELS = {
    "cases": "cases inspected",
    "court": "court disposals",
    "out_of_court": "out-of-court disposals",
    "children_questionnaires": "children's questionnaires",
    "victim_questionnaires": "victims' questionnaires",
}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
CODE = re.compile(r"^\d+(?:\.\d+)*$")
CHECKED_CODE = re.compile(r"^(\d+(?:\.\d+)+):")  # a validation's `expected` naming one standard


@lru_cache(maxsize=1)
def _models() -> tuple[dict, dict]:
    from ..models import load_model

    frameworks = load_model("frameworks.yml").get("frameworks", {})
    programmes = {name: spec.get("name") for name, spec in load_model("programmes.yml").get("programmes", {}).items()}
    return frameworks, programmes


def framework(programme: str | None) -> dict:
    return _models()[0].get(programme or "", {}) or {}


def programme_name(programme: str | None) -> str | None:
    frameworks, names = _models()
    return names.get(programme or "") or (frameworks.get(programme or "") or {}).get("name")


# --- small helpers -----------------------------------------------------------------

def rows(conn: sqlite3.Connection, sql: str, *params) -> list[dict]:
    """Rows as dicts; `params` are positional values, or one dict for `:name` parameters."""
    cursor = conn.execute(sql, params[0] if len(params) == 1 and isinstance(params[0], dict) else params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def one(conn: sqlite3.Connection, sql: str, *params) -> dict | None:
    found = rows(conn, sql, *params)
    return found[0] if found else None


def code_key(code: str | None) -> tuple:
    """Sort `1.10` after `1.9` and `section-2` after `section-1`."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"[.\-]", code or ""))


@lru_cache(maxsize=4096)
def human_date(value: str | None) -> str | None:
    """`2020-01` -> `January 2020`, `2013-06-12` -> `12 June 2013`, as precise as stored."""
    if not value:
        return None
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value)
    if not match:
        return value
    year, month, day = match.groups()
    if not month or not 1 <= int(month) <= 12:
        return year
    text = f"{MONTHS[int(month) - 1]} {year}"
    return f"{int(day)} {text}" if day else text


@lru_cache(maxsize=8192)
def number(value) -> str:
    """A stored number as printed: 55.0 -> `55`, 36.2 -> `36.2`, 1240103.0 -> `1,240,103`."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.3f}".rstrip("0").rstrip(".")


@lru_cache(maxsize=8192)
def interval(low, high, low_open=False, high_open=False) -> str:
    """A 0-1 interval as the quantifier table writes it: `[0.65, 0.75)`, or `0.9` when exact."""
    if low is None or high is None:
        return ""
    if low == high and not low_open and not high_open:
        return number(round(low, 3))
    return f"{'(' if low_open else '['}{number(round(low, 3))}, {number(round(high, 3))}{')' if high_open else ']'}"


def rating_class(rating: str | None) -> str:
    return "rating-" + re.sub(r"[^a-z]+", "-", (rating or "none").lower()).strip("-")


def band_class(band: str | None) -> str:
    return "band-" + (band or "none").lower()


def highlight(text: str, spans: list[tuple[int, int, str]]) -> Markup:
    """The text, escaped, with each (start, end, title) span marked."""
    out, at = [], 0
    for start, end, title in sorted(spans):
        if start < at or end > len(text) or start >= end:
            continue  # overlapping or out of range: leave the text as it is
        out += [escape(text[at:start]), Markup('<mark title="{}">{}</mark>').format(title, text[start:end])]
        at = end
    out.append(escape(text[at:]))
    return Markup("").join(out)


@lru_cache(maxsize=8192)
def _tilde(key: str) -> str:
    from datasette.utils import tilde_encode

    return tilde_encode(key)


class Links:
    """URLs of the site's pages, following Datasette's base_url."""

    def __init__(self, urls, database: str):
        self.urls, self.database = urls, database
        self._tables: dict = {}

    def row(self, table: str, key) -> str:
        return f"{self.table_path(table)}/{_tilde(str(key))}"

    def table_path(self, table: str) -> str:
        if table not in self._tables:  # a page links to the same few tables many times
            self._tables[table] = str(self.urls.table(self.database, table))
        return self._tables[table]

    def report(self, report_id: str) -> str:
        return self.row("reports", report_id)

    def service(self, service_id: str) -> str:
        return self.row("services", service_id)

    def table(self, table: str, **params) -> str:
        base = self.table_path(table)
        return base + ("?" + urllib.parse.urlencode(params) if params else "")

    def query(self, name: str, format: str | None = None, **params) -> str:
        base = str(self.urls.query(self.database, name, format=format))
        return base + ("?" + urllib.parse.urlencode(params) if params else "")

    def compare(self, **params) -> str:
        base = f"{self.urls.database(self.database)}/-/compare"
        return base + ("?" + urllib.parse.urlencode(params) if params else "")


def evidence_url(source_url: str | None, page=None, anchor=None) -> str | None:
    """The place in the published report a value was read from: `<url>#page=N` for a
    PDF's page, `<url>#<anchor>` for a web page's section; None without a public http(s)
    URL or a place."""
    if not source_url or not source_url.lower().startswith(("https://", "http://")):
        return None
    if anchor:
        return f"{source_url}#{urllib.parse.quote(anchor)}"
    if isinstance(page, int):
        return f"{source_url}#page={page}"
    return None


class Evidence:
    """Where a value of one report was read: its quoted text, the page of the published
    report (when the report has a public http(s) URL and the value a page), and the
    paragraph of the site's full text (`passages`) holding its line."""

    def __init__(self, conn, report: dict, links: Links):
        self.source_url = report.get("source_url")
        self.links = links
        spans = rows(conn, "SELECT id, line_start, line_end FROM passages WHERE report_id = ? "
                           "AND line_start IS NOT NULL ORDER BY line_start", report["id"])
        self.starts = [p["line_start"] for p in spans]
        self.spans = spans

    def page_url(self, page) -> str | None:
        return evidence_url(self.source_url, page=page)

    def anchor_url(self, anchor) -> str | None:
        """A web page's section (the id of the heading above the value), for reports
        published as web pages, which have no page numbers."""
        return evidence_url(self.source_url, anchor=anchor)

    def passage_url(self, line) -> str | None:
        if not isinstance(line, int):
            return None
        i = bisect.bisect_right(self.starts, line) - 1
        if i >= 0 and self.spans[i]["line_end"] is not None and line <= self.spans[i]["line_end"]:
            return self.links.row("passages", self.spans[i]["id"])
        return None

    def __call__(self, row: dict | None) -> dict | None:
        if not row or not (row.get("evidence") or row.get("page") or row.get("line") or row.get("anchor")):
            return None
        return {"text": row.get("evidence"), "page": row.get("page"), "line": row.get("line"),
                "pdf": self.page_url(row.get("page")), "passage": self.passage_url(row.get("line")),
                "web": None if row.get("page") else self.anchor_url(row.get("anchor"))}


# --- the report page ----------------------------------------------------------------

def report_context(conn, report_id: str, links: Links) -> dict | None:
    report = one(conn, "SELECT * FROM reports WHERE id = ?", report_id)
    if report is None:
        return None
    ev = Evidence(conn, report, links)
    programme = report.get("programme")
    validations = rows(conn, "SELECT * FROM validations WHERE report_id = ? ORDER BY passed, rule, id", report_id)
    context = {
        "report": report,
        "programme_name": programme_name(programme),
        "source_url": ev.source_url,
        "service": _report_service(conn, report, links),
        "facts": _report_facts(conn, report, ev),
        "overall": _overall(conn, report, validations, ev),
        "standards": _standards(conn, report, ev, validations),
        "cci": _cci(conn, report, ev),
        "findings": _findings(conn, report, ev),
        "recommendations": [{**r, "ev": ev(r)} for r in rows(
            conn, "SELECT * FROM recommendations WHERE report_id = ? ORDER BY number, id", report_id)],
        "samples": [{**s, "label": SAMPLE_LABELS.get(s["kind"], (s["kind"] or "").replace("_", " ")), "ev": ev(s)}
                    for s in rows(conn, "SELECT * FROM samples WHERE report_id = ? ORDER BY id", report_id)],
        "context_facts": [{**c, "label": re.sub(r"(\d+)_(\d+)", "\\1–\\2", c["measure"] or "").replace("_", " "), "ev": ev(c),
                           "value_text": number(c["value"]), "comparator_text": number(c["comparator_value"])}
                          for c in rows(conn, "SELECT * FROM context_facts WHERE report_id = ? ORDER BY id", report_id)],
        "failed": [v for v in validations if not v["passed"]],
        "validations": validations,
        "cleaning": rows(conn, "SELECT * FROM cleaning WHERE report_id = ? ORDER BY rule", report_id),
        "links": {"passages": links.table("passages", report_id=report_id),
                  "validations": links.table("validations", report_id=report_id),
                  "json": links.row("reports", report_id) + ".json"},
    }
    # Findings are the measure of SQS/FJI letters; elsewhere they are the prose behind the numbers.
    context["findings_open"] = not (context["standards"] or context["cci"])
    return context


def _report_service(conn, report: dict, links: Links) -> dict | None:
    service_id = report.get("service_id")
    if not service_id:
        return None
    service = one(conn, "SELECT id, name FROM services WHERE id = ?", service_id) or {"id": service_id, "name": service_id}
    service["url"] = links.service(service_id)
    service["lineage"] = _lineage(conn, service_id, links)
    return service


def _lineage(conn, service_id: str, links: Links) -> list[dict]:
    """The service's direct predecessors and successors, with year, kind and evidence."""
    found = []
    for row in rows(conn, """SELECT 'predecessor' AS relation, l.predecessor_id AS other_id, s.name AS other_name,
                                    l.year, l.kind, l.evidence
                             FROM service_lineage l LEFT JOIN services s ON s.id = l.predecessor_id
                             WHERE l.successor_id = ?
                             UNION ALL
                             SELECT 'successor', l.successor_id, s.name, l.year, l.kind, l.evidence
                             FROM service_lineage l LEFT JOIN services s ON s.id = l.successor_id
                             WHERE l.predecessor_id = ?
                             ORDER BY 1, year, 2""", service_id, service_id):
        row["url"] = links.service(row["other_id"])
        found.append(row)
    return found


def _report_facts(conn, report: dict, ev: Evidence) -> list[dict]:
    """The report's metadata, each with where it was read (metadata_evidence)."""
    read = {r["field"]: r for r in rows(conn, "SELECT * FROM metadata_evidence WHERE report_id = ?", report["id"])}
    fieldwork = " to ".join(d for d in (human_date(report.get("fieldwork_start")),
                                        human_date(report.get("fieldwork_end"))) if d)
    if report.get("fieldwork_start") and report.get("fieldwork_start") == report.get("fieldwork_end"):
        fieldwork = human_date(report["fieldwork_start"])
    facts = [
        ("Area", report.get("area"), ev(read.get("area"))),
        ("Published", human_date(report.get("publication_date")), ev(read.get("publication_date"))),
        ("Fieldwork", fieldwork, ev(read.get("fieldwork_start") or read.get("fieldwork_end"))),
        ("Lead inspector", report.get("lead_inspector"), ev(read.get("lead_inspector"))),
        ("ISBN", report.get("isbn"), ev(read.get("isbn"))),
        ("Previous inspection", report.get("previous_inspection_year"), ev(read.get("previous_inspection_year"))),
    ]
    return [{"label": label, "value": value, "ev": where} for label, value, where in facts if value not in (None, "")]


def _overall(conn, report: dict, validations: list[dict], ev: Evidence) -> dict | None:
    if not report.get("overall_rating"):
        return None
    checks = [v for v in validations if v["rule"].startswith("overall_rating")]
    read = one(conn, "SELECT * FROM metadata_evidence WHERE report_id = ? AND field = 'overall_rating'", report["id"])
    return {"rating": report["overall_rating"], "class": rating_class(report["overall_rating"]), "checks": checks,
            "ev": ev(read)}


def _standards(conn, report: dict, ev: Evidence, validations: list[dict]) -> dict | None:
    """Ratings and key questions as domains -> standards -> key questions, by code."""
    report_id = report["id"]
    ratings = rows(conn, "SELECT * FROM ratings WHERE report_id = ?", report_id)
    questions = rows(conn, "SELECT * FROM key_questions WHERE report_id = ?", report_id)
    if not ratings and not questions:
        return None
    spec = framework(report.get("programme"))
    bands = spec.get("key_question_bands") or []
    spec_domains = {str(d.get("number")): d for d in spec.get("domains", [])}
    spec_standards = {str(s.get("code")): s for d in spec.get("domains", []) for s in d.get("standards", [])}
    labels = {r["code"]: r["label"] for r in rows(
        conn, "SELECT code, label FROM theme_crosswalk WHERE programme = ?", report.get("programme"))}
    samples = {}
    for s in rows(conn, "SELECT * FROM samples WHERE report_id = ? ORDER BY id", report_id):
        samples.setdefault(s["kind"], s)
    checks: dict[str, list] = {}
    for v in validations:
        match = CHECKED_CODE.match(v.get("expected") or "")
        if match and v["rule"].startswith("standard_rating"):
            checks.setdefault(match.group(1), []).append(v)

    standards: dict[str, dict] = {}

    def standard(code: str) -> dict:
        if code not in standards:
            named = spec_standards.get(code, {})
            standards[code] = {"code": code, "name": named.get("name") or labels.get(code), "rating": None,
                               "class": rating_class(None), "ev": None, "key_questions": [],
                               "checks": checks.get(code, [])}
        return standards[code]

    for r in ratings:
        entry = standard(r["code"])
        entry.update(name=r["standard"] or entry["name"], rating=r["rating"], score=r["score"],
                     theme=r["theme"], ev=ev(r), **{"class": rating_class(r["rating"])})
    for q in questions:
        parent = ".".join((q["code"] or "").split(".")[:2])
        band = band_of(q["percent_yes"], bands)
        standard(parent)["key_questions"].append({
            **q, "band": band, "class": rating_class(band), "ev": ev(q),
            "width": max(0.0, min(100.0, q["percent_yes"])) if q["percent_yes"] is not None else None})

    domains: dict[str, dict] = {}
    for code in sorted(standards, key=code_key):
        entry = standards[code]
        entry["key_questions"].sort(key=lambda q: code_key(q["code"]))
        number_ = code.split(".")[0]
        if number_ not in domains:
            named = spec_domains.get(number_, {})
            sample = samples.get(named.get("sample")) if named.get("sample") else None
            domains[number_] = {
                "number": number_,
                "name": named.get("name") or labels.get(number_) or f"Domain {number_}",
                "sample": {**sample, "label": SAMPLE_LABELS.get(sample["kind"], sample["kind"]), "ev": ev(sample)}
                if sample else None,
                "standards": []}
        domains[number_]["standards"].append(entry)
    legend = [{"rating": b["rating"], "class": rating_class(b["rating"]), "min": b["min"]} for b in bands]
    return {"domains": list(domains.values()), "bands": legend,
            "has_questions": bool(questions), "ratings": len(ratings), "questions": len(questions)}


def _cci(conn, report: dict, ev: Evidence) -> dict | None:
    """CCI scores: the headline scores against the programme's range, then each section's
    criteria followed by the section's overall score, as the report lays them out."""
    scores = rows(conn, "SELECT * FROM scores WHERE report_id = ? ORDER BY id", report["id"])
    if not scores:
        return None
    headlines, criteria, sections, other = [], {}, {}, []
    for s in scores:
        entry = {**s, "ev": ev(s), "class": band_class(s["band"]),
                 "width": max(0.0, min(100.0, s["percent"])) if s["percent"] is not None else None}
        if s["code"] in HEADLINE_CODES:
            entry["scale"] = charts.headline_scale(s["percent"], s["programme_lowest"], s["programme_average"],
                                                   s["programme_highest"], s["label"] or s["code"])
            headlines.append(entry)
        elif (s["code"] or "").startswith("section-"):
            sections[s["code"].split("-", 1)[1]] = entry
        elif CODE.match(s["code"] or ""):
            criteria.setdefault(s["code"].split(".")[0], []).append(entry)
        else:
            other.append(entry)
    headlines.sort(key=lambda h: HEADLINE_CODES.index(h["code"]))
    groups = []
    for number_ in sorted(set(criteria) | set(sections), key=code_key):
        groups.append({"number": number_, "overall": sections.get(number_),
                       "criteria": sorted(criteria.get(number_, []), key=lambda c: code_key(c["code"]))})
    return {"headlines": headlines, "sections": groups, "other": other,
            "bands": [{"band": b, "class": band_class(b)} for b in BANDS]}


def _findings(conn, report: dict, ev: Evidence) -> dict | None:
    """Findings grouped by the heading they sit under, each quantity marked in its text."""
    findings = rows(conn, "SELECT * FROM findings WHERE report_id = ? ORDER BY id", report["id"])
    if not findings:
        return None
    quantities: dict[int, list] = {}
    for q in rows(conn, "SELECT * FROM finding_quantities WHERE report_id = ? ORDER BY id", report["id"]):
        q["interval"] = interval(q["proportion_low"], q["proportion_high"], q["low_open"], q["high_open"])
        quantities.setdefault(q["finding_id"], []).append(q)
    groups: dict[tuple, dict] = {}
    for f in findings:
        found = quantities.get(f["id"], [])
        spans = [(q["start"], q["end"], f"{q['interval']} ({q['rule']})") for q in found
                 if isinstance(q["start"], int) and isinstance(q["end"], int)]
        heading = f["heading"] or f["section"] or "Findings"
        # Numbered sections group under their domain (the first component): an SQS domain's
        # paragraphs 1.1-1.4 share one heading, while 2.1 and 3.1 (both `Assessment`) do not.
        domain = f["section"].split(".")[0] if CODE.match(f["section"] or "") else None
        group = groups.setdefault((domain, heading), {"heading": heading, "domain": domain, "sections": set(),
                                                      "findings": [], "quantified": 0})
        group["sections"].add(f["section"])
        where = ev(f)
        if where and where["text"] == f["text"]:
            where["shown"] = True  # the finding's text is the quote: say only where it is
        group["findings"].append({**f, "html": highlight(f["text"] or "", spans), "quantities": found, "ev": where})
        group["quantified"] += bool(found)
    for group in groups.values():
        sections = group.pop("sections")
        if group["domain"] and len(sections) == 1 and next(iter(sections)) != group["heading"]:
            group["label"] = f"{next(iter(sections))} {group['heading']}"
        elif group["domain"]:
            group["label"] = f"{group['domain']}. {group['heading']}"
        else:
            group["label"] = group["heading"]
    return {"groups": list(groups.values()), "count": len(findings),
            "quantified": sum(g["quantified"] for g in groups.values())}


# --- the service page ---------------------------------------------------------------

def measure_text(m: dict) -> str:
    """The harmonised measures of one report on one theme, in words ('' when it has none)."""
    parts = []
    if m.get("cci_percent") is not None:
        parts.append(f"CCI {number(m['cci_percent'])}% ({m.get('cci_basis') or 'score'})")
    if m.get("kq_percent") is not None:
        parts.append(f"% yes {number(m['kq_percent'])} (lowest {number(m.get('kq_min'))}, "
                     f"{m.get('kq_n')} question{'s' if m.get('kq_n') != 1 else ''})")
    if m.get("ratings"):
        parts.append(f"rated {m['ratings']}")
    if m.get("findings_low") is not None:
        parts.append(f"findings {interval(m['findings_low'], m['findings_high'])} "
                     f"(mean of {m.get('findings_n')} stated)")
    return "; ".join(parts)


def chart_points(m: dict, x: float, label: str, colour: str | None = None) -> list[dict]:
    """Chart marks of one report's measures on one theme: colour by `colour` (a service on
    the compare page) or else by the kind of measure (the service page)."""
    points = []
    if m.get("cci_percent") is not None:
        points.append({"x": x, "y": m["cci_percent"], "shape": "circle",
                       "colour": colour or charts.KIND_COLOURS["circle"],
                       "label": f"{label}: CCI {number(m['cci_percent'])}%"})
    if m.get("kq_percent") is not None:
        points.append({"x": x, "y": m["kq_percent"], "shape": "square",
                       "colour": colour or charts.KIND_COLOURS["square"],
                       "label": f"{label}: mean % yes {number(m['kq_percent'])}"})
    if m.get("findings_low") is not None and m.get("findings_high") is not None:
        points.append({"x": x, "low": 100 * m["findings_low"], "high": 100 * m["findings_high"], "shape": "range",
                       "colour": colour or charts.KIND_COLOURS["range"],
                       "label": f"{label}: findings {interval(m['findings_low'], m['findings_high'])}"})
    return points


@lru_cache(maxsize=4096)
def decimal_year(date: str | None, year=None) -> float | None:
    match = re.match(r"(\d{4})(?:-(\d{2}))?", date or "")
    if match:
        month = int(match.group(2) or 7)
        return int(match.group(1)) + (month - 0.5) / 12
    return year + 0.5 if isinstance(year, int) else None


def caveats(conn, themes: list[str], programmes: list[str]) -> dict[str, list[dict]]:
    """Per theme: each programme's codes on it, how comparable they are and why (theme_crosswalk)."""
    if not themes or not programmes:
        return {}
    marks = ",".join("?" * len(themes))
    pmarks = ",".join("?" * len(programmes))
    found: dict[str, dict[str, dict]] = {}
    for row in rows(conn, f"""SELECT theme, programme, code, label, comparability, note FROM theme_crosswalk
                              WHERE theme IN ({marks}) AND programme IN ({pmarks})""", *themes, *programmes):
        entry = found.setdefault(row["theme"], {}).setdefault(row["programme"], {
            "programme": row["programme"], "levels": set(), "codes": []})
        entry["levels"].add(row["comparability"])
        entry["codes"].append(row)
    order = {"close": 0, "partial": 1, "weak": 2, "none": 3}
    result = {}
    for theme, by_programme in found.items():
        result[theme] = []
        for programme in programmes:
            if programme in by_programme:
                entry = by_programme[programme]
                entry["codes"].sort(key=lambda r: code_key(r["code"]))
                entry["levels"] = sorted(entry["levels"], key=lambda lv: order.get(lv, 9))
                result[theme].append(entry)
    return result


def service_context(conn, service_id: str, links: Links) -> dict | None:
    service = one(conn, "SELECT * FROM services WHERE id = ?", service_id)
    if service is None:
        return None
    if service.get("part_of"):
        part = one(conn, "SELECT id, name FROM services WHERE id = ?", service["part_of"])
        service["part_of_service"] = {**(part or {"id": service["part_of"], "name": service["part_of"]}),
                                      "url": links.service(service["part_of"])}
    lineage = _lineage(conn, service_id, links)
    ancestry = rows(conn, """SELECT a.ancestor_id, s.name, a.depth, a.lineage_path, a.change_year, a.change_kind
                             FROM service_ancestry a LEFT JOIN services s ON s.id = a.ancestor_id
                             WHERE a.service_id = ? AND a.depth > 1 ORDER BY a.depth, a.ancestor_id""", service_id)
    for a in ancestry:
        a["url"] = links.service(a["ancestor_id"])
    for other in lineage:
        other["reports"] = one(conn, "SELECT count(*) AS n FROM reports WHERE service_id = ?", other["other_id"])["n"]

    timeline = rows(conn, """SELECT t.report_id, r.title, t.date, t.year, t.programme, t.relation, t.lineage_path,
                                    t.lineage_year, t.area, t.overall_rating, t.report_service_id, t.theme,
                                    t.cci_percent, t.cci_basis, t.findings_low, t.findings_high, t.findings_n,
                                    t.kq_percent, t.kq_min, t.kq_n, t.ratings
                             FROM service_timeline t JOIN reports r ON r.id = t.report_id
                             WHERE t.service_id = ? ORDER BY t.date, t.report_id, t.theme""", service_id)
    inspections: dict[str, dict] = {}
    by_theme: dict[str, list] = {}
    for row in timeline:  # one row per report and theme (service_timeline keeps one lineage path)
        inspection = inspections.get(row["report_id"])
        if inspection is None:
            inspection = inspections[row["report_id"]] = {
                "report_id": row["report_id"], "title": row["title"], "url": links.report(row["report_id"]),
                "date": row["date"], "when": human_date(row["date"]), "year": row["year"],
                "x": decimal_year(row["date"], row["year"]),
                "programme": row["programme"], "relation": row["relation"], "lineage_path": row["lineage_path"],
                "lineage_year": row["lineage_year"], "area": row["area"], "overall_rating": row["overall_rating"],
                "rating_class": rating_class(row["overall_rating"]), "report_service_id": row["report_service_id"]}
            # Shown once per theme: made once (a long history repeats it hundreds of times).
            inspection["link"] = Markup('<a href="{}">{} {}</a>{}').format(
                inspection["url"], inspection["when"] or "", inspection["programme"] or "",
                Markup(' <span class="relation">(predecessor)</span>') if row["relation"] == "predecessor" else "")
        if row["theme"]:
            by_theme.setdefault(row["theme"], []).append((inspection, row))
    themes_info = {t["id"]: t for t in rows(conn, "SELECT id, label, description FROM themes")}
    programmes = list(dict.fromkeys(i["programme"] for i in inspections.values()))
    notes = caveats(conn, list(by_theme), programmes)
    domain = charts.year_domain([i["x"] for i in inspections.values() if i["x"] is not None])
    order = {theme: n for n, theme in enumerate(themes_info)}
    themes = []
    for theme in sorted(by_theme, key=lambda t: (order.get(t, len(order)), t)):
        measures, points = [], []
        for inspection, row in by_theme[theme]:
            measures.append({"inspection": inspection, "text": measure_text(row)})
            if inspection["x"] is not None:
                points += chart_points(row, inspection["x"], f"{inspection['when']} {inspection['programme']}")
        info = themes_info.get(theme, {})
        themes.append({"id": theme, "label": info.get("label") or theme, "description": info.get("description"),
                       "measures": measures, "caveats": notes.get(theme, []),
                       "chart": charts.measure_chart(points, domain, f"{info.get('label') or theme}: "
                                                     f"harmonised measures of {service['name']} over time")
                       if points else None})
    own = sum(1 for i in inspections.values() if i["relation"] == "own")
    return {"service": service, "lineage": lineage, "ancestry": ancestry,
            "inspections": list(inspections.values()), "own": own, "inherited": len(inspections) - own,
            "themes": themes, "programmes": programmes,
            "links": {"history": links.query("service_history", service=service_id),
                      "compare": links.compare(services=service_id, theme="risk_of_harm"),
                      "without": links.query("services_without_inspections"),
                      "timeline": links.table("service_timeline", service_id=service_id),
                      "dashboard": str(links.urls.path("/-/dashboards/overview")) + "?" +
                      urllib.parse.urlencode({"service": service_id})}}


# --- the compare page (the rows of the canned query compare_services) ----------------

def compare_context(conn, services: str, theme: str, links: Links) -> dict:
    """Side-by-side columns and one chart for the services and theme asked for."""
    from ..storage.views import CANNED_QUERIES

    params = {"services": services or "", "theme": theme or ""}
    error, found = None, []
    if params["services"].strip():
        try:
            found = rows(conn, CANNED_QUERIES["compare_services"]["sql"], params)
        except sqlite3.Error as exc:  # a query the database cannot answer: say so, plainly
            error = f"The comparison could not be made: {exc}"
    columns: dict[str, dict] = {}
    for row in found:  # a report once per service and theme (service_timeline)
        column = columns.setdefault(row["service_id"], {
            "service_id": row["service_id"], "service_name": row["service_name"],
            "url": links.service(row["service_id"]), "inspections": [],
            "colour": charts.SERIES_COLOURS[len(columns) % len(charts.SERIES_COLOURS)]})
        if row.get("report_id"):
            column["inspections"].append({**row, "when": human_date(row["date"]), "url": links.report(row["report_id"]),
                                          "text": measure_text(row), "rating_class": rating_class(row.get("overall_rating"))})
    xs, points = [], []
    for column in columns.values():
        for i in column["inspections"]:
            x = decimal_year(i["date"], i["year"])
            if x is not None:
                xs.append(x)
                points += chart_points(i, x, f"{column['service_name']}, {i['when']} {i['programme']}", column["colour"])
    info = one(conn, "SELECT id, label, description FROM themes WHERE id = ?", params["theme"]) if params["theme"] else None
    programmes = list(dict.fromkeys(i["programme"] for c in columns.values() for i in c["inspections"]))
    label = (info or {}).get("label") or params["theme"]
    return {"columns": list(columns.values()), "theme": info, "theme_id": params["theme"],
            "services": params["services"], "error": error,
            "themes": rows(conn, "SELECT id, label FROM themes ORDER BY label"),
            "chart": charts.measure_chart(points, charts.year_domain(xs), f"{label}: the services side by side")
            if points else None,
            "caveats": caveats(conn, [params["theme"]], programmes).get(params["theme"], []) if params["theme"] else [],
            "links": {"action": links.compare(), "query": links.query("compare_services", **params),
                      "json": links.query("compare_services", format="json", _shape="array", **params),
                      "csv": links.query("compare_services", format="csv", **params),
                      "services": links.table("services"),
                      "without": links.query("services_without_inspections")}}

