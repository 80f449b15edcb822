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
    * `kq_percent` / `kq_min` / `kq_n` (2018/2021): mean and lowest "% yes" of the
      theme's key questions (the lowest sets a standard's rating).
    * `rating_score` / `ratings` (2018/2021): mean 0–3 score of the theme's standards and
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
SERVICE_TIMELINE = """
CREATE VIEW service_timeline AS
SELECT a.service_id, s.name AS service_name,
       CASE WHEN a.depth = 0 THEN 'own' ELSE 'predecessor' END AS relation,
       a.lineage_path, a.change_year AS lineage_year,
       r.service_id AS report_service_id, r.id AS report_id, r.area,
       coalesce(r.publication_date, r.fieldwork_start) AS date, r.year, r.programme,
       m.theme, m.measure, m.measure_basis, m.cci_percent, m.cci_basis, m.findings_low, m.findings_high,
       m.findings_n, m.findings_quantities_n, m.kq_percent, m.kq_min, m.kq_n, m.rating_score, m.ratings,
       m.ratings_n,
       r.overall_rating
FROM service_ancestry a
JOIN services s ON s.id = a.service_id
JOIN reports r ON r.service_id = a.ancestor_id
LEFT JOIN report_theme_measures m ON m.report_id = r.id
"""

# Shared by the canned queries ratings_by_year / bands_by_year and the dashboard's charts.
RATING_DISTRIBUTION = """
CREATE VIEW rating_distribution AS
WITH rated AS (
  SELECT r.year, 'standard' AS level, g.rating, g.score FROM ratings g JOIN reports r ON r.id = g.report_id
  UNION ALL
  SELECT year, 'overall', overall_rating,
         CASE overall_rating WHEN 'Outstanding' THEN 3 WHEN 'Good' THEN 2
                             WHEN 'Requires improvement' THEN 1 WHEN 'Inadequate' THEN 0 END
  FROM reports WHERE overall_rating IS NOT NULL
)
SELECT year, level, rating, score, count(*) AS n,
       round(1.0 * count(*) / sum(count(*)) OVER (PARTITION BY year, level), 3) AS share
FROM rated GROUP BY year, level, rating, score
"""

BAND_DISTRIBUTION = """
CREATE VIEW band_distribution AS
SELECT r.year, s.band,
       CASE s.band WHEN 'MINIMUM' THEN 0 WHEN 'MODERATE' THEN 1 WHEN 'SUBSTANTIAL' THEN 2 ELSE 3 END AS severity,
       count(*) AS n, min(s.percent) AS lowest_percent, max(s.percent) AS highest_percent,
       round(1.0 * count(*) / sum(count(*)) OVER (PARTITION BY r.year), 3) AS share
FROM scores s JOIN reports r ON r.id = s.report_id
WHERE s.band IS NOT NULL
GROUP BY r.year, s.band
"""

# Dependents first, so each can be dropped before what it reads from.
VIEWS = [("rating_distribution", RATING_DISTRIBUTION),
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
    "rating_distribution": {
        "year": "Publication year",
        "level": "`standard` (a 2018/2021 standard's rating) or `overall` (a service's overall rating)",
        "rating": "`Outstanding`, `Good`, `Requires improvement` or `Inadequate`",
        "score": "The rating as a score: 0 Inadequate … 3 Outstanding",
        "n": "Number of ratings at this level and rating in the year",
        "share": "Proportion (0–1) of the year's ratings at this level",
    },
    "band_distribution": {
        "year": "Publication year",
        "band": "CCI improvement-required band: `MINIMUM`, `MODERATE`, `SUBSTANTIAL` or `DRASTIC`",
        "severity": "The band's order: 0 MINIMUM … 3 DRASTIC",
        "n": "Number of banded scores (criteria, sections, headlines) in the year, including bands printed without a percentage",
        "lowest_percent": "Lowest score with this band in the year (percent 0–100)",
        "highest_percent": "Highest score with this band in the year (percent 0–100)",
        "share": "Proportion (0–1) of the year's banded scores in this band",
    },
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
    "rating_distribution": "How many standards and services were rated at each level, per publication year (2018/2021 frameworks).",
    "band_distribution": "How many CCI scores were in each improvement-required band, per publication year, with each band's score range.",
    "service_ancestry": "Each service with itself (depth 0) and every predecessor it descends from through service_lineage.",
    "report_theme_measures": "Per report and theme, the harmonised measure of each framework: CCI percent, key-question % yes and standard ratings (2018/2021), and the findings measure (the direction-corrected share of cases meeting the standard, from findings about case work); `measure` takes the published judgements first. See pipeline/storage/views.py for how each is computed.",
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
        "description": "Each report's harmonised measure for one theme, under the service it is about (each report once), oldest first. `theme`: an id of the `themes` table, e.g. `risk_of_harm`. Compare within a programme; across programmes read theme_crosswalk.comparability first.",
        "sql": """SELECT date, programme, service_id, service_name, report_id, measure, measure_basis,
       cci_percent, cci_basis, findings_low, findings_high, findings_n, kq_percent, kq_min, kq_n, rating_score, ratings
FROM service_timeline
WHERE theme = :theme AND relation = 'own'
ORDER BY date, programme, service_id""",
        "params": ["theme"],
    },
    "lowest_key_questions": {
        "title": "Lowest-scoring key questions by year",
        "description": "2018/2021 key questions with the lowest % yes, the `limit` lowest per publication year (default 10), with the report, page and evidence. `year`: e.g. `2020`, or empty for every year.",
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
        "description": "How many standards (2018/2021 frameworks) and whole services (overall rating) were rated Outstanding, Good, Requires improvement or Inadequate, per publication year; `share` is the proportion (0–1) of that year's ratings at that level. The chart is on the overview dashboard.",
        "sql": """SELECT year, level, rating, score, n, share FROM rating_distribution
ORDER BY year, level DESC, score DESC""",
        "params": [],
    },
    "bands_by_year": {
        "title": "Distribution of CCI improvement bands by year",
        "description": "Core Case Inspection criterion scores per improvement-required band (MINIMUM, MODERATE, SUBSTANTIAL, DRASTIC) and publication year, with the range of scores in each band.",
        "sql": """SELECT year, band, n, lowest_percent, highest_percent, share FROM band_distribution
ORDER BY year, severity""",
        "params": [],
    },
    "search_recommendations": {
        "title": "Search recommendations by text and addressee",
        "description": "Recommendations whose text matches `q` (full-text search with stemming: `assessment` finds `assessments`; empty for all) and whose addressee contains `addressee` (e.g. `Board`, `manager`; empty for any), with report, page and evidence.",
        "sql": """SELECT r.publication_date, rec.report_id, r.area, r.programme, rec.number, rec.addressee, rec.text,
       rec.page, rec.evidence
FROM recommendations rec JOIN reports r ON r.id = rec.report_id
WHERE (:q = '' OR rec.id IN (SELECT rowid FROM recommendations_fts WHERE recommendations_fts MATCH fts_query(:q)))
  AND (:addressee = '' OR rec.addressee LIKE '%' || :addressee || '%')
ORDER BY r.publication_date, rec.report_id, rec.number""",
        "params": ["q", "addressee"],
    },
    "theme_findings": {
        "title": "Findings with their quantities for a theme",
        "description": "Every finding on one theme that states a quantity, with each quantity as printed, its 0–1 interval, any count and denominator, and the rule of models/quantifiers.yml that read it, oldest report first. `theme`: e.g. `risk_of_harm`; `limit`: rows to return (default 1000, at most 5000; for every row page through the `findings` and `finding_quantities` tables).",
        "sql": """SELECT r.publication_date, f.report_id, r.programme, f.section, f.polarity, f.text,
       q.quantity_text, q.kind, q.proportion_low, q.proportion_high, q.count, q.denominator, q.scope,
       q.rule, f.page, f.evidence
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
  WHERE passages_fts MATCH fts_query(:q)
  UNION ALL
  SELECT 'finding', f.report_id, r.title, f.page, f.section,
         snippet(findings_fts, 0, '[', ']', ' … ', 24), findings_fts.rank
  FROM findings_fts JOIN findings f ON f.rowid = findings_fts.rowid JOIN reports r ON r.id = f.report_id
  WHERE findings_fts MATCH fts_query(:q)
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
}
