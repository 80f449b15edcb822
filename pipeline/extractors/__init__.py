"""One extractor per programme. Each is `extract(doc, context) -> dict` returning rows
per table (`scores`, `ratings`, ...) without `report_id`, and optionally `report`
(fields to set on the reports row, such as `overall_rating`)."""

from __future__ import annotations

EXTRACTORS: dict = {}
# Checks that need every report of a programme at once: {programme: func({report_id: result}) -> {report_id: rows}}
CORPUS_CHECKS: dict = {}


def register(programme: str):
    def wrap(func):
        EXTRACTORS[programme] = func
        return func
    return wrap


def extractor_for(programme: str):
    # Import the programme modules on first use so each registers itself.
    from . import _all  # noqa: F401

    return EXTRACTORS.get(programme)


def register_corpus_check(programme: str):
    def wrap(func):
        CORPUS_CHECKS[programme] = func
        return func
    return wrap


def corpus_checks() -> dict:
    from . import _all  # noqa: F401

    return CORPUS_CHECKS
