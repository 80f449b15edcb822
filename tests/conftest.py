"""Shared fixtures: the corpus reports as documents and extraction results."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from pipeline.reading.load import load
from pipeline.process import document_from, extract_document

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

REPORTS = {
    "wessex": "2011-cci-wessex.txt",
    "leeds": "2011-cci-leeds.txt",
    "wandsworth": "2013-sqs-wandsworth.txt",
    "norfolk": "2016-sqs-norfolk.txt",
    "southampton": "2020-yos-2018-southampton.txt",
}


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory) -> Path:
    """The corpus built once per test session, as `inspections.db` (Datasette names the
    database after the file). Read-only: tests that change a database build their own."""
    from pipeline.build import build

    path = tmp_path_factory.mktemp("corpus-db") / "inspections.db"
    build([str(CORPUS)], path)
    return path


@lru_cache(maxsize=None)
def corpus_document(name: str):
    """The cleaned Document of a corpus report, by short name (`wessex`, ...)."""
    doc, _ = document_from(load(CORPUS / REPORTS[name]))
    return doc


@lru_cache(maxsize=None)
def corpus_result(name: str) -> dict:
    """The full extraction result of a corpus report (what build writes for it)."""
    doc, cleaning = document_from(load(CORPUS / REPORTS[name]))
    _, result = extract_document(doc, cleaning)
    return result


def document_from_text(text: str, name: str = "inline.txt"):
    """A Document made from a string, as if it were a text export."""
    from pipeline.reading.clean import clean_pages
    from pipeline.reading.document import Document
    from pipeline.reading.load import text_pages

    pages, _ = clean_pages(text_pages(text))
    return Document.from_pages(name, "0" * 64, "text", pages)


@pytest.fixture
def doc():
    return corpus_document


@pytest.fixture
def result():
    return corpus_result


# --- the served site -------------------------------------------------------------------

def datasette_for(db_path):
    """Datasette as `inspections serve` configures it, over one database file."""
    from datasette.app import Datasette

    from pipeline.site.serve import SETTINGS, datasette_metadata

    return Datasette(immutables=[str(db_path)], metadata=datasette_metadata("inspections"), settings=SETTINGS)


def get(ds, path):
    """A request through Datasette's own test client."""
    import asyncio

    return asyncio.run(ds.client.get(path))


@pytest.fixture(scope="session")
def corpus_site(corpus_db):
    """The corpus database, served."""
    return datasette_for(corpus_db)


def build_with_source_url(tmp_path, name: str, content: bytes, url: str):
    """A database built from one input saved as `name`, its manifest giving its public URL
    (what links a value's page or section to the published report). Returns its path."""
    from pipeline.build import build

    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / name).write_bytes(content)
    (folder / "manifest.csv").write_text(f"file,source_url\n{name},{url}\n", encoding="utf-8")
    build([str(folder)], tmp_path / "inspections.db")
    return tmp_path / "inspections.db"

