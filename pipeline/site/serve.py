"""Serve the database with Datasette: read-only, with the project's metadata."""

from __future__ import annotations

import copy
import json
import sys
import tempfile
from pathlib import Path

import yaml

from ..storage.schema import TABLES
from ..storage.views import CANNED_QUERIES, VIEW_COLUMNS, VIEW_DESCRIPTIONS

SITE_METADATA = Path(__file__).resolve().parent / "metadata.yml"
SETTINGS = {
    "sql_time_limit_ms": 3000,  # long enough for full-text search, short enough to stay responsive
    "max_returned_rows": 5000,
    "default_page_size": 50,
    "facet_time_limit_ms": 500,
    "allow_facet": True,
}


def datasette_metadata(database: str = "inspections") -> dict:
    """Site metadata plus a description of every table and column, from the schema."""
    site = yaml.safe_load(SITE_METADATA.read_text(encoding="utf-8"))
    table_settings = site.pop("tables", {})
    tables = {}
    for name, spec in TABLES.items():
        entry = copy.deepcopy(table_settings.get(name, {}))
        entry["description"] = spec["description"]
        entry["columns"] = {col: desc for col, _, desc in spec["columns"]}
        tables[name] = entry
    for name, description in VIEW_DESCRIPTIONS.items():
        tables[name] = {**table_settings.get(name, {}), "description": description,
                        "columns": VIEW_COLUMNS[name]}
    site["databases"] = {database: {"tables": tables, "queries": CANNED_QUERIES}}
    for dashboard in site.get("plugins", {}).get("datasette-dashboards", {}).values():
        for item in [*dashboard.get("charts", {}).values(), *dashboard.get("filters", {}).values()]:
            if "db" in item:
                item["db"] = database  # the file's stem: `inspections` unless built elsewhere
    return site


def datasette_args(db: str, host: str, port: int, metadata_path: str) -> list[str]:
    args = ["serve", "--immutable", db, "--metadata", metadata_path, "--host", host, "--port", str(port)]
    for key, value in SETTINGS.items():
        args += ["--setting", key, str(value).lower() if isinstance(value, bool) else str(value)]
    return args


def write_metadata(db: str) -> str:
    handle = tempfile.NamedTemporaryFile("w", suffix=".json", prefix="inspections-metadata-", delete=False)
    with handle:
        json.dump(datasette_metadata(Path(db).stem), handle, indent=2)
    return handle.name


def serve(db: str, host: str = "127.0.0.1", port: int = 8001) -> None:
    from datasette.cli import cli as datasette_cli

    import signal

    metadata_path = write_metadata(db)
    # uvicorn re-raises SIGTERM after its graceful shutdown; turn it into an exit that
    # runs the clean-up below instead of killing the process outright.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        datasette_cli.main(args=datasette_args(db, host, port, metadata_path), prog_name="datasette")
    finally:
        Path(metadata_path).unlink(missing_ok=True)
