"""The command line: exit codes, messages on stderr, JSON on stdout."""

import json

from click.testing import CliRunner

from pipeline import __version__
from pipeline.cli import cli
from pipeline.progress import Progress

from .conftest import CORPUS, FIXTURES


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_version_and_help():
    assert run("--version").output.strip() == f"inspections, version {__version__}"
    for command in ("build", "serve", "extract", "metadata"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output


def test_build_exit_codes(tmp_path):
    ok = run("build", str(CORPUS / "2013-sqs-wandsworth.txt"), "--db", str(tmp_path / "a.db"))
    assert ok.exit_code == 0
    assert "1 reports loaded, 0 duplicates, 0 rejected, 0 errors" in ok.stderr
    partial = run("build", str(CORPUS / "2013-sqs-wandsworth.txt"), str(FIXTURES / "ofsted-ilacs-1.pdf"),
                  "--db", str(tmp_path / "b.db"))
    assert partial.exit_code == 1
    assert "rejected: " in partial.stderr and "ofsted-ilacs-1.pdf: not an HM Inspectorate" in partial.stderr
    usage = run("build", str(tmp_path / "missing"), "--db", str(tmp_path / "c.db"))
    assert usage.exit_code == 2 and "no such file or folder" in usage.stderr
    assert not (tmp_path / "c.db").exists()


def test_extract_prints_json():
    result = run("extract", str(CORPUS / "2016-sqs-norfolk.txt"))
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["report"]["id"] == "2016-sqs-norfolk"
    assert data["report"]["publication_date"] == "2016-06-22"
    assert "passages" not in data


def test_extract_refuses_a_bad_file_on_stderr():
    result = run("extract", str(FIXTURES / "html-saved-as.pdf"))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and "HTML page" in result.stderr


def test_metadata_command_describes_every_table():
    data = json.loads(run("metadata").stdout)
    tables = data["databases"]["inspections"]["tables"]
    assert tables["reports"]["columns"]["publication_date"].startswith("ISO 8601")


def test_progress_line_counts_documents_and_clears(capsys):
    progress = Progress(enabled=True)
    progress.advance()  # a cached result, reported before start
    progress.start(12)
    for _ in range(3):
        progress.advance()
    progress.clear()
    err = capsys.readouterr().err
    assert "\r[#######" in err and "3/12 documents" in err and "4/12" not in err
    assert err.endswith("\r\033[K")


def test_progress_stays_silent_for_a_short_build(capsys):
    progress = Progress(enabled=True, min_total=10)
    progress.start(5)
    progress.advance()
    progress.clear()
    assert capsys.readouterr().err == ""
