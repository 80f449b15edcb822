"""Build the database from input files: every input processed, logged, and written at once.

The database is written to a temporary file beside the target and renamed over it
only when complete, so a failed build never leaves a half-written database.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from . import __version__
from .linking import inspections, link
from .storage import views
from .reading.load import SUPPORTED_SUFFIXES, sha256_of
from .acquisition.manifest import read_manifests
from .cache import ResultCache
from .process import Outcome
from .runner import run_parallel
from .storage.schema import REPORT_TABLES, TABLES, column_names, enable_search, ensure_schema

SHOW_FAILED = 20  # failed validations listed in the summary; the rest are in the database
IGNORED_NAMES = {"manifest.csv", "readme.md", "readme.txt", "license", "licence"}


class UsageError(Exception):
    pass


@dataclass
class BuildSummary:
    db_path: str
    outcomes: list = field(default_factory=list)
    validations_passed: int = 0
    validations_failed: int = 0
    failed_rules: list = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def exit_code(self) -> int:
        return 1 if self.count("rejected") or self.count("error") else 0

    def lines(self) -> list[str]:
        text = (f"{self.db_path}: {self.count('ok')} reports loaded, {self.count('duplicate')} duplicates, "
                f"{self.count('rejected')} rejected, {self.count('error')} errors; validations: "
                f"{self.validations_passed} passed, {self.validations_failed} failed")
        shown = self.failed_rules[:SHOW_FAILED]
        more = len(self.failed_rules) - len(shown)
        return [text] + [f"  validation failed: {r}" for r in shown] + (
            [f"  ... and {more} more: see the validations table (passed = 0)"] if more else [])


def discover(paths) -> list[Path]:
    """Input files from files and folders (folders: .pdf, .txt, .md, .html, .htm files, recursively, sorted)."""
    found = []
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise UsageError(f"no such file or folder: {given}")
        if path.is_dir():
            found.extend(sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                and p.name.lower() not in IGNORED_NAMES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)))
        else:
            found.append(path)
    unique, seen = [], set()
    for path in found:
        key = os.path.normpath(str(path))
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def alternatives(files, manifest: dict) -> list[Outcome]:
    """Inputs the manifest marks as another format of a report already listed (the PDF
    version of a report published as a web page): logged as duplicates, loaded once."""
    out = []
    for path in files:
        row = manifest.get(os.path.normpath(str(path))) or {}
        if row.get("role") == "alternative":
            try:
                sha = sha256_of(path)
            except OSError:
                sha = None
            page = row.get("landing_url") or "its report page"
            out.append(Outcome(str(path), sha, "duplicate",
                               f"another format of the report published at {page} (manifest role `alternative`): "
                               "loaded once, from the report itself"))
    return out


def run_all(files, *, echo=None, jobs=1, timeout=None, cache_dir=None, on_start=None, **options) -> list[Outcome]:
    """Process every file once: duplicates by content are logged, cached results reused,
    the rest processed (in parallel, each within the time limit). on_start(n) is told
    how many documents need processing before the first starts (for a progress bar)."""
    outcomes, first_by_hash, tasks = {}, {}, []
    cache = ResultCache(cache_dir, json.dumps(options, sort_keys=True)) if cache_dir else None
    # Path order, not the order given: which of two identical files counts as the
    # original (and so the whole database) must not depend on how inputs were listed.
    for path in sorted(files, key=lambda p: os.path.normpath(str(p))):
        key = str(path)
        try:
            sha = sha256_of(path)
        except OSError as exc:
            outcomes[key] = Outcome(key, None, "error", f"cannot read the file ({exc.strerror}): check its permissions")
            continue
        if sha in first_by_hash:
            outcomes[key] = Outcome(key, sha, "duplicate",
                                    f"same content (SHA-256) as {first_by_hash[sha]}: loaded once, from that file")
            continue
        first_by_hash[sha] = key
        cached = cache.get(sha) if cache else None
        if cached:
            outcomes[key] = _from_cache(key, sha, cached)
            if echo:
                echo(outcomes[key])
        else:
            tasks.append((path, sha))
    if on_start:
        on_start(len(tasks))
    fresh = run_parallel(tasks, jobs=jobs, timeout=timeout, options=options, on_done=echo)
    for key, outcome in fresh.items():
        outcomes[key] = outcome
        if cache and outcome.sha256 and not outcome.messages:  # messages: a timeout or a crash, worth retrying
            cache.put(outcome.sha256, {"status": outcome.status, "reason": outcome.reason,
                                       "programme": outcome.programme, "result": outcome.result})
    return [outcomes[str(path)] for path in files if str(path) in outcomes]


def _from_cache(path: str, sha: str, entry: dict) -> Outcome:
    result = entry["result"]
    if result:
        result["report"]["source_path"] = path  # the same content may sit at another path now
    return Outcome(path, sha, entry["status"], entry["reason"], entry["programme"], result, seconds=0.0)


def assign_ids(outcomes) -> None:
    """Make report ids unique: a second report with the same slug gets `-2`, and so on,
    in order of content hash so the result does not depend on input order."""
    loaded = sorted((o for o in outcomes if o.status == "ok"), key=lambda o: (o.result["report"]["id"], o.sha256))
    used = {}
    for outcome in loaded:
        base = outcome.result["report"]["id"]
        used[base] = used.get(base, 0) + 1
        if used[base] > 1:
            outcome.result["report"]["id"] = f"{base}-{used[base]}"


def add_corpus_validations(outcomes) -> None:
    """Checks across all reports of a programme (e.g. CCI band thresholds derived from every report)."""
    from .extraction.extractors import corpus_checks

    for programme, check in corpus_checks().items():
        results = {o.result["report"]["id"]: o.result for o in outcomes if o.status == "ok" and o.programme == programme}
        if len(results) < 2:
            continue
        for rid, rows in check(results).items():
            results[rid]["validations"].extend(rows)


def stored_result(outcome: Outcome) -> dict:
    """The reviewed JSON for extracted/: everything but the full text and timings."""
    result = {key: value for key, value in outcome.result.items() if key != "passages"}
    return json.loads(json.dumps(result, sort_keys=True, ensure_ascii=False))


def write_database(db_path: Path, outcomes, manifest) -> BuildSummary:
    summary = BuildSummary(str(db_path), outcomes)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(prefix=db_path.name + ".", suffix=".tmp", dir=db_path.parent)
    os.close(handle)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp_name, 0o666 & ~umask)  # mkstemp makes it private; the database is for sharing
    try:
        db = sqlite_utils.Database(tmp_name)
        # No journal or fsync while writing the temporary file: a crash loses only the
        # temporary file, and the finished database is renamed into place atomically.
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        ensure_schema(db)
        loaded = sorted((o for o in outcomes if o.status == "ok"), key=lambda o: o.result["report"]["id"])
        counters = {table: 0 for table in TABLES}
        # Tables whose primary key is a row number assigned here, in a deterministic order.
        numbered = {table: spec["pk"] == "id" and spec["columns"][0][1] is int for table, spec in TABLES.items()}

        pending = {table: [] for table in TABLES}
        columns = {table: column_names(table) for table in TABLES}

        def insert(table, rows, rid=None):
            """Queue rows as tuples in schema column order, numbered in a deterministic
            order; written per table at the end. Keys the schema lacks are left out."""
            names = columns[table]
            at_rid = names.index("report_id") if rid is not None else None
            for row in rows:
                values = list(map(row.get, names))
                if at_rid is not None:
                    values[at_rid] = rid
                if numbered[table]:
                    counters[table] += 1
                    values[0] = counters[table]
                pending[table].append(values)

        # Services and lineage first: reports point at them.
        link.write_registry(db, [row for o in loaded for row in o.result.get("lineage", [])])
        linkable = []
        for outcome in loaded:
            report = dict(outcome.result["report"])
            row = manifest.get(os.path.normpath(outcome.path)) or {}
            report["source_url"] = row.get("source_url") or None
            insert("reports", [report])
            linkable.append({**report, "landing_url": row.get("landing_url") or None})
        # The register of every published inspection, each linked to its loaded report.
        insert("inspections", inspections.inspection_rows(linkable))
        for outcome in loaded:
            rid = outcome.result["report"]["id"]
            insert("metadata_evidence", outcome.result["metadata_evidence"], rid)
            for table in REPORT_TABLES:
                rows = outcome.result.get(table, [])
                insert(table, rows, rid)
                if table == "findings":
                    first_id = counters["findings"] - len(rows) + 1
                    for offset, row in enumerate(rows):
                        insert("finding_quantities",
                               [{**q, "finding_id": first_id + offset} for q in row.get("quantities", [])], rid)
            insert("passages", outcome.result.get("passages", []), rid)
            insert("cleaning", outcome.result.get("cleaning", []), rid)
            for row in outcome.result.get("validations", []):
                if row["passed"]:
                    summary.validations_passed += 1
                else:
                    summary.validations_failed += 1
                    summary.failed_rules.append(f"{rid}: {row['rule']} (expected {row['expected']}, found {row['found']})")
        insert("ingest_log", [
            {"path": o.path, "sha256": o.sha256, "status": o.status, "programme": o.programme,
             "report_id": o.result["report"]["id"] if o.result else None, "reason": o.reason, "seconds": o.seconds}
            for o in sorted(outcomes, key=lambda o: o.path)])
        insert("build_info", [{"key": "pipeline_version", "value": __version__},
                              {"key": "inputs", "value": str(len(outcomes))},
                              {"key": "reports", "value": str(len(loaded))}])
        for table in TABLES:  # one batch per table: a commit per report would cost more than the parsing
            if pending[table]:
                # One prepared statement per table: sqlite-utils' per-row type inference
                # is not needed (the rows are shaped to the schema) and would dominate a warm rebuild.
                names = ", ".join(f"[{c}]" for c in columns[table])
                db.conn.executemany(f"INSERT INTO [{table}] ({names}) VALUES ({', '.join('?' * len(columns[table]))})",
                                    pending[table])
        enable_search(db)
        views.create_views(db)
        db.conn.commit()
        db.close()
        os.replace(tmp_name, db_path)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise
    return summary


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def write_extracted(extracted_dir: Path, outcomes) -> None:
    """One JSON per report; stale files from reports no longer built are removed.

    Builds sharing a folder take turns (an exclusive lock on `.lock` in it), each writing
    through a temporary file of its own, so two builds never trip over each other's files:
    the folder ends as the last build to finish left it, as if they had run one by one."""
    extracted_dir.mkdir(parents=True, exist_ok=True)
    with open(extracted_dir / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            _write_extracted_locked(extracted_dir, outcomes)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write_extracted_locked(extracted_dir: Path, outcomes) -> None:
    wanted = set()
    for outcome in outcomes:
        if outcome.status != "ok":
            continue
        name = outcome.result["report"]["id"] + ".json"
        wanted.add(name)
        text = json.dumps(stored_result(outcome), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        target = extracted_dir / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            handle, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=extracted_dir)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; extracted/ is for sharing
            os.replace(tmp, target)
    for stale in extracted_dir.glob("*.json"):
        if stale.name not in wanted:
            stale.unlink(missing_ok=True)


def build(paths, db_path, *, extracted_dir=None, echo=None, **options) -> BuildSummary:
    files = discover(paths)
    if not files:
        raise UsageError("no .pdf, .txt or .md files or saved web pages (.html) found in " + ", ".join(map(str, paths)))
    manifest = read_manifests(files)  # each input's manifest.csv row (CONTRACT.md)
    skipped = alternatives(files, manifest)
    skipped_paths = {o.path for o in skipped}
    outcomes = run_all([f for f in files if str(f) not in skipped_paths], echo=echo, **options) + skipped
    assign_ids(outcomes)
    add_corpus_validations(outcomes)
    summary = write_database(Path(db_path), outcomes, manifest)
    if extracted_dir:
        write_extracted(Path(extracted_dir), outcomes)
    return summary
