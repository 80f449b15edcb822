"""The README's promises, checked: every JSON API call it shows answers on the corpus."""

import re
from pathlib import Path

import pytest

from .conftest import get


README = Path(__file__).resolve().parent.parent / "README.md"


def readme_section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else None]


CALLS = re.findall(r"curl '(http://127\.0\.0\.1:8001[^']+)'", readme_section("Questions you can ask"))


@pytest.fixture(scope="module")
def ds(corpus_site):
    return corpus_site


def test_the_readme_shows_every_canned_query():
    from pipeline.storage.views import CANNED_QUERIES

    section = readme_section("Questions you can ask")
    assert len(CALLS) >= 15
    for name in CANNED_QUERIES:
        assert f"`{name}`" in section and f"/inspections/{name}.json" in section, name


@pytest.mark.parametrize("url", CALLS)
def test_readme_api_call_answers_with_rows(ds, url):
    response = get(ds, url.removeprefix("http://127.0.0.1:8001"))
    assert response.status_code == 200, response.text[:300]
    rows = response.json()
    assert isinstance(rows, list) and rows, url


def test_readme_pagination_recipe_collects_every_row(ds, corpus_db):
    import sqlite3

    url, rows, pages = "/inspections/findings.json?_size=200", [], 0
    while url:
        page = get(ds, url.removeprefix("http://localhost")).json()
        rows += [dict(zip(page["columns"], row)) for row in page["rows"]]
        url, pages = page["next_url"], pages + 1
    with sqlite3.connect(corpus_db) as conn:
        every = {row[0] for row in conn.execute("SELECT id FROM findings")}
    assert pages > 1 and len(rows) == len(every) and {r["id"] for r in rows} == every
