"""inspections: build, inspect and serve the youth justice inspections database."""

from __future__ import annotations

import json
import sys

import click

from . import __version__
from .extraction.classify import PROGRAMMES
from .progress import Progress


@click.group()
@click.version_option(__version__, prog_name="inspections")
def cli():
    """Turn HM Inspectorate of Probation youth offending inspection reports (PDF or
    text exports) into one linked SQLite database, and serve it with Datasette."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--db", "db_path", default="inspections.db", show_default=True, type=click.Path(dir_okay=False),
              help="Database file to write (replaced atomically when the build completes).")
@click.option("--extracted-dir", type=click.Path(file_okay=False),
              help="Also write one reviewed JSON per report here (the project keeps them in extracted/).")
@click.option("--max-mb", default=100, show_default=True, type=click.IntRange(1), help="Reject inputs larger than this.")
@click.option("--max-pages", default=500, show_default=True, type=click.IntRange(1), help="Reject PDFs with more pages.")
@click.option("--pdf-engine", type=click.Choice(["pdfium", "pdfplumber"]), default="pdfium", show_default=True,
              help="pdfium is ~50x faster; pdfplumber keeps more layout.")
@click.option("-j", "--jobs", type=click.IntRange(1), help="Documents processed at once [default: all cores].")
@click.option("--timeout", default=120.0, show_default=True, type=click.FloatRange(0),
              help="Seconds one document may take before it is stopped and logged as an error (0: no limit).")
@click.option("--cache-dir", default=".cache/extract", show_default=True, type=click.Path(file_okay=False),
              help="Per-document cache keyed by content hash and pipeline version.")
@click.option("--no-cache", is_flag=True, help="Process every document afresh.")
@click.option("-q", "--quiet", is_flag=True, help="Only print problems and the summary.")
def build(paths, db_path, extracted_dir, max_mb, max_pages, pdf_engine, jobs, timeout, cache_dir, no_cache, quiet):
    """Build a database from report files and folders (default: corpus/).

    Reads .pdf, .txt, .md and saved web pages (.html, .htm). Every input gets a row in ingest_log; a bad
    one gets one line on stderr and the others still load. Exit status: 0 when
    every input loaded, 1 when some were rejected or failed, 2 on a usage error.
    """
    # sqlite-utils imports pandas whenever it is installed (the notebook needs it), only to
    # accept DataFrames, which the build never passes; pandas' import is a third of a warm
    # rebuild. sqlite-utils supports pandas being absent, so this process goes without it.
    sys.modules.setdefault("pandas", None)
    from .build import UsageError, build as run_build
    from .runner import default_jobs

    progress = Progress(enabled=not quiet and sys.stderr.isatty(), min_total=10)

    def echo(outcome):
        if outcome.status == "ok":
            if not quiet and not (progress.enabled and progress.total):  # cached ones come before start()
                click.echo(f"ok: {outcome.path}: {outcome.result['report']['id']} ({outcome.programme})", err=True)
        else:
            progress.clear()
            click.echo(f"{outcome.status}: {outcome.path}: {outcome.reason}", err=True)
        progress.advance()

    try:
        summary = run_build(list(paths) or ["corpus"], db_path, extracted_dir=extracted_dir, echo=echo,
                            on_start=progress.start,
                            jobs=jobs or default_jobs(), timeout=timeout or None,
                            cache_dir=None if no_cache else cache_dir,
                            max_bytes=max_mb * 1024 * 1024, max_pages=max_pages, pdf_engine=pdf_engine)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    finally:
        progress.clear()
    for outcome in summary.outcomes:
        if outcome.status == "duplicate":
            click.echo(f"duplicate: {outcome.path}: {outcome.reason}", err=True)
    for line in summary.lines():
        click.echo(line, err=True)
    sys.exit(summary.exit_code)


@cli.command()
@click.option("--out", "out_dir", default="corpus", show_default=True, type=click.Path(file_okay=False),
              help="Folder to save reports into; DIR/manifest.csv records each one.")
@click.option("--since", type=click.IntRange(2009, 2100), metavar="YEAR", help="Only reports published in or after YEAR.")
@click.option("--until", type=click.IntRange(2009, 2100), metavar="YEAR", help="Only reports published in or before YEAR.")
@click.option("--programme", "programmes", multiple=True, type=click.Choice(PROGRAMMES),
              help="Only this programme (repeat for several) [default: all].")
@click.option("--dry-run", is_flag=True, help="Find the reports and say what would be saved; download nothing.")
@click.option("--delay", type=click.FloatRange(0), metavar="S",
              help="Seconds between requests [default: 1, from models/sources.yml]; robots.txt may ask for more.")
@click.option("--mirror", metavar="PREFIX",
              help="Fetch every URL U as PREFIX+U (a local copy of the site, or a web archive such as "
                   "https://web.archive.org/web/2024/), recording U itself.")
@click.option("--register", "register_path", type=click.Path(exists=True, dir_okay=False), hidden=True,
              help="Another register than models/inspections.csv (tests).")
def fetch(out_dir, since, until, programmes, dry_run, delay, mirror, register_path):
    """Find every youth inspection report the inspectorate has published and download the
    new or changed ones into --out, recording each in DIR/manifest.csv.

    One request at a time (--delay apart), robots.txt honoured, retries with back-off;
    reports already saved are revalidated with conditional requests, so a second run
    downloads nothing unchanged. Files are checked before they replace anything. Sites,
    listing types and selectors are in models/sources.yml; the inspections the register
    (models/inspections.csv) lists but the site did not yield are reported at the end.
    Exit status: 0 every found report saved, 1 some failed (each named on stderr), 2 a
    usage error or a site whose pages were not recognised.
    """
    from pathlib import Path

    from .acquisition.fetch import Run
    from .acquisition.http import Client
    from .acquisition.register import load_register
    from .acquisition.sources import load_settings

    if since and until and since > until:
        raise click.UsageError(f"--since {since} is after --until {until}.")
    settings = load_settings()
    progress = Progress(label="reports")
    client = Client(settings.user_agent, delay=settings.delay if delay is None else delay,
                    timeout=settings.timeout, retries=settings.retries, backoff=settings.backoff,
                    max_retry_after=settings.max_retry_after, mirror=mirror)
    try:
        summary = Run(settings, client, Path(out_dir), since=since, until=until, programmes=programmes,
                      dry_run=dry_run, err=progress.line, progress=progress,
                      register=load_register(register_path)).run()
    finally:
        client.close()
    for line in summary.lines(dry_run):
        click.echo(line, err=True)
    sys.exit(summary.exit_code)


@cli.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--passages/--no-passages", default=False, help="Include the full text split into passages.")
@click.option("--pdf-engine", type=click.Choice(["pdfium", "pdfplumber"]), default="pdfium", show_default=True)
def extract(path, passages, pdf_engine):
    """Print one document's extraction as JSON (what build stores for it).

    Exit status 1, with the reason on stderr, when the file is rejected or unreadable.
    """
    from .process import process_file

    outcome = process_file(path, pdf_engine=pdf_engine)
    if outcome.status != "ok":
        click.echo(f"{outcome.status}: {path}: {outcome.reason}", err=True)
        sys.exit(1)
    result = dict(outcome.result)
    if not passages:
        result.pop("passages", None)
    click.echo(json.dumps(result, indent=2, sort_keys=True, ensure_ascii=False))


@cli.command()
@click.option("--db", "db_path", default="inspections.db", show_default=True,
              type=click.Path(exists=True, dir_okay=False), help="Database to serve.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to bind; 127.0.0.1 keeps it on this machine (see README to publish).")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
def serve(db_path, host, port):
    """Serve the database with Datasette, read-only (immutable), with the project's metadata."""
    from .site.serve import serve as run_serve

    run_serve(db_path, host, port)


@cli.command()
@click.option("--db", "db_path", default="inspections.db", show_default=True, help="Database file the metadata is for.")
def metadata(db_path):
    """Print the Datasette metadata (site, tables, columns) as JSON."""
    from pathlib import Path

    from .site.serve import datasette_metadata

    click.echo(json.dumps(datasette_metadata(Path(db_path).stem), indent=2))


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True,
              help="csv: one header row, NULL as an empty cell; json: an array of objects, NULL as null.")
@click.option("--table", "tables", multiple=True, metavar="T",
              help="Table or view to export (repeat for several) [default: every table and view].")
@click.option("--db", "db_path", default="inspections.db", show_default=True, type=click.Path(dir_okay=False),
              help="Database to export.")
@click.option("--out", "out_dir", default="export", show_default=True,
              type=click.Path(file_okay=False, allow_dash=True),
              help="Folder to write into; `-` writes a single --table to stdout.")
def export(fmt, tables, db_path, out_dir):
    """Export tables and views as CSV or JSON files for offline use.

    Writes one <table>.csv (or .json) per table into --out, rows in a fixed order
    (primary key; views by every column), with a datapackage.json (Frictionless
    Data Package) giving each column's type and description. Full-text indexes
    and SQLite's own tables are left out. Exit status 2 on a usage error (an
    unknown table, no database).
    """
    import io
    import sqlite3

    from .storage.export import UnknownTable, export as run_export, write_table

    try:
        if out_dir == "-":
            if len(tables) != 1:
                raise click.UsageError("--out - writes one table to stdout: give exactly one --table.")
            sys.stdout.flush()  # UTF-8 whatever the locale, and csv's own line ends
            stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
            try:
                write_table(db_path, tables[0], fmt, stream)
            finally:
                stream.flush()
                stream.detach()
            return
        counts = run_export(db_path, out_dir, fmt, list(tables) or None)
    except UnknownTable as exc:
        raise click.UsageError(f"no table or view {', '.join(exc.unknown)} in {db_path}; "
                               f"available: {', '.join(exc.available)}") from None
    except FileNotFoundError:
        click.echo(f"error: no database at {db_path} (build one with: inspections build --db {db_path})", err=True)
        sys.exit(2)
    except sqlite3.DatabaseError as exc:
        click.echo(f"error: {db_path}: {exc}", err=True)
        sys.exit(2)
    click.echo(f"{out_dir}: {len(counts)} {fmt} files, {sum(counts.values())} rows, and datapackage.json", err=True)


if __name__ == "__main__":
    cli()
