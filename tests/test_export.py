"""`inspections export`: the corpus database as CSV / JSON files with a datapackage.json."""

import csv
import io
import json
import sqlite3

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.storage.export import exportable


REPORT_IDS = ["2011-cci-leeds", "2011-cci-wessex", "2013-sqs-wandsworth", "2016-sqs-norfolk",
              "2020-yos-2018-southampton"]
VIEWS = ["band_distribution", "rating_distribution", "report_theme_measures", "service_ancestry", "service_timeline"]


@pytest.fixture(scope="module")
def db(corpus_db):
    return corpus_db


@pytest.fixture(scope="module")
def conn(db):
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def csv_export(db, tmp_path_factory):
    out = tmp_path_factory.mktemp("csv")
    result = CliRunner().invoke(cli, ["export", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def run(*args):
    return CliRunner().invoke(cli, ["export", *map(str, args)])


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_default_exports_every_table_and_view_but_no_internals(csv_export, conn):
    written = {p.stem for p in csv_export.glob("*.csv")}
    assert written == set(exportable(conn))
    assert {"reports", "scores", "findings", "finding_quantities", "themes", "theme_crosswalk",
            "services", "service_lineage", "passages", *VIEWS} <= written
    assert not {name for name in written if "_fts" in name or name.startswith("sqlite_")}
    # the full-text indexes really are in the database, and left out
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE 'passages_fts%'").fetchone()[0] > 1


def test_reports_csv_has_the_five_reports(csv_export, conn):
    rows = read_csv(csv_export / "reports.csv")
    assert [r["id"] for r in rows] == REPORT_IDS  # primary key order
    assert sorted(id for (id,) in conn.execute("SELECT id FROM reports")) == REPORT_IDS
    southampton = next(r for r in rows if r["id"] == "2020-yos-2018-southampton")
    assert southampton["overall_rating"] == "Good"
    assert southampton["programme"] == "YOS-2018" and southampton["area"] == "Southampton"
    wessex = next(r for r in rows if r["id"] == "2011-cci-wessex")
    assert wessex["overall_rating"] == ""  # NULL is an empty cell
    assert wessex["programme"] == "CCI" and wessex["publication_date"] == "2011-08"


def test_every_csv_round_trips_with_the_database_row_count(csv_export, conn):
    for table in exportable(conn):
        rows = read_csv(csv_export / f"{table}.csv")
        (count,) = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()
        assert len(rows) == count, table
        names = [d[1] for d in conn.execute(f'PRAGMA table_info("{table}")')]
        with open(csv_export / f"{table}.csv", encoding="utf-8", newline="") as handle:
            assert next(csv.reader(handle)) == names, table


def test_csv_values_match_the_database(csv_export, conn):
    rows = read_csv(csv_export / "scores.csv")
    wessex = next(r for r in rows if r["report_id"] == "2011-cci-wessex" and r["code"] == "safeguarding")
    percent, band, average, evidence = conn.execute(
        "SELECT percent, band, programme_average, evidence FROM scores "
        "WHERE report_id = '2011-cci-wessex' AND code = 'safeguarding'").fetchone()
    assert (percent, band, average) == (55.0, "SUBSTANTIAL", 68.0)
    assert (float(wessex["percent"]), wessex["band"], float(wessex["programme_average"])) == (55.0, "SUBSTANTIAL", 68.0)
    assert wessex["evidence"] == evidence and "55%" in evidence
    assert [int(r["id"]) for r in rows] == sorted(int(r["id"]) for r in rows)


def test_view_rows_follow_lineage_in_a_fixed_order(csv_export, db, tmp_path):
    rows = read_csv(csv_export / "service_timeline.csv")
    southampton = {(r["relation"], r["report_id"]) for r in rows if r["service_id"] == "southampton"}
    assert southampton == {("predecessor", "2011-cci-wessex"), ("own", "2020-yos-2018-southampton")}
    again = tmp_path / "again"
    assert run("--db", db, "--out", again, "--table", "service_timeline").exit_code == 0
    assert (again / "service_timeline.csv").read_bytes() == (csv_export / "service_timeline.csv").read_bytes()


def test_scores_as_json(db, conn, tmp_path):
    result = run("--db", db, "--out", tmp_path, "--table", "scores", "--format", "json")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["datapackage.json", "scores.json"]
    rows = json.loads((tmp_path / "scores.json").read_text(encoding="utf-8"))
    assert len(rows) == 28 == conn.execute("SELECT count(*) FROM scores").fetchone()[0]
    by_key = {(r["report_id"], r["code"]): r for r in rows}
    risk = by_key[("2011-cci-wessex", "risk_of_harm")]
    assert (risk["percent"], risk["band"], risk["programme_average"]) == conn.execute(
        "SELECT percent, band, programme_average FROM scores WHERE report_id = '2011-cci-wessex' "
        "AND code = 'risk_of_harm'").fetchone() == (56.0, "SUBSTANTIAL", 63.0)
    assert risk["page"] is None  # a text export has no pages: NULL is null
    assert by_key[("2011-cci-leeds", "safeguarding")]["percent"] == 84.0


def test_json_is_an_indented_array_with_unicode_kept(db, tmp_path):
    assert run("--db", db, "--out", tmp_path, "--table", "theme_crosswalk", "--format", "json").exit_code == 0
    text = (tmp_path / "theme_crosswalk.json").read_text(encoding="utf-8")
    rows = json.loads(text)
    assert text == json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    assert "↔" in text and "\\u2194" not in text


def test_one_table_to_stdout(db):
    result = run("--db", db, "--out", "-", "--table", "reports")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows] == REPORT_IDS
    result = run("--db", db, "--out", "-", "--table", "service_ancestry", "--format", "json")
    rows = json.loads(result.stdout)
    assert {"service_id": "southampton", "ancestor_id": "wessex", "depth": 1, "lineage_path": "wessex > southampton",
            "relation": "predecessor", "change_year": 2012, "change_kind": "split", "valid_from": None,
            "valid_to": "2012-04"} in rows


def test_stdout_takes_exactly_one_table(db):
    result = run("--db", db, "--out", "-")
    assert result.exit_code == 2
    assert "exactly one --table" in result.output


def test_unknown_table_is_a_usage_error(db, tmp_path):
    result = run("--db", db, "--out", tmp_path, "--table", "reports", "--table", "no_such_table")
    assert result.exit_code == 2
    assert "no_such_table" in result.output and "available: reports," in result.output
    assert "service_timeline" in result.output
    assert not list(tmp_path.iterdir())  # nothing written
    result = run("--db", db, "--out", tmp_path, "--table", "passages_fts")
    assert result.exit_code == 2  # internals cannot be asked for either


def test_missing_database(tmp_path):
    result = run("--db", tmp_path / "nowhere.db", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "no database at" in result.output
    assert not (tmp_path / "out").exists()


def test_datapackage_describes_every_resource(csv_export, conn):
    package = json.loads((csv_export / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    assert set(resources) == set(exportable(conn)) == {p.stem for p in csv_export.glob("*.csv")}
    reports = resources["reports"]
    assert (reports["path"], reports["format"], reports["mediatype"]) == ("reports.csv", "csv", "text/csv")
    assert reports["description"].startswith("One row per inspection report")
    fields = {f["name"]: f for f in reports["schema"]["fields"]}
    assert fields["overall_rating"]["description"].startswith("Overall rating")
    assert fields["year"]["type"] == "integer" and fields["id"]["type"] == "string"
    assert reports["schema"]["primaryKey"] == ["id"]
    scores = {f["name"]: f for f in resources["scores"]["schema"]["fields"]}
    assert scores["percent"]["type"] == "number" and "percent 0–100" in scores["percent"]["description"]
    assert {"fields": ["report_id"], "reference": {"resource": "reports", "fields": ["id"]}} in \
        resources["scores"]["schema"]["foreignKeys"]
    timeline = resources["service_timeline"]
    assert "Wessex 2011" in timeline["description"]
    view_fields = {f["name"]: f for f in timeline["schema"]["fields"]}
    assert view_fields["relation"]["description"].startswith("`own`")
    assert view_fields["cci_percent"]["type"] == "number" and view_fields["findings_n"]["type"] == "integer"
    assert "primaryKey" not in timeline["schema"]
    # every column of every resource is listed, in the file's order, and described
    for name, res in resources.items():
        with open(csv_export / res["path"], encoding="utf-8", newline="") as handle:
            assert [f["name"] for f in res["schema"]["fields"]] == next(csv.reader(handle)), name
        assert all(f.get("description") for f in res["schema"]["fields"]), name
        assert all(f["type"] in ("integer", "number", "string") for f in res["schema"]["fields"]), name


def test_field_types_match_the_values(csv_export):
    """A researcher's loader casts each column to its declared type: it must succeed."""
    package = json.loads((csv_export / "datapackage.json").read_text(encoding="utf-8"))
    cast = {"integer": int, "number": float, "string": str}
    for res in package["resources"]:
        types = {f["name"]: cast[f["type"]] for f in res["schema"]["fields"]}
        for row in read_csv(csv_export / res["path"]):
            for name, value in row.items():
                if value != "":
                    types[name](value)
