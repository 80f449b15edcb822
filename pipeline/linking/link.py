"""The linked corpus: which service each report is about, how services descend from
one another, and which shared theme each framework's codes belong to.

Everything factual lives in `models/`: the service registry (`services.csv`), known
splits, merges and renames (`lineage.csv`) and the themes crosswalk (`themes.yml`).
The work is split by job: `services.py` (registry, resolving an area), `lineage.py`,
`themes.py`; this module applies them to an extraction result and a database:

    resolve_area("Telford & Wrekin YOS")   -> {"service_id": "telford-and-wrekin", "method": "alias", ...}
    lineage_rows()                          -> service_lineage rows from models/lineage.csv
    lineage_from_text(text, "southampton")  -> rows stated in a report ("... disaggregated from ...")
    theme_for("YOS-2018", "2.1.3")          -> "risk_of_harm"
    link_result(result, text)               -> sets service_id, a validation and every row's theme
    write_registry(db, found_lineage)       -> fills services, service_lineage, themes, theme_crosswalk
"""

from __future__ import annotations

from .lineage import (LINEAGE_COLUMNS, LINEAGE_EXTRA_COLUMNS, LINEAGE_STATEMENTS,  # noqa: F401
                      lineage_from_text, lineage_rows, merge_lineage, sentences)
from .services import (LIST_SEPARATOR, MEMBERSHIP_COLUMNS, SERVICE_EXTRA_COLUMNS,  # noqa: F401
                       area_validation, load_services, membership_rows, normalise_name,
                       resolve_area, service_rows, services_by_id)
from .themes import (LINK_TABLES, crosswalk_rows, mapping_for,  # noqa: F401
                     programme_codes, stage_for, theme_for, theme_for_finding, theme_for_heading,
                     theme_for_text, theme_names, theme_rows)

# --- applying it to an extraction result and a database ----------------------------

THEMED_BY_CODE = ("scores", "ratings", "judgements", "key_questions")


def link_result(result: dict, text: str | None = None) -> dict:
    """Annotate one extraction result in place: the report's service_id, an
    `area_resolves_to_service` validation, a theme on every scores / ratings /
    key_questions / findings row that has none, and `lineage` rows stated in the
    text (default: the passages' text)."""
    report = result["report"]
    programme = report.get("programme")
    if text is None:
        text = "\n\n".join(p["text"] for p in result.get("passages", []))
    # The report's own text confirms a misprinted area ("Leeus" in a report printing "Leeds").
    resolution = resolve_area(report.get("area"), context=text)
    report["service_id"] = resolution["service_id"]
    report["service_match"] = resolution["method"]
    report["service_match_score"] = resolution["score"] if resolution["service_id"] else None
    # Idempotent: linking an already linked result replaces its area check.
    validations = [v for v in result.setdefault("validations", []) if v["rule"] != "area_resolves_to_service"]
    validations.append(area_validation(report.get("area"), resolution))
    result["validations"] = validations
    for table in THEMED_BY_CODE:
        for row in result.get(table, []):
            if not row.get("theme"):
                row["theme"] = theme_for(programme, row.get("code"))
    for row in result.get("findings", []):
        if not row.get("theme"):
            row["theme"] = theme_for_finding(programme, row.get("section"), row.get("heading"), row.get("text"))
    result["lineage"] = lineage_from_text(text, resolution["service_id"], report.get("year"), report.get("id"))
    return result


def _insert(db, table: str, rows: list[dict]) -> None:
    if not rows:
        return
    if not db[table].exists():
        spec = LINK_TABLES[table]
        db[table].create({name: typ for name, typ, _ in spec["columns"]}, pk=spec["pk"])
    columns = set(db[table].columns_dict)
    db[table].upsert_all([{k: v for k, v in row.items() if k in columns} for row in rows],
                         pk=tuple(db[table].pks) if len(db[table].pks) > 1 else db[table].pks[0])


def write_registry(db, found_lineage=()) -> None:
    """Fill services, service_lineage (registry plus lineage found in reports, merged),
    service_memberships, themes and theme_crosswalk. Columns the tables lack are left out, so this works
    with or without SERVICE_EXTRA_COLUMNS in the schema. Safe to run again."""
    _insert(db, "services", service_rows())
    known = services_by_id()
    found = [row for row in found_lineage
             if row["predecessor_id"] in known and row["successor_id"] in known]
    _insert(db, "service_lineage", merge_lineage(lineage_rows(), found))
    _insert(db, "service_memberships", membership_rows())
    _insert(db, "themes", theme_rows())
    _insert(db, "theme_crosswalk", crosswalk_rows())
