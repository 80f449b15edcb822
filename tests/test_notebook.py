"""notebooks/services-over-time.ipynb runs against a fresh corpus build, tells the story
with the real values, and its saved outputs are those of a fresh run."""

import importlib.util
import sqlite3
import sys

import nbformat
import pytest
from jupyter_client.manager import KernelManager


from .conftest import ROOT

NOTEBOOKS = ROOT / "notebooks"
NOTEBOOK = NOTEBOOKS / "services-over-time.ipynb"
REFRESH = "re-run it and save the outputs: .venv/bin/python notebooks/execute.py"


def load_execute():
    spec = importlib.util.spec_from_file_location("notebooks_execute", NOTEBOOKS / "execute.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def db(corpus_db):
    return corpus_db


@pytest.fixture(scope="module")
def executed(db):
    return load_execute().execute(NOTEBOOK, db, timeout=120)


def outputs(nb):
    """Per code cell, its outputs without images, stderr and execution counts."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.outputs:
            if out.output_type == "stream":
                if out.name == "stdout":
                    # The kernel may deliver one print in several chunks: compare the text, not the chunking.
                    if kept and kept[-1][0] == "stdout":
                        kept[-1] = ("stdout", kept[-1][1] + out.text)
                    else:
                        kept.append(("stdout", out.text))
            elif out.output_type in ("execute_result", "display_data"):
                kept.append((out.output_type, {k: v for k, v in out.data.items() if not k.startswith("image/")}))
            else:
                kept.append((out.output_type, out.get("ename"), out.get("evalue")))
        cells.append(kept)
    return cells


def text(nb):
    """All text output of a notebook, joined."""
    parts = []
    for cell in outputs(nb):
        for out in cell:
            if out[0] == "stdout":
                parts.append(out[1])
            elif isinstance(out[1], dict):
                parts.append(out[1].get("text/plain", ""))
    return "\n".join(parts)


def images(nb):
    return [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
            if "image/png" in out.get("data", {})]


def test_kernel_is_this_environment():
    with load_execute().prefer_this_environment():
        command = KernelManager(kernel_name="python3").format_kernel_cmd()
    assert command[0] == sys.executable
    assert command[1:3] == ["-m", "ipykernel_launcher"]


def test_runs_without_errors(executed):
    errors = [out for cell in executed.cells if cell.cell_type == "code" for out in cell.outputs
              if out.output_type == "error"]
    assert not errors, errors[0].get("evalue") if errors else None
    assert all(cell.execution_count for cell in executed.cells if cell.cell_type == "code")


def test_the_timeline_follows_lineage(executed):
    out = text(executed)
    assert "wessex -> southampton (split, 2012)" in out
    assert "Southampton YOS disaggregated from Wessex Youth Offending Team in" in out
    assert "2011-08  2011-cci-wessex  CCI, predecessor (via wessex > southampton)" in out
    assert "2020-01  2020-yos-2018-southampton  YOS-2018, own (via southampton), overall rating Good" in out
    assert "YJS-2021  (no report in this database yet)" in out


def test_numbers_are_the_database_values(executed, db):
    out = text(executed)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        for area, report_id in [("Leeds", "2011-cci-leeds"), ("Wessex", "2011-cci-wessex")]:
            for code, percent, average in conn.execute(
                    "SELECT code, percent, programme_average FROM scores WHERE report_id = ? "
                    "AND code IN ('safeguarding', 'risk_of_harm', 'likelihood_of_reoffending')", (report_id,)):
                assert f"{area:7} {code:26} {percent:.0f}% vs average {average:.0f}%" in out
        low, high, n = conn.execute("SELECT findings_low, findings_high, findings_n FROM report_theme_measures "
                                    "WHERE report_id = '2013-sqs-wandsworth' AND theme = 'risk_of_harm'").fetchone()
    assert "Wessex  safeguarding               55% vs average 68% (-13 points; range 37-91%), SUBSTANTIAL" in out
    assert f"findings_low {low}, findings_high {high}, findings_n {n}" in out
    assert ("safeguarding  2011 Wessex CCI 55% | 2020 Southampton key questions: court 82.8%, all 73.9% "
            "(lowest 53%)") in out
    # traceability: the interval, its rule and its sentence
    assert "'4 out of 22' -> [0.182, 0.182] = 4/22 by rule count_of (page NULL, line 462)" in out
    assert "'Safeguarding' work" in out and "37% 91% 68% 55%" in out
    assert "foreword_table_row_is_percentages 3770 7170 0070 3376" in out


def test_plots_are_inline_images(executed):
    assert len(images(executed)) >= 2
    assert all(out.data["text/plain"].startswith("<Figure size") for out in images(executed))


def test_saved_outputs_are_a_fresh_run(executed):
    saved = nbformat.read(NOTEBOOK, as_version=4)
    assert len(images(saved)) >= 2, f"the notebook is saved without its plots; {REFRESH}"
    assert not [out for cell in saved.cells if cell.cell_type == "code" for out in cell.outputs
                if out.output_type == "stream" and out.name == "stderr"], f"warnings in the saved notebook; {REFRESH}"
    assert [c.source for c in saved.cells] == [c.source for c in executed.cells]
    for number, (was, now) in enumerate(zip(outputs(saved), outputs(executed))):
        assert was == now, f"code cell {number} has stale outputs; {REFRESH}"
