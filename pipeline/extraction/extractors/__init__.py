"""One extractor per programme. Each is `extract(doc, context) -> dict` returning rows
per table (`scores`, `ratings`, ...) without `report_id`, and optionally `report`
(fields to set on the reports row, such as `overall_rating`)."""

from __future__ import annotations

EXTRACTORS: dict = {}
# Checks that need every report of a programme at once, as "module:function" so that
# a build served wholly from the cache can run them without importing the extractors
# (and with them spaCy). Each is func({report_id: result}) -> {report_id: validation rows}.
CORPUS_CHECKS = {"CCI": "pipeline.checks.cci:corpus_band_validations"}


def register(programme: str):
    def wrap(func):
        EXTRACTORS[programme] = func
        return func
    return wrap


def extractor_for(programme: str):
    # Import the programme modules on first use so each registers itself.
    from . import _all  # noqa: F401

    return EXTRACTORS.get(programme)


def corpus_checks() -> dict:
    import importlib

    found = {}
    for programme, target in CORPUS_CHECKS.items():
        module, name = target.split(":")
        found[programme] = getattr(importlib.import_module(module), name)
    return found
