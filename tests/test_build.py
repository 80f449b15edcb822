"""The build: every input logged, bad ones isolated, the database written atomically and reproducibly."""

import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from pipeline import build as build_module
from pipeline.build import UsageError, build
from pipeline.reading.render import render_text_to_pdf
from pipeline.storage.schema import TABLES

from .conftest import CORPUS, FIXTURES


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus-build")
    summary = build([str(CORPUS)], folder / "inspections.db", extracted_dir=folder / "extracted")
    return summary, folder


def make_bad_inputs(folder):
    """One of every kind of bad input, generated here."""
    (folder / "empty.txt").write_bytes(b"")
    (folder / "latin1.txt").write_bytes("Youth offending report for Caf\xe9".encode("latin-1"))
    (folder / "random.pdf").write_bytes(bytes(range(256)) * 8)
    shutil.copy(FIXTURES / "html-saved-as.pdf", folder / "report.pdf")
    shutil.copy(FIXTURES / "ofsted-ilacs-1.pdf", folder / "ofsted.pdf")
    shutil.copy(CORPUS / "2016-sqs-norfolk.txt", folder / "norfolk-copy.txt")  # duplicate content
    locked = render_text_to_pdf("HM Inspectorate of Probation youth offending", folder / "locked.pdf", password="pw")
    return locked


def test_corpus_builds_five_reports(corpus_db):
    summary, folder = corpus_db
    assert summary.exit_code == 0
    db = sqlite_utils.Database(folder / "inspections.db")
    assert [r["id"] for r in db["reports"].rows_where(order_by="id")] == [
        "2011-cci-leeds", "2011-cci-wessex", "2013-sqs-wandsworth", "2016-sqs-norfolk", "2020-yos-2018-southampton"]
    assert {r["status"] for r in db["ingest_log"].rows} == {"ok"}
    assert db["ingest_log"].count == 5
    assert db["metadata_evidence"].count >= 30
    # every table of the schema exists, with every declared column
    for table, spec in TABLES.items():
        assert set(db[table].columns_dict) == {c for c, _, _ in spec["columns"]}, table


def test_full_text_search_finds_passages_with_page_and_section(corpus_db):
    _, folder = corpus_db
    db = sqlite_utils.Database(folder / "inspections.db")
    hits = list(db["passages"].search("disaggregated"))
    # Porter stemming: Wessex 2011 "planning to disaggregate" is found too.
    assert {h["report_id"] for h in hits} == {"2020-yos-2018-southampton", "2011-cci-wessex"}
    hit = next(h for h in hits if "disaggregated from Wessex Youth Offending Team in 2012 and" in h["text"])
    assert hit["section"] == "Introduction"
    commentary = next(h for h in hits if h["report_id"] == "2011-cci-wessex" and "three smaller YOTs" in h["text"])
    assert commentary["section"] == "COMMENTARY on Assessment and Sentence Planning as a whole"
    assert hit["line_start"] >= 1
    reoffending = {h["report_id"] for h in db["passages"].search('"published reoffending rate"')}
    assert reoffending == {"2016-sqs-norfolk"}


def test_extracted_json_is_written_per_report(corpus_db):
    _, folder = corpus_db
    names = sorted(p.name for p in (folder / "extracted").glob("*.json"))
    assert names == ["2011-cci-leeds.json", "2011-cci-wessex.json", "2013-sqs-wandsworth.json",
                     "2016-sqs-norfolk.json", "2020-yos-2018-southampton.json"]


def test_bad_inputs_are_logged_and_the_rest_load(tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    shutil.copy(CORPUS / "2016-sqs-norfolk.txt", inputs / "norfolk.txt")
    make_bad_inputs(inputs)
    summary = build([str(inputs)], tmp_path / "out.db")
    assert summary.exit_code == 1
    db = sqlite_utils.Database(tmp_path / "out.db")
    log = {row["path"].rsplit("/", 1)[-1]: row for row in db["ingest_log"].rows}
    assert {name: row["status"] for name, row in log.items()} == {
        "norfolk.txt": "duplicate", "norfolk-copy.txt": "ok", "empty.txt": "error", "latin1.txt": "error",
        "random.pdf": "error", "report.pdf": "error", "ofsted.pdf": "rejected", "locked.pdf": "error"}
    assert log["norfolk.txt"]["reason"].startswith("same content (SHA-256) as ")
    assert log["norfolk.txt"]["reason"].endswith("norfolk-copy.txt: loaded once, from that file")
    assert "encrypted" in log["locked.pdf"]["reason"]
    assert "HTML page" in log["report.pdf"]["reason"]
    assert log["norfolk-copy.txt"]["report_id"] == "2016-sqs-norfolk"
    assert [r["id"] for r in db["reports"].rows] == ["2016-sqs-norfolk"]
    assert all(row["reason"] and "\n" not in row["reason"] for row in log.values())


def test_failed_build_leaves_the_old_database_untouched(tmp_path, monkeypatch):
    target = tmp_path / "inspections.db"
    build([str(CORPUS / "2016-sqs-norfolk.txt")], target)
    before = target.read_bytes()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(build_module, "enable_search", explode)
    with pytest.raises(RuntimeError):
        build([str(CORPUS)], target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["inspections.db"]  # no temporary file left


def dump(path):
    """The database's content, less the documented varying column (ingest_log.seconds)."""
    conn = sqlite3.connect(path)
    conn.execute("UPDATE ingest_log SET seconds = 0")
    return list(conn.iterdump())


def test_builds_are_reproducible_whatever_the_input_order(tmp_path):
    files = sorted(str(p) for p in CORPUS.glob("*.txt"))
    build(files, tmp_path / "a.db")
    build(list(reversed(files)), tmp_path / "b.db")
    build(files + files[:2], tmp_path / "c.db")  # the same paths given twice load once
    assert dump(tmp_path / "a.db") == dump(tmp_path / "b.db") == dump(tmp_path / "c.db")


def test_colliding_report_ids_get_a_suffix(tmp_path):
    text = (CORPUS / "2016-sqs-norfolk.txt").read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(text + "\nA later correction.\n", encoding="utf-8")
    build([str(tmp_path)], tmp_path / "x.db")
    ids = sorted(r["id"] for r in sqlite_utils.Database(tmp_path / "x.db")["reports"].rows)
    assert ids == ["2016-sqs-norfolk", "2016-sqs-norfolk-2"]


def test_missing_path_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="no such file"):
        build([str(tmp_path / "nope")], tmp_path / "x.db")
    (tmp_path / "empty-folder").mkdir()
    with pytest.raises(UsageError, match="no .pdf, .txt or .md files"):
        build([str(tmp_path / "empty-folder")], tmp_path / "x.db")


def test_unchanged_corpus_rebuilds_from_the_cache(tmp_path, monkeypatch):
    from pipeline import runner

    cache = tmp_path / "cache"
    build([str(CORPUS)], tmp_path / "a.db", cache_dir=cache)

    def must_not_run(*args, **kwargs):
        raise AssertionError("a cached document was processed again")

    monkeypatch.setattr(runner, "process_file", must_not_run)
    build([str(CORPUS)], tmp_path / "b.db", cache_dir=cache)
    assert dump(tmp_path / "a.db") == dump(tmp_path / "b.db")


def test_cache_is_keyed_by_pipeline_fingerprint(tmp_path, monkeypatch):
    from pipeline import cache as cache_module
    from pipeline.cache import ResultCache

    first = ResultCache(tmp_path)
    first.put("ab" * 32, {"status": "ok", "reason": "", "programme": "SQS", "result": None})
    assert first.get("ab" * 32)["programme"] == "SQS"
    monkeypatch.setattr(cache_module, "pipeline_fingerprint", lambda: "changed-rules")
    assert ResultCache(tmp_path).get("ab" * 32) is None


def test_a_new_library_version_invalidates_every_cached_result(tmp_path, monkeypatch):
    # The cache key ignored library versions (issue 16, item 15): a new PDFium or spaCy
    # could read a document differently and the old result would still be served.
    from importlib import metadata

    from pipeline import cache as cache_module

    key = cache_module.environment_key()
    assert f"pypdfium2 {metadata.version('pypdfium2')}" in key and f"spacy {metadata.version('spacy')}" in key
    assert key.startswith("python 3.")
    first = cache_module.ResultCache(tmp_path)
    first.put("cd" * 32, {"status": "ok", "reason": "", "programme": "CCI", "result": None})
    assert cache_module.ResultCache(tmp_path).get("cd" * 32) is not None
    for fingerprint in (cache_module.pipeline_fingerprint, cache_module.programme_fingerprint, cache_module.environment_key):
        fingerprint.cache_clear()
    monkeypatch.setattr(metadata, "version", lambda name: "99.0" if name == "pypdfium2" else "1.0")
    try:
        assert cache_module.environment_key() != key
        assert cache_module.ResultCache(tmp_path).get("cd" * 32) is None
    finally:
        for fingerprint in (cache_module.pipeline_fingerprint, cache_module.programme_fingerprint, cache_module.environment_key):
            fingerprint.cache_clear()


def test_a_changed_extractor_reruns_only_its_programme(tmp_path, monkeypatch):
    from pipeline import cache as cache_module
    from pipeline import runner

    cache = tmp_path / "cache"
    build([str(CORPUS)], tmp_path / "a.db", cache_dir=cache)
    real_fingerprint, real_process = cache_module.programme_fingerprint, runner.process_file
    monkeypatch.setattr(cache_module, "programme_fingerprint",
                        lambda programme: "edited" if programme == "SQS" else real_fingerprint(programme))
    processed = []

    def counting(path, **kwargs):
        processed.append(path.name)
        return real_process(path, **kwargs)

    monkeypatch.setattr(runner, "process_file", counting)
    build([str(CORPUS)], tmp_path / "b.db", cache_dir=cache)
    assert sorted(processed) == ["2013-sqs-wandsworth.txt", "2016-sqs-norfolk.txt"]
    assert dump(tmp_path / "a.db") == dump(tmp_path / "b.db")


def test_programme_sources_exist_and_the_rest_is_common():
    from pipeline.cache import PROGRAMME_SOURCES, ROOT
    from pipeline.extraction.extractors import EXTRACTORS, extractor_for

    extractor_for("CCI")  # registers every extractor
    assert set(PROGRAMME_SOURCES) == set(EXTRACTORS)
    assert all((ROOT / name).is_file() for names in PROGRAMME_SOURCES.values() for name in names)


def test_summary_lists_at_most_twenty_failed_validations():
    summary = build_module.BuildSummary("x.db", failed_rules=[f"r{i}: rule" for i in range(23)])
    lines = summary.lines()
    assert lines[-1] == "  ... and 3 more: see the validations table (passed = 0)"
    assert len(lines) == 1 + 20 + 1


def test_parallel_build_equals_serial_build(tmp_path):
    build([str(CORPUS)], tmp_path / "serial.db", jobs=1)
    build([str(CORPUS)], tmp_path / "parallel.db", jobs=2, timeout=60)
    assert dump(tmp_path / "serial.db") == dump(tmp_path / "parallel.db")


def test_a_hanging_document_is_stopped_and_the_rest_load(tmp_path, monkeypatch):
    import time

    from pipeline import runner

    real = runner.process_file

    def slow_for_wandsworth(path, **kwargs):
        if "wandsworth" in str(path):
            time.sleep(60)
        return real(path, **kwargs)

    monkeypatch.setattr(runner, "process_file", slow_for_wandsworth)
    started = time.monotonic()
    summary = build([str(CORPUS)], tmp_path / "x.db", jobs=2, timeout=3)
    assert time.monotonic() - started < 30
    statuses = {o.path.rsplit("/", 1)[-1]: (o.status, o.reason) for o in summary.outcomes}
    assert statuses["2013-sqs-wandsworth.txt"][0] == "error"
    assert "longer than the 3 s limit" in statuses["2013-sqs-wandsworth.txt"][1]
    assert sum(1 for status, _ in statuses.values() if status == "ok") == 4


def test_database_is_readable_by_others_as_the_umask_allows(tmp_path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        build([str(CORPUS / "2013-sqs-wandsworth.txt")], tmp_path / "shared.db")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "shared.db").stat().st_mode) == 0o644


def test_code_left_out_of_the_fingerprint_is_not_used_by_extraction():
    """cache.NOT_IN_RESULTS may change without invalidating cached results: true only if
    processing a document never imports it."""
    import subprocess
    import sys

    from pipeline.cache import NOT_IN_RESULTS, ROOT

    assert all((ROOT / name).exists() for name in NOT_IN_RESULTS)
    code = ("import sys; from pipeline.process import process_file, warm_up; warm_up(); "
            "process_file('corpus/2011-cci-wessex.txt'); "
            "print(' '.join(sorted(m for m in sys.modules if m.startswith('pipeline'))))")
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.split()
    left_out = [name.removesuffix(".py").replace("/", ".") for name in NOT_IN_RESULTS if name.startswith("pipeline/")]
    assert "pipeline.extraction.extractors.cci" in loaded
    assert [m for m in loaded if any(m == name or m.startswith(name + ".") for name in left_out)] == []


def _running(pid: int) -> bool:
    """Whether a process exists and is not a zombie (Linux /proc)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads child processes from /proc (Linux)")
def test_workers_do_not_outlive_a_killed_build():
    """A build killed outright (SIGKILL, a CI timeout) must not leave workers running, even
    ones busy with a document."""
    import os
    import signal
    import subprocess
    import sys
    import time

    code = ("import time; from pipeline import runner; runner.warm_up = lambda: None; "
            "runner.process_file = lambda path, **kw: time.sleep(60); "
            "runner.run_parallel([('a', 'x'), ('b', 'y'), ('c', 'z')], jobs=2, timeout=None, options={})")
    build_process = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 20
    while len(workers := _children(build_process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(workers) == 2
    build_process.send_signal(signal.SIGKILL)
    build_process.wait()
    deadline = time.monotonic() + 10
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = [pid for pid in workers if _running(pid)]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    assert not alive, "workers outlived the build"


def _write_many(folder, ids, rounds, writer):
    from pipeline.build import write_extracted
    from pipeline.process import Outcome

    for round_ in range(rounds):  # new content every round, so every file is rewritten
        outcomes = [Outcome(f"{rid}.txt", rid, "ok", "", "SQS",
                            {"report": {"id": rid, "title": f"{writer} {round_}"}, "findings": []}) for rid in ids]
        write_extracted(folder, outcomes)


def test_builds_sharing_an_extracted_folder_take_turns(tmp_path):
    # Two builds writing the same folder at once used one fixed `<id>.json.tmp` name and
    # could crash renaming a file the other had moved, and each deleted the other's files
    # as stale mid-write (issue 16, item 14). Now they take turns: no error, no temporary
    # file left, and the folder is what one of them wrote.
    import multiprocessing

    folder = tmp_path / "extracted"
    sets = [["2020-a", "2020-shared"], ["2021-b", "2020-shared"]]
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_write_many, args=(folder, ids, 300, n)) for n, ids in enumerate(sets)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0, 0]
    left = sorted(p.name for p in folder.iterdir() if p.name != ".lock")
    assert left in ([f"{i}.json" for i in sorted(ids)] for ids in sets)
    assert not list(folder.glob("*.tmp")) and not list(folder.glob(".*.tmp"))


def test_the_corpus_manifest_has_the_contract_columns_and_true_hashes():
    import csv

    from pipeline.reading.load import sha256_of

    with open(CORPUS / "manifest.csv", newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert reader.fieldnames[:8] == ["file", "sha256", "source_url", "landing_url", "title", "published",
                                     "programme_hint", "fetched_at"]
    assert sorted(r["file"] for r in rows) == sorted(p.name for p in CORPUS.glob("*.txt"))
    assert all(sha256_of(CORPUS / r["file"]) == r["sha256"] for r in rows)
