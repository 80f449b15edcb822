"""SQL views and canned Datasette queries over the linked corpus.

`create_views(db)` (re)creates, idempotently:

- `service_ancestry` — every service with itself and each predecessor it descends from
  (following `service_lineage` transitively), with the path and the year of the change.
- `report_theme_measures` — one row per report per theme, with the harmonised measure
  of each framework:
    * `cci_percent` (CCI): the headline score where the theme has one (safeguarding,
      risk_of_harm, reoffending), else the mean of its criterion scores (`1.1` … `3.2`),
      else of its section overall scores; `cci_basis` says which.
    * `findings_low` / `findings_high` (the measure for SQS, shown for every programme):
      the mean 0–1 interval of the share of cases that met the standard, over the
      theme's quantities of case work (`finding_quantities` with a `direction`, summed per
      finding at build time in `findings.met_low` / `met_high` / `met_n`), each
      direction-corrected: "sufficient in almost half of cases" is [0.4, 0.5),
      "insufficient in almost half of cases" 1 - that, (0.5, 0.6]. Quantities that judge
      nothing (what the cases were, what the court did) are left out, and so is what is
      not a quantity of the cases inspected (sample sizes, national averages, staff:
      pipeline/extraction/quantities.py). `findings_n` findings, `findings_quantities_n`
      quantities.
    * `kq_percent` / `kq_min` / `kq_n` (2018/2021/2025): mean and lowest "% yes" of the
      theme's key questions (the lowest sets a standard's rating).
    * `rating_score` / `ratings` (2018/2021/2025): mean 0–3 score of the theme's standards and
      the ratings as printed (`2.1 Good; 2.2 Requires improvement`).
    * `measure` / `measure_basis`: one 0–100 figure per report and theme, published
      judgements first: the CCI score, else key questions' % yes, else the standards'
      rating score (0–3 as 0–100), and only where the report publishes none of these, the
      midpoint of the findings measure.
- `service_timeline` — one row per service per report per theme: the service's own
  reports and its predecessors' (`relation` = `own` / `predecessor`), so Southampton's
  history includes Wessex 2011. A report with no themed measure yet still appears once,
  with `theme` NULL.

`CANNED_QUERIES` is the `queries` block for Datasette's metadata.
"""

from __future__ import annotations

HEADLINE_CODES = ("safeguarding", "risk_of_harm", "likelihood_of_reoffending")
MAX_LINEAGE_DEPTH = 10  # guards against a cycle typed into models/lineage.csv

_HEADLINES = ", ".join(f"'{code}'" for code in HEADLINE_CODES)

# "a is before b", for ISO dates printed to different precisions: compared at the coarser
# precision, so "2011-05" is before "2012-04" but not before "2011" (the same year:
# undecidable, and a report is left out rather than put in the wrong history).
def _before(a: str, b: str) -> str:
    n = f"min(length({a}), length({b}))"
    return f"substr({a}, 1, {n}) < substr({b}, 1, {n})"


def _earliest(a: str, b: str) -> str:
    return f"CASE WHEN {a} IS NULL THEN {b} WHEN {b} IS NULL THEN {a} WHEN {b} < {a} THEN {b} ELSE {a} END"


def _on_or_after(a: str, b: str) -> str:
    n = f"min(length({a}), length({b}))"
    return f"(substr({a}, 1, {n}) > substr({b}, 1, {n}) OR {a} = {b})"


def _latest(a: str, b: str) -> str:
    return f"CASE WHEN {a} IS NULL THEN {b} WHEN {b} IS NULL THEN {a} WHEN {b} > {a} THEN {b} ELSE {a} END"


# Whose reports belong to a service's history, and for which dates (valid_from <= report
# date < valid_to; NULL: open):
#   own          the service itself, always;
#   predecessor  a service it descends from (service_lineage, followed back transitively):
#                its reports from before the change took effect (`effective`, else `year`);
#   combined     a combined service that delivered its youth justice (service_memberships),
#                while it was a member (from when it joined, else the combined service's
#                start; until it left, else until the combined service ended; an authority
#                hosting the service of areas split from it, as Northamptonshire does, ends
#                as an authority while the service goes on, so its end does not count): Telford and Wrekin's history holds West Mercia's reports, and those
#                of Shropshire, Telford and Wrekin, of which it was a member too. A combined
#                service's own predecessors are not followed from there: they covered
#                other areas (West Mercia also replaced Worcestershire and Herefordshire).
#   member       for a combined service, its members' own reports from before they joined.
# Several paths may lead to one ancestor (a diamond); service_timeline keeps the shortest.
# A membership `m` of service `c`: its dates, else those of `c` when it is a combined service.
_MEMBER_FROM = "coalesce(m.joined, CASE WHEN c.kind = 'combined' THEN coalesce(c.active_from_date, c.active_from) END)"
_MEMBER_TO = "coalesce(m.left, CASE WHEN c.kind = 'combined' THEN coalesce(c.active_to_date, c.active_to) END)"
SERVICE_ANCESTRY = f"""
CREATE VIEW service_ancestry AS
WITH RECURSIVE ancestry(service_id, ancestor_id, depth, path, relation, change_year, change_kind,
                        valid_from, valid_to) AS (
  SELECT id, id, 0, id, 'own', NULL, NULL, NULL, NULL FROM services
  UNION
  SELECT a.service_id, l.predecessor_id, a.depth + 1, l.predecessor_id || ' > ' || a.path,
         CASE WHEN a.relation = 'combined' THEN 'combined' ELSE 'predecessor' END,
         coalesce(a.change_year, l.year), coalesce(a.change_kind, l.kind),
         a.valid_from, {_earliest('a.valid_to', "coalesce(l.effective, CAST(l.year AS TEXT))")}
  FROM ancestry a JOIN service_lineage l ON l.successor_id = a.ancestor_id
  WHERE a.depth < {MAX_LINEAGE_DEPTH} AND a.relation IN ('own', 'predecessor')
  UNION
  SELECT a.service_id, m.service_id, a.depth + 1, m.service_id || ' ⊃ ' || a.path, 'combined',
         a.change_year, coalesce(a.change_kind, 'part of'),
         {_latest('a.valid_from', _MEMBER_FROM)}, {_earliest('a.valid_to', _MEMBER_TO)}
  FROM ancestry a JOIN service_memberships m ON m.local_authority_id = a.ancestor_id
  JOIN services c ON c.id = m.service_id
  WHERE a.depth < {MAX_LINEAGE_DEPTH} AND a.relation IN ('own', 'predecessor')
  UNION
  SELECT a.service_id, m.local_authority_id, 1, m.local_authority_id || ' ⊂ ' || a.path, 'member',
         NULL, 'joined', NULL, coalesce(m.joined, s.active_from_date, s.active_from)
  FROM ancestry a JOIN service_memberships m ON m.service_id = a.ancestor_id
  JOIN services s ON s.id = m.service_id
  WHERE a.depth = 0 AND coalesce(m.joined, s.active_from_date, s.active_from) IS NOT NULL
)
SELECT service_id, ancestor_id, depth, path AS lineage_path, relation, change_year, change_kind,
       valid_from, valid_to
FROM ancestry
"""

REPORT_THEME_MEASURES = f"""
CREATE VIEW report_theme_measures AS
WITH cci AS (
  SELECT report_id, theme,
    coalesce(avg(CASE WHEN code IN ({_HEADLINES}) THEN percent END),
             avg(CASE WHEN code NOT IN ({_HEADLINES}) AND code NOT LIKE 'section-%' THEN percent END),
             avg(CASE WHEN code LIKE 'section-%' THEN percent END)) AS cci_percent,
    CASE WHEN count(CASE WHEN code IN ({_HEADLINES}) THEN percent END) > 0 THEN 'headline'
         WHEN count(CASE WHEN code NOT IN ({_HEADLINES}) AND code NOT LIKE 'section-%' THEN percent END) > 0 THEN 'criteria'
         WHEN count(CASE WHEN code LIKE 'section-%' THEN percent END) > 0 THEN 'section'
    END AS cci_basis
  FROM scores WHERE theme IS NOT NULL GROUP BY report_id, theme
),
found AS (
  SELECT report_id, theme, sum(met_low * met_n) / sum(met_n) AS findings_low,
         sum(met_high * met_n) / sum(met_n) AS findings_high,
         count(*) AS findings_n, sum(met_n) AS findings_quantities_n
  FROM findings WHERE theme IS NOT NULL AND met_n > 0
  GROUP BY report_id, theme
),
kq AS (
  SELECT report_id, theme, avg(percent_yes) AS kq_percent, min(percent_yes) AS kq_min,
         count(percent_yes) AS kq_n
  FROM key_questions WHERE theme IS NOT NULL GROUP BY report_id, theme
),
rated AS (
  SELECT report_id, theme, avg(score) AS rating_score, count(*) AS ratings_n,
         group_concat(code || ' ' || rating, '; ') AS ratings
  FROM (SELECT * FROM ratings WHERE theme IS NOT NULL ORDER BY report_id, code)
  GROUP BY report_id, theme
),
keys AS (
  SELECT report_id, theme FROM cci UNION SELECT report_id, theme FROM found
  UNION SELECT report_id, theme FROM kq UNION SELECT report_id, theme FROM rated
)
SELECT k.report_id, k.theme,
       round(coalesce(cci.cci_percent, kq.kq_percent, 100.0 * rated.rating_score / 3,
                      50.0 * (found.findings_low + found.findings_high)), 1) AS measure,
       CASE WHEN cci.cci_percent IS NOT NULL THEN 'CCI score %'
            WHEN kq.kq_percent IS NOT NULL THEN 'key questions % yes'
            WHEN rated.rating_score IS NOT NULL THEN 'rating score / 3'
            WHEN found.findings_low IS NOT NULL THEN 'findings: midpoint of share of cases meeting the standard'
       END AS measure_basis,
       round(cci.cci_percent, 1) AS cci_percent, cci.cci_basis,
       round(found.findings_low, 3) AS findings_low, round(found.findings_high, 3) AS findings_high,
       found.findings_n, found.findings_quantities_n,
       round(kq.kq_percent, 1) AS kq_percent, kq.kq_min, kq.kq_n,
       round(rated.rating_score, 2) AS rating_score, rated.ratings, rated.ratings_n
FROM keys k
LEFT JOIN cci ON cci.report_id = k.report_id AND cci.theme = k.theme
LEFT JOIN found ON found.report_id = k.report_id AND found.theme = k.theme
LEFT JOIN kq ON kq.report_id = k.report_id AND kq.theme = k.theme
LEFT JOIN rated ON rated.report_id = k.report_id AND rated.theme = k.theme
"""

# A report with no themed measure still appears once (theme NULL): a LEFT JOIN, so that
# report_theme_measures is computed once per query (a UNION with NOT IN computed it twice).
# A report belongs to a history only for its ancestor's window (service_ancestry), judged
# by the report's fieldwork (else publication) date; reached by several paths, it appears
# once, by the shortest. A report whose area resolved to no service still appears, with
# service_id NULL and relation `unresolved`, so registry gaps never drop it.
SERVICE_TIMELINE = f"""
CREATE VIEW service_timeline AS
WITH dated AS (
  SELECT r.*, coalesce(r.fieldwork_start, r.publication_date, CAST(r.year AS TEXT)) AS judged_on FROM reports r
),
placed AS (
  SELECT a.service_id, s.name AS service_name, a.relation, a.lineage_path, a.change_year, a.depth,
         r.id AS report_id,
         row_number() OVER (PARTITION BY a.service_id, r.id ORDER BY a.depth,
           CASE a.relation WHEN 'own' THEN 0 WHEN 'predecessor' THEN 1 WHEN 'combined' THEN 2 ELSE 3 END,
           a.lineage_path) AS path_rank
  FROM service_ancestry a
  JOIN services s ON s.id = a.service_id
  JOIN dated r ON r.service_id = a.ancestor_id
  WHERE (a.valid_from IS NULL OR {_on_or_after('r.judged_on', 'a.valid_from')})
    AND (a.valid_to IS NULL OR {_before('r.judged_on', 'a.valid_to')})
  UNION ALL
  SELECT NULL, NULL, 'unresolved', NULL, NULL, 0, r.id, 1 FROM reports r WHERE r.service_id IS NULL
)
SELECT p.service_id, p.service_name, p.relation, p.lineage_path, p.change_year AS lineage_year,
       r.service_id AS report_service_id, r.id AS report_id, r.area,
       coalesce(r.publication_date, r.fieldwork_start) AS date, r.year, r.programme,
       m.theme, m.measure, m.measure_basis, m.cci_percent, m.cci_basis, m.findings_low, m.findings_high,
       m.findings_n, m.findings_quantities_n, m.kq_percent, m.kq_min, m.kq_n, m.rating_score, m.ratings,
       m.ratings_n,
       r.overall_rating
FROM placed p
JOIN reports r ON r.id = p.report_id
LEFT JOIN report_theme_measures m ON m.report_id = r.id
WHERE p.path_rank = 1
"""

# Shared by the canned queries ratings_by_year / bands_by_year and the dashboard's charts.
RATING_DISTRIBUTION = """
CREATE VIEW rating_distribution AS
WITH rated AS (
  SELECT r.year, r.programme, 'standard' AS level, g.rating, g.score FROM ratings g JOIN reports r ON r.id = g.report_id
  UNION ALL
  SELECT year, programme, 'overall', overall_rating,
         CASE overall_rating WHEN 'Outstanding' THEN 3 WHEN 'Good' THEN 2
                             WHEN 'Requires improvement' THEN 1 WHEN 'Inadequate' THEN 0 END
  FROM reports WHERE overall_rating IS NOT NULL
)
SELECT year, programme, level, rating, score, count(*) AS n,
       round(1.0 * count(*) / sum(count(*)) OVER (PARTITION BY year, programme, level), 3) AS share
FROM rated GROUP BY year, programme, level, rating, score
"""

# Headline, criterion and section scores are different things: counted apart (`level`).
BAND_DISTRIBUTION = f"""
CREATE VIEW band_distribution AS
WITH banded AS (
  SELECT r.year, s.band, s.percent,
         CASE WHEN s.code IN ({_HEADLINES}) THEN 'headline' WHEN s.code LIKE 'section-%' THEN 'section'
              ELSE 'criterion' END AS level
  FROM scores s JOIN reports r ON r.id = s.report_id
  WHERE s.band IS NOT NULL
)
SELECT year, level, band,
       CASE band WHEN 'MINIMUM' THEN 0 WHEN 'MODERATE' THEN 1 WHEN 'SUBSTANTIAL' THEN 2 ELSE 3 END AS severity,
       count(*) AS n, min(percent) AS lowest_percent, max(percent) AS highest_percent,
       round(1.0 * count(*) / sum(count(*)) OVER (PARTITION BY year, level), 3) AS share
FROM banded
GROUP BY year, level, band
"""

# The register against the database: each known inspection with its loaded report (or
# `missing`), and each loaded report the register does not list (`unregistered`).
COVERAGE = """
CREATE VIEW coverage AS
SELECT i.id AS inspection_id, i.programme, CAST(substr(i.published, 1, 4) AS INTEGER) AS year, i.published,
       i.area, i.service_id, i.overall_rating, i.report_id,
       CASE WHEN i.report_id IS NULL THEN 'missing' ELSE 'loaded' END AS status,
       i.link_rule, i.landing_url, i.report_url, i.source
FROM inspections i
UNION ALL
SELECT NULL, r.programme, r.year, r.publication_date, r.area, r.service_id, r.overall_rating, r.id,
       'unregistered', NULL, NULL, r.source_url, 'the loaded report (not in models/inspections.csv)'
FROM reports r
WHERE r.id NOT IN (SELECT report_id FROM inspections WHERE report_id IS NOT NULL)
"""

# Dependents first, so each can be dropped before what it reads from.
VIEWS = [("coverage", COVERAGE),
         ("rating_distribution", RATING_DISTRIBUTION),
         ("band_distribution", BAND_DISTRIBUTION),
         ("service_timeline", SERVICE_TIMELINE),
         ("report_theme_measures", REPORT_THEME_MEASURES),
         ("service_ancestry", SERVICE_ANCESTRY)]

# The harmonised measures, shared by report_theme_measures and service_timeline.
MEASURE_COLUMNS = {
    "theme": "Shared theme (→ themes)",
    "measure": "One figure per report and theme (0–100), published judgements first: the CCI score, else key questions' % yes, else the standards' rating score (0–3 as 0–100), else the midpoint of the findings measure; see measure_basis",
    "measure_basis": "Which figure `measure` is: `CCI score %`, `key questions % yes`, `rating score / 3` or `findings: midpoint of share of cases meeting the standard`",
    "cci_percent": "CCI: the theme's headline score, else the mean of its criterion scores, else of its section scores (percent 0–100)",
    "cci_basis": "Which CCI scores cci_percent comes from: `headline`, `criteria` or `section`",
    "findings_low": "Findings measure: mean lower end of the share of cases that met the standard, over the theme's quantities of case work, direction-corrected (a share that fell short counts as 1 minus it); proportion 0–1",
    "findings_high": "Findings measure: mean upper end of the same (proportion 0–1)",
    "findings_n": "Number of the theme's findings the findings measure counts (those with a quantity of case work that judges it)",
    "findings_quantities_n": "Number of quantities the findings measure averages (a finding may state several)",
    "kq_percent": "2018/2021/2025: mean % yes of the theme's key questions (percent 0–100)",
    "kq_min": "2018/2021/2025: lowest % yes of the theme's key questions (in 2018/2021 the one that sets a standard's rating)",
    "kq_n": "Number of the theme's key questions",
    "rating_score": "2018/2021/2025: mean score (0 Inadequate … 3 Outstanding) of the theme's standards (2025: rated areas and judgements)",
    "ratings": "The theme's standard ratings as printed, e.g. `2.1 Good; 2.2 Requires improvement`",
    "ratings_n": "Number of the theme's rated standards",
}

VIEW_COLUMNS = {
    "service_ancestry": {
        "service_id": "→ services.id",
        "ancestor_id": "A service whose reports belong to this service's history (→ services.id): itself, a predecessor, a combined service it was part of, or (for a combined service) a member before it joined",
        "depth": "Steps between the two (0 = itself)",
        "lineage_path": "The chain from ancestor to service (`>` a lineage change, `⊃` part of a combined service, `⊂` a member before joining)",
        "relation": "`own`, `predecessor` (service_lineage), `combined` (service_memberships) or `member` (a combined service's member, before it joined)",
        "change_year": "Year of the change nearest the service",
        "change_kind": "`split`, `merge`, `rename`, `part of` or `joined`",
        "valid_from": "The ancestor's reports count from this date (fieldwork, else publication; ISO 8601); NULL: from the start",
        "valid_to": "... and until before this date (when the change took effect); NULL: no end. Dates of different precision are compared at the coarser one, and a report in the same month or year as the change is left out",
    },
    "report_theme_measures": {"report_id": "→ reports.id", **MEASURE_COLUMNS},
    "rating_distribution": {
        "year": "Publication year",
        "programme": "Inspection programme: a 2025 report rates two areas of work, not the 2018/2021 standards, so each programme is counted apart",
        "level": "`standard` (a 2018/2021 standard's rating; for YJS-2025 a rated area's or judgement's) or `overall` (a service's overall rating)",
        "rating": "`Outstanding`, `Good`, `Requires improvement` or `Inadequate`",
        "score": "The rating as a score: 0 Inadequate … 3 Outstanding",
        "n": "Number of ratings at this level and rating in the year",
        "share": "Proportion (0–1) of the year's ratings at this level within the programme",
    },
    "band_distribution": {
        "year": "Publication year",
        "level": "Which scores: `criterion` (general criteria 1.1 … 3.2), `section` (section overall scores) or `headline` (the three headline scores)",
        "band": "CCI improvement-required band: `MINIMUM`, `MODERATE`, `SUBSTANTIAL` or `DRASTIC`",
        "severity": "The band's order: 0 MINIMUM … 3 DRASTIC",
        "n": "Number of banded scores of this level in the year, including bands printed without a percentage",
        "lowest_percent": "Lowest score with this band in the year (percent 0–100)",
        "highest_percent": "Highest score with this band in the year (percent 0–100)",
        "share": "Proportion (0–1) of the year's banded scores of this level in this band",
    },
    "service_timeline": {
        "service_id": "The service whose history this row belongs to (→ services.id)",
        "service_name": "Its name",
        "relation": "`own` (a report on the service), `predecessor` (on a service it descends from, before the change), `combined` (on a combined service while it was part of it), `member` (on a member before it joined a combined service), or `unresolved` (a report whose area matched no registered service: service_id is NULL)",
        "lineage_path": "The chain of services from the report's service to this one",
        "lineage_year": "Year of the lineage change",
        "report_service_id": "The service the report was about (→ services.id)",
        "report_id": "→ reports.id",
        "area": "Inspected area as printed",
        "date": "Publication date (ISO 8601, as precise as printed)",
        "year": "Publication year",
        "programme": "Inspection programme of the report",
        "overall_rating": "Overall rating, where the programme has one",
        **MEASURE_COLUMNS,
    },
}

VIEW_COLUMNS["coverage"] = {
    "inspection_id": "→ inspections.id; NULL for a loaded report the register does not list",
    "programme": "Inspection programme",
    "year": "Publication year; NULL where not known",
    "published": "Publication date (ISO 8601, as precise as known)",
    "area": "Inspected area",
    "service_id": "→ services.id",
    "overall_rating": "Overall rating, where the programme has one and it is known",
    "report_id": "→ reports.id: the loaded report, NULL where missing",
    "status": "`loaded` (the register's inspection is in the database), `missing` (it is not) or `unregistered` (a loaded report the register does not list)",
    "link_rule": "How the report was linked to the inspection (see inspections.link_rule)",
    "landing_url": "The inspection's page, where known",
    "report_url": "The report's URL, where known",
    "source": "Where the inspection's facts come from",
}

VIEW_DESCRIPTIONS = {
    "coverage": "Every inspection the register (models/inspections.csv) lists, with the report that holds it or `missing`, and every loaded report the register does not list (`unregistered`): what the database holds of what was published.",
    "rating_distribution": "How many standards (2018/2021), rated areas (2025) and services were rated at each level, per publication year and programme.",
    "band_distribution": "How many CCI scores of each level (criterion, section, headline) were in each improvement-required band, per publication year, with each band's score range.",
    "service_ancestry": "Each service with every service whose reports belong to its history, and for which dates: itself, its predecessors (service_lineage, before the change), the combined services it was part of (service_memberships, while a member) and, for a combined service, its members before they joined.",
    "report_theme_measures": "Per report and theme, the harmonised measure of each framework: CCI percent, key-question % yes and standard ratings (2018/2021), and the findings measure (the direction-corrected share of cases meeting the standard, from findings about case work); `measure` takes the published judgements first. See pipeline/storage/views.py for how each is computed.",
    "service_timeline": "One row per service per report per theme, following lineage and membership with dates: a service's own reports, its predecessors' from before the change (Southampton's history includes Wessex 2011; the Isle of Wight's does not, as it left Wessex before that inspection), a combined service's while it was a member; plus every report whose area matched no service (relation `unresolved`).",
}


# Views stored as tables when the database is built: what they compute depends only on
# the finished database, which is served immutable, and reading them is then an index
# lookup (a service's page reads every measure of its history; computing them all again
# per request cost ~30 ms at 500 reports).
STORED = {"report_theme_measures": ("report_id", "theme")}


def create_views(db) -> None:
    """Create (or re-create) the views, and fill the STORED ones as tables; safe to run again."""
    for name, _ in VIEWS:
        kind = db.execute("SELECT type FROM sqlite_master WHERE name = ?", [name]).fetchone()
        if kind:
            db.execute(f"DROP {kind[0].upper()} {name}")
    for name, sql in reversed(VIEWS):
        if name not in STORED:
            db.execute(sql)
            continue
        computing = f"{name}_computing"
        db.execute(sql.replace(f"CREATE VIEW {name} AS", f"CREATE TEMP VIEW {computing} AS", 1))
        db.execute(f"CREATE TABLE {name} AS SELECT * FROM {computing} ORDER BY {', '.join(STORED[name])}")
        db.execute(f"DROP VIEW {computing}")
        for column in STORED[name]:
            db.execute(f"CREATE INDEX idx_{name}_{column} ON {name} ({column})")


CANNED_QUERIES = {
    "service_history": {
        "title": "A service's inspection history",
        "description": "Every report on a service and on the services it descends from (Southampton includes Wessex 2011), by date, with the harmonised measure per theme. `service`: an id such as `southampton`, or the name.",
        "sql": """SELECT date, programme, report_id, area, relation, lineage_path, theme, measure, measure_basis,
       cci_percent, findings_low, findings_high, findings_n, kq_percent, kq_min, rating_score, ratings, overall_rating
FROM service_timeline
WHERE service_id = :service OR lower(service_name) = lower(:service)
ORDER BY date, report_id, theme""",
        "params": ["service"],
    },
    "compare_services_on_theme": {
        "title": "All services on one theme over time",
        "description": "Each report's harmonised measure for one theme, under the service it is about (each report once; a report whose area matched no registered service is listed with an empty service), oldest first. `theme`: an id of the `themes` table, e.g. `risk_of_harm`. Compare within a programme; across programmes read theme_crosswalk.comparability first.",
        "sql": """SELECT date, programme, service_id, service_name, report_id, measure, measure_basis,
       cci_percent, cci_basis, findings_low, findings_high, findings_n, kq_percent, kq_min, kq_n, rating_score, ratings
FROM service_timeline
WHERE theme = :theme AND relation IN ('own', 'unresolved')
ORDER BY date, programme, service_id""",
        "params": ["theme"],
    },
    "lowest_key_questions": {
        "title": "Lowest-scoring key questions by year",
        "description": "2018/2021/2025 key questions with the lowest % yes, the `limit` lowest per publication year (default 10), with the report, page and evidence. `year`: e.g. `2020`, or empty for every year.",
        "sql": """SELECT year, rank, percent_yes, code, question, report_id, area, programme, page, evidence
FROM (
  SELECT r.year, rank() OVER (PARTITION BY r.year ORDER BY k.percent_yes) AS rank,
         k.percent_yes, k.code, k.question, k.report_id, r.area, r.programme, k.page, k.evidence
  FROM key_questions k JOIN reports r ON r.id = k.report_id
  WHERE k.percent_yes IS NOT NULL AND (:year = '' OR r.year = CAST(:year AS INTEGER))
)
WHERE rank <= coalesce(nullif(CAST(:limit AS INTEGER), 0), 10)
ORDER BY year, rank, code""",
        "params": ["year", "limit"],
    },
    "ratings_by_year": {
        "title": "Distribution of ratings by year",
        "description": "How many standards (2018/2021 frameworks), rated areas (2025 programme: work with children, work with victims) and whole services (overall rating) were rated Outstanding, Good, Requires improvement or Inadequate, per publication year and programme; `share` is the proportion (0–1) of that year's ratings at that level within the programme. A 2025 rating judges different things from a 2018/2021 standard: compare within a programme. The chart is on the overview dashboard.",
        "sql": """SELECT year, programme, level, rating, score, n, share FROM rating_distribution
ORDER BY year, programme, level DESC, score DESC""",
        "params": [],
    },
    "bands_by_year": {
        "title": "Distribution of CCI improvement bands by year",
        "description": "Core Case Inspection criterion scores per improvement-required band (MINIMUM, MODERATE, SUBSTANTIAL, DRASTIC) and publication year, with the range of scores in each band.",
        "sql": """SELECT year, band, n, lowest_percent, highest_percent, share FROM band_distribution
WHERE level = 'criterion'
ORDER BY year, severity""",
        "params": [],
    },
    "search_recommendations": {
        "title": "Search recommendations by text and addressee",
        "description": "Recommendations whose text matches `q` (full-text search with stemming: `assessment` finds `assessments`; empty for all) and whose addressee contains `addressee` (e.g. `Board`, `manager`; empty for any), with report, page and evidence.",
        "sql": """SELECT r.publication_date, rec.report_id, r.area, r.programme, rec.number, rec.addressee, rec.text,
       rec.page, rec.evidence
FROM recommendations rec JOIN reports r ON r.id = rec.report_id
WHERE (:q = '' OR rec.id IN (SELECT rowid FROM recommendations_fts WHERE recommendations_fts MATCH fts_query(:q, 'recommendations')))
  AND (:addressee = '' OR rec.addressee LIKE '%' || :addressee || '%')
ORDER BY r.publication_date, rec.report_id, rec.number""",
        "params": ["q", "addressee"],
    },
    "theme_findings": {
        "title": "Findings with their quantities for a theme",
        "description": "Every finding on one theme that states a quantity, with each quantity as printed, its 0–1 interval, any count and denominator, the set it is of (`base_kind`, `base_text`), whether it counts cases that met the standard or fell short (`direction`), and the rule of models/quantifiers.yml that read it, oldest report first. `theme`: e.g. `risk_of_harm`; `limit`: rows to return (default 1000, at most 5000; for every row page through the `findings` and `finding_quantities` tables).",
        "sql": """SELECT r.publication_date, f.report_id, r.programme, f.section, f.polarity, f.text,
       q.quantity_text, q.kind, q.proportion_low, q.proportion_high, q.count, q.denominator, q.scope,
       q.base_kind, q.base_text, q.direction, q.rule, f.page, f.evidence
FROM findings f
JOIN reports r ON r.id = f.report_id
JOIN finding_quantities q ON q.finding_id = f.id
WHERE f.theme = :theme
ORDER BY r.publication_date, f.report_id, f.id, q.id
LIMIT coalesce(nullif(CAST(:limit AS INTEGER), 0), 1000)""",
        "params": ["theme", "limit"],
    },
    "search_text": {
        "title": "Search the full text and the findings",
        "description": "Full-text search (SQLite FTS5, Porter stemming; phrases in double quotes, `OR`, `NOT`, `prefix*`) over every report's findings and passages (findings first, then passages, each best match first: the two indexes' scores are not comparable), each with its report, page, section and a highlighted snippet. Text that is not valid search syntax (`out-of-court`) is searched for as plain words. `q`: e.g. `MAPPA` or `\"risk of harm\"`.",
        "sql": """SELECT * FROM (
  SELECT 'passage' AS kind, p.report_id, r.title, p.page, p.section,
         snippet(passages_fts, 0, '[', ']', ' … ', 24) AS snippet, passages_fts.rank AS rank
  FROM passages_fts JOIN passages p ON p.rowid = passages_fts.rowid JOIN reports r ON r.id = p.report_id
  WHERE passages_fts MATCH fts_query(:q, 'passages')
  UNION ALL
  SELECT 'finding', f.report_id, r.title, f.page, f.section,
         snippet(findings_fts, 0, '[', ']', ' … ', 24), findings_fts.rank
  FROM findings_fts JOIN findings f ON f.rowid = findings_fts.rowid JOIN reports r ON r.id = f.report_id
  WHERE findings_fts MATCH fts_query(:q, 'findings')
)
ORDER BY kind, rank, report_id, page
LIMIT 200""",
        "params": ["q"],
    },
    "reports_failing_validation": {
        "title": "Reports that failed a validation rule",
        "description": "Every failed check, with what was expected and found. `rule`: a rule name such as `area_resolves_to_service`, or empty for all rules.",
        "sql": """SELECT v.rule, v.report_id, r.title, r.area, r.programme, v.expected, v.found, v.evidence
FROM validations v JOIN reports r ON r.id = v.report_id
WHERE v.passed = 0 AND (:rule = '' OR v.rule = :rule)
ORDER BY v.rule, v.report_id""",
        "params": ["rule"],
    },
    "compare_services": {
        "title": "Compare services side by side on one theme",
        "description": "Two to five services, each with every inspection of it and of the services it descends from, on one theme, in time order: the harmonised measure of each framework, as in service_history. `services`: ids (or names) separated by commas, e.g. `southampton,leeds,norfolk`; the first five are used. `theme`: an id of the `themes` table, e.g. `risk_of_harm`. A service with no inspection on the theme still gets a row (report_id empty). The page `/inspections/-/compare` draws them side by side with a chart; across programmes read theme_crosswalk.comparability first.",
        "sql": """WITH RECURSIVE split(item, rest, position) AS (
  SELECT NULL, replace(:services, ';', ',') || ',', 0
  UNION ALL
  SELECT trim(substr(rest, 1, instr(rest, ',') - 1)), substr(rest, instr(rest, ',') + 1), position + 1
  FROM split WHERE rest <> '' AND position < 5
),
chosen AS (
  SELECT s.id, s.name, min(split.position) AS position
  FROM split JOIN services s ON s.id = lower(split.item) OR lower(s.name) = lower(split.item)
  WHERE split.item <> ''
  GROUP BY s.id
)
SELECT c.position, c.id AS service_id, c.name AS service_name, t.date, t.year, t.programme, t.report_id,
       t.relation, t.lineage_path, t.cci_percent, t.cci_basis, t.findings_low, t.findings_high, t.findings_n,
       t.kq_percent, t.kq_min, t.kq_n, t.rating_score, t.ratings, t.overall_rating
FROM chosen c
LEFT JOIN service_timeline t ON t.service_id = c.id AND t.theme = :theme
ORDER BY c.position, t.date, t.report_id""",
        "params": ["services", "theme"],
    },
    "services_without_inspections": {
        "title": "Services with no inspection loaded",
        "description": "Every service with no report of its own in this database, with how many reports it inherits from the services it descends from (service_lineage) and how many its combined service (`part_of`) has. Where both are 0, nothing about the service is loaded yet.",
        "sql": """WITH inherited AS (
  SELECT a.service_id, count(DISTINCT r.id) AS n, group_concat(DISTINCT a.ancestor_id) AS from_services
  FROM service_ancestry a JOIN reports r ON r.service_id = a.ancestor_id
  WHERE a.depth > 0
  GROUP BY a.service_id
),
counted AS (SELECT service_id, count(*) AS n FROM reports WHERE service_id IS NOT NULL GROUP BY service_id)
SELECT s.id AS service_id, s.name, s.kind, s.country, s.region, s.active_from, s.active_to,
       coalesce(i.n, 0) AS predecessor_reports, i.from_services AS inspected_predecessors,
       s.part_of, coalesce(p.n, 0) AS part_of_reports
FROM services s
LEFT JOIN inherited i ON i.service_id = s.id
LEFT JOIN counted p ON p.service_id = s.part_of
WHERE s.id NOT IN (SELECT service_id FROM counted)
ORDER BY s.country, s.region, s.name""",
        "params": [],
    },
}

CANNED_QUERIES["coverage_by_programme_and_year"] = {
    "title": "Coverage: inspections known, loaded and missing, by programme and year",
    "description": "For each programme and publication year, how many inspections the register (models/inspections.csv) knows, how many of them have their report loaded, how many are missing, and how many loaded reports the register does not list. `programme`: e.g. `CCI`, or empty for all. The list of missing ones is the `coverage` view filtered on status = missing.",
    "sql": """SELECT programme, year,
       sum(status != 'unregistered') AS known, sum(status = 'loaded') AS loaded,
       sum(status = 'missing') AS missing, sum(status = 'unregistered') AS unregistered
FROM coverage
WHERE (:programme = '' OR programme = :programme)
GROUP BY programme, year
ORDER BY year, programme""",
    "params": ["programme"],
}

# Parameters that make each canned query answer on the corpus: used by the README's
# examples, the tests, the browser test and benchmarks/serve_load.py.
QUERY_EXAMPLES = {
    "service_history": {"service": "southampton"},
    "compare_services_on_theme": {"theme": "risk_of_harm"},
    "lowest_key_questions": {"year": "2020", "limit": "5"},
    "ratings_by_year": {},
    "bands_by_year": {},
    "search_recommendations": {"q": "assessment", "addressee": ""},
    "theme_findings": {"theme": "risk_of_harm", "limit": ""},
    "search_text": {"q": "MAPPA"},
    "reports_failing_validation": {"rule": ""},
    "coverage_by_programme_and_year": {"programme": ""},
    "compare_services": {"services": "southampton,leeds,norfolk,wandsworth", "theme": "risk_of_harm"},
    "services_without_inspections": {},
}
