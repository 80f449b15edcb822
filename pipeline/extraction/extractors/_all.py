"""Imports every programme extractor so that it registers itself."""

from . import cci, fji, sqs, standards, yjs2025  # noqa: F401
