"""DIR/manifest.csv: one row per saved report, where it came from and how to revalidate it.

The contract's columns come first (file, sha256, source_url, landing_url, title,
published, programme_hint, fetched_at); `etag` and `last_modified` make the next run's
requests conditional; `role` is `report`, or `alternative` for another format of a report
already listed (the PDF version of a report published as a web page: kept, not loaded
twice). Columns and rows already in the file (e.g. the bundled corpus's own) are kept.
The file is rewritten atomically after every saved report, so an interrupted run resumes
from what it had saved.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

CONTRACT_COLUMNS = ["file", "sha256", "source_url", "landing_url", "title", "published", "programme_hint", "fetched_at"]
EXTRA_COLUMNS = ["etag", "last_modified", "bytes", "role", "source"]


class Manifest:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.path = self.folder / "manifest.csv"
        self.columns: list[str] = []
        self.rows: list[dict] = []
        if self.path.exists():
            with open(self.path, newline="", encoding="utf-8") as handle:
                reader = csv.DictReader(handle)
                self.columns = list(reader.fieldnames or [])
                self.rows = [dict(row) for row in reader]
        for column in CONTRACT_COLUMNS + EXTRA_COLUMNS:
            if column not in self.columns:
                self.columns.append(column)

    def by_url(self, url: str) -> dict | None:
        if not url:  # a row with no URL (a report put in by hand) is nobody's match
            return None
        for row in self.rows:
            if row.get("source_url") == url:
                return row
        return None

    def by_landing(self, landing_url: str) -> list[dict]:
        return [row for row in self.rows if row.get("landing_url") == landing_url]

    def by_file(self, name: str) -> dict | None:
        for row in self.rows:
            if row.get("file") == name:
                return row
        return None

    def upsert(self, row: dict) -> None:
        existing = self.by_file(row["file"])
        if existing is None:
            self.rows.append({c: "" for c in self.columns})
            existing = self.rows[-1]
        existing.update({k: ("" if v is None else str(v)) for k, v in row.items()})
        self.save()

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(".manifest.csv.part")
        with open(tmp, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=self.columns, extrasaction="ignore")
            writer.writeheader()
            for row in sorted(self.rows, key=lambda r: r.get("file", "")):
                writer.writerow({c: row.get(c, "") for c in self.columns})
        os.replace(tmp, self.path)


def read_manifests(files) -> dict:
    """For each input file, its manifest row (from manifest.csv in its folder or the
    nearest folder above it that has one), keyed by the normalised file path."""
    rows, cache = {}, {}
    for file in files:
        folder = Path(file).parent
        for candidate in [folder, *folder.parents]:
            manifest = candidate / "manifest.csv"
            key = os.path.normpath(str(manifest))
            if key not in cache:
                cache[key] = _read(manifest) if manifest.exists() else None
            if cache[key] is not None:
                relative = os.path.normpath(os.path.relpath(file, candidate))
                if relative in cache[key]:
                    rows[os.path.normpath(str(file))] = cache[key][relative]
                    break
    return rows


def _read(path: Path) -> dict:
    with open(path, newline="", encoding="utf-8") as handle:
        return {os.path.normpath(row["file"]): row for row in csv.DictReader(handle) if row.get("file")}
