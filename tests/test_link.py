"""The linked corpus: service registry, area resolution, lineage, themes, views and queries."""

from __future__ import annotations

import copy
import csv

import pytest
import regex
import sqlite_utils

from pipeline.linking import link
from pipeline.storage import views
from pipeline.models import MODELS_DIR, load_model
from pipeline.storage.schema import enable_search, ensure_schema
from tests.conftest import corpus_document, corpus_result

WESSEX_GSS = ["E10000014", "E06000044", "E06000045"]  # Hampshire, Portsmouth, Southampton

# The 22 Welsh unitary authorities (ONS LAD codes; W06000007 and W06000017 are unused).
WALES = {
    "W06000001": "Isle of Anglesey", "W06000002": "Gwynedd", "W06000003": "Conwy",
    "W06000004": "Denbighshire", "W06000005": "Flintshire", "W06000006": "Wrexham",
    "W06000008": "Ceredigion", "W06000009": "Pembrokeshire", "W06000010": "Carmarthenshire",
    "W06000011": "Swansea", "W06000012": "Neath Port Talbot", "W06000013": "Bridgend",
    "W06000014": "Vale of Glamorgan", "W06000015": "Cardiff", "W06000016": "Rhondda Cynon Taf",
    "W06000018": "Caerphilly", "W06000019": "Blaenau Gwent", "W06000020": "Torfaen",
    "W06000021": "Monmouthshire", "W06000022": "Newport", "W06000023": "Powys",
    "W06000024": "Merthyr Tydfil",
}


# --- registry and resolution ---------------------------------------------------------

@pytest.mark.parametrize("name, service_id, gss_codes", [
    ("wessex", "wessex", WESSEX_GSS),
    ("leeds", "leeds", ["E08000035"]),
    ("wandsworth", "wandsworth", ["E09000032"]),
    ("norfolk", "norfolk", ["E10000020"]),
    ("southampton", "southampton", ["E06000045"]),
])
def test_every_corpus_report_area_resolves_to_a_service_with_gss_codes(name, service_id, gss_codes):
    area = corpus_result(name)["report"]["area"]
    resolution = link.resolve_area(area)
    assert (resolution["service_id"], resolution["method"]) == (service_id, "exact")
    assert link.services_by_id()[service_id]["gss_codes"] == gss_codes


@pytest.mark.parametrize("area, service_id, method", [
    ("Telford & Wrekin YOS", "telford-and-wrekin", "alias"),
    ("Wessex Youth Offending Team", "wessex", "alias"),
    ("Southampton YOS", "southampton", "alias"),
    ("Bristol, City of", "bristol", "alias"),
    ("Kingston Upon Hull, City of", "kingston-upon-hull", "alias"),
    ("Ynys Môn", "isle-of-anglesey", "alias"),
    ("Royal Borough of Kingston upon Thames", "kingston-upon-thames", "alias"),
    ("the London Borough of Hackney", "hackney", "alias"),
    ("Hampshire County Council", "hampshire", "alias"),
    ("The Isle of Wight", "isle-of-wight", "alias"),
    ("City of London", "city-of-london", "exact"),
    ("BARKING AND DAGENHAM", "barking-and-dagenham", "exact"),
    ("cumberlan d", "cumberland", "alias"),  # a word split by a PDF converter
    ("Leicestershire and Rutland", "leicestershire-and-rutland", "exact"),
    ("Leicestershire & Rutland YOS", "leicestershire-and-rutland", "alias"),
    ("Blaenau Gwent and Caerphilly", "blaenau-gwent-and-caerphilly", "exact"),
    ("Conwy a Sir Ddinbych", "conwy-and-denbighshire", "alias"),  # Welsh
    ("Cheshire West, Halton & Warrington", "cheshire-west-halton-and-warrington", "alias"),
    ("Caerdydd", "cardiff", "alias"),
    ("Wandsworht", "wandsworth", "fuzzy"),  # a transposition in a long word
    ("Sheffeld", "sheffield", "fuzzy"),  # a dropped letter
])
def test_alias_and_fuzzy_resolution(area, service_id, method):
    resolution = link.resolve_area(area)
    assert (resolution["service_id"], resolution["method"]) == (service_id, method)
    assert resolution["score"] >= 80


# Near neighbours are different services: no match beats a wrong one (issue 16, item 8).
@pytest.mark.parametrize("area, wrong", [
    ("Cheshire West", "cheshire-east"),
    ("East Berkshire", "west-berkshire"),
    ("South Yorkshire", "north-yorkshire"),
    ("Stafford", "trafford"),
    ("Harlow", "harrow"),
    ("Swansea Neath Port Talbot", "neath-port-talbot"),
    ("London", "city-of-london"),
    ("Hampton", "southampton"),
    ("Portsmouth and Southampton", "portsmouth"),
    ("North Somerset and Bristol", "north-somerset"),
    ("West Sussex Youth Offending Service", None),
])
def test_a_near_neighbour_is_never_matched(area, wrong):
    resolution = link.resolve_area(area)
    if wrong is None:  # a registered service: it must resolve, and to itself
        assert resolution["service_id"] == "west-sussex"
        return
    assert resolution["service_id"] != wrong
    assert resolution["service_id"] is None and resolution["method"] == "unresolved"


def test_several_places_resolve_only_to_a_combined_service_covering_exactly_them():
    wessex = link.resolve_area("Hampshire, Portsmouth and Southampton")
    assert (wessex["service_id"], wessex["method"]) == ("wessex", "combined")
    partial = link.resolve_area("Portsmouth and Southampton")
    assert partial["service_id"] is None and "no combined service" in partial["note"]


def test_a_misprint_of_a_short_name_needs_the_report_to_confirm_it():
    # "Leeus" (the Leeds report's score table) is one letter from Leeds, as "Harlow" is
    # from Harrow: alone it is not matched; the Leeds report prints "Leeds" many times.
    assert link.resolve_area("Leeus")["service_id"] is None
    leeds = corpus_document("leeds").text
    assert "Leeus" in leeds
    resolution = link.resolve_area("Leeus", context=leeds)
    assert (resolution["service_id"], resolution["method"], resolution["score"]) == ("leeds", "fuzzy", 80.0)
    assert "the report prints 'Leeds'" in resolution["note"]
    assert link.resolve_area("Harlow", context=leeds)["service_id"] is None


@pytest.mark.parametrize("area", ["Atlantis", "Hampton", "Youth Offending Team", "", None])
def test_an_unresolvable_area_is_flagged_not_guessed(area):
    resolution = link.resolve_area(area)
    assert resolution["service_id"] is None and resolution["method"] == "unresolved"
    row = link.area_validation(area, resolution)
    assert row["rule"] == "area_resolves_to_service" and row["passed"] == 0 and row["found"] is None


def test_a_near_miss_names_its_nearest_candidates():
    row = link.area_validation("Hampton")
    assert "southampton (78)" in row["evidence"]


def test_a_resolved_area_passes_with_method_and_score_in_evidence():
    row = link.area_validation("Wandsworht")
    assert row["passed"] == 1 and row["found"] == "wandsworth (fuzzy)"
    assert "fuzzy" in row["evidence"] and "score 90" in row["evidence"] and "transpose" in row["evidence"]


def test_every_english_reference_authority_is_a_service_with_its_gss_code():
    with open(MODELS_DIR / "reference" / "england-local-authorities.csv", encoding="utf-8-sig") as handle:
        reference = list(csv.DictReader(handle))
    codes = {code for s in link.load_services() if s["kind"] == "local_authority" for code in s["gss_codes"]}
    for row in reference:
        if row["la_code_new"]:
            assert row["la_code_new"] in codes, row["local_authority_ons_name"]
    assert sum(1 for s in link.load_services() if s["country"] == "England" and s["kind"] == "local_authority") \
        == len(reference) + 1  # + Bournemouth (pre-2019), not in the reference


def test_the_22_welsh_unitary_authorities_have_their_w06_codes():
    welsh = {s["gss_codes"][0]: s["name"] for s in link.load_services()
             if s["country"] == "Wales" and s["kind"] == "local_authority"}
    assert welsh == WALES


def test_registry_is_consistent():
    services = link.services_by_id()
    assert len(services) == len(link.load_services())
    la_codes = {c for s in services.values() if s["kind"] == "local_authority" for c in s["gss_codes"]}
    for service in services.values():
        assert service["part_of"] in ("", *services), service["id"]
        assert service["country"] in ("England", "Wales")
        assert service["gss_codes"] and all(regex.fullmatch(r"[EW]\d{8}", c) for c in service["gss_codes"])
        if service["kind"] == "combined":
            assert set(service["gss_codes"]) <= la_codes, service["id"]
    # No two services share a name once YOT/YOS/YJS, "&" and punctuation are folded.
    from pipeline.linking.services import _name_index

    assert all(len(ids) == 1 for ids in _name_index().values())


# --- lineage -------------------------------------------------------------------------

def test_southampton_has_wessex_as_predecessor_2012_split_with_evidence():
    rows = [r for r in link.lineage_rows() if r["successor_id"] == "southampton"]
    assert len(rows) == 1
    row = rows[0]
    assert (row["predecessor_id"], row["year"], row["kind"]) == ("wessex", 2012, "split")
    assert "Southampton YOS disaggregated from Wessex Youth Offending Team in 2012" in row["evidence"]
    assert {r["successor_id"] for r in link.lineage_rows() if r["predecessor_id"] == "wessex"} \
        == {"hampshire", "portsmouth", "southampton", "isle-of-wight"}


def test_lineage_stated_in_the_southampton_report_is_found():
    rows = link.lineage_from_text(corpus_document("southampton").text, "southampton", 2020, "2020-yos-2018-southampton")
    assert [(r["predecessor_id"], r["successor_id"], r["year"], r["kind"]) for r in rows] \
        == [("wessex", "southampton", 2012, "split")]
    assert rows[0]["evidence"].startswith('2020-yos-2018-southampton: "Southampton YOS disaggregated from Wessex')


def test_isle_of_wight_leaving_wessex_is_found_in_the_wessex_report():
    rows = link.lineage_from_text(corpus_document("wessex").text, "wessex", 2011)
    assert [(r["predecessor_id"], r["successor_id"], r["year"], r["kind"]) for r in rows] \
        == [("wessex", "isle-of-wight", 2011, "split")]  # no year printed: the report's
    assert "ceasing to be part of the Wessex YOT area" in rows[0]["evidence"]


def test_reports_that_state_no_lineage_give_none():
    for name in ("leeds", "wandsworth", "norfolk"):
        assert link.lineage_from_text(corpus_document(name).text, name, 2013) == []


@pytest.mark.parametrize("sentence, service_id, expected", [
    ("Bournemouth, Christchurch and Poole YOS was formed in 2019 from the merger of Poole and Bournemouth.",
     "bournemouth-christchurch-and-poole",
     [("poole", "bournemouth-christchurch-and-poole", 2019, "merge"),
      ("bournemouth", "bournemouth-christchurch-and-poole", 2019, "merge")]),
    ("The service was previously part of Wessex YOT.", "hampshire", [("wessex", "hampshire", 2015, "split")]),
    ("Portsmouth YOT split from Wessex in 2012.", None, [("wessex", "portsmouth", 2012, "split")]),
    ("Overall, Southampton YOS was formed from Wessex YOT.", None, [("wessex", "southampton", 2015, "split")]),
    ("The YOT merged with the Early Help service in 2014.", "leeds", []),  # not a service
    ("Solent YOS disaggregated from Wessex in 2012.", "southampton", []),  # unregistered: never the report's
])
def test_lineage_statement_patterns(sentence, service_id, expected):
    rows = link.lineage_from_text(sentence, service_id, 2015)
    assert [(r["predecessor_id"], r["successor_id"], r["year"], r["kind"]) for r in rows] == expected


def test_registry_and_report_lineage_merge_without_repeating_evidence():
    found = link.lineage_from_text(corpus_document("southampton").text, "southampton", 2020, "2020-yos-2018-southampton")
    merged = link.merge_lineage(link.lineage_rows(), found)
    row = next(r for r in merged if r["successor_id"] == "southampton")
    assert row["evidence"].count("disaggregated") == 1
    assert len(merged) == len(link.lineage_rows())


# --- themes --------------------------------------------------------------------------

def _corpus_codes():
    """Every framework code printed in the corpus: CCI criteria (contents pages), SQS
    paragraphs, 2018 standards and key questions (Southampton's annex)."""
    cci = set()
    for name in ("wessex", "leeds"):
        cci |= set(regex.findall(r"^\s*(\d\.\d) [A-Z]", corpus_document(name).text, flags=regex.M))
    sqs = set()
    for name in ("wandsworth", "norfolk"):
        sqs |= set(regex.findall(r"^- (\d\.\d)\. ", corpus_document(name).text, flags=regex.M))
    annex = corpus_document("southampton").text.split("Annex 2")[-1]
    key_questions = set(regex.findall(r"(?<![\d.])(\d\.\d\.\d)\. ", annex))
    standards = set(regex.findall(r"(?<![\d.])(\d\.\d)\. [A-Z]", annex))
    return cci, sqs, standards, key_questions


def test_every_code_in_the_corpus_maps_to_a_theme():
    cci, sqs, standards, key_questions = _corpus_codes()
    assert cci == {"1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2"}
    assert len(sqs) == 18 and {"2.5", "4.5"} <= sqs  # Wandsworth 1.1-4.4 (and 2.5), Norfolk 1.1-4.5
    assert len(standards) == 12 and len(key_questions) == 37
    headline_and_sections = {"safeguarding", "risk_of_harm", "likelihood_of_reoffending",
                             "section-1", "section-2", "section-3"}
    for programme, codes in (("CCI", cci | headline_and_sections), ("SQS", sqs),
                             ("YOS-2018", standards | key_questions)):
        for code in codes:
            assert link.theme_for(programme, code) in link.theme_names(), (programme, code)


def test_every_code_the_extractors_produce_has_a_theme():
    themed = 0
    for name in ("wessex", "leeds", "wandsworth", "norfolk", "southampton"):
        result = link.link_result(copy.deepcopy(corpus_result(name)))
        for table in ("scores", "ratings", "key_questions"):
            for row in result[table]:
                assert row["theme"] in link.theme_names(), (name, table, row["code"])
                themed += 1
        numbered = [f for f in result["findings"] if regex.fullmatch(r"\d+(?:\.\d+)*", f["section"] or "")]
        assert all(f["theme"] for f in numbered), name
    # Two CCI reports x 14 scores; Southampton: 12 ratings, 23 key questions with a "% yes" (domain one has none).
    assert themed >= 2 * 14 + 12 + 23


@pytest.mark.parametrize("programme, code, theme", [
    ("CCI", "risk_of_harm", "risk_of_harm"),
    ("CCI", "likelihood_of_reoffending", "reoffending"),
    ("CCI", "1.1", "risk_of_harm"),
    ("CCI", "1.3c", "safeguarding"),  # a sub-criterion, as in Leeds' good-practice table
    ("CCI", "3.2", "outcomes"),
    ("CCI", "section-2", "case_management"),
    ("SQS", "2.5", "risk_of_harm"),  # Wandsworth: management oversight of RoH work
    ("SQS", "3.4", "safeguarding"),
    ("SQS", "4.5.", "engagement_and_diversity"),
    ("SQS", "Key strengths", None),  # themed by its words instead
    ("YOS-2018", "2.1.3", "risk_of_harm"),
    ("YOS-2018", "2.1.1", "reoffending"),
    ("YOS-2018", "3.2.2", "safeguarding"),
    ("YOS-2018", "1.2.3", "management_oversight"),
    ("YOS-2018", "2.1", "case_management"),
    ("YOS-2018", "3.4.1", "joint_working"),
    ("YJS-2021", "2.1.3", "risk_of_harm"),  # inherited
    ("YJS-2021", "3.1", "organisational_delivery"),  # the policy standard opens domain three in 2021
    ("YJS-2021", "3.1.1", "organisational_delivery"),  # not inherited from 2018's 3.1
    ("YJS-2021", "3.4", "case_management"),  # 2018's 3.3, renumbered; not 2018's 3.4 Joint working
    ("YJS-2021", "3.2.3", "risk_of_harm"),  # 2018's 3.1.3, renumbered
    ("YJS-2021", "4.1", "resettlement"),
    ("FJI", "1.1", "reoffending"),  # FJI reports share the SQS domains (models/themes.yml)
    ("FJI", "5", "organisational_delivery"),  # its own judged area: governance and partnerships
])
def test_theme_for(programme, code, theme):
    assert link.theme_for(programme, code) == theme


def test_stage_is_a_second_axis():
    assert link.stage_for("YOS-2018", "2.2.3") == ("planning",)
    assert link.stage_for("CCI", "1.1") == ("assessment", "planning")
    assert link.stage_for("CCI", "risk_of_harm") == ()


def test_every_crosswalk_mapping_is_complete():
    themes, stages = set(link.theme_names()), set(load_model("themes.yml")["stages"])
    rows = link.crosswalk_rows()
    assert len(rows) > 70
    for row in rows:
        assert row["theme"] in themes, row
        assert row["comparability"] in {"close", "partial", "weak", "none"}, row
        assert row["note"] and row["label"], row
        assert set(filter(None, (row["stage"] or "").split(","))) <= stages, row


def _key_strengths(name):
    text = corpus_document(name).text
    block = text.split("Key strengths", 1)[1].split("Areas requiring improvement", 1)[0]
    return [line[2:].strip() for line in block.splitlines() if line.startswith("- ")]


def test_key_strengths_are_themed_by_their_words():
    themed = {text: link.theme_for_text(text) for text in _key_strengths("wandsworth") + _key_strengths("norfolk")}
    assert themed["A robust approach now being taken to management oversight that was recorded well and led "
                  "to management involvement in a high proportion of cases, albeit with the need for further "
                  "improvement."] == "management_oversight"
    assert themed["Consideration of diversity factors was central to how the YOT operated."] == "engagement_and_diversity"
    assert themed["PSRs that provided the court with valuable information to inform sentencing decisions."] == "reoffending"
    assert themed["Work to support compliance with the requirements of the sentence was done well."] \
        == "engagement_and_diversity"
    assert themed["Reports to courts and youth offender panels were of good quality."] == "reoffending"


def test_text_without_theme_words_has_no_theme():
    assert link.theme_for_text("The inspection took place over three days in May.") is None


def test_theme_for_finding_prefers_section_then_heading_then_words():
    assert link.theme_for_finding("SQS", "2.4", None, "Management oversight of risk of harm work needed further improvement.") \
        == "risk_of_harm"
    assert link.theme_for_finding("SQS", None, "2. Protecting the public", "Plans were completed.") == "risk_of_harm"
    assert link.theme_for_finding("SQS", "Operational management", None, "Staff worked together well.") \
        == "organisational_delivery"
    assert link.theme_for_finding("SQS", "Key strengths", None, "Staff understood the children.") == "organisational_delivery"
    # Under a stage standard the words pick the purpose where they name one.
    assert link.theme_for_finding("YOS-2018", "2.1", "Assessment",
                                  "In 4 out of 22 cases we felt the classification of risk of harm to others was too low.") \
        == "risk_of_harm"
    assert link.theme_for_finding("YOS-2018", "2.1", "Assessment", "Assessments were timely.") == "case_management"
    # A domain-level finding takes its domain's theme.
    assert link.theme_for_finding("YOS-2018", "1", "Organisational delivery",
                                  "There is a commitment to consulting with children and young people.") \
        == "organisational_delivery"
    # CCI good-practice boxes: the criterion named in the heading, not the story's words.
    assert link.theme_for_finding("CCI", "Sharing good practice", "Assessment and Sentence Planning, General Criterion: 1.3",
                                  "the case manager clearly recorded concerns ... racially targeted") == "safeguarding"
    assert link.theme_for_finding("CCI", "Sharing good practice", "Outcomes, General Criterion: 2.3f & 3.1a",
                                  "Improved Family Relationships") == "safeguarding"


def test_link_result_annotates_a_real_extraction():
    result = copy.deepcopy(corpus_result("southampton"))
    result["key_questions"] = [{"code": "2.1.3", "question": "Does assessment sufficiently analyse how to keep other people safe?",
                                "percent_yes": 68.0}]
    link.link_result(result, corpus_document("southampton").text)
    assert result["report"]["service_id"] == "southampton"
    assert result["key_questions"][0]["theme"] == "risk_of_harm"
    check = [v for v in result["validations"] if v["rule"] == "area_resolves_to_service"]
    assert len(check) == 1 and check[0]["passed"] == 1
    assert [(r["predecessor_id"], r["year"]) for r in result["lineage"]] == [("wessex", 2012)]


# --- the database: registry, views and canned queries ----------------------------------

# Real values: Wessex 2011 (CCI) headline, criterion and section scores; Southampton 2020
# (YOS-2018) court-disposal key questions and ratings, as printed in corpus/.
WESSEX_SCORES = {"safeguarding": 55, "risk_of_harm": 56, "likelihood_of_reoffending": 64, "1.1": None,
                 "1.2": 57, "1.3": 57, "2.1": 56, "2.2": 73, "2.3": 62, "3.1": 55, "3.2": 67,
                 "section-1": 58, "section-2": 65, "section-3": 59}
SOUTHAMPTON_KEY_QUESTIONS = {"2.1.1": 95, "2.1.2": 91, "2.1.3": 68, "2.2.1": 95, "2.2.2": 62, "2.2.3": 58,
                             "2.3.1": 82, "2.3.2": 86, "2.3.3": 84, "2.4.1": 82, "2.4.2": 92, "2.4.3": 86}
SOUTHAMPTON_RATINGS = {"1.2": ("Good", 2), "2.1": ("Good", 2), "2.2": ("Requires improvement", 1),
                       "2.3": ("Outstanding", 3), "2.4": ("Outstanding", 3)}


@pytest.fixture
def db():
    database = sqlite_utils.Database(memory=True)
    ensure_schema(database)
    found = link.lineage_from_text(corpus_document("southampton").text, "southampton", 2020, "2020-yos-2018-southampton")
    link.write_registry(database, found)
    reports = [("2011-cci-wessex", "Wessex", "CCI", 2011, "2011-08", "2011-05"),
               ("2011-cci-leeds", "Leeds", "CCI", 2011, "2011-01", "2010-09"),
               ("2020-yos-2018-southampton", "Southampton", "YOS-2018", 2020, "2020-01", "2019-09"),
               ("2016-sqs-norfolk", "Norfolk", "SQS", 2016, "2016-06-22", "2016-05-23"),
               ("2014-sqs-atlantis", "Atlantis", "SQS", 2014, "2014-03", None)]
    for rid, area, programme, year, date, fieldwork in reports:
        database["reports"].insert({"id": rid, "area": area, "programme": programme, "year": year,
                                    "publication_date": date, "fieldwork_start": fieldwork,
                                    "service_id": link.resolve_area(area)["service_id"]})
        database["validations"].insert({"report_id": rid, **link.area_validation(area)})
    database["scores"].insert_all(
        {"report_id": "2011-cci-wessex", "code": code, "percent": percent, "theme": link.theme_for("CCI", code)}
        for code, percent in WESSEX_SCORES.items())
    database["scores"].insert({"report_id": "2011-cci-leeds", "code": "risk_of_harm", "percent": 76,
                               "theme": link.theme_for("CCI", "risk_of_harm")})
    database["key_questions"].insert_all(
        {"report_id": "2020-yos-2018-southampton", "code": code, "percent_yes": pct,
         "theme": link.theme_for("YOS-2018", code)} for code, pct in SOUTHAMPTON_KEY_QUESTIONS.items())
    database["ratings"].insert_all(
        {"report_id": "2020-yos-2018-southampton", "code": code, "rating": rating, "score": score,
         "theme": link.theme_for("YOS-2018", code)} for code, (rating, score) in SOUTHAMPTON_RATINGS.items())
    norfolk = [("2.1", "Three-quarters of assessments of the risk of harm to others met the needs of the case.", 0.75, 0.75),
               ("3.2", "Over three-quarters of assessments of safety and well-being were good enough.", 0.76, 0.85),
               ("Key strengths", "Work to understand and respond to diversity factors was very strong.", None, None)]
    database["findings"].insert_all(  # met_*: the share that met the standard, what the findings measure reads
        {"report_id": "2016-sqs-norfolk", "section": section, "text": text, "proportion_low": low,
         "proportion_high": high, "met_low": low, "met_high": high, "met_n": 1 if low is not None else None,
         "theme": link.theme_for_finding("SQS", section, None, text)}
        for section, text, low, high in norfolk)
    database["recommendations"].insert_all([
        {"report_id": "2011-cci-wessex", "number": 1, "addressee": "YOT Manager",
         "text": "Asset assessments and plans should be timely and of good quality"},
        {"report_id": "2011-cci-wessex", "number": 8, "addressee": None,
         "text": "the case record should at all times contain accurate, sufficient and up to date information"},
        {"report_id": "2020-yos-2018-southampton", "number": 1, "addressee": "Southampton City Council and its partners",
         "text": "review the resources of the YOS"}])
    enable_search(database)
    views.create_views(database)
    return database


def _rows(database, sql, params=None):
    return [dict(row) for row in database.query(sql, params or {})]


def test_registry_tables_are_written(db):
    assert db["services"].count == len(link.load_services())
    southampton = db["services"].get("southampton")
    assert southampton["gss_codes"] == "E06000045" and southampton["region"] == "South East"
    assert db["services"].get("wessex")["gss_codes"] == ",".join(WESSEX_GSS)
    lineage = db["service_lineage"].get(("wessex", "southampton"))
    assert (lineage["year"], lineage["kind"]) == (2012, "split")
    assert db["theme_crosswalk"].get(("YOS-2018", "2.1.3"))["theme"] == "risk_of_harm"
    link.write_registry(db)  # again: upserts, no duplicates
    assert db["service_lineage"].count == len(link.lineage_rows())


def test_southampton_timeline_includes_wessex_2011(db):
    rows = _rows(db, "SELECT * FROM service_timeline WHERE service_id = 'southampton' ORDER BY date, theme")
    wessex = {r["theme"]: r for r in rows if r["report_id"] == "2011-cci-wessex"}
    assert {r["relation"] for r in wessex.values()} == {"predecessor"}
    assert wessex["risk_of_harm"]["lineage_path"] == "wessex > southampton" and wessex["risk_of_harm"]["lineage_year"] == 2012
    assert (wessex["safeguarding"]["cci_percent"], wessex["risk_of_harm"]["cci_percent"],
            wessex["reoffending"]["cci_percent"]) == (55, 56, 64)
    assert wessex["risk_of_harm"]["cci_basis"] == "headline"
    assert (wessex["outcomes"]["cci_percent"], wessex["outcomes"]["cci_basis"]) == (61, "criteria")  # (55 + 67) / 2
    own = {r["theme"]: r for r in rows if r["report_id"] == "2020-yos-2018-southampton"}
    assert own["risk_of_harm"]["relation"] == "own"
    assert (own["risk_of_harm"]["kq_min"], own["risk_of_harm"]["kq_n"]) == (58, 4)  # 2.2.3 58%
    assert own["risk_of_harm"]["kq_percent"] == round((68 + 58 + 84 + 86) / 4, 1)
    assert own["case_management"]["ratings"] == "2.1 Good; 2.2 Requires improvement; 2.3 Outstanding; 2.4 Outstanding"
    assert own["case_management"]["rating_score"] == 2.25
    assert own["organisational_delivery"]["ratings"] == "1.2 Good"
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    assert rows[0]["date"] == "2011-08"


def test_lineage_only_reaches_descendants(db):
    hampshire = {r["report_id"] for r in _rows(db, "SELECT * FROM service_timeline WHERE service_id = 'hampshire'")}
    assert hampshire == {"2011-cci-wessex"}
    leeds = {r["report_id"] for r in _rows(db, "SELECT * FROM service_timeline WHERE service_id = 'leeds'")}
    assert leeds == {"2011-cci-leeds"}
    wessex = {r["report_id"] for r in _rows(db, "SELECT * FROM service_timeline WHERE service_id = 'wessex'")}
    assert wessex == {"2011-cci-wessex"}


def test_a_predecessor_report_joins_a_history_only_while_the_successor_was_part_of_it(db):
    # The Isle of Wight left Wessex in April 2011, before the Wessex fieldwork (May 2011):
    # the island's history must not hold that report (issue 16, item 9).
    isle = _rows(db, "SELECT DISTINCT report_id FROM service_timeline WHERE service_id = 'isle-of-wight'")
    assert isle == []
    ancestry = _rows(db, "SELECT * FROM service_ancestry WHERE service_id = 'isle-of-wight' AND ancestor_id = 'wessex'")
    # Two paths: the lineage row (a split, effective April 2011) and the membership (left April 2011).
    assert {(r["relation"], r["valid_to"]) for r in ancestry} == {("predecessor", "2011-04"), ("combined", "2011-04")}
    # Southampton was still part of it until April 2012.
    southampton = {r["report_id"]: r["relation"] for r in
                   _rows(db, "SELECT * FROM service_timeline WHERE service_id = 'southampton'")}
    assert southampton == {"2011-cci-wessex": "predecessor", "2020-yos-2018-southampton": "own"}


def _add_report(db, rid, area, programme, fieldwork, theme_score=None):
    db["reports"].insert({"id": rid, "area": area, "programme": programme, "year": int(fieldwork[:4]),
                          "fieldwork_start": fieldwork, "service_id": link.resolve_area(area)["service_id"]})
    if theme_score:
        db["scores"].insert({"report_id": rid, "code": "risk_of_harm", "percent": theme_score,
                             "theme": link.theme_for("CCI", "risk_of_harm")})


def test_a_combined_service_report_belongs_to_its_members_histories_while_they_were_members(db):
    _add_report(db, "2010-cci-shropshire-telford-and-wrekin", "Shropshire, Telford and Wrekin", "CCI", "2010-03", 60)
    _add_report(db, "2018-yos-2018-west-mercia", "West Mercia", "YOS-2018", "2018-06")
    _add_report(db, "2011-cci-bournemouth-and-poole", "Bournemouth and Poole", "CCI", "2011-02", 50)
    _add_report(db, "2022-yjs-2021-dorset-combined", "Dorset Combined", "YJS-2021", "2022-09")
    telford = {r["report_id"]: r for r in _rows(db, "SELECT * FROM service_timeline WHERE service_id = 'telford-and-wrekin'")}
    assert {rid: r["relation"] for rid, r in telford.items()} == {
        "2010-cci-shropshire-telford-and-wrekin": "combined", "2018-yos-2018-west-mercia": "combined"}
    # West Mercia's own history holds the services it replaced in October 2012.
    mercia = {r["report_id"]: r["relation"] for r in _rows(db, "SELECT * FROM service_timeline WHERE service_id = 'west-mercia'")}
    assert mercia == {"2018-yos-2018-west-mercia": "own", "2010-cci-shropshire-telford-and-wrekin": "predecessor"}
    # Bournemouth was part of Bournemouth and Poole, then of Dorset Combined until April 2019:
    # BCP (from April 2019) has Dorset Combined's 2022 report but not the 2011 one.
    bournemouth = {r["report_id"] for r in _rows(db, "SELECT * FROM service_timeline WHERE service_id = 'bournemouth'")}
    assert bournemouth == {"2011-cci-bournemouth-and-poole"}
    bcp = {r["report_id"] for r in _rows(db, "SELECT * FROM service_timeline WHERE service_id = 'bournemouth-christchurch-and-poole'")}
    assert bcp == {"2022-yjs-2021-dorset-combined"}


def test_two_paths_to_one_ancestor_give_one_row_per_report_and_theme(db):
    # Southampton reaches Wessex twice: as its predecessor (service_lineage) and as the
    # combined service it was a member of (service_memberships): a diamond (issue 16, item 12).
    paths = _rows(db, "SELECT relation FROM service_ancestry WHERE service_id = 'southampton' "
                      "AND ancestor_id = 'wessex'")
    assert sorted(r["relation"] for r in paths) == ["combined", "predecessor"]
    rows = _rows(db, "SELECT report_id, theme, count(*) AS n FROM service_timeline "
                     "WHERE service_id = 'southampton' GROUP BY report_id, theme")
    assert rows and all(r["n"] == 1 for r in rows)
    every = _rows(db, "SELECT service_id, report_id, theme, count(*) AS n FROM service_timeline "
                      "GROUP BY service_id, report_id, theme HAVING n > 1")
    assert every == []


def test_a_combined_services_other_predecessors_stay_out_of_a_members_history(db):
    # Found by review: West Mercia replaced two combined services; Telford and Wrekin was a
    # member of one of them only. Dorset Combined replaced Bournemouth and Poole, of which
    # Dorset was never part; Western Bay ended in 2019, so its members left then.
    _add_report(db, "2011-cci-worcestershire-and-herefordshire", "Worcestershire and Herefordshire", "CCI", "2011-03", 60)
    _add_report(db, "2013-cci-bournemouth-and-poole", "Bournemouth and Poole", "CCI", "2013-04", 70)
    _add_report(db, "2015-fji-cheshire-west-halton-and-warrington", "Cheshire West, Halton and Warrington", "FJI", "2015-04")
    _add_report(db, "2022-yjs-2021-western-bay", "Western Bay", "YJS-2021", "2022-02")
    _add_report(db, "2016-fji-western-bay", "Western Bay", "FJI", "2016-05")

    def history(service):
        return {r["report_id"] for r in _rows(db, "SELECT report_id FROM service_timeline WHERE service_id = ?",
                                              [service])}

    assert "2011-cci-worcestershire-and-herefordshire" not in history("telford-and-wrekin")
    assert "2011-cci-worcestershire-and-herefordshire" in history("worcestershire")
    assert "2013-cci-bournemouth-and-poole" not in history("dorset")
    assert "2013-cci-bournemouth-and-poole" in history("dorset-combined")  # its predecessor
    assert "2015-fji-cheshire-west-halton-and-warrington" not in history("cheshire-east")
    assert "2015-fji-cheshire-west-halton-and-warrington" in history("halton")
    assert history("swansea") >= {"2016-fji-western-bay"}
    assert "2022-yjs-2021-western-bay" not in history("swansea")


def test_an_unresolved_report_still_appears_marked_unresolved(db):
    rows = _rows(db, "SELECT * FROM service_timeline WHERE report_id = '2014-sqs-atlantis'")
    assert [(r["service_id"], r["relation"], r["area"]) for r in rows] == [(None, "unresolved", "Atlantis")]


def test_sqs_findings_give_a_proportion_interval(db):
    rows = {r["theme"]: r for r in _rows(db, "SELECT * FROM service_timeline WHERE report_id = '2016-sqs-norfolk'")}
    assert (rows["risk_of_harm"]["findings_low"], rows["risk_of_harm"]["findings_high"]) == (0.75, 0.75)
    assert (rows["safeguarding"]["findings_low"], rows["safeguarding"]["findings_high"]) == (0.76, 0.85)
    assert "engagement_and_diversity" not in rows  # a finding without a quantity gives no measure


def test_create_views_is_idempotent(db):
    before = _rows(db, "SELECT * FROM service_timeline ORDER BY service_id, report_id, theme")
    views.create_views(db)
    assert _rows(db, "SELECT * FROM service_timeline ORDER BY service_id, report_id, theme") == before
    assert {"service_timeline", "service_ancestry"} <= set(db.view_names())
    assert "report_theme_measures" in db.table_names()  # stored at build time (views.STORED)


def test_canned_service_history_follows_lineage(db):
    rows = _rows(db, views.CANNED_QUERIES["service_history"]["sql"], {"service": "Southampton"})
    assert [r["report_id"] for r in rows][0] == "2011-cci-wessex"
    assert {r["report_id"] for r in rows} == {"2011-cci-wessex", "2020-yos-2018-southampton"}


def test_canned_compare_services_on_a_theme_lists_each_report_once(db):
    rows = _rows(db, views.CANNED_QUERIES["compare_services_on_theme"]["sql"], {"theme": "risk_of_harm"})
    assert [(r["service_id"], r["cci_percent"] or r["kq_percent"] or r["findings_low"]) for r in rows] == [
        ("leeds", 76), ("wessex", 56), ("norfolk", 0.75), ("southampton", 74)]


def test_canned_recommendations_by_addressee(db):
    from pipeline.site.plugin import fts_query

    db.conn.create_function("fts_query", 1, fts_query)  # what the Datasette plugin registers
    db.conn.create_function("fts_query", 2, fts_query)
    sql = views.CANNED_QUERIES["search_recommendations"]["sql"]
    rows = _rows(db, sql, {"q": "", "addressee": "yot manager"})
    assert [(r["report_id"], r["number"]) for r in rows] == [("2011-cci-wessex", 1)]
    rows = _rows(db, sql, {"q": "", "addressee": "Council"})
    assert [r["report_id"] for r in rows] == ["2020-yos-2018-southampton"]
    rows = _rows(db, sql, {"q": "records", "addressee": ""})  # stemmed: "record" in the text
    assert [(r["report_id"], r["number"], r["addressee"]) for r in rows] == [("2011-cci-wessex", 8, None)]


def test_canned_reports_failing_validation(db):
    sql = views.CANNED_QUERIES["reports_failing_validation"]["sql"]
    rows = _rows(db, sql, {"rule": ""})
    assert [(r["rule"], r["report_id"]) for r in rows] == [("area_resolves_to_service", "2014-sqs-atlantis")]
    assert _rows(db, sql, {"rule": "isbn_check_digit"}) == []


def test_canned_queries_declare_their_parameters():
    for name, query in views.CANNED_QUERIES.items():
        assert query["title"] and query["description"], name
        assert set(regex.findall(r"(?<!:):(\w+)", query["sql"])) == set(query["params"]), name


def test_the_reports_text_confirms_a_misprint_but_never_a_neighbour():
    # Found by review: a text printing "Trafford" twice made "Stafford" Trafford.
    context = "Trafford YOS. The Trafford partnership. Harrow and Harrow again."
    assert link.resolve_area("Stafford", context=context)["service_id"] is None
    # One letter from a name the report prints: its misprint (as "Leeus" in the Leeds report).
    assert link.resolve_area("Trafford", context=context)["service_id"] == "trafford"
    assert link.resolve_area("Traford", context=context)["service_id"] == "trafford"
