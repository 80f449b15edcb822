"""The linked corpus: which service each report is about, how services descend from
one another, and which shared theme each framework's codes belong to.

Everything factual lives in `models/`: the service registry (`services.csv`), known
splits, merges and renames (`lineage.csv`) and the themes crosswalk (`themes.yml`).
This module only reads those tables and applies them:

    resolve_area("Telford & Wrekin YOS")   -> {"service_id": "telford-and-wrekin", "method": "alias", ...}
    lineage_rows()                          -> service_lineage rows from models/lineage.csv
    lineage_from_text(text, "southampton")  -> rows stated in a report ("... disaggregated from ...")
    theme_for("YOS-2018", "2.1.3")          -> "risk_of_harm"
    link_result(result, text)               -> sets service_id, a validation and every row's theme
    write_registry(db, found_lineage)       -> fills services, service_lineage, themes, theme_crosswalk
"""

from __future__ import annotations

import csv
import unicodedata
from functools import lru_cache

import regex

from ..reading.sentences import sentences as split_sentences_text
from rapidfuzz import fuzz, process

from ..models import MODELS_DIR, load_model

# A fuzzy match must score at least this (rapidfuzz ratio, 0-100) on the normalised
# names: 80 accepts one wrong letter in a five-letter name ("Leeus" -> "leeds") and
# rejects a name that merely shares a long suffix ("Hampton" -> "southampton" is 78).
FUZZY_THRESHOLD = 80.0
# ... and beat the best match of any other service by this much, else it is ambiguous.
FUZZY_MARGIN = 5.0

# Words that name the kind of body rather than the place: "Wessex Youth Offending Team",
# "Southampton YOS", "Hampshire County Council" and "Wessex" must all meet.
NOISE_WORDS = {
    "yot", "yots", "yos", "yjs", "youth", "offending", "justice", "team", "service", "services",
    "partnership", "the", "area", "council", "borough", "city", "county", "metropolitan",
    "district", "royal", "of",
}

LIST_SEPARATOR = ";"  # between names and codes inside one CSV cell


# --- the registry -------------------------------------------------------------------

def _split(cell: str | None) -> list[str]:
    return [part.strip() for part in (cell or "").split(LIST_SEPARATOR) if part.strip()]


def _read_csv(name: str) -> list[dict]:
    with open(MODELS_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def load_services() -> tuple[dict, ...]:
    """models/services.csv, with list cells split into lists."""
    services = []
    for row in _read_csv("services.csv"):
        for column in ("local_authorities", "gss_codes", "former_gss_codes", "aliases"):
            row[column] = _split(row[column])
        services.append(row)
    return tuple(services)


def services_by_id() -> dict:
    return {service["id"]: service for service in load_services()}


# Extra `services` columns beyond the contract's, for pipeline/storage/schema.py.
SERVICE_EXTRA_COLUMNS = [
    ("kind", str, "`local_authority` (the area of one local authority) or `combined` (a service covering several)"),
    ("local_authorities", str, "Local authorities covered, `;`-separated"),
    ("former_gss_codes", str, "GSS codes the service's area had before a recode or a boundary change, comma-separated"),
    ("active_from", str, "Year the service (or, for a local authority row, the authority) began, where it falls in the period of the reports; blank if earlier"),
    ("active_to", str, "Year it ended; blank if still active"),
    ("part_of", str, "→ services.id of a combined service delivering youth justice for this local authority, where known"),
    ("aliases", str, "Other names it is printed under, `;`-separated (YOT/YOS/YJS, `&`/`and` and similar variants are matched without being listed)"),
    ("notes", str, "Where the facts come from and what is uncertain"),
]


def service_rows() -> list[dict]:
    """Rows for the `services` table: contract columns plus SERVICE_EXTRA_COLUMNS."""
    rows = []
    for service in load_services():
        rows.append({
            "id": service["id"],
            "name": service["name"],
            "country": service["country"],
            "region": service["region"],
            "gss_codes": ",".join(service["gss_codes"]),
            "kind": service["kind"],
            "local_authorities": LIST_SEPARATOR.join(service["local_authorities"]),
            "former_gss_codes": ",".join(service["former_gss_codes"]),
            "active_from": service["active_from"] or None,
            "active_to": service["active_to"] or None,
            "part_of": service["part_of"] or None,
            "aliases": LIST_SEPARATOR.join(service["aliases"]),
            "notes": service["notes"] or None,
        })
    return rows


# --- resolution ---------------------------------------------------------------------

def normalise_name(text: str) -> str:
    """Case, accents, punctuation, `&`, and service-kind words folded away."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    text = text.lower().replace("&", " and ")
    words = regex.sub(r"[^a-z0-9]+", " ", text).split()
    return " ".join(word for word in words if word not in NOISE_WORDS)


@lru_cache(maxsize=1)
def _name_index() -> dict:
    """normalised name or alias -> set of service ids."""
    index: dict[str, set] = {}
    for service in load_services():
        for name in [service["name"], *service["aliases"]]:
            key = normalise_name(name)
            if key:
                index.setdefault(key, set()).add(service["id"])
    return index


def _resolution(area, service_id, method, score, matched=None, candidates=()):
    return {"area": area, "service_id": service_id, "method": method,
            "score": None if score is None else round(float(score), 1),
            "matched": matched, "candidates": list(candidates)}


def resolve_area(area: str | None) -> dict:
    """The service an area as printed refers to: exact name, then alias (after
    normalise_name), then fuzzy (rapidfuzz ratio >= FUZZY_THRESHOLD, unambiguous).
    Returns service_id, method (`exact` | `alias` | `fuzzy` | `unresolved`), score
    (0-100), the name matched, and for an unresolved area the nearest candidates."""
    folded = " ".join((area or "").split()).casefold()
    for service in load_services():
        if folded and folded == service["name"].casefold():
            return _resolution(area, service["id"], "exact", 100, service["name"])
    key = normalise_name(area or "")
    if not key:
        return _resolution(area, None, "unresolved", None)
    index = _name_index()
    if len(index.get(key, ())) == 1:
        return _resolution(area, next(iter(index[key])), "alias", 100, key)
    if len(index.get(key, ())) > 1:  # a shared alias: never guess between services
        return _resolution(area, None, "unresolved", 100, key, sorted(index[key]))
    return _fuzzy(area, key, index)


def _fuzzy(area, key, index) -> dict:
    matches = process.extract(key, list(index), scorer=fuzz.ratio, limit=10)
    best_by_service: dict[str, tuple] = {}
    for name, score, _ in matches:
        for service_id in index[name]:
            if score > best_by_service.get(service_id, ("", -1))[1]:
                best_by_service[service_id] = (name, score)
    ranked = sorted(best_by_service.items(), key=lambda item: (-item[1][1], item[0]))
    candidates = [f"{sid} ({score:.0f})" for sid, (_, score) in ranked[:3]]
    if not ranked or ranked[0][1][1] < FUZZY_THRESHOLD:
        best = ranked[0][1][1] if ranked else None
        return _resolution(area, None, "unresolved", best, None, candidates)
    (service_id, (name, score)), rest = ranked[0], ranked[1:]
    if rest and rest[0][1][1] > score - FUZZY_MARGIN:
        return _resolution(area, None, "unresolved", score, None, candidates)
    return _resolution(area, service_id, "fuzzy", score, name)


def area_validation(area: str | None, resolution: dict | None = None) -> dict:
    """The `validations` row for an area's resolution (passed or not)."""
    resolution = resolution or resolve_area(area)
    found = resolution["service_id"]
    expected = (f"the area names a service in models/services.csv (exact name, alias, "
                f"or fuzzy match scoring at least {FUZZY_THRESHOLD:.0f})")
    if found:
        evidence = (f"area {area!r} -> {found} by {resolution['method']} match "
                    f"on {resolution['matched']!r} (score {resolution['score']:.0f})")
    else:
        nearest = ", ".join(resolution["candidates"]) or "none"
        evidence = (f"area {area!r} matched no service (nearest: {nearest}); the report is left "
                    f"unlinked: add the service or an alias to models/services.csv")
    return {"rule": "area_resolves_to_service", "expected": expected,
            "found": f"{found} ({resolution['method']})" if found else None,
            "passed": int(bool(found)), "evidence": evidence}


# --- lineage ------------------------------------------------------------------------

LINEAGE_COLUMNS = ("predecessor_id", "successor_id", "year", "kind", "evidence")


def lineage_rows() -> list[dict]:
    """service_lineage rows from models/lineage.csv (contract columns only)."""
    return [{"predecessor_id": row["predecessor_id"], "successor_id": row["successor_id"],
             "year": int(row["year"]) if row["year"] else None, "kind": row["kind"],
             "evidence": row["evidence"]} for row in _read_csv("lineage.csv")]


# A service name as printed: capitalised words, joined by lower-case connectors only
# when another capitalised word follows ("Isle of Wight", "Wessex Youth Offending Team").
# A comma may join them too ("Bournemouth, Christchurch and Poole"); _service_named
# then also tries what follows each comma ("Overall, Southampton YOS").
_NAME = r"[A-Z][\w'’&.-]*(?:,?\s+(?:(?:of|and|upon|on|with|&)\s+)*[A-Z][\w'’&.-]*)*"
# ... or a reference to the report's own service ("The service was previously part of ...").
_SUBJECT = rf"(?:{_NAME}|(?:[Tt]he|[Tt]his)\s+(?:service|team|partnership|YOT|YOS|YJS)|It)"
_BE = r"(?:(?:was|were|is|has|had|have)\s+)?(?:(?:been|previously|originally)\s+)*"
# (pattern, kind): `S` is the successor (the sentence's subject), `P` (and `P2`) the
# predecessor(s); patterns are tried in order and a sentence is read by the first that matches.
LINEAGE_STATEMENTS = [
    (rf"(?P<S>{_SUBJECT})\s+{_BE}(?:disaggregated|separated|split|demerged|broke\s+away)\s+from\s+(?:the\s+)?(?P<P>{_NAME})", "split"),
    (rf"(?P<S>{_SUBJECT})\s+{_BE}ceas(?:ed|ing)\s+to\s+be\s+(?:a\s+)?part\s+of\s+(?:the\s+)?(?P<P>{_NAME})", "split"),
    (rf"(?P<S>{_SUBJECT})\s+{_BE}part\s+of\s+(?:the\s+)?(?P<P>{_NAME})\s+until\b", "split"),
    (rf"(?P<S>{_SUBJECT})\s+(?:was|were|had\s+been)\s+previously\s+(?:a\s+)?part\s+of\s+(?:the\s+)?(?P<P>{_NAME})", "split"),
    (rf"(?P<S>{_SUBJECT})\s+{_BE}formed\s+(?:in\s+\w+\s+)?(?:\d{{4}}\s+)?(?:from|by)\s+(?:the\s+)?(?:merger|merging|amalgamation|combination|combining)\s+of\s+(?:the\s+)?(?P<P>{_NAME})\s+(?:and|with)\s+(?:the\s+)?(?P<P2>{_NAME})", "merge"),
    (rf"(?P<S>{_SUBJECT})\s+{_BE}formed\s+(?:in\s+\w+\s+)?(?:\d{{4}}\s+)?from\s+(?:the\s+)?(?P<P>{_NAME})", "split"),
    (rf"(?P<S>{_SUBJECT})\s+{_BE}merged\s+with\s+(?:the\s+)?(?P<P>{_NAME})", "merge"),
    (rf"(?P<S>{_SUBJECT})\s+{_BE}(?:formerly|previously)\s+(?:known\s+as|called)\s+(?:the\s+)?(?P<P>{_NAME})", "rename"),
    (rf"(?P<P>{_NAME})\s+{_BE}renamed\s+(?:as\s+)?(?:the\s+)?(?P<S>{_NAME})", "rename"),
]
_STATEMENTS = [(regex.compile(pattern), kind) for pattern, kind in LINEAGE_STATEMENTS]
_YEAR = regex.compile(r"\b(?:19|20)\d\d\b")
def sentences(text: str) -> list[str]:
    """Sentences of a text, with line breaks folded (PDF text wraps anywhere)."""
    return split_sentences_text(" ".join(text.split()))


_SELF_REFERENCE = regex.compile(
    r"(?:[Tt]he|[Tt]his|It)(?:\s+(?:service|team|partnership|YOT|YOS|YJS|Youth\s+(?:Offending|Justice)\s+(?:Team|Service)))?")


def _service_named(name: str, report_service: str | None) -> str | None:
    # "The service", "It", "The YOT" mean the report's own service; any other name must
    # resolve, so an unregistered service is never mistaken for the report's.
    parts = name.split(", ")
    for tail in (", ".join(parts[i:]) for i in range(len(parts))):
        if _SELF_REFERENCE.fullmatch(tail):
            return report_service
        resolved = resolve_area(tail)["service_id"]
        if resolved:
            return resolved
    return None


def lineage_from_text(text: str, service_id: str | None, year: int | None = None,
                      source: str | None = None) -> list[dict]:
    """Lineage a report states, e.g. "Southampton YOS disaggregated from Wessex Youth
    Offending Team in 2012" -> wessex -> southampton, 2012, split, with the sentence as
    evidence (prefixed by `source`, the report id). A subject that is not a service
    name ("The service was previously part of ...") means `service_id`. A sentence
    without a year takes `year` (the report's: the change happened by then)."""
    rows, seen = [], set()
    for sentence in sentences(text):
        for pattern, kind in _STATEMENTS:
            match = pattern.search(sentence)
            if not match:
                continue
            successor = _service_named(match.group("S"), service_id)
            predecessors = [match.group(g) for g in ("P", "P2") if g in pattern.groupindex and match.group(g)]
            stated_year = _YEAR.search(sentence[match.start():])
            for name in predecessors:
                predecessor = _service_named(name, None)
                if not predecessor or not successor or predecessor == successor:
                    continue
                if (predecessor, successor) in seen:
                    continue
                seen.add((predecessor, successor))
                quoted = f'"{sentence}"'
                rows.append({"predecessor_id": predecessor, "successor_id": successor,
                             "year": int(stated_year.group(0)) if stated_year else year, "kind": kind,
                             "evidence": f"{source}: {quoted}" if source else quoted})
            break
    return rows


def merge_lineage(*groups) -> list[dict]:
    """One row per (predecessor, successor): the first group's year and kind win (the
    registry is curated); evidence that adds a new statement is appended."""
    merged: dict[tuple, dict] = {}
    for rows in groups:
        for row in rows:
            key = (row["predecessor_id"], row["successor_id"])
            if key not in merged:
                merged[key] = {column: row.get(column) for column in LINEAGE_COLUMNS}
                continue
            kept = merged[key]
            statement = row["evidence"].split(": ", 1)[-1]
            if statement not in kept["evidence"]:
                kept["evidence"] = f"{kept['evidence']} | {row['evidence']}"
            if kept["year"] is None:
                kept["year"] = row["year"]
    return sorted(merged.values(), key=lambda r: (r["predecessor_id"], r["successor_id"]))


# --- themes -------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _themes_model() -> dict:
    return load_model("themes.yml")


def theme_names() -> list[str]:
    return list(_themes_model()["themes"])


@lru_cache(maxsize=None)
def programme_codes(programme: str) -> dict:
    """code -> mapping for a programme, with `inherits`/`replaces` applied."""
    spec = _themes_model()["programmes"].get(programme)
    if not spec:
        return {}
    codes = {}
    if spec.get("inherits"):
        replaced = [str(code) for code in spec.get("replaces", [])]
        codes = {code: mapping for code, mapping in programme_codes(spec["inherits"]).items()
                 if not any(code == r or code.startswith(r + ".") for r in replaced)}
    codes.update({str(code): mapping for code, mapping in (spec.get("codes") or {}).items()})
    codes.update({str(code): mapping for code, mapping in (spec.get("extra_codes") or {}).items()})
    return codes


def _clean_code(code) -> str:
    # "2.1." and "1.3c" (a CCI sub-criterion) are the codes "2.1" and "1.3".
    text = str(code or "").strip().rstrip(".").strip()
    match = regex.fullmatch(r"(\d+(?:\.\d+)*)\.?[a-z]", text)
    return match.group(1) if match else text


def mapping_for(programme: str, code) -> dict | None:
    """The crosswalk entry for a code, trying its parent codes (`2.5` -> `2`)."""
    codes = programme_codes(programme)
    code = _clean_code(code)
    while code:
        if code in codes:
            return codes[code]
        if "." not in code:
            return None
        code = code.rsplit(".", 1)[0]
    return None


def theme_for(programme: str, code) -> str | None:
    mapping = mapping_for(programme, code)
    return mapping["theme"] if mapping else None


def stage_for(programme: str, code) -> tuple:
    mapping = mapping_for(programme, code)
    return tuple(mapping.get("stage") or ()) if mapping else ()


def theme_for_heading(programme: str, heading: str | None) -> str | None:
    """A section heading as printed ("2. Protecting the public") -> its theme."""
    headings = (_themes_model()["programmes"].get(programme) or {}).get("headings") or {}
    key = " ".join(regex.sub(r"^[\d.\s]+", "", heading or "").lower().split())
    code = headings.get(key)
    return theme_for(programme, code) if code else None


def _keyword_pattern(keyword: str):
    # `reoffend*` is a prefix; anything else a whole word or phrase.
    stem, prefix = (keyword[:-1], True) if keyword.endswith("*") else (keyword, False)
    body = r"\s+".join(regex.escape(part) for part in stem.split())
    end = "" if prefix else r"(?!\w)"
    return regex.compile(r"(?<!\w)" + body + end, regex.IGNORECASE)


@lru_cache(maxsize=1)
def _keyword_patterns() -> dict:
    return {theme: [_keyword_pattern(k) for k in spec.get("keywords", [])]
            for theme, spec in _themes_model()["themes"].items()}


def theme_for_text(text: str | None, among=None) -> str | None:
    """The theme whose keywords (models/themes.yml) occur most often in a text; ties go
    to the theme listed first; None when no keyword occurs."""
    best, best_hits = None, 0
    for theme, patterns in _keyword_patterns().items():
        if among is not None and theme not in among:
            continue
        hits = sum(len(p.findall(text or "")) for p in patterns)
        if hits > best_hits:
            best, best_hits = theme, hits
    return best


_CODE_IN_HEADING = regex.compile(r"(?<![\d.])(\d+\.\d+(?:\.\d+)?[a-z]?)(?!\d)")


def _code_in(heading: str | None) -> str | None:
    # CCI good-practice boxes sit under "... General Criterion: 1.3c".
    match = _CODE_IN_HEADING.search(heading or "")
    return match.group(1) if match else None


def theme_for_finding(programme: str, section, heading=None, text=None) -> str | None:
    """A finding's theme: its section code's, else its heading's (as a named heading or
    a code it contains), else its words'. Under a stage-only theme (case_management)
    the words pick the purpose where they name one."""
    theme = (theme_for(programme, section) or theme_for_heading(programme, heading)
             or theme_for_heading(programme, section) or theme_for(programme, _code_in(heading)))
    if theme is None:
        return theme_for_text(text)
    refine = _themes_model()["themes"][theme].get("refine_with")
    if refine:
        return theme_for_text(text, among=refine) or theme
    return theme


def crosswalk_rows() -> list[dict]:
    """One row per (programme, code) in models/themes.yml, for a `theme_crosswalk` table."""
    rows = []
    for programme in _themes_model()["programmes"]:
        for code, mapping in programme_codes(programme).items():
            rows.append({"programme": programme, "code": code, "label": mapping.get("label"),
                         "theme": mapping["theme"], "stage": ",".join(mapping.get("stage") or []) or None,
                         "comparability": mapping.get("comparability"), "note": mapping.get("note")})
    return rows


def theme_rows() -> list[dict]:
    return [{"id": theme, "label": spec["label"], "description": spec["description"],
             "keywords": ", ".join(spec.get("keywords", []))}
            for theme, spec in _themes_model()["themes"].items()]


LINK_TABLES = {
    "themes": {
        "description": "Shared themes across the four inspection frameworks (models/themes.yml).",
        "pk": "id",
        "columns": [
            ("id", str, "Theme, as used in the `theme` columns"),
            ("label", str, "Name"),
            ("description", str, "What it covers and its names in each framework"),
            ("keywords", str, "Words that assign a finding without a themed section to it (prefix* matches a stem)"),
        ],
    },
    "theme_crosswalk": {
        "description": "Each framework code's theme, stage and how comparable it is across frameworks (models/themes.yml).",
        "pk": ("programme", "code"),
        "columns": [
            ("programme", str, "`CCI`, `SQS`, `YOS-2018` or `YJS-2021`"),
            ("code", str, "Score, section, standard or key-question code (SQS: the domain number)"),
            ("label", str, "What the code judges"),
            ("theme", str, "→ themes.id"),
            ("stage", str, "Stage(s) of case work: assessment, planning, implementation, reviewing, outcomes"),
            ("comparability", str, "`close`, `partial`, `weak` or `none`"),
            ("note", str, "What it is comparable with, and how the measures differ"),
        ],
    },
}


# --- applying it to an extraction result and a database ----------------------------

THEMED_BY_CODE = ("scores", "ratings", "key_questions")


def link_result(result: dict, text: str | None = None) -> dict:
    """Annotate one extraction result in place: the report's service_id, an
    `area_resolves_to_service` validation, a theme on every scores / ratings /
    key_questions / findings row that has none, and `lineage` rows stated in the
    text (default: the passages' text)."""
    report = result["report"]
    programme = report.get("programme")
    resolution = resolve_area(report.get("area"))
    report["service_id"] = resolution["service_id"]
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
    if text is None:
        text = "\n\n".join(p["text"] for p in result.get("passages", []))
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
    themes and theme_crosswalk. Columns the tables lack are left out, so this works
    with or without SERVICE_EXTRA_COLUMNS in the schema. Safe to run again."""
    _insert(db, "services", service_rows())
    known = services_by_id()
    found = [row for row in found_lineage
             if row["predecessor_id"] in known and row["successor_id"] in known]
    _insert(db, "service_lineage", merge_lineage(lineage_rows(), found))
    _insert(db, "themes", theme_rows())
    _insert(db, "theme_crosswalk", crosswalk_rows())
