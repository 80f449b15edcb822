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
      the mean of the theme's findings' stated 0–1 intervals, over `findings_n` findings
      that state a quantity. Not direction-corrected: a finding may state the share of
      cases that met the standard or the share that fell short ("insufficient in almost
      half"), which the contract's columns do not record — read it with the findings.
    * `kq_percent` / `kq_min` / `kq_n` (2018/2021): mean and lowest "% yes" of the
      theme's key questions (the lowest sets a standard's rating).
    * `rating_score` / `ratings` (2018/2021): mean 0–3 score of the theme's standards and
      the ratings as printed (`2.1 Good; 2.2 Requires improvement`).
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

SERVICE_ANCESTRY = f"""
CREATE VIEW service_ancestry AS
WITH RECURSIVE ancestry(service_id, ancestor_id, depth, path, change_year, change_kind) AS (
  SELECT id, id, 0, id, NULL, NULL FROM services
  UNION
  SELECT a.service_id, l.predecessor_id, a.depth + 1, l.predecessor_id || ' > ' || a.path,
         coalesce(a.change_year, l.year), coalesce(a.change_kind, l.kind)
  FROM ancestry a JOIN service_lineage l ON l.successor_id = a.ancestor_id
  WHERE a.depth < {MAX_LINEAGE_DEPTH}
)
SELECT service_id, ancestor_id, depth, path AS lineage_path, change_year, change_kind FROM ancestry
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
  SELECT report_id, theme, avg(proportion_low) AS findings_low, avg(proportion_high) AS findings_high,
         count(*) AS findings_n
  FROM findings WHERE theme IS NOT NULL AND proportion_low IS NOT NULL AND proportion_high IS NOT NULL
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
       round(cci.cci_percent, 1) AS cci_percent, cci.cci_basis,
       round(found.findings_low, 3) AS findings_low, round(found.findings_high, 3) AS findings_high,
       found.findings_n,
       round(kq.kq_percent, 1) AS kq_percent, kq.kq_min, kq.kq_n,
       round(rated.rating_score, 2) AS rating_score, rated.ratings, rated.ratings_n
FROM keys k
LEFT JOIN cci ON cci.report_id = k.report_id AND cci.theme = k.theme
LEFT JOIN found ON found.report_id = k.report_id AND found.theme = k.theme
LEFT JOIN kq ON kq.report_id = k.report_id AND kq.theme = k.theme
LEFT JOIN rated ON rated.report_id = k.report_id AND rated.theme = k.theme
"""

SERVICE_TIMELINE = """
CREATE VIEW service_timeline AS
WITH report_themes AS (
  SELECT * FROM report_theme_measures
  UNION ALL
  SELECT id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM reports WHERE id NOT IN (SELECT report_id FROM report_theme_measures)
)
SELECT a.service_id, s.name AS service_name,
       CASE WHEN a.depth = 0 THEN 'own' ELSE 'predecessor' END AS relation,
       a.lineage_path, a.change_year AS lineage_year,
       r.service_id AS report_service_id, r.id AS report_id, r.area,
       coalesce(r.publication_date, r.fieldwork_start) AS date, r.year, r.programme,
       m.theme, m.cci_percent, m.cci_basis, m.findings_low, m.findings_high, m.findings_n,
       m.kq_percent, m.kq_min, m.kq_n, m.rating_score, m.ratings, m.ratings_n,
       r.overall_rating
FROM service_ancestry a
JOIN services s ON s.id = a.service_id
JOIN reports r ON r.service_id = a.ancestor_id
JOIN report_themes m ON m.report_id = r.id
"""

# Dependents first, so each can be dropped before what it reads from.
VIEWS = [("service_timeline", SERVICE_TIMELINE),
         ("report_theme_measures", REPORT_THEME_MEASURES),
         ("service_ancestry", SERVICE_ANCESTRY)]

# The harmonised measures, shared by report_theme_measures and service_timeline.
MEASURE_COLUMNS = {
    "theme": "Shared theme (→ themes)",
    "cci_percent": "CCI: the theme's headline score, else the mean of its criterion scores, else of its section scores (percent 0–100)",
    "cci_basis": "Which CCI scores cci_percent comes from: `headline`, `criteria` or `section`",
    "findings_low": "Mean lower end of the theme's findings' stated quantities (proportion 0–1; not direction-corrected)",
    "findings_high": "Mean upper end of the theme's findings' stated quantities (proportion 0–1; not direction-corrected)",
    "findings_n": "Number of the theme's findings that state a quantity",
    "kq_percent": "2018/2021: mean % yes of the theme's key questions (percent 0–100)",
    "kq_min": "2018/2021: lowest % yes of the theme's key questions (the one that sets a standard's rating)",
    "kq_n": "Number of the theme's key questions",
    "rating_score": "2018/2021: mean score (0 Inadequate … 3 Outstanding) of the theme's standards",
    "ratings": "The theme's standard ratings as printed, e.g. `2.1 Good; 2.2 Requires improvement`",
    "ratings_n": "Number of the theme's rated standards",
}

VIEW_COLUMNS = {
    "service_ancestry": {
        "service_id": "→ services.id",
        "ancestor_id": "The service itself (depth 0) or a predecessor it descends from (→ services.id)",
        "depth": "Steps of lineage between the two (0 = itself)",
        "lineage_path": "The chain of services from ancestor to service",
        "change_year": "Year of the change nearest the service",
        "change_kind": "`split`, `merge` or `rename`",
    },
    "report_theme_measures": {"report_id": "→ reports.id", **MEASURE_COLUMNS},
    "service_timeline": {
        "service_id": "The service whose history this row belongs to (→ services.id)",
        "service_name": "Its name",
        "relation": "`own` (a report on the service) or `predecessor` (a report on a service it descends from)",
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

VIEW_DESCRIPTIONS = {
    "service_ancestry": "Each service with itself (depth 0) and every predecessor it descends from through service_lineage.",
    "report_theme_measures": "Per report and theme, the harmonised measure of each framework: CCI percent, findings' stated proportion interval (SQS), key-question % yes and standard ratings (2018/2021). See pipeline/views.py for how each is computed.",
    "service_timeline": "One row per service per report per theme, following lineage: a service's own reports and its predecessors' (Southampton's history includes Wessex 2011).",
}


def create_views(db) -> None:
    """Create (or re-create) the views; safe to run again."""
    for name, _ in VIEWS:
        db.execute(f"DROP VIEW IF EXISTS {name}")
    for _, sql in reversed(VIEWS):
        db.execute(sql)


CANNED_QUERIES = {
    "service_history": {
        "title": "A service's history",
        "description": "Every report on a service and on the services it descends from (Southampton includes Wessex 2011), by date, with the harmonised measure per theme. `service`: an id such as `southampton`, or the name.",
        "sql": """SELECT date, programme, report_id, area, relation, lineage_path, theme,
       cci_percent, findings_low, findings_high, findings_n, kq_percent, kq_min, rating_score, ratings, overall_rating
FROM service_timeline
WHERE service_id = :service OR lower(service_name) = lower(:service)
ORDER BY date, report_id, theme""",
        "params": ["service"],
    },
    "compare_services_on_theme": {
        "title": "Compare services on a theme",
        "description": "Each report's harmonised measure for one theme, under the service it is about (each report once). `theme`: one of the `themes` table, e.g. `risk_of_harm`. Compare within a programme; across programmes see theme_crosswalk.comparability.",
        "sql": """SELECT programme, date, service_id, service_name, report_id,
       cci_percent, cci_basis, findings_low, findings_high, findings_n, kq_percent, kq_min, kq_n, rating_score, ratings
FROM service_timeline
WHERE theme = :theme AND relation = 'own'
ORDER BY programme, date, service_id""",
        "params": ["theme"],
    },
    "recommendations_to_role": {
        "title": "Recommendations addressed to a role",
        "description": "Every recommendation whose addressee contains the text given (`role`, e.g. `YOT Manager`, `Board`, `council`), with its report, page and evidence.",
        "sql": """SELECT r.publication_date, rec.report_id, r.area, r.service_id, r.programme,
       rec.number, rec.addressee, rec.text, rec.page, rec.evidence
FROM recommendations rec JOIN reports r ON r.id = rec.report_id
WHERE rec.addressee LIKE '%' || :role || '%'
ORDER BY r.publication_date, rec.report_id, rec.number""",
        "params": ["role"],
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
}
