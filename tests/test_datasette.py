"""The served database, through Datasette's own test client."""

import asyncio

import pytest
import sqlite_utils
from datasette.app import Datasette

from pipeline.build import build
from pipeline.serve import SETTINGS, datasette_args, datasette_metadata

from .conftest import CORPUS


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    db_path = tmp_path_factory.mktemp("serve") / "inspections.db"
    build([str(CORPUS)], db_path)
    ds = Datasette(immutables=[str(db_path)], metadata=datasette_metadata("inspections"), settings=SETTINGS)
    return ds, db_path


def get(ds, path):
    return asyncio.run(ds.client.get(path))


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
    ("compare_services_on_theme", "theme=safeguarding",
     lambda rows: {"2011-cci-leeds", "2011-cci-wessex"} <= {r["report_id"] for r in rows}),
    ("recommendations_to_role", "role=manager",
     lambda rows: {"2011-cci-wessex", "2020-yos-2018-southampton"} <= {r["report_id"] for r in rows}),
    ("reports_failing_validation", "rule=",
     lambda rows: {r["report_id"] for r in rows} == {"2011-cci-wessex"}),
])
def test_canned_queries_answer_on_the_corpus(served, query, params, check):
    ds, _ = served
    response = get(ds, f"/inspections/{query}.json?_shape=array&{params}")
    assert response.status_code == 200, response.text
    rows = response.json()
    assert rows and check(rows), rows[:3]


def test_service_timeline_view_is_served(served):
    ds, _ = served
    rows = get(ds, "/inspections/service_timeline.json?_shape=array&service_id=southampton&_size=max").json()
    assert {(r["report_id"], r["relation"]) for r in rows} >= {
        ("2011-cci-wessex", "predecessor"), ("2020-yos-2018-southampton", "own")}
