"""The served database, through Datasette's own test client."""

import asyncio

import pytest
import sqlite_utils

from pipeline.site.serve import datasette_args, datasette_metadata

from .conftest import CORPUS, build_with_source_url, datasette_for, get


@pytest.fixture(scope="module")
def served(corpus_site, corpus_db):
    return corpus_site, corpus_db


def test_reports_json_api(served):
    ds, _ = served
    response = get(ds, "/inspections/reports.json?_shape=array&_sort=id")
    assert response.status_code == 200
    rows = response.json()
    assert [r["id"] for r in rows][0] == "2011-cci-leeds"
    southampton = next(r for r in rows if r["area"] == "Southampton")
    assert southampton["programme"] == "YOS-2018" and southampton["publication_date"] == "2020-01"


def test_full_text_search_through_the_api(served):
    ds, _ = served
    rows = get(ds, "/inspections/passages.json?_search=MAPPA&_shape=array&_col=report_id").json()
    assert {r["report_id"] for r in rows} >= {"2011-cci-wessex", "2011-cci-leeds", "2013-sqs-wandsworth"}


def test_labels_follow_foreign_keys(served):
    ds, _ = served
    rows = get(ds, "/inspections/metadata_evidence.json?_shape=array&_labels=on&field=isbn&_sort=report_id").json()
    assert rows[0]["report_id"] == {"value": "2011-cci-leeds", "label": rows[0]["report_id"]["label"]}
    assert rows[0]["report_id"]["label"].startswith("Core Case Inspection")


def test_database_is_immutable(served):
    ds, _ = served
    assert ds.databases["inspections"].is_mutable is False
    response = asyncio.run(ds.client.post("/inspections/-/query", data={"sql": "delete from reports"}))
    assert response.status_code in (403, 404, 405, 400)
    assert get(ds, "/inspections/reports.json?_shape=array").json()


def test_every_table_and_column_is_described(served):
    _, db_path = served
    metadata = datasette_metadata("inspections")["databases"]["inspections"]["tables"]
    db = sqlite_utils.Database(db_path)
    hidden_suffixes = ("_fts", "_fts_data", "_fts_idx", "_fts_docsize", "_fts_config")
    for table in db.table_names() + db.view_names():
        if table.endswith(hidden_suffixes):
            continue
        assert metadata[table]["description"], table
        for column in db[table].columns_dict:
            assert metadata[table]["columns"].get(column), f"{table}.{column}"


def test_serve_arguments_are_safe_by_default():
    args = datasette_args("x.db", "127.0.0.1", 8001, "m.json")
    assert args[:3] == ["serve", "--immutable", "x.db"]
    assert args[args.index("--host") + 1] == "127.0.0.1"
    passed = {args[i + 1]: args[i + 2] for i, arg in enumerate(args) if arg == "--setting"}
    assert passed["sql_time_limit_ms"] == "3000" and passed["max_returned_rows"] == "5000"
    assert passed["allow_facet"] == "true"


@pytest.mark.parametrize("query, params, check", [
    ("service_history", "service=southampton",
     lambda rows: {"2011-cci-wessex", "2020-yos-2018-southampton"} <= {r["report_id"] for r in rows}),
    ("service_history", "service=Southampton",  # by name as well as id
     lambda rows: {"2011-cci-wessex", "2020-yos-2018-southampton"} <= {r["report_id"] for r in rows}),
    ("compare_services_on_theme", "theme=safeguarding",
     lambda rows: [r["report_id"] for r in rows][:2] == ["2011-cci-leeds", "2011-cci-wessex"]),
    ("lowest_key_questions", "year=2020&limit=2",  # two questions tie at 53%
     lambda rows: [(r["rank"], r["code"], r["percent_yes"]) for r in rows] == [(1, "3.1.2", 53.0), (1, "3.2.2", 53.0)]),
    ("lowest_key_questions", "year=&limit=",
     lambda rows: len(rows) >= 10 and max(r["rank"] for r in rows) <= 10 and {r["year"] for r in rows} == {2020}),
    ("ratings_by_year", "",
     lambda rows: {(r["level"], r["rating"]): r["n"] for r in rows} == {
         ("standard", "Outstanding"): 3, ("standard", "Good"): 2, ("standard", "Requires improvement"): 7,
         ("overall", "Good"): 1}),
    ("bands_by_year", "",
     lambda rows: {r["band"]: (r["n"], r["lowest_percent"], r["highest_percent"]) for r in rows} == {
         # Criterion scores only (issue 16, item 16): 8 general criteria in each of the two CCI
         # reports; the headline scores' bands are counted apart (band_distribution.level).
         "MINIMUM": (7, 77.0, 90.0), "MODERATE": (5, 62.0, 73.0), "SUBSTANTIAL": (4, 55.0, 57.0)}),  # Wessex 1.1: band, no %
    ("search_recommendations", "q=assessment&addressee=",
     lambda rows: all("assessment" in r["text"].lower() for r in rows) and len({r["report_id"] for r in rows}) >= 3),
    ("search_recommendations", "q=&addressee=Board",
     lambda rows: {r["addressee"] for r in rows} == {"The Chair of the Southampton YOS Management Board",
                                                    "YOS Partnership Board"}),
    ("theme_findings", "theme=risk_of_harm",
     lambda rows: all(0 <= r["proportion_low"] <= r["proportion_high"] <= 1 for r in rows if r["kind"] != "count")
     and {"2011-cci-leeds", "2016-sqs-norfolk"} <= {r["report_id"] for r in rows}),
    ("search_text", "q=MAPPA",
     lambda rows: {"passage", "finding"} <= {r["kind"] for r in rows}
     and all("[MAPPA]" in r["snippet"] and r["title"] and r["section"] and "page" in r for r in rows)),
    ("search_text", "q=out-of-court",  # not valid FTS syntax: searched for as plain words
     lambda rows: any("2020-yos-2018-southampton" == r["report_id"] for r in rows)),
    ("search_text", "q=%22risk+of+harm%22+NOT+MAPPA",  # valid FTS syntax is used as typed
     lambda rows: rows and all("MAPPA" not in r["snippet"] for r in rows)),
    ("search_text", "q=heading%3Aplan",  # a column filter that only the findings index has
     lambda rows: {r["kind"] for r in rows} == {"finding"}),
    ("reports_failing_validation", "rule=",
     lambda rows: {r["report_id"] for r in rows} == {"2011-cci-wessex"}),
])
def test_canned_queries_answer_on_the_corpus(served, query, params, check):
    ds, _ = served
    response = get(ds, f"/inspections/{query}.json?_shape=array&{params}")
    assert response.status_code == 200, response.text
    rows = response.json()
    assert rows and check(rows), rows[:3]


@pytest.mark.parametrize("q", ["addressee:board", "heading:plan", "section:2.1", "nosuchcolumn:x", "text:MAPPA"])
def test_search_text_with_a_column_filter_never_fails(served, q):
    # addressee is a column of recommendations only: the passages and findings have no
    # match for it, and the query must not answer 400 (issue 16, item 13).
    ds, _ = served
    response = get(ds, "/inspections/search_text.json?_shape=array&q=" + q.replace(":", "%3A"))
    assert response.status_code == 200, response.text
    rows = response.json()
    if q in ("addressee:board", "nosuchcolumn:x"):
        assert rows == []
    elif q == "text:MAPPA":
        assert {"passage", "finding"} <= {r["kind"] for r in rows}
    elif q == "section:2.1":  # found by review: "2.1" is no FTS5 bareword, and matched nothing
        assert rows and all("2.1" in r["section"] for r in rows), rows[:3]
    else:  # heading: only the findings have one
        assert rows and {r["kind"] for r in rows} == {"finding"}, rows[:3]


def test_recommendation_search_takes_an_addressee_filter(served):
    ds, _ = served
    rows = get(ds, "/inspections/search_recommendations.json?_shape=array&addressee=&q=addressee%3Aboard").json()
    assert rows and all("board" in (r["addressee"] or "").lower() for r in rows)


def test_service_timeline_view_is_served(served):
    ds, _ = served
    rows = get(ds, "/inspections/service_timeline.json?_shape=array&service_id=southampton&_size=max").json()
    assert {(r["report_id"], r["relation"]) for r in rows} >= {
        ("2011-cci-wessex", "predecessor"), ("2020-yos-2018-southampton", "own")}


def test_every_canned_query_has_a_title_description_and_working_example(served):
    from pipeline.storage.views import CANNED_QUERIES, QUERY_EXAMPLES

    ds, _ = served
    assert set(QUERY_EXAMPLES) == set(CANNED_QUERIES)
    for name, query in CANNED_QUERIES.items():
        assert query["title"] and query["description"], name
        assert set(query["params"]) == set(QUERY_EXAMPLES[name]), name
        params = "&".join(f"{k}={v}" for k, v in QUERY_EXAMPLES[name].items())
        response = get(ds, f"/inspections/{name}.json?_shape=array&{params}")
        assert response.status_code == 200 and response.json(), name


def test_a_canned_query_form_with_no_input_is_not_an_error(served):
    ds, _ = served
    for name in ("search_text", "search_recommendations", "theme_findings", "lowest_key_questions"):
        assert get(ds, f"/inspections/{name}").status_code == 200, name


def test_table_settings_name_real_columns(served):
    _, db_path = served
    db = sqlite_utils.Database(db_path)
    tables = datasette_metadata("inspections")["databases"]["inspections"]["tables"]
    for name, settings in tables.items():
        columns = set(db[name].columns_dict)
        named = [*settings.get("facets", []), settings.get("sort"), settings.get("sort_desc"), settings.get("label_column")]
        assert {c for c in named if c} <= columns, name
    assert tables["build_info"]["hidden"] is True
    assert tables["reports"]["label_column"] == "title" and tables["services"]["label_column"] == "name"


def test_default_facets_appear_on_the_findings_page(served):
    ds, _ = served
    data = get(ds, "/inspections/findings.json?_size=1").json()
    assert {"theme", "polarity", "section"} <= set(data["facet_results"])
    themes = {item["value"]: item["count"] for item in data["facet_results"]["theme"]["results"]}
    assert themes["reoffending"] == 102 and themes["risk_of_harm"] == 94


def test_dashboard_charts_query_the_served_database(served):
    ds, _ = served
    charts = datasette_metadata("inspections")["plugins"]["datasette-dashboards"]["overview"]["charts"]
    assert {"ratings-by-year", "bands-by-year", "service-theme-timeline"} <= set(charts)
    assert get(ds, "/-/dashboards/overview/ratings-by-year").status_code == 200
    for slug, chart in charts.items():
        response = asyncio.run(ds.client.get(f"/{chart['db']}.json", params={
            "sql": chart["query"].replace("[[ AND theme = :theme ]]", ""), "service": "southampton",
            "_shape": "array"}))
        assert response.status_code == 200 and response.json(), slug
    timeline = asyncio.run(ds.client.get("/inspections.json", params={
        "sql": charts["service-theme-timeline"]["query"].replace("[[ AND theme = :theme ]]", ""),
        "service": "southampton", "_shape": "array"})).json()
    assert {"2011-cci-wessex", "2020-yos-2018-southampton"} <= {r["report_id"] for r in timeline}


def test_dashboard_database_follows_the_file_name():
    site = datasette_metadata("other")
    charts = site["plugins"]["datasette-dashboards"]["overview"]["charts"]
    assert {chart["db"] for chart in charts.values()} == {"other"}


def test_fts_query_keeps_valid_syntax_and_escapes_the_rest():
    from pipeline.site.plugin import fts_query

    assert fts_query('"risk of harm" NOT MAPPA') == '"risk of harm" NOT MAPPA'
    assert fts_query("victim*") == "victim*"
    assert fts_query("out-of-court") == '"out-of-court"'
    assert fts_query('stray "quote') == '"stray" "quote"'
    assert fts_query("") == '""' and fts_query(None) == '""'


def test_page_cells_link_to_the_published_report_page(tmp_path):
    """With a public URL in the manifest, a row's page number links to that page of the PDF."""
    from pipeline.reading.render import render_text_to_pdf

    pdf = render_text_to_pdf((CORPUS / "2013-sqs-wandsworth.txt").read_text(encoding="utf-8"), tmp_path / "w.pdf")
    url = "https://www.justiceinspectorates.gov.uk/hmiprobation/example-wandsworth.pdf"
    ds = datasette_for(build_with_source_url(tmp_path, "wandsworth.pdf", pdf.read_bytes(), url))
    rows = get(ds, "/inspections/findings.json?_shape=array&_size=max").json()
    page = next(r["page"] for r in rows if r["page"])
    html = get(ds, "/inspections/findings?_size=max").text
    assert f'href="{url}#page={page}"' in html
    html = get(ds, "/inspections/search_text?q=MAPPA").text
    assert f"{url}#page=" in html
    assert get(ds, "/inspections/reports.json?_shape=array").json()[0]["source_url"] == url


def test_fts_query_accepts_column_filters_of_the_searched_indexes():
    from pipeline.site.plugin import fts_query

    assert fts_query("addressee:board") == "addressee:board"
    assert fts_query("addressee:board", "passages") == '""'  # the passages have no addressee
    assert fts_query("section:strengths") == "section:strengths"
    assert fts_query("section:2.1", "findings") == 'section:"2.1"'


def test_band_distribution_counts_headline_and_criterion_scores_apart(served):
    ds, _ = served
    rows = get(ds, "/inspections/band_distribution.json?_shape=array&_size=max").json()
    by_level = {}
    for r in rows:
        by_level.setdefault(r["level"], {})[r["band"]] = r["n"]
    # Wessex and Leeds: 3 headline scores each (Leeds MINIMUM x3; Wessex MODERATE, SUBSTANTIAL x2)
    assert by_level["headline"] == {"MINIMUM": 3, "MODERATE": 1, "SUBSTANTIAL": 2}
    assert sum(by_level["criterion"].values()) == 16  # 8 banded general criteria per report
    shares = [r["share"] for r in rows if r["level"] == "criterion"]
    assert abs(sum(shares) - 1) < 0.01
