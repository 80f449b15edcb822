"""The project's Datasette plugin (registered as an entry point in setup.cfg).

- `fts_query(q[, table])`, an SQL function for the canned search queries: full-text
  syntax (`"risk of harm"`, `MAPPA OR victim*`, `heading:plan`) is used as typed when
  SQLite accepts it for the index searched (`table`'s), a column filter for a column only
  another index has matches nothing there, and anything else (`out-of-court`, a stray
  quote) is searched for as plain words, so a search box never answers with an error.
- Page numbers link to the page of the published report: a `page` cell in any row
  that also has a `report_id` becomes `<source_url>#page=N` when the report's public
  URL is known (`reports.source_url`, from corpus/manifest.csv); for a report published
  as a web page, an `anchor` cell links to its section, `<source_url>#<anchor>`.
- A page for every report and every service: the row pages of `reports` and `services`
  (templates/row-inspections-reports.html, row-inspections-services.html) are laid out
  from what pages.py reads; their URLs and `.json` are Datasette's own. `/<db>/-/compare`
  puts the rows of the canned query `compare_services` side by side. In canned query
  results, `report_id` and `service_id` cells link to the report and service pages.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from functools import lru_cache
from pathlib import Path

from datasette import hookimpl
from datasette.utils import escape_fts
from datasette.utils.asgi import Response
from jinja2 import ChoiceLoader, Environment, FileSystemLoader
from markupsafe import Markup

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STYLESHEET = HERE / "static" / "inspections.css"
STYLESHEET_PATH = "/-/inspections/inspections.css"
# Datasette's templates of the pages below: they get the stylesheet.
PAGE_TEMPLATES = ("row-inspections-reports.html", "row-inspections-services.html", "inspections-compare.html")


@lru_cache(maxsize=16)
def _probe(columns: tuple) -> sqlite3.Connection:
    """An empty FTS5 table with an index's columns, to test a query against."""
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    conn.execute(f"CREATE VIRTUAL TABLE probe USING fts5({', '.join(f'{name!r}' for name in columns)})")
    return conn


def _valid(q: str, columns: tuple) -> bool:
    try:
        _probe(columns).execute("SELECT * FROM probe WHERE probe MATCH ?", (q,)).fetchall()
        return True
    except sqlite3.Error:
        return False


# A column filter whose value is no FTS5 bareword ("section:2.1"): its value is quoted.
_FILTER_VALUE = re.compile(r'(?<![\w"])(\w+):(?!")([^\s"()]+)')


@lru_cache(maxsize=4096)
def fts_query(q: str | None, table: str | None = None) -> str:
    """The FTS5 query to run for what a user typed, against the full-text index of `table`
    (default: any searched index). Valid syntax is used as typed, a column filter's value
    quoted when it needs to be (`section:2.1`); a column filter for a column this index
    lacks (`addressee:board` on the passages) matches nothing here rather than failing;
    anything else is searched as plain words. '' matches nothing, harmlessly."""
    from ..storage.schema import FTS_COLUMNS

    every = tuple(dict.fromkeys(c for columns in FTS_COLUMNS.values() for c in columns))
    columns = FTS_COLUMNS[table] if table else every
    q = (q or "").strip()
    if not q:
        return '""'
    for query in dict.fromkeys((q, _FILTER_VALUE.sub(lambda m: f'{m[1]}:"{m[2]}"', q))):
        if _valid(query, columns):
            return query
        if table and _valid(query, every):
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
    if table is None and column in ("report_id", "service_id") and isinstance(value, str) and value:
        # A canned query's ids lead to the report and service pages (tables link them already).
        from .pages import Links

        links = Links(datasette.urls, database)
        url = links.report(value) if column == "report_id" else links.service(value)
        return Markup('<a href="{}">{}</a>').format(url, value)
    page_cell = column == "page" and isinstance(value, int)
    anchor_cell = column == "anchor" and isinstance(value, str) and value
    if not (page_cell or anchor_cell):
        return None
    report_id = _value(row, "report_id")
    if isinstance(report_id, dict):  # a table page expands foreign keys to {value, label}
        report_id = report_id.get("value")
    if not isinstance(report_id, str):
        return None

    async def link():
        from .pages import evidence_url

        source_url = (await _source_urls(datasette, database)).get(report_id)
        url = evidence_url(source_url, anchor=value) if anchor_cell else evidence_url(source_url, page=value)
        if not url:
            return None
        where = "this section of the published web page" if anchor_cell else f"page {value} of the published report"
        return Markup('<a href="{}" title="Open {}">{}&nbsp;&#8599;</a>').format(url, where, value)

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


# --- the report, service and compare pages ---------------------------------------------

@hookimpl
def prepare_jinja2_environment(env, datasette):
    # Datasette looks for a templates/ folder only beside a plugin that is a package; this
    # plugin is a module, so its folder is added here, after any --template-dir (which wins).
    loaders = [FileSystemLoader(datasette.template_dir)] if datasette.template_dir else []
    env.loader = ChoiceLoader([*loaders, FileSystemLoader(str(TEMPLATES)), env.loader])


@lru_cache(maxsize=1)
def _bodies() -> Environment:
    # The pages' bodies (templates/_report.html, _service.html, _compare.html) are rendered
    # by a synchronous environment: Datasette's is async, and three times slower on their
    # long loops. Autoescaped, like Datasette's.
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True)


def render_body(template: str, page: dict) -> Markup:
    return Markup(_bodies().get_template(template).render(page=page))


@lru_cache(maxsize=1)
def _stylesheet() -> tuple[bytes, str]:
    body = STYLESHEET.read_bytes()
    return body, hashlib.sha256(body).hexdigest()[:12]


async def _stylesheet_view(request):
    body, _ = _stylesheet()
    return Response(body, content_type="text/css; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=31536000"})


async def _compare_view(request, datasette):
    """/<database>/-/compare?services=...&theme=...: the canned query compare_services, side by side."""
    from datasette.utils import tilde_decode
    from datasette.utils.asgi import NotFound

    try:
        database = datasette.get_database(route=tilde_decode(request.url_vars["database"])).name
    except KeyError:
        raise NotFound("Database not found")
    await datasette.ensure_permissions(request.actor, [("view-query", (database, "compare_services")),
                                                       ("view-database", database), "view-instance"])
    services, theme = request.args.get("services", ""), request.args.get("theme", "")
    body = await Pages(datasette, database).compare(services, theme)
    html = await datasette.render_template("inspections-compare.html", {
        "database": database, "services": services, "theme": theme, "body": body}, request=request,
        view_name="compare")
    return Response.html(html)


@hookimpl
def register_routes(datasette):
    return [(f"^{STYLESHEET_PATH}$", _stylesheet_view),
            (r"^/(?P<database>[^/]+)/-/compare$", _compare_view)]


@hookimpl
def extra_css_urls(template, database, table, columns, view_name, request, datasette):
    if template in PAGE_TEMPLATES:
        return [f"{datasette.urls.path(STYLESHEET_PATH)}?{_stylesheet()[1]}"]
    return []


class Pages:
    """What the page templates call: `pages.report(id)`, `pages.service(id)`, and the
    compare view's `compare(services, theme)`. Each reads the database in one trip to its
    thread, then renders the page's body; None when there is no such row."""

    def __init__(self, datasette, database: str):
        from .pages import Links

        self.db = datasette.get_database(database)
        self.links = Links(datasette.urls, database)

    async def report(self, report_id):
        from .pages import report_context

        page = await self.db.execute_fn(lambda conn: report_context(conn, report_id, self.links))
        return render_body("_report.html", page) if page else None

    async def service(self, service_id):
        from .pages import service_context

        page = await self.db.execute_fn(lambda conn: service_context(conn, service_id, self.links))
        return render_body("_service.html", page) if page else None

    async def compare(self, services, theme):
        from .pages import compare_context

        page = await self.db.execute_fn(lambda conn: compare_context(conn, services, theme, self.links))
        return render_body("_compare.html", page)


@hookimpl
def extra_template_vars(template, database, table, columns, view_name, request, datasette):
    if template not in PAGE_TEMPLATES or not database or view_name != "row":
        return {}
    return {"pages": Pages(datasette, database)}
