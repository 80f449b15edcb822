"""Export the database's tables and views as CSV or JSON files for offline use,
with a Frictionless Data Package descriptor (`datapackage.json`) that carries every
column's description and type, so the files can be loaded elsewhere without the
database (pandas, R, frictionless, a spreadsheet).

Rows are written in a deterministic order: tables by primary key (else rowid),
views by all their columns. NULL is an empty CSV cell and `null` in JSON.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import json
import re
import sqlite3
from pathlib import Path
from typing import IO, Iterator

from .schema import TABLES
from .views import VIEW_COLUMNS, VIEW_DESCRIPTIONS

FORMATS = ("csv", "json")
MEDIATYPES = {"csv": "text/csv", "json": "application/json"}

# Full-text indexes and their shadow tables (`passages_fts`, `passages_fts_data`, ...)
# are SQLite internals: their content is already in the table they index.
_INTERNAL = re.compile(r"^sqlite_|_fts($|_)")

# SQLite declared type affinity (https://www.sqlite.org/datatype3.html#affinity_name_examples)
# → Table Schema field type.
_AFFINITY = [("INT", "integer"), ("CHAR", "string"), ("CLOB", "string"), ("TEXT", "string"),
             ("REAL", "number"), ("FLOA", "number"), ("DOUB", "number"), ("NUM", "number")]


class UnknownTable(ValueError):
    """A table asked for that the database does not have (or that is an internal)."""

    def __init__(self, unknown: list[str], available: list[str]):
        self.unknown, self.available = unknown, available
        super().__init__(f"no table or view {', '.join(unknown)}; available: {', '.join(available)}")


def connect(path: str | Path) -> sqlite3.Connection:
    """Open an existing database read-only; FileNotFoundError when there is none."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no database at {path}")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # fails here if not SQLite
    return conn


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def exportable(conn: sqlite3.Connection) -> list[str]:
    """Tables then views, without SQLite and full-text-search internals: the schema's
    tables in their declared order, then any other table, then the views, by name."""
    rows = conn.execute("SELECT name, type, sql FROM sqlite_master WHERE type IN ('table', 'view')").fetchall()
    virtual = {name for name, kind, sql in rows if kind == "table" and (sql or "").upper().startswith("CREATE VIRTUAL")}
    names = {name: kind for name, kind, _ in rows
             if not _INTERNAL.search(name) and name not in virtual
             and not any(name.startswith(v + "_") for v in virtual)}
    declared = [t for t in TABLES if names.get(t) == "table"]
    others = sorted(t for t, kind in names.items() if kind == "table" and t not in TABLES)
    views = sorted(t for t, kind in names.items() if kind == "view")
    return declared + others + views


def columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, str, int]]:
    """(name, declared type, position in the primary key or 0) of each column."""
    return [(name, typ or "", pk) for _, name, typ, _, _, pk in conn.execute(f"PRAGMA table_info({_quote(table)})")]


def _is_view(conn: sqlite3.Connection, table: str) -> bool:
    return conn.execute("SELECT type FROM sqlite_master WHERE name = ?", (table,)).fetchone() == ("view",)


def _has_rowid(conn: sqlite3.Connection, table: str) -> bool:
    try:
        conn.execute(f"SELECT rowid FROM {_quote(table)} LIMIT 0")
        return True
    except sqlite3.OperationalError:  # WITHOUT ROWID
        return False


def order_by(conn: sqlite3.Connection, table: str) -> str:
    """The ORDER BY that makes a table's or view's row order deterministic."""
    cols = columns(conn, table)
    pk = [name for name, _, position in sorted(cols, key=lambda c: c[2]) if position]
    if _is_view(conn, table) or not (pk or _has_rowid(conn, table)):
        keys = [_quote(name) for name, _, _ in cols]
    else:
        keys = [_quote(name) for name in pk] or ["rowid"]
    return ", ".join(keys)


def rows(conn: sqlite3.Connection, table: str) -> tuple[list[str], Iterator[tuple]]:
    """Column names and an iterator over the rows, in deterministic order."""
    cursor = conn.execute(f"SELECT * FROM {_quote(table)} ORDER BY {order_by(conn, table)}")
    return [d[0] for d in cursor.description], iter(cursor)


def _plain(value):
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def write_csv(conn: sqlite3.Connection, table: str, out: IO[str]) -> int:
    """One header row then every row; NULL as an empty cell. Returns the row count.
    `out` must be opened with newline='' (the csv module writes \\r\\n line ends)."""
    names, cursor = rows(conn, table)
    writer = csv.writer(out)
    writer.writerow(names)
    n = 0
    for row in cursor:
        writer.writerow(["" if v is None else _plain(v) for v in row])
        n += 1
    return n


def write_json(conn: sqlite3.Connection, table: str, out: IO[str]) -> int:
    """An array of objects (Datasette's `?_shape=array`), indented by 2, written row by
    row (the same text as json.dump of the whole list). Returns the row count."""
    names, cursor = rows(conn, table)
    n = 0
    out.write("[")
    for row in cursor:
        text = json.dumps({k: _plain(v) for k, v in zip(names, row)}, ensure_ascii=False, indent=2)
        out.write(("," if n else "") + "\n  " + text.replace("\n", "\n  "))
        n += 1
    out.write("\n]\n" if n else "]\n")
    return n


WRITERS = {"csv": write_csv, "json": write_json}


def describe(table: str) -> tuple[str | None, dict[str, str]]:
    """The table's description and its columns' descriptions, from the schema."""
    if table in TABLES:
        spec = TABLES[table]
        return spec["description"], {name: desc for name, _, desc in spec["columns"]}
    if table in VIEW_COLUMNS:
        return VIEW_DESCRIPTIONS.get(table), dict(VIEW_COLUMNS[table])
    return None, {}


def field_type(conn: sqlite3.Connection, table: str, column: str, declared: str) -> str:
    """Table Schema type of a column: what its stored values are (SQLite keeps text in
    an INTEGER column as text), else what its declared type says; `string` for a
    column with only NULLs and no declared type."""
    kinds = {k for (k,) in conn.execute(f"SELECT DISTINCT typeof({_quote(column)}) FROM {_quote(table)}")} - {"null"}
    if kinds & {"text", "blob"}:
        return "string"
    declared_type = next((typ for fragment, typ in _AFFINITY if fragment in declared.upper()), None)
    if "real" in kinds:
        return "number"
    if kinds == {"integer"}:
        return declared_type if declared_type in ("integer", "number") else "integer"
    return declared_type or "string"


def table_schema(conn: sqlite3.Connection, table: str, exported: set[str] | None = None) -> dict:
    """A Table Schema: fields (name, type, description), primaryKey, foreignKeys to
    tables that are exported too."""
    _, described = describe(table)
    cols = columns(conn, table)
    fields = []
    for name, declared, _ in cols:
        field = {"name": name, "type": field_type(conn, table, name, declared)}
        if described.get(name):
            field["description"] = described[name]
        fields.append(field)
    schema = {"fields": fields}
    pk = [name for name, _, position in sorted(cols, key=lambda c: c[2]) if position]
    if pk and not _is_view(conn, table):
        schema["primaryKey"] = pk
    fks = []
    for fk in conn.execute(f"PRAGMA foreign_key_list({_quote(table)})"):
        other, column, other_column = fk[2], fk[3], fk[4]
        if exported is None or other in exported:
            fks.append({"fields": [column], "reference": {"resource": other, "fields": [other_column]}})
    if fks:
        schema["foreignKeys"] = fks
    schema["missingValues"] = [""]  # NULL is an empty cell
    return schema


def resource(conn: sqlite3.Connection, table: str, fmt: str, exported: set[str] | None = None) -> dict:
    description, _ = describe(table)
    entry = {"name": table, "path": f"{table}.{fmt}", "format": fmt, "mediatype": MEDIATYPES[fmt],
             "encoding": "utf-8", "profile": "tabular-data-resource" if fmt == "csv" else "data-resource"}
    if description:
        entry["description"] = description
    entry["schema"] = table_schema(conn, table, exported)
    return entry


def datapackage(conn: sqlite3.Connection, tables: list[str], fmt: str, name: str = "youth-justice-inspections") -> dict:
    """The Data Package descriptor for the exported `tables`."""
    exported = set(tables)
    return {
        "profile": "tabular-data-package" if fmt == "csv" else "data-package",
        "name": name,
        "title": "HM Inspectorate of Probation youth offending inspections",
        "description": ("Youth offending inspection reports (2009 on) as linked tables: every extracted value "
                        "carries the page, line and exact text (`evidence`) it was read from. Exported from "
                        "the project's SQLite database by `inspections export`."),
        "resources": [resource(conn, t, fmt, exported) for t in tables],
    }


def check_tables(conn: sqlite3.Connection, tables: list[str] | None) -> list[str]:
    """The tables to export, in the order asked (default: all exportable); UnknownTable
    for any the database does not have."""
    available = exportable(conn)
    unknown = [t for t in tables or [] if t not in available]
    if unknown:
        raise UnknownTable(unknown, available)
    return list(dict.fromkeys(tables)) if tables else available


def write_table(db_path: str | Path, table: str, fmt: str, out: IO[str]) -> int:
    """Write one table or view to an open text stream (e.g. stdout). Returns the row count."""
    with contextlib.closing(connect(db_path)) as conn:
        check_tables(conn, [table])
        return WRITERS[fmt](conn, table, out)


def export(db_path: str | Path, out_dir: str | Path, fmt: str = "csv",
           tables: list[str] | None = None) -> dict[str, int]:
    """Write one `<table>.<fmt>` per table (default: every exportable table and view)
    and `datapackage.json` into out_dir. Returns {table: rows written}."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    out_dir = Path(out_dir)
    with contextlib.closing(connect(db_path)) as conn:
        chosen = check_tables(conn, tables)
        out_dir.mkdir(parents=True, exist_ok=True)
        counts = {}
        for table in chosen:
            with open(out_dir / f"{table}.{fmt}", "w", encoding="utf-8", newline="") as handle:
                counts[table] = WRITERS[fmt](conn, table, handle)
        descriptor = datapackage(conn, list(counts), fmt)
    with open(out_dir / "datapackage.json", "w", encoding="utf-8") as handle:
        json.dump(descriptor, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    return counts
