"""The service registry (`models/services.csv`) and resolving an area as printed to a service."""

from __future__ import annotations

import csv
import unicodedata
from functools import lru_cache

import regex
from rapidfuzz import fuzz, process

from ..models import MODELS_DIR

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
