"""Per-document cache of extraction results, keyed by content hash and pipeline fingerprints.

A result depends on the Python and library versions (`environment_key`), on the stages every document goes through (loading, cleaning,
classification, metadata, findings, linking: the *common* fingerprint) and on the one
extractor its programme uses (the *programme* fingerprint). Each fingerprint hashes
the code and the rule tables in models/ it is made of, listed in PROGRAMME_SOURCES.
So editing `extractors/cci.py` or `models/cci.yml` re-runs only the CCI reports, while
editing the cleaner re-runs everything.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from functools import lru_cache
from pathlib import Path

from . import __version__

PACKAGE_DIR = Path(__file__).resolve().parent
MODELS_DIR = PACKAGE_DIR.parent / "models"
CACHEABLE = {"ok", "rejected", "error"}

# What only one programme's results depend on, relative to the repository root.
# Anything under pipeline/ or models/ not listed here is common to every programme.
PROGRAMME_SOURCES = {
    "CCI": ("pipeline/extraction/extractors/cci.py", "pipeline/checks/cci.py", "models/cci.yml"),
    "SQS": ("pipeline/extraction/extractors/sqs.py", "models/sqs.yml"),
    "FJI": ("pipeline/extraction/extractors/fji.py", "models/fji.yml", "pipeline/extraction/extractors/sqs.py", "models/sqs.yml"),
    "YOS-2018": ("pipeline/extraction/extractors/standards.py", "pipeline/checks/standards.py", "models/frameworks.yml"),
    "YJS-2021": ("pipeline/extraction/extractors/standards.py", "pipeline/checks/standards.py", "models/frameworks.yml"),
    # The 2025 extractor reuses the standards extractor's readers (recommendations, samples, sentences).
    "YJS-2025": ("pipeline/extraction/extractors/yjs2025.py", "pipeline/checks/yjs2025.py",
                 "pipeline/extraction/extractors/standards.py", "pipeline/checks/standards.py", "models/frameworks.yml"),
}
ROOT = PACKAGE_DIR.parent
# Code that runs after extraction (writing, serving, exporting, fetching, the command
# line), files or whole folders: a change to it cannot change a document's result, so it
# does not invalidate the cache (tests/test_build.py checks that processing a document
# never imports it).
NOT_IN_RESULTS = ("pipeline/build.py", "pipeline/cli.py", "pipeline/runner.py", "pipeline/progress.py",
                  "pipeline/storage/export.py", "pipeline/storage/views.py", "pipeline/reading/render.py",
                  "pipeline/linking/inspections.py", "pipeline/site", "pipeline/acquisition",
                  "models/sources.yml", "models/inspections.csv")


def _in_results(path: Path) -> bool:
    return not any(path == ROOT / name or path.is_relative_to(ROOT / name) for name in NOT_IN_RESULTS)


def _source_files() -> list[Path]:
    files = []
    for folder, pattern in ((PACKAGE_DIR, "*.py"), (MODELS_DIR, "*")):
        files.extend(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts
                     and _in_results(p))
    return sorted(files)


# Libraries whose behaviour shapes a result: a new version may read a PDF or a pattern
# differently, so it invalidates every cached result, as a new Python does.
# (pyspellchecker's word list decides which split words are joined; lxml reads web pages.)
LIBRARIES = ("pypdfium2", "pdfplumber", "pdfminer.six", "spacy", "regex", "rapidfuzz", "PyYAML",
             "pyspellchecker", "lxml")


@lru_cache(maxsize=1)
def environment_key() -> str:
    """The Python and library versions results depend on, e.g. 'python 3.11.7; spacy 3.7.5; ...'."""
    from importlib import metadata

    versions = [f"python {platform.python_version()}"]
    for name in LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} absent")
    return "; ".join(versions)


def _digest(paths) -> str:
    digest = hashlib.sha256(__version__.encode())
    digest.update(environment_key().encode())
    for path in paths:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def pipeline_fingerprint() -> str:
    """The common stages: every source file not owned by one programme."""
    owned = {ROOT / name for names in PROGRAMME_SOURCES.values() for name in names}
    return _digest(p for p in _source_files() if p not in owned)


@lru_cache(maxsize=None)
def programme_fingerprint(programme: str | None) -> str:
    if programme is None:
        return ""
    return _digest(ROOT / name for name in PROGRAMME_SOURCES.get(programme, ()))


class ResultCache:
    """Entries live at <folder>/<sha[:2]>/<sha>-<common key>.json and record the
    programme fingerprint they were built with; a stale one is simply not used."""

    def __init__(self, folder, options_key: str = ""):
        self.folder = Path(folder)
        self.key_suffix = hashlib.sha256((pipeline_fingerprint() + options_key).encode()).hexdigest()[:16]

    def _path(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / f"{sha256}-{self.key_suffix}.json"

    def get(self, sha256: str) -> dict | None:
        try:
            entry = json.loads(self._path(sha256).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if entry.get("programme_fingerprint", "") != programme_fingerprint(entry.get("programme")):
            return None
        return entry

    def put(self, sha256: str, entry: dict) -> None:
        if entry.get("status") not in CACHEABLE:
            return
        entry = {**entry, "programme_fingerprint": programme_fingerprint(entry.get("programme"))}
        path = self._path(sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
