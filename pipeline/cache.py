"""Per-document cache of extraction results, keyed by content hash and pipeline fingerprint.

The fingerprint hashes the pipeline's code and the rule tables in models/, so any
change to an extractor or a table invalidates exactly the cached results built with
the old rules (all of them: results are not yet tracked per extractor).
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from . import __version__

PACKAGE_DIR = Path(__file__).resolve().parent
MODELS_DIR = PACKAGE_DIR.parent / "models"
CACHEABLE = {"ok", "rejected", "error"}


@lru_cache(maxsize=1)
def pipeline_fingerprint() -> str:
    digest = hashlib.sha256(__version__.encode())
    for folder, pattern in ((PACKAGE_DIR, "*.py"), (MODELS_DIR, "*")):
        for path in sorted(folder.rglob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class ResultCache:
    def __init__(self, folder, options_key: str = ""):
        self.folder = Path(folder)
        self.key_suffix = hashlib.sha256((pipeline_fingerprint() + options_key).encode()).hexdigest()[:16]

    def _path(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / f"{sha256}-{self.key_suffix}.json"

    def get(self, sha256: str) -> dict | None:
        try:
            return json.loads(self._path(sha256).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, sha256: str, entry: dict) -> None:
        if entry.get("status") not in CACHEABLE:
            return
        path = self._path(sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
