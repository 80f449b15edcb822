"""The database schema, declared once as data and applied by one idempotent function.

Each table lists its columns as (name, SQLite type, description); the descriptions
are also what Datasette shows (see `pipeline.site.serve.datasette_metadata`). Contract
names (../CONTRACT.md) are stable: add columns, never rename these.
"""

from __future__ import annotations

import sqlite_utils

from ..linking.link import LINEAGE_EXTRA_COLUMNS, LINK_TABLES, MEMBERSHIP_COLUMNS, SERVICE_EXTRA_COLUMNS

PROVENANCE = [
    ("page", int, "1-based page of the source document the value was read from; NULL for a text export without page breaks"),
    ("line", int, "1-based line of the cleaned document text where the evidence starts (see the `cleaning` table)"),
    ("evidence", str, "The exact text span (whitespace folded) the value was read from"),
    ("anchor", str, "Web pages (YJS-2025): id of the heading the evidence sits under, so `source_url#anchor` opens the page there; NULL for PDFs and text exports"),
]

RATING_WORDS = "`Outstanding`, `Good`, `Requires improvement` or `Inadequate`"

TABLES = {
    "reports": {
        "description": "One row per inspection report, with its common metadata.",
        "pk": "id",
        "columns": [
            ("id", str, "Slug `YEAR-PROGRAMME-AREA`, lower case, e.g. `2020-yos-2018-southampton`; YEAR is the publication year"),
            ("title", str, "Report title as printed (line breaks folded)"),
            ("area", str, "Inspected area as printed, e.g. `Wessex`, `Southampton`"),
            ("service_id", str, "The canonical youth justice service (→ services.id); NULL when the area names no registered service"),
            ("service_match", str, "How `area` was matched to `service_id`: `exact` (the registry's name), `alias` (a registered name or alias, wrappers such as `YOS` or `City of` aside), `combined` (several places, one combined service covering exactly them), `fuzzy` (a misprint; see the `area_resolves_to_service` validation) or `unresolved`"),
            ("service_match_score", float, "Similarity (0-100) of `area` to the name matched; 100 for exact and alias matches, NULL when unresolved"),
            ("programme", str, "`CCI` (Core Case Inspection, 2009–12), `SQS` (Short Quality Screening, 2012–17), `FJI` (Full Joint Inspection, 2012–17), `YOS-2018` (standards and ratings, 2018–21), `YJS-2021` (refreshed standards, 2021–25), `YJS-2025` (work with children and victims, 2025 on) or `unknown`"),
            ("year", int, "Publication year (else fieldwork year)"),
            ("publication_date", str, "ISO 8601, only as precise as the report states (`2011-08`, `2013-06-12`)"),
            ("fieldwork_start", str, "First day or month of fieldwork, ISO 8601 as precise as printed"),
            ("fieldwork_end", str, "Last day or month of fieldwork, ISO 8601 as precise as printed; NULL when only a start is printed"),
            ("overall_rating", str, f"Overall rating ({RATING_WORDS}); NULL for programmes without one"),
            ("lead_inspector", str, "Lead inspector as printed"),
            ("isbn", str, "ISBN as printed"),
            ("previous_inspection_year", int, "Year of the previous inspection of the area, where the report states it"),
            ("classification_evidence", str, "The titles and structures that decided the programme"),
            ("source_path", str, "The input file, relative to where the build ran"),
            ("source_sha256", str, "SHA-256 of the input file"),
            ("source_kind", str, "`pdf`, `text` (a text export of a PDF or a page) or `html` (a saved web page)"),
            ("source_url", str, "Public URL of the report where known (corpus/manifest.csv)"),
            ("pages", int, "Page count of the source; NULL for a text export without page breaks"),
        ],
        "fks": [("service_id", "services", "id")],
    },
    "metadata_evidence": {
        "description": "Where each `reports` field was read: one row per report and field.",
        "pk": ("report_id", "field"),
        "columns": [
            ("report_id", str, "→ reports.id"),
            ("field", str, "The `reports` column, e.g. `publication_date`"),
            ("value", str, "The value stored in `reports`"),
            *PROVENANCE,
        ],
        "fks": [("report_id", "reports", "id")],
    },
    "scores": {
        "description": "Percentage judgements of Core Case Inspections: headline, criterion and section scores.",
        "pk": "id",
        "columns": [
            ("id", int, "Row number"),
            ("report_id", str, "→ reports.id"),
            ("code", str, "`safeguarding`, `risk_of_harm`, `likelihood_of_reoffending` (headline); `1.1` … `3.2` (general criteria); `section-1` … `section-3` (section overall)"),
            ("label", str, "The score's name as printed"),
            ("percent", float, "Score, percent 0–100; NULL where a band is printed without a percentage"),
            ("band", str, "`MINIMUM`, `MODERATE`, `SUBSTANTIAL` or `DRASTIC` (improvement required), or NULL"),
            ("programme_lowest", float, "Lowest score of all areas inspected to date, percent, where printed"),
            ("programme_highest", float, "Highest score of all areas inspected to date, percent, where printed"),
            ("programme_average", float, "Average score of all areas inspected to date, percent, where printed"),
            ("theme", str, "Shared theme across frameworks (models/themes)"),
            *PROVENANCE,
        ],
        "fks": [("report_id", "reports", "id")],
    },
    "ratings": {
        "description": "Standards ratings of the 2018, 2021 and 2025 frameworks, keyed by standard number.",
        "pk": "id",
        "columns": [
            ("id", int, "Row number"),
            ("report_id", str, "→ reports.id"),
            ("code", str, "Standard number, `1.1` … `3.4` (more where a framework has them; YJS-2025: `C1` work with children, `V1` work with victims, and their judgements `C1.1` … `V1.2` where the report rates them)"),
            ("standard", str, "Standard name as printed"),
            ("rating", str, RATING_WORDS),
            ("score", int, "0 (Inadequate), 1 (Requires improvement), 2 (Good), 3 (Outstanding)"),
            ("theme", str, "Shared theme across frameworks"),
            *PROVENANCE,
        ],
        "fks": [("report_id", "reports", "id")],
    },
    "judgements": {
        "description": "Full Joint Inspections (2012-17): each judged area's judgement, on the programme's own four-word scale (models/fji.yml). Not the 2018 ratings: compare scores within the programme only.",
        "pk": "id",
        "columns": [
            ("id", int, "Row number"),
            ("report_id", str, "→ reports.id"),
            ("code", str, "The judged area, numbered in the order the inspectorate lists them: `1` reducing reoffending, `2` protecting the public, `3` protecting children and young people, `4` ensuring the sentence is served, `5` governance and partnerships, `6` the delivery of interventions (to 2015) or court work and reports (2016 on)"),
            ("area", str, "The judged area's name"),
            ("judgement", str, "`Good`, `Satisfactory`, `Unsatisfactory` or `Poor`"),
            ("score", int, "0 (Poor), 1 (Unsatisfactory), 2 (Satisfactory), 3 (Good)"),
            ("theme", str, "Shared theme across frameworks"),
            *PROVENANCE,
        ],
        "fks": [("report_id", "reports", "id")],
    },
    "key_questions": {
        "description": "Percentage of inspected cases answered 'yes' for each key question.",
        "pk": "id",
        "columns": [
            ("id", int, "Row number"),
            ("report_id", str, "→ reports.id"),
            ("code", str, "Key question number, e.g. `2.1.3`"),
            ("question", str, "Full question text as printed"),
            ("percent_yes", float, "Percent of cases 'yes', 0–100"),
            ("count", int, "YJS-2025: cases judged 'yes', where the report prints a count"),
            ("denominator", int, "YJS-2025: cases the count is out of, where printed"),
            ("theme", str, "Shared theme across frameworks"),
            *PROVENANCE,
        ],
        "fks": [("report_id", "reports", "id")],
    },
    "recommendations": {
        "description": "Recommendations, in report order, with who is asked to act.",
        "pk": "id",
        "columns": [
            ("id", int, "Row number"),
            ("report_id", str, "→ reports.id"),
            ("number", int, "1-based order in the report"),
            ("text", str, "Recommendation text"),
            ("addressee", str, "Who is asked to act, as printed (`YOT Manager`); NULL where none is named"),
            *PROVENANCE,
        ],
        "fks": [("report_id", "reports", "id")],
        "fts": ["text", "addressee"],
    },
    "findings": {
        "description": "Statements of what inspectors found, with any quantity normalised to a 0–1 interval.",
        "pk": "id",
        "columns": [
            ("id", int, "Row number"),
            ("report_id", str, "→ reports.id"),
            ("section", str, "Numbered paragraph or heading it sits under (`2.1`, `Key strengths`)"),
            ("heading", str, "Name of the section or domain, e.g. `Protecting the public`"),
            ("text", str, "The statement (a sentence or list item)"),
            ("polarity", str, "`strength`, `improvement` or NULL"),
            ("quantity_text", str, "The quantity as printed (`almost three-quarters`, `4 out of 22`, `78%`)"),
            ("proportion_low", float, "Lower end of the quantity's interval, proportion 0–1"),
            ("proportion_high", float, "Upper end of the quantity's interval, proportion 0–1"),
            ("count", int, "Number of cases stated or derived"),
            ("denominator", int, "Number of cases the count is out of"),
            ("direction", str, "What the first quantity counts: `met` (the share of cases that met the standard, \"sufficient in almost half of cases\"), `short` (the share that fell short, \"insufficient in almost half of cases\") or NULL (the sentence judges nothing; see finding_quantities)"),
            ("met_low", float, "Share of cases that met the standard (proportion 0–1): the mean lower end over the finding's quantities of case work, each direction-corrected (a share that fell short counts as 1 minus it); NULL when none judges the work"),
            ("met_high", float, "The same, upper end (proportion 0–1)"),
            ("met_n", int, "Number of the finding's quantities that met_low and met_high average"),
            ("theme", str, "Shared theme across frameworks"),
            *PROVENANCE,
        ],
        "fks": [("report_id", "reports", "id")],
        "fts": ["text", "section", "heading"],
        # Covers report_theme_measures' findings step (service_timeline, service_history) without
        # reading the table or joining finding_quantities (benchmarks/serve_load.py).
        "indexes": [("report_id", "theme", "met_low", "met_high", "met_n")],
    },
    "finding_quantities": {
        "description": "Every quantity in a finding (findings holds the first), normalised to a 0–1 interval.",
        "pk": "id",
        "columns": [
            ("id", int, "Row number"),
            ("finding_id", int, "→ findings.id"),
            ("report_id", str, "→ reports.id"),
            ("quantity_text", str, "The quantity as printed"),
            ("kind", str, "`percent`, `count`, `exception`, `fraction` or `vague`"),
            ("proportion_low", float, "Lower end of the interval, proportion 0–1"),
            ("proportion_high", float, "Upper end of the interval, proportion 0–1"),
            ("count", int, "Number of cases stated or derived"),
            ("denominator", int, "Number of cases the count is out of"),
            ("low_open", int, "1 when the interval excludes its lower end (`(0.5, …`)"),
            ("high_open", int, "1 when the interval excludes its upper end (`…, 0.75)`)"),
            ("rule", str, "The row of models/quantifiers.yml that read the quantity"),
            ("scope", str, "The coarser, older form of `base_kind`, kept for queries written against it: NULL (the whole sample or a set whose size is printed), `restricted` (a narrower set) or `anaphoric` (a set counted before)"),
            ("base", str, "Where `denominator` came from: `stated` (\"4 out of 22\", \"of the 20 cases\"), `sample` (the report's sample size) or `antecedent` (a set counted in the sentence before); NULL when there is no denominator"),
            ("base_kind", str, "What the proportion is of: `sample` (the whole sample inspected), `stated` (a set whose size is printed with it), `antecedent` (a set counted in the sentence before) or `subset` (a narrower set of the cases whose size is not printed: \"cases where this was required\", \"relevant cases\", PSRs); for a subset the interval is kept and no count is derived from the sample"),
            ("base_text", str, "The words naming that set, as printed (\"the cases where engagement could not be secured\", \"the 20 cases\", \"those cases\")"),
            ("direction", str, "`met` (the share of cases that met the standard), `short` (the share that fell short) or NULL (the clause judges nothing: what the cases were, what the court did), read from the clause's judgement words (models/judgements.yml)"),
            ("start", int, "Character offset of the quantity in the finding's text"),
            ("end", int, "Character offset just after the quantity in the finding's text"),
        ],
        "fks": [("finding_id", "findings", "id"), ("report_id", "reports", "id")],
    },
    "samples": {
        "description": "Sizes of what was inspected.",
        "pk": "id",
        "columns": [
            ("id", int, "Row number"),
            ("report_id", str, "→ reports.id"),
            ("kind", str, "`cases`, `court`, `out_of_court`, `children_questionnaires`, `victim_questionnaires`; YJS-2025: `children_cases`, `victim_cases`"),
            ("n", int, "How many"),
            *PROVENANCE,
        ],
        "fks": [("report_id", "reports", "id")],
    },
    "context_facts": {
        "description": "Contextual statistics printed in a report, with their comparator.",
        "pk": "id",
        "columns": [
            ("id", int, "Row number"),
            ("report_id", str, "→ reports.id"),
            ("measure", str, "What is measured: `reoffending_rate`, `first_time_entrant_rate`, `population`, `youth_population`, `aged_10_17_share`, `bme_share`, `white_british_share`, `reported_offences_rate`, caseload shares (`caseload_age_10_14` …) and more; see `note`"),
            ("value", float, "The area's value"),
            ("unit", str, "`%`, `per 100,000`, `per 1,000`, `people`"),
            ("comparator_label", str, "What it is compared with, e.g. `England and Wales`"),
            ("comparator_value", float, "The comparator's value, same unit"),
            ("note", str, "Period, cohort or source as printed"),
            *PROVENANCE,
        ],
        "fks": [("report_id", "reports", "id")],
    },
    "validations": {
        "description": "Checks of extracted values against the inspectorate's own published rules; failures are reported, never silently corrected.",
        "pk": "id",
        "columns": [
            ("id", int, "Row number"),
            ("report_id", str, "→ reports.id"),
            ("rule", str, "Name of the rule checked"),
            ("expected", str, "What the rule says the value should be"),
            ("found", str, "What was extracted"),
            ("passed", int, "1 when the check passed, 0 when it failed"),
            ("evidence", str, "The text or values the check was made on, and what a failure means"),
        ],
        "fks": [("report_id", "reports", "id")],
    },
    "passages": {
        "description": "Full text of every report by paragraph, for full-text search.",
        "pk": "id",
        "columns": [
            ("id", int, "Row number"),
            ("report_id", str, "→ reports.id"),
            ("page", int, "1-based page; NULL for a text export without page breaks"),
            ("section", str, "The heading the paragraph sits under"),
            ("text", str, "The paragraph, cleaned"),
            ("line_start", int, "First line of the paragraph in the cleaned document"),
            ("line_end", int, "Last line of the paragraph in the cleaned document"),
        ],
        "fks": [("report_id", "reports", "id")],
        "fts": ["text", "section"],
    },
    "cleaning": {
        "description": "What the clean stage changed in each report: one row per rule that fired, with an example.",
        "pk": ("report_id", "rule"),
        "columns": [
            ("report_id", str, "→ reports.id"),
            ("rule", str, "Cleaning rule (pipeline/reading/clean.py), e.g. `homoglyphs`, `markdown_emphasis`"),
            ("count", int, "How many lines the rule changed"),
            ("example_before", str, "First line it changed, before"),
            ("example_after", str, "The same line, after"),
            ("line", int, "Source line of the example"),
        ],
        "fks": [("report_id", "reports", "id")],
    },
    "ingest_log": {
        "description": "What happened to every input file of the last build.",
        "pk": "path",
        "columns": [
            ("path", str, "The input file, as given"),
            ("sha256", str, "SHA-256 of the file's bytes; NULL when it could not be read"),
            ("status", str, "`ok`, `duplicate` (same SHA-256 as another input), `rejected` (readable, but not an HMI Probation youth inspection report) or `error` (unreadable)"),
            ("programme", str, "Programme it was classified as, for `ok` rows"),
            ("report_id", str, "→ reports.id for `ok` rows"),
            ("reason", str, "One plain sentence on what happened and what to do"),
            ("seconds", float, "Time spent on the file (varies between builds)"),
        ],
    },
    "services": {
        "description": "Youth justice services (YOT / YOS / YJS), the canonical units reports are linked to.",
        "pk": "id",
        "columns": [
            ("id", str, "Slug of the service name"),
            ("name", str, "Service name"),
            ("country", str, "`England` or `Wales`"),
            ("region", str, "Region (England) or `Wales`"),
            ("gss_codes", str, "ONS GSS codes of the local authorities it covers, comma-separated"),
            *SERVICE_EXTRA_COLUMNS,
        ],
    },
    "service_lineage": {
        "description": "How services split, merged and were renamed.",
        "pk": ("predecessor_id", "successor_id"),
        "columns": [
            ("predecessor_id", str, "→ services.id"),
            ("successor_id", str, "→ services.id"),
            ("year", int, "Year of the change"),
            ("kind", str, "`split`, `merge` or `rename`"),
            ("evidence", str, "Where the change is stated"),
            *LINEAGE_EXTRA_COLUMNS,
        ],
        "fks": [("predecessor_id", "services", "id"), ("successor_id", "services", "id")],
    },
    "service_memberships": {
        "description": "Which combined service delivered youth justice for a local authority, and when (models/memberships.csv): a combined service's report belongs to a member's history only for the time it was a member.",
        "pk": ("local_authority_id", "service_id"),
        "columns": MEMBERSHIP_COLUMNS,
        "fks": [("local_authority_id", "services", "id"), ("service_id", "services", "id")],
    },
    "inspections": {
        "description": "The register: every youth inspection the inspectorate is known to have published, whether or not its report is loaded (models/inspections.csv), each with the source of its facts and the loaded report that holds it.",
        "pk": "id",
        "columns": [
            ("id", str, "Slug `YEAR-PROGRAMME-AREA` (the year left out where the publication date is not known), e.g. `2020-yos-2018-southampton`"),
            ("area", str, "Inspected area as the source names it"),
            ("service_id", str, "The canonical youth justice service (→ services.id), resolved from the area; NULL when it does not resolve"),
            ("programme", str, "`CCI`, `SQS`, `FJI`, `YOS-2018`, `YJS-2021` or `YJS-2025`; see `notes` for how it was decided where the source does not say"),
            ("published", str, "Publication date, ISO 8601 as precise as the source gives it; NULL where not known"),
            ("landing_url", str, "The inspection's page on the inspectorate's site, where known"),
            ("report_url", str, "The report's own URL (PDF, or the report page for 2025 reports), where known"),
            ("overall_rating", str, f"Overall rating ({RATING_WORDS}) as the source gives it; NULL for programmes without one or where not known"),
            ("source", str, "Where the row's facts come from (a page, a report, a public data set), never guessed"),
            ("notes", str, "What the source left unclear and how it was read (e.g. a rating printed with stray spaces)"),
            ("report_id", str, "The loaded report of this inspection (→ reports.id); NULL when it is missing from the database"),
            ("link_rule", str, "How the report was linked: `report_url` or `landing_url` (the manifest's URLs), `service_programme_year` (same service, programme family and publication year), or `service_programme_undated` (the only row of that service and programme family, its date unknown); NULL when not linked"),
        ],
        "fks": [("service_id", "services", "id"), ("report_id", "reports", "id")],
    },
    "build_info": {
        "description": "How this database was built.",
        "pk": "key",
        "columns": [
            ("key", str, "Setting"),
            ("value", str, "Value"),
        ],
    },
}

TABLES.update(LINK_TABLES)

# Each full-text index's columns (`<table>_fts`), for the search function fts_query
# (pipeline/site/plugin.py) to judge a column filter against the index it searches.
FTS_COLUMNS = {name: tuple(spec["fts"]) for name, spec in TABLES.items() if spec.get("fts")}

# Tables filled per report, in the order they are written (reports first: foreign keys).
REPORT_TABLES = ["scores", "ratings", "judgements", "key_questions", "recommendations", "findings",
                 "samples", "context_facts", "validations"]


def column_names(table: str) -> list[str]:
    return [name for name, _, _ in TABLES[table]["columns"]]


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create every table, foreign key and full-text index; safe to run again."""
    for name, spec in TABLES.items():
        table = db[name]
        if not table.exists():
            # Foreign keys declared at creation: adding them later rewrites the table.
            table.create({col: typ for col, typ, _ in spec["columns"]}, pk=spec["pk"],
                         foreign_keys=[fk for fk in spec.get("fks", []) if db[fk[1]].exists()])
        else:
            existing = set(table.columns_dict)
            for col, typ, _ in spec["columns"]:
                if col not in existing:
                    table.add_column(col, typ)
    for name, spec in TABLES.items():
        existing = {(fk.column, fk.other_table) for fk in db[name].foreign_keys}
        wanted = [fk for fk in spec.get("fks", []) if (fk[0], fk[1]) not in existing]
        if wanted:
            db.add_foreign_keys([(name, *fk) for fk in wanted])
    for name, spec in TABLES.items():
        for col, _, _ in spec["columns"]:
            if col == "report_id" and name != "ingest_log":
                db[name].create_index(["report_id"], if_not_exists=True)
        for columns in spec.get("indexes", []):
            db[name].create_index(list(columns), if_not_exists=True)


def enable_search(db: sqlite_utils.Database) -> None:
    """Full-text indexes, built after the rows are in (the database is immutable once served)."""
    for name, spec in TABLES.items():
        if spec.get("fts"):
            if db[f"{name}_fts"].exists():
                db[name].rebuild_fts()
            else:
                db[name].enable_fts(spec["fts"], tokenize="porter")
