"""The project's Datasette plugin (registered as an entry point in setup.cfg).

- `fts_query(q[, columns])`, an SQL function for the canned search queries: full-text
  syntax (`"risk of harm"`, `MAPPA OR victim*`, `heading:plan`) is used as typed when
  SQLite accepts it for the index searched (`columns`), a column filter for a column only
  another index has matches nothing there, and anything else (`out-of-court`, a stray
  quote) is searched for as plain words, so a search box never answers with an error.
- Page numbers link to the page of the published report: a `page` cell in any row
  that also has a `report_id` becomes `<source_url>#page=N` when the report's public
  URL is known (`reports.source_url`, from corpus/manifest.csv).
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache

from datasette import hookimpl
from datasette.utils import escape_fts
from markupsafe import Markup, escape


# Every column any searched index has: a column filter is valid syntax if one of them has it.
ALL_COLUMNS = "text,section,heading,addressee"


@lru_cache(maxsize=16)
def _probe(columns: str) -> sqlite3.Connection:
    """An empty FTS5 table with an index's columns, to test a query against."""
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    names = ", ".join(f'"{name.strip()}"' for name in columns.split(",") if name.strip())
    conn.execute(f"CREATE VIRTUAL TABLE probe USING fts5({names})")
    return conn


def _valid(q: str, columns: str) -> bool:
    try:
        _probe(columns).execute("SELECT * FROM probe WHERE probe MATCH ?", (q,)).fetchall()
        return True
    except sqlite3.Error:
        return False


@lru_cache(maxsize=4096)
def fts_query(q: str | None, columns: str | None = None) -> str:
    """The FTS5 query to run for what a user typed, against an index with `columns`
    (comma-separated; default: any searched index). Valid syntax is used as typed; a
    column filter for a column this index lacks (`addressee:board` on the passages)
    matches nothing here rather than failing; anything else is searched as plain words.
    '' matches nothing, harmlessly."""
    q = (q or "").strip()
    if not q:
        return '""'
    if _valid(q, columns or ALL_COLUMNS):
        return q
    if columns and _valid(q, ALL_COLUMNS):
        return '""'  # valid, but filters on a column only other indexes have
    return escape_fts(q) or '""'


@hookimpl
def prepare_connection(conn):
    conn.create_function("fts_query", 1, fts_query, deterministic=True)
    conn.create_function("fts_query", 2, fts_query, deterministic=True)


def _value(row, key):
    try:
        return row[key]
    except (KeyError, IndexError, TypeError):
        return None


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if column != "page" or not isinstance(value, int):
        return None
    report_id = _value(row, "report_id")
    if isinstance(report_id, dict):  # a table page expands foreign keys to {value, label}
        report_id = report_id.get("value")
    if not isinstance(report_id, str):
        return None

    async def link():
        url = (await _source_urls(datasette, database)).get(report_id)
        if not url or not url.lower().startswith(("https://", "http://")):
            return None
        return Markup(f'<a href="{escape(url)}#page={value}" title="Open page {value} of the published report">'
                      f'{value}&nbsp;&#8599;</a>')

    return link


async def _source_urls(datasette, database: str) -> dict:
    # The database is served immutable, so the URLs are read once per database.
    cache = datasette.__dict__.setdefault("_inspections_source_urls", {})
    if database not in cache:
        try:
            result = await datasette.get_database(database).execute(
                "SELECT id, source_url FROM reports WHERE source_url IS NOT NULL")
            cache[database] = {row["id"]: row["source_url"] for row in result.rows}
        except Exception:  # not this project's database
            cache[database] = {}
    return cache[database]
