"""The per-theme findings measure (report_theme_measures) and the measure the timeline chart shows:
published judgements first; findings counted only where they judge case work, direction-corrected."""

from __future__ import annotations

import sqlite3

import pytest
import yaml

from pipeline.site.serve import SITE_METADATA
from tests.conftest import corpus_result

REPORTS = {"wandsworth": "2013-sqs-wandsworth", "norfolk": "2016-sqs-norfolk", "southampton": "2020-yos-2018-southampton",
           "leeds": "2011-cci-leeds", "wessex": "2011-cci-wessex"}


@pytest.fixture(scope="module")
def conn(corpus_db):
    connection = sqlite3.connect(f"file:{corpus_db}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    yield connection
    connection.close()


def measures(conn, report_id):
    return {row["theme"]: dict(row) for row in conn.execute(
        "SELECT * FROM report_theme_measures WHERE report_id = ?", (report_id,))}


def test_published_judgements_come_first(conn):
    southampton = measures(conn, REPORTS["southampton"])
    # organisational delivery has ratings only (1.1 RI, 1.2 Good, 1.3 RI, 1.4 RI: 5 / 4 = 1.25 of 3)
    assert (southampton["organisational_delivery"]["measure"], southampton["organisational_delivery"]["measure_basis"]) \
        == (41.7, "rating score / 3")
    assert southampton["organisational_delivery"]["findings_n"] is not None  # shown, not preferred
    assert (southampton["risk_of_harm"]["measure"], southampton["risk_of_harm"]["measure_basis"]) == (
        72.3, "key questions % yes")
    wessex = measures(conn, REPORTS["wessex"])
    assert (wessex["safeguarding"]["measure"], wessex["safeguarding"]["measure_basis"]) == (55.0, "CCI score %")
    norfolk = measures(conn, REPORTS["norfolk"])  # an SQS letter publishes no score: its findings are the measure
    row = norfolk["risk_of_harm"]
    assert row["measure_basis"] == "findings: midpoint of share of cases meeting the standard"
    assert abs(row["measure"] - 50 * (row["findings_low"] + row["findings_high"])) < 0.11  # low/high rounded to 3 places


def test_the_timeline_chart_shows_the_published_measure(conn):
    chart = yaml.safe_load(SITE_METADATA.read_text(encoding="utf-8"))[
        "plugins"]["datasette-dashboards"]["overview"]["charts"]["service-theme-timeline"]
    sql = chart["query"].replace("[[ AND theme = :theme ]]", "AND theme = :theme")
    rows = [dict(r) for r in conn.execute(sql, {"service": "southampton", "theme": "organisational_delivery"})]
    assert [(r["report_id"], r["measure"], r["basis"]) for r in rows] == [
        (REPORTS["southampton"], 41.7, "rating score / 3")]
    assert rows[0]["findings_counted"] >= 1


def corrected(q):
    """The share of cases that met the standard, from a quantity and its direction."""
    if q["direction"] == "met":
        return q["proportion_low"], q["proportion_high"]
    return 1 - q["proportion_high"], 1 - q["proportion_low"]


@pytest.mark.parametrize("name", ["wandsworth", "norfolk", "southampton", "leeds"])
def test_findings_measure_is_the_mean_of_direction_corrected_quantities_of_case_work(conn, name):
    result = corpus_result(name)
    by_theme = {}
    for finding in result["findings"]:
        for q in finding["quantities"]:
            if finding.get("theme") and q["direction"] and q["proportion_low"] is not None:
                by_theme.setdefault(finding["theme"], []).append((id(finding), corrected(q)))
    expected = {theme: (round(sum(low for _, (low, _) in rows) / len(rows), 3),
                        round(sum(high for _, (_, high) in rows) / len(rows), 3),
                        len({key for key, _ in rows}), len(rows)) for theme, rows in by_theme.items()}
    found = {theme: (row["findings_low"], row["findings_high"], row["findings_n"], row["findings_quantities_n"])
             for theme, row in measures(conn, REPORTS[name]).items() if row["findings_n"]}
    assert found == expected


def test_a_share_that_fell_short_is_counted_as_what_met_the_standard(conn):
    # Wandsworth 2.3: "reviews were insufficient in almost half the cases where they were required"
    (row,) = conn.execute(
        "SELECT q.* FROM finding_quantities q JOIN findings f ON f.id = q.finding_id "
        "WHERE f.report_id = ? AND f.section = '2.3' AND q.quantity_text = 'almost half'", (REPORTS["wandsworth"],))
    assert (row["direction"], row["proportion_low"], row["proportion_high"]) == ("short", 0.4, 0.5)
    assert (row["base_kind"], row["base_text"]) == ("subset", "the cases where they were required")
    # what the database stores for the finding: the share that met the standard
    finding = conn.execute("SELECT met_low, met_high, met_n FROM findings WHERE id = ?", (row["finding_id"],)).fetchone()
    assert tuple(finding) == (0.5, 0.6, 1)


def test_what_is_not_a_finding_about_case_work_is_not_counted(conn):
    quantities = {(r["report_id"], r["quantity_text"]) for r in conn.execute("SELECT * FROM finding_quantities")}
    # case mix, anecdotes and the set the next sentence counts are not quantities at all
    for report, text in [("wandsworth", "every"), ("wandsworth", "one case"), ("norfolk", "five cases"),
                         ("norfolk", "13 cases"), ("norfolk", "one case"), ("southampton", "21 of the 22"),
                         ("southampton", "40 per cent"), ("southampton", "Just under three-quarters")]:
        assert (REPORTS[report], text) not in quantities, text
    # what the court did is a quantity of the cases, but judges no work: not in the measure
    (row,) = conn.execute("SELECT * FROM finding_quantities WHERE report_id = ? AND quantity_text = 'three-quarters' "
                          "AND finding_id IN (SELECT id FROM findings WHERE section = '1.1')", (REPORTS["wandsworth"],))
    assert (row["count"], row["denominator"], row["direction"]) == (15, 20, None)


def test_findings_carry_the_direction_of_their_first_quantity(conn):
    rows = conn.execute("SELECT f.direction, q.direction AS first FROM findings f JOIN finding_quantities q "
                        "ON q.id = (SELECT min(id) FROM finding_quantities WHERE finding_id = f.id)").fetchall()
    assert rows and all(r["direction"] == r["first"] for r in rows)
    assert conn.execute("SELECT count(*) FROM findings WHERE quantity_text IS NULL AND direction IS NOT NULL"
                        ).fetchone()[0] == 0
