"""The service registry (`models/services.csv`) and resolving an area as printed to a service."""

from __future__ import annotations

import csv
import unicodedata
from functools import lru_cache

import regex
from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein, Levenshtein

from ..models import MODELS_DIR, load_model
from ..reading.compact import CompactText, compact

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
    ("active_from_date", str, "When the service (or authority) began, ISO 8601 as precise as known; blank if before the reports or not known"),
    ("active_to_date", str, "When it ended: the day the change took effect, ISO 8601 as precise as known; blank if still active"),
    ("sources", str, "URLs and corpus files the row's facts come from, `;`-separated"),
]

# The `service_memberships` table: which combined service delivered youth justice for a
# local authority, and when (models/memberships.csv).
MEMBERSHIP_COLUMNS = [
    ("local_authority_id", str, "→ services.id of the local authority"),
    ("service_id", str, "→ services.id of the combined service that delivered its youth justice"),
    ("joined", str, "When it joined, ISO 8601 as precise as known; NULL: from the combined service's start"),
    ("left", str, "When it left (the day the change took effect); NULL: until the combined service ended, or still"),
    ("verified", str, "`yes` when a source confirms the membership and its dates, `no` when they are unverified"),
    ("evidence", str, "What the source says"),
    ("sources", str, "URLs and corpus files, `;`-separated"),
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
            "active_from_date": service.get("active_from_date") or None,
            "active_to_date": service.get("active_to_date") or None,
            "sources": service.get("sources") or None,
        })
    return rows


def membership_rows() -> list[dict]:
    """Rows for the `service_memberships` table, from models/memberships.csv."""
    return [{name: (row.get(name) or None) for name, _, _ in MEMBERSHIP_COLUMNS}
            for row in _read_csv("memberships.csv")]


# --- resolution ---------------------------------------------------------------------
#
# An area as printed is matched to a service in this order, the first that answers wins:
#   exact     the registry's name, letter for letter (case and spacing aside)
#   alias     a registered name or alias, once the kind-of-body words and local-government
#             wrappers listed in models/area_names.yml are taken off the ends of both
#   combined  several registered places joined ("Blaenau Gwent and Caerphilly"): the
#             combined service that covers exactly those local authorities
#   fuzzy     a misprint (models/area_names.yml says how small), never a near neighbour
# Anything else is unresolved, with the nearest candidates named: no match beats a wrong one.


@lru_cache(maxsize=1)
def _words() -> dict:
    spec = load_model("area_names.yml")
    longest_first = lambda items: sorted((compact(i) for i in items), key=len, reverse=True)  # noqa: E731
    return {
        "service": longest_first(spec["service_words"]),
        "prefixes": longest_first(spec["admin_prefixes"]),
        "suffixes": longest_first(spec["admin_suffixes"]),
        "distinguishing": set(spec["distinguishing_words"]),
        "not_a_service": {compact(n) for n in spec["not_a_service"]},
        "joins": longest_first(spec["joins"]),
        "fuzzy": spec["fuzzy"],
    }


def _strip_ends(key: str) -> str:
    """A compact name without kind-of-body words and wrappers at either end."""
    words = _words()
    changed = True
    while changed and key:
        changed = False
        for affix in words["service"] + words["prefixes"]:
            if key.startswith(affix) and len(key) > len(affix):
                key, changed = key[len(affix):], True
                break
        for affix in words["service"] + words["suffixes"]:
            if key.endswith(affix) and len(key) > len(affix):
                key, changed = key[: -len(affix)], True
                break
    return key


def _word_core(text: str) -> list[str]:
    """The words of a name without wrappers at the ends (for fuzzy comparison word by word)."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    words = regex.sub(r"[^a-z0-9]+", " ", text.replace("&", " and ")).split()
    core = compact(" ".join(words))
    stripped = _strip_ends(core)
    # Drop whole words from each end until what is left compacts to the stripped core.
    while words and compact(" ".join(words)) != stripped and stripped in compact(" ".join(words[1:])):
        words = words[1:]
    while words and compact(" ".join(words)) != stripped and stripped in compact(" ".join(words[:-1])):
        words = words[:-1]
    return words


def normalise_name(text: str) -> str:
    """The key a name is matched on: compact, with kind-of-body words and wrappers taken
    off its ends ('Telford & Wrekin YOS' -> 'telfordandwrekin')."""
    return _strip_ends(compact(text or ""))


@lru_cache(maxsize=1)
def _name_index() -> dict:
    """Compact key -> {service ids}: every name and alias as registered, and again without
    its wrappers unless that leaves a region or country ('City of London' is never 'London')."""
    index: dict[str, set] = {}
    banned = _words()["not_a_service"]
    for service in load_services():
        for name in [service["name"], *service["aliases"]]:
            full = compact(name)
            for key in {full, _strip_ends(full)}:
                if len(key) >= 3 and (key == full or key not in banned):
                    index.setdefault(key, set()).add(service["id"])
    return index


@lru_cache(maxsize=1)
def _spelling() -> dict:
    """Compact key -> the name as the registry spells it (the first service's name or alias)."""
    spelled = {}
    for service in load_services():
        for name in [service["name"], *service["aliases"]]:
            spelled.setdefault(compact(name), name)
    return spelled


@lru_cache(maxsize=1)
def _combined_index() -> dict:
    """frozenset of local-authority service ids -> the combined service covering exactly them."""
    index = {}
    for service in load_services():
        if service["kind"] == "combined":
            members = frozenset(_unique(normalise_name(la)) for la in service["local_authorities"])
            if None not in members:
                index.setdefault(members, set()).add(service["id"])
    return index


def _unique(key: str) -> str | None:
    ids = _name_index().get(key, ())
    return next(iter(ids)) if len(ids) == 1 else None


def _resolution(area, service_id, method, score, matched=None, candidates=(), note=None):
    return {"area": area, "service_id": service_id, "method": method,
            "score": None if score is None else round(float(score), 1),
            "matched": matched, "candidates": list(candidates), "note": note}


def resolve_area(area: str | None, context: str | None = None) -> dict:
    """The service an area as printed refers to.

    Returns service_id, method (`exact` | `alias` | `combined` | `fuzzy` | `unresolved`),
    score (0-100), the registered name matched, the nearest candidates of an unresolved
    area, and a note. `context`, the report's text, lets a near name be accepted as a
    misprint when the text also prints the service's own name (the Leeds report's score
    table prints "Leeus")."""
    folded = " ".join((area or "").split()).casefold()
    for service in load_services():
        if folded and folded == service["name"].casefold():
            return _resolution(area, service["id"], "exact", 100, service["name"])
    key = normalise_name(area or "")
    if not key or key in _words()["not_a_service"]:
        return _resolution(area, None, "unresolved", None,
                           note="names a region or country, not one service" if key else None)
    index = _name_index()
    ids = index.get(key, ())
    if len(ids) == 1:
        return _resolution(area, next(iter(ids)), "alias", 100, _spelling().get(key, key))
    if len(ids) > 1:  # a shared alias: never guess between services
        return _resolution(area, None, "unresolved", 100, key, sorted(ids),
                           note="the name is registered for more than one service")
    places = _places(key)
    if places and len(places) > 1:
        found = _combined_index().get(frozenset(places))
        if found and len(found) == 1:
            return _resolution(area, next(iter(found)), "combined", 100,
                               " + ".join(services_by_id()[p]["name"] for p in places))
        names = ", ".join(services_by_id()[p]["name"] for p in places)
        return _resolution(area, None, "unresolved", None, None, sorted(places),
                           note=f"names several places ({names}) and no combined service in the registry covers exactly them")
    return _fuzzy(area, context)


def is_not_a_service(name: str) -> bool:
    """A region or country ('England and Wales', 'London'), never one service's area."""
    return normalise_name(name) in _words()["not_a_service"]


def _places(key: str) -> list[str] | None:
    """A compact key read as registered places one after another, joins allowed between
    them ('swanseaneathporttalbot' -> [swansea, neath-port-talbot]), longest name first."""
    index = _name_index()
    joins = _words()["joins"]
    out, at = [], 0
    while at < len(key):
        for join in joins:
            if out and key.startswith(join, at) and any(key.startswith(k, at + len(join)) for k in _prefixes(key, at + len(join))):
                at += len(join)
                break
        match = next((k for k in _prefixes(key, at)), None)
        if not match:
            return None
        ids = index[match]
        if len(ids) != 1:
            return None
        out.append(next(iter(ids)))
        at += len(match)
    return out


def _prefixes(key: str, at: int):
    """Registered keys that start `key` at position `at`, longest first."""
    index = _name_index()
    for length in range(min(_max_key_length(), len(key) - at), 2, -1):
        if key[at:at + length] in index:
            yield key[at:at + length]


@lru_cache(maxsize=1)
def _max_key_length() -> int:
    return max(len(k) for k in _name_index())


def _one_edit(a: str, b: str) -> str | None:
    """'insert', 'delete', 'transpose' or 'substitute' when a and b are one edit apart."""
    if DamerauLevenshtein.distance(a, b) != 1:
        return None
    if len(a) != len(b):
        return "insert" if len(a) > len(b) else "delete"
    return "substitute" if Levenshtein.distance(a, b) == 1 else "transpose"


def _fuzzy(area: str, context: str | None) -> dict:
    """A misprint of one registered name: the same words but one, never a distinguishing
    word (North, East ...), the odd word one edit away and long enough for that edit to be
    a misprint rather than another place; or, with the report's text, a near name that the
    text also prints exactly (models/area_names.yml: fuzzy)."""
    words, rules = _word_core(area), _words()["fuzzy"]
    key = compact(" ".join(words))
    ranked = process.extract(key, list(_name_index()), scorer=fuzz.ratio, limit=12)
    candidates, seen = [], set()
    for name, score, _ in ranked:
        for service_id in sorted(_name_index()[name]):
            if service_id not in seen:
                seen.add(service_id)
                candidates.append((service_id, name, score))
    shown = [f"{sid} ({score:.0f})" for sid, _, score in candidates[:3]]
    accepted = []
    printed = CompactText(context) if context else None  # the report's text, read once
    for service_id, name, score in candidates:
        registered = _word_core(_spelling().get(name, name))
        if len(registered) != len(words):
            continue
        odd = [(w, r) for w, r in zip(words, registered) if w != r]
        if len(odd) != 1:
            continue
        (word, right), = odd
        if word in _words()["distinguishing"] or right in _words()["distinguishing"]:
            continue
        edit = _one_edit(word, right)
        misprint = edit and len(right) >= (rules["min_length_substitution"] if edit == "substitute"
                                           else rules["min_length_edit"])
        confirmed = 0
        if printed and edit and score >= rules["min_ratio"]:  # one edit still: "Stafford" is no misprint of Trafford
            confirmed = sum(1 for _ in printed.find_all(_spelling().get(name, name)))
        if misprint or confirmed >= rules["confirmations"]:
            accepted.append((service_id, name, score, edit, confirmed))
    if len({a[0] for a in accepted}) == 1:
        service_id, name, score, edit, confirmed = accepted[0]
        how = (f"one {edit} in '{' '.join(words)}'" if edit and not confirmed
               else f"the report prints '{_spelling().get(name, name)}' {confirmed} times")
        return _resolution(area, service_id, "fuzzy", score, _spelling().get(name, name), note=f"a misprint: {how}")
    note = "matches several services" if len({a[0] for a in accepted}) > 1 else None
    return _resolution(area, None, "unresolved", candidates[0][2] if candidates else None, None, shown, note=note)


def service_name_at(text: str, start: int, end: int | None = None) -> tuple[int, int] | None:
    """Where the registered place printed at `start` of a text ends: (start, end) of the
    area as printed, or None when no registered name starts there.

    Read spacing-blind ("cumberlan d", "inLambethAn"), longest name first, after any
    wrapper ("the London Borough of"). A name must end where a word ends: at a space or
    punctuation, or where a glued next word begins with a capital ("DagenhamHM") or a
    digit (a running header's page number). Places joined by "and", "&" or commas
    ("Blaenau Gwent and Caerphilly") are read as one area, for resolve_area to find the
    combined service that covers them."""
    limit = min(len(text), end if end is not None else len(text), start + 240)
    ct = CompactText(text, start, limit)
    key = ct.text
    at = _after_wrappers(key, 0)
    first = at
    places_end = None
    while True:
        found = None
        for candidate in _prefixes(key, at):
            stop = ct.offsets[at + len(candidate) - 1] + 1
            if _ends_a_word(text, stop):
                found = (candidate, stop)
                break
        if not found:
            break
        candidate, places_end = found
        at += len(candidate)
        if at >= len(key):
            break
        # Another place may follow, after a join printed as its own word (" and ", " & ",
        # ", ") or after a space alone ("Swansea Neath Port Talbot"), on the same line.
        join = next((j for j in _words()["joins"] + [""]
                     if key.startswith(j, at) and next(_prefixes(key, _after_wrappers(key, at + len(j))), None)), None)
        if join is None:
            break
        gap = text[places_end:ct.offsets[at]]
        join_end = ct.offsets[at + len(join) - 1] + 1 if join else ct.offsets[at]
        if "\n" in gap or not _is_join_gap(gap, text, join_end, join):
            break
        at = _after_wrappers(key, at + len(join))
    if places_end is None:
        return None
    # "Nottingham City", "Southampton City Council": the printed area keeps a wrapper
    # word that follows the place.
    suffix = _printed_suffix().match(text, places_end)
    if suffix and _ends_a_word(text, suffix.end()):
        places_end = suffix.end()
    return ct.offsets[first], places_end


@lru_cache(maxsize=1)
def _printed_suffix():
    words = sorted(load_model("area_names.yml")["printed_suffixes"], key=len, reverse=True)
    return regex.compile(r"[ \t]+(?:" + "|".join(r"[ \t]+".join(map(regex.escape, w.split())) for w in words)
                         + r")(?![\w'])")


def _after_wrappers(key: str, at: int) -> int:
    """Past any wrappers at `at` ("the London Borough of") when a registered place follows them."""
    stops, position, stripping = [at], at, True
    while stripping:
        stripping = False
        for prefix in _words()["prefixes"]:
            if key.startswith(prefix, position):
                position, stripping = position + len(prefix), True
                stops.append(position)
                break
    return next((stop for stop in reversed(stops) if next(_prefixes(key, stop), None)), at)


def _is_join_gap(gap: str, text: str, join_end: int, join: str) -> bool:
    """Between two places: spaces and punctuation, then the join word standing alone
    ("Blaenau Gwent and Caerphilly", "Cheshire West, Halton & Warrington")."""
    if gap.strip(" ,&+/\t"):
        return False
    if not join:
        return bool(gap)  # at least a space or a comma
    return join_end < len(text) and (not text[join_end].isalnum() or text[join_end].isupper())


def _ends_a_word(text: str, stop: int) -> bool:
    if stop >= len(text):
        return True
    before, after = text[stop - 1], text[stop]
    if not after.isalnum():
        return True
    return (before.islower() and after.isupper()) or (before.isalpha() and after.isdigit())


def registry_spelling(printed: str) -> str:
    """The registry's spelling of a name printed with spacing artefacts or in capitals
    ('cumberlan d' -> 'Cumberland', 'BARKING AND DAGENHAM' -> 'Barking and Dagenham');
    any other name as printed, whitespace folded."""
    folded = " ".join(printed.split())
    spelled = _spelling().get(compact(folded))
    if spelled and (folded.isupper() or folded.islower() or folded.replace(" ", "") != spelled.replace(" ", "")
                    or folded.count(" ") != spelled.count(" ")):
        return spelled
    return folded


def area_validation(area: str | None, resolution: dict | None = None) -> dict:
    """The `validations` row for an area's resolution (passed or not)."""
    resolution = resolution or resolve_area(area)
    found = resolution["service_id"]
    expected = ("the area names a service in models/services.csv (its name or an alias, several "
                "places a combined service covers, or a misprint of one)")
    note = f"; {resolution['note']}" if resolution.get("note") else ""
    if found:
        evidence = (f"area {area!r} -> {found} by {resolution['method']} match "
                    f"on {resolution['matched']!r} (score {resolution['score']:.0f}){note}")
    else:
        nearest = ", ".join(resolution["candidates"]) or "none"
        evidence = (f"area {area!r} matched no service (nearest: {nearest}){note}; the report is left "
                    f"unlinked: add the service or an alias to models/services.csv")
    return {"rule": "area_resolves_to_service", "expected": expected,
            "found": f"{found} ({resolution['method']})" if found else None,
            "passed": int(bool(found)), "evidence": evidence}
