"""Integrity of the service registry data: models/services.csv, models/memberships.csv,
models/lineage.csv and the reference lists of local authorities they are built on.

Dates in the registry are ISO dates at the precision a source gives (`2012`, `2012-04`,
`2012-10-01`). A membership runs from `joined` (blank: from the combined service's start)
up to, not including, `left` (blank: until the service ended, or still). A lineage row's
`effective` is the date the change took effect. These tests also check that the question
"was this authority part of that service at a report's fieldwork?" can be answered from the
data, on the Wessex report in corpus/.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest

from pipeline.models import MODELS_DIR

ROOT = Path(__file__).resolve().parent.parent
SEP = ";"
ISO = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
GSS = re.compile(r"[EW]\d{8}")


def _read(name):
    with open(MODELS_DIR / name, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _split(cell):
    return [part.strip() for part in (cell or "").split(SEP) if part.strip()]


SERVICES = _read("services.csv")
BY_ID = {row["id"]: row for row in SERVICES}
BY_NAME = {row["name"]: row for row in SERVICES if row["kind"] == "local_authority"}
MEMBERSHIPS = _read("memberships.csv")
LINEAGE = _read("lineage.csv")
WALES = _read("reference/wales-local-authorities.csv")
ENGLAND = _read("reference/england-local-authorities.csv")


def _key(date):
    """A partial ISO date as a sortable tuple: `2012` -> (2012, 0, 0)."""
    parts = [int(p) for p in date.split("-")]
    return tuple(parts + [0] * (3 - len(parts)))


def _year(date):
    return int(date[:4]) if date else None


def _start(row):
    """Where a service's life begins, as precisely as the row says; '' if before the reports."""
    return row["active_from_date"] or row["active_from"]


def _end(row):
    return row["active_to_date"] or row["active_to"]


def _membership_span(row):
    """(joined, left) of a membership, blanks filled from the combined service's own life.
    (An authority hosting the service of an area split from it, as Northamptonshire does
    for North and West Northamptonshire, ends as an authority while its service goes on.)"""
    service = BY_ID[row["service_id"]]
    if service["kind"] != "combined":
        return row["joined"], row["left"]
    return row["joined"] or _start(service), row["left"] or _end(service)


@pytest.fixture(scope="module")
def members_at(corpus_db):
    """Local authorities that were part of a combined service on a date (`2011-05`), as the
    built database answers it: service_ancestry's windows, compared as the views compare
    dates of different precision (an undecidable date is no member)."""
    import sqlite3

    from pipeline.storage.views import _before, _on_or_after

    conn = sqlite3.connect(f"file:{corpus_db}?mode=ro", uri=True)
    sql = ("SELECT service_id FROM service_ancestry WHERE ancestor_id = :service AND relation = 'combined' "
           "AND depth = 1 "  # the authority's own membership, not one of its predecessors'
           f"AND (valid_from IS NULL OR {_on_or_after(':date', 'valid_from')}) "
           f"AND (valid_to IS NULL OR {_before(':date', 'valid_to')})")

    def members(service_id, date):
        return {row[0] for row in conn.execute(sql, {"service": service_id, "date": date})}

    yield members
    conn.close()


def _is_source(item):
    return item.startswith(("https://", "http://")) or (ROOT / item).exists()


# --- services.csv ----------------------------------------------------------------------

def test_ids_are_unique_and_rows_are_complete():
    ids = [row["id"] for row in SERVICES]
    assert len(ids) == len(set(ids))
    for row in SERVICES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", row["id"]), row["id"]
        assert row["kind"] in ("local_authority", "combined"), row["id"]
        assert row["country"] in ("England", "Wales") and row["region"] and row["name"], row["id"]


def test_every_row_has_a_source_that_exists():
    for row in SERVICES:
        sources = _split(row["sources"])
        assert sources, row["id"]
        assert all(_is_source(s) for s in sources), (row["id"], sources)
        if row["kind"] == "combined":  # a combined service is evidenced by a public page
            assert any(s.startswith("http") for s in sources), row["id"]
            assert row["notes"], row["id"]


def test_gss_codes_are_well_formed_and_each_on_one_local_authority_row():
    owner = {}
    for row in SERVICES:
        for code in _split(row["gss_codes"]) + _split(row["former_gss_codes"]):
            assert GSS.fullmatch(code), (row["id"], code)
        if row["kind"] == "local_authority":
            (code,) = _split(row["gss_codes"])  # one authority, one current code
            assert code not in owner, (code, owner.get(code), row["id"])
            owner[code] = row["id"]
    active = {code for code, sid in owner.items() if not BY_ID[sid]["active_to"]}
    for row in SERVICES:  # a code an authority gave up is nobody's current code
        if row["kind"] == "local_authority":
            assert not set(_split(row["former_gss_codes"])) & active, row["id"]


def test_active_dates_are_ordered_and_agree_with_their_years():
    for row in SERVICES:
        for year, date in (("active_from", "active_from_date"), ("active_to", "active_to_date")):
            if row[date]:
                assert ISO.fullmatch(row[date]) and row[year] == row[date][:4], (row["id"], year)
            if row[year]:
                assert 2000 <= int(row[year]) <= 2025, row["id"]
        if _start(row) and _end(row):
            assert _key(_start(row)) <= _key(_end(row)), row["id"]


def test_every_combined_service_lists_its_local_authorities_and_their_codes():
    for row in SERVICES:
        if row["kind"] != "combined":
            continue
        names = _split(row["local_authorities"])
        assert len(names) >= 2, row["id"]
        assert all(name in BY_NAME for name in names), (row["id"], names)
        assert sorted(_split(row["gss_codes"])) == sorted(BY_NAME[n]["gss_codes"] for n in names), row["id"]


def test_a_combined_service_lists_the_members_it_had_at_its_end():
    # Dorset Combined lists BCP and Dorset (Bournemouth and Poole left in 2019 when BCP
    # replaced them); Wessex lists the three authorities it broke up into, not the Isle of
    # Wight, which left a year earlier.
    for row in SERVICES:
        if row["kind"] != "combined":
            continue
        at_end = {BY_ID[m["local_authority_id"]]["name"] for m in MEMBERSHIPS
                  if m["service_id"] == row["id"] and (not m["left"] or m["left"] == _end(row))}
        assert at_end == set(_split(row["local_authorities"])), row["id"]
    assert set(_split(BY_ID["dorset-combined"]["local_authorities"])) == {"Bournemouth, Christchurch and Poole", "Dorset"}
    assert "Isle of Wight" not in _split(BY_ID["wessex"]["local_authorities"])


def test_part_of_names_the_service_an_authority_belonged_to_at_its_end():
    for row in SERVICES:
        if row["kind"] != "local_authority":
            continue
        spans = {m["service_id"]: (_membership_span(m), m["verified"]) for m in MEMBERSHIPS
                 if m["local_authority_id"] == row["id"]}
        open_at_end = {sid for sid, ((_, left), verified) in spans.items()
                       if verified == "yes" and (not left or (_end(row) and left == _end(row)))}
        if row["part_of"]:
            assert row["part_of"] in spans, row["id"]  # every part_of has its dated membership
        assert open_at_end <= {row["part_of"]}, (row["id"], open_at_end)
        if open_at_end:
            assert row["part_of"] in open_at_end, row["id"]


# --- memberships.csv ----------------------------------------------------------------------

def test_memberships_join_real_rows_with_well_formed_dates():
    hosts = {(l["predecessor_id"], l["successor_id"]) for l in LINEAGE}
    seen = set()
    for row in MEMBERSHIPS:
        la, service = BY_ID[row["local_authority_id"]], BY_ID[row["service_id"]]
        assert la["kind"] == "local_authority", row
        # a combined service, or the authority an area was split from still serving it
        assert service["kind"] == "combined" or (service["id"], la["id"]) in hosts, row
        assert (la["id"], service["id"]) not in seen, row
        seen.add((la["id"], service["id"]))
        for date in (row["joined"], row["left"]):
            assert not date or ISO.fullmatch(date), row
        assert row["verified"] in ("yes", "no"), row
        assert row["evidence"] and _split(row["sources"]), row
        assert all(_is_source(s) for s in _split(row["sources"])), row
        if row["verified"] == "no":
            assert "UNVERIFIED" in row["evidence"], row


def test_memberships_fall_within_the_lives_of_the_service_and_the_authority():
    for row in MEMBERSHIPS:
        service, la = BY_ID[row["service_id"]], BY_ID[row["local_authority_id"]]
        joined, left = _membership_span(row)
        if joined and left:
            assert _key(joined) < _key(left), row
        if service["kind"] != "combined":  # a host: the membership starts with the split
            split = [l for l in LINEAGE if (l["predecessor_id"], l["successor_id"]) == (service["id"], la["id"])]
            assert row["joined"] and row["joined"] == split[0]["effective"], row
            continue
        if row["joined"] and _start(service):
            assert _key(_start(service)) <= _key(row["joined"]), row
        if row["left"] and _end(service):
            assert _key(row["left"]) <= _key(_end(service)), row
        if joined and _start(la):
            assert _key(_start(la)) <= _key(joined), row
        if left and _end(la):
            assert _key(left) <= _key(_end(la)), row


def test_an_authority_is_in_one_combined_service_at_a_time():
    spans = defaultdict(list)
    for row in MEMBERSHIPS:
        if row["verified"] == "yes":
            spans[row["local_authority_id"]].append((_membership_span(row), row["service_id"]))
    for la, rows in spans.items():
        rows.sort(key=lambda item: _key(item[0][0] or "0000"))
        for ((_, left), first), ((joined, _), second) in zip(rows, rows[1:]):
            assert left and joined and _key(left) <= _key(joined), (la, first, second)


def test_every_listed_member_has_a_membership():
    for row in SERVICES:
        if row["kind"] == "combined":
            members = {m["local_authority_id"] for m in MEMBERSHIPS if m["service_id"] == row["id"]}
            assert {BY_NAME[n]["id"] for n in _split(row["local_authorities"])} <= members, row["id"]


# --- lineage.csv --------------------------------------------------------------------------

def test_lineage_rows_name_real_services_with_dated_evidence():
    for row in LINEAGE:
        assert row["predecessor_id"] in BY_ID and row["successor_id"] in BY_ID, row
        assert row["predecessor_id"] != row["successor_id"], row
        assert row["kind"] in ("split", "merge", "rename"), row
        assert row["year"] and 2000 <= int(row["year"]) <= 2025, row
        if row["effective"]:
            assert ISO.fullmatch(row["effective"]) and row["effective"][:4] == row["year"], row
        assert row["verified"] in ("yes", "no"), row
        assert row["evidence"] and _split(row["sources"]), row
        assert all(_is_source(s) for s in _split(row["sources"])), row
        if row["verified"] == "no":
            assert "UNVERIFIED" in row["note"], row
    pairs = [(r["predecessor_id"], r["successor_id"]) for r in LINEAGE]
    assert len(pairs) == len(set(pairs))


def test_lineage_dates_agree_with_the_services_lives():
    for row in LINEAGE:
        pred, succ, year = BY_ID[row["predecessor_id"]], BY_ID[row["successor_id"]], int(row["year"])
        when = row["effective"] or row["year"]
        if _start(pred):
            assert _key(_start(pred)) <= _key(when), row
        if _end(pred):
            assert _key(when) <= _key(_end(pred)), row
            if row["kind"] in ("merge", "rename"):  # the predecessor ends with the change
                assert _year(_end(pred)) == year, row
        if _start(succ):
            assert _key(_start(succ)) <= _key(when) or _year(_start(succ)) == year, row
        if row["kind"] == "merge" and succ["kind"] == "combined":
            assert _year(_start(succ)) == year, row  # a merger starts its successor


def test_lineage_is_acyclic_and_never_duplicates_a_membership():
    # Joining a combined service is a membership, not lineage: Swansea joined Western Bay
    # in 2014 and came out of it in 2019, which as lineage would be a cycle.
    members = {(m["local_authority_id"], m["service_id"]) for m in MEMBERSHIPS}
    assert not {(r["predecessor_id"], r["successor_id"]) for r in LINEAGE} & members
    successors = defaultdict(set)
    for row in LINEAGE:
        successors[row["predecessor_id"]].add(row["successor_id"])

    def reaches(start, target, seen=()):
        return any(nxt == target or (nxt not in seen and reaches(nxt, target, (*seen, nxt)))
                   for nxt in successors[start])

    assert not [sid for sid in BY_ID if reaches(sid, sid)]


# --- reference lists ----------------------------------------------------------------------

def test_the_22_welsh_authorities_have_their_w06_codes_names_and_welsh_names():
    assert len(WALES) == 22
    codes = {row["gss_code"] for row in WALES}
    assert len(codes) == 22 and not {"W06000007", "W06000017"} & codes
    welsh_rows = {row["gss_codes"]: row for row in SERVICES
                  if row["country"] == "Wales" and row["kind"] == "local_authority"}
    assert set(welsh_rows) == codes
    for ref in WALES:
        row = welsh_rows[ref["gss_code"]]
        assert row["name"] == ref["name"]
        assert "models/reference/wales-local-authorities.csv" in _split(row["sources"])
        if ref["name_cy"] and ref["name_cy"] != ref["name"]:
            assert ref["name_cy"] in _split(row["aliases"]), (ref["name"], ref["name_cy"])
    assert welsh_rows["W06000015"]["aliases"] == "Caerdydd"
    assert "Pen-y-bont ar Ogwr" in _split(welsh_rows["W06000013"]["aliases"])


def test_every_english_reference_code_is_a_local_authority_row():
    codes = {row["gss_codes"] for row in SERVICES if row["kind"] == "local_authority"}
    for ref in ENGLAND:
        code = ref["la_code_new"] or ref["ltla23cd"]
        assert code in codes, ref["local_authority_ons_name"]


# --- real values: the registry answers "who was part of what, when" ------------------------

def test_isle_of_wight_had_left_wessex_before_the_2011_fieldwork(members_at):
    text = (ROOT / "corpus" / "2011-cci-wessex.txt").read_text(encoding="utf-8")
    assert "Fieldwork for this inspection was undertaken in May 2011" in text
    assert members_at("wessex", "2011-05") == {"hampshire", "portsmouth", "southampton"}
    assert "isle-of-wight" in members_at("wessex", "2010-06")
    assert members_at("wessex", "2012-06") == set()  # broken up in April 2012


def test_combined_services_have_their_evidenced_members_and_dates(members_at):
    assert members_at("west-mercia", "2012-10-01") == {"herefordshire", "shropshire", "telford-and-wrekin", "worcestershire"}
    assert members_at("shropshire-telford-and-wrekin", "2012-09") == {"shropshire", "telford-and-wrekin"}
    assert members_at("shropshire-telford-and-wrekin", "2012-10-01") == set()
    assert members_at("western-bay", "2018-11") == {"swansea", "neath-port-talbot", "bridgend"}
    assert members_at("western-bay", "2014-05") == set()  # first board 29 May 2014
    assert members_at("dorset-combined", "2016-01") == {"bournemouth", "poole", "dorset"}
    assert members_at("dorset-combined", "2022-09") == {"bournemouth-christchurch-and-poole", "dorset"}
    assert members_at("cheshire", "2021-07") == {"cheshire-east", "cheshire-west-and-chester", "halton", "warrington"}
    assert members_at("northamptonshire", "2023-06") == {"north-northamptonshire", "west-northamptonshire"}
    assert BY_ID["western-bay"]["active_from_date"] == "2014-05-29"
    assert {(r["predecessor_id"], r["effective"]) for r in LINEAGE if r["successor_id"] == "west-mercia"} \
        == {("shropshire-telford-and-wrekin", "2012-10-01"), ("worcestershire-and-herefordshire", "2012-10-01")}


@pytest.mark.parametrize("service_id, members", [
    ("blaenau-gwent-and-caerphilly", {"blaenau-gwent", "caerphilly"}),
    ("monmouthshire-and-torfaen", {"monmouthshire", "torfaen"}),
    ("cwm-taf", {"merthyr-tydfil", "rhondda-cynon-taf"}),
    ("conwy-and-denbighshire", {"conwy", "denbighshire"}),
    ("gwynedd-and-ynys-mon", {"gwynedd", "isle-of-anglesey"}),
    ("tower-hamlets-and-city-of-london", {"tower-hamlets", "city-of-london"}),
    ("south-tees", {"middlesbrough", "redcar-and-cleveland"}),
])
def test_current_combined_services_and_their_part_of_links(service_id, members):
    assert BY_ID[service_id]["kind"] == "combined" and not BY_ID[service_id]["active_to"]
    assert {row["id"] for row in SERVICES if row["part_of"] == service_id} == members


def test_authorities_that_left_a_combined_service_have_no_part_of():
    for la in ("swansea", "neath-port-talbot", "bridgend", "hampshire", "isle-of-wight"):
        assert BY_ID[la]["part_of"] == "", la
