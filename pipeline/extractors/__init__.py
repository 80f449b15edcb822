"""One extractor per programme. Each is `extract(doc, context) -> dict` returning rows
per table (`scores`, `ratings`, ...) without `report_id`, and optionally `report`
(fields to set on the reports row, such as `overall_rating`)."""

from __future__ import annotations

EXTRACTORS: dict = {}


def register(programme: str):
    def wrap(func):
        EXTRACTORS[programme] = func
        return func
    return wrap


def extractor_for(programme: str):
    # Import the programme modules on first use so each registers itself.
    from . import _all  # noqa: F401

    return EXTRACTORS.get(programme)
