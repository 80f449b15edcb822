"""Imports every programme extractor so that it registers itself."""

from . import cci, sqs, standards, yjs2025  # noqa: F401
