"""Imports every programme extractor so that it registers itself."""

from . import cci, sqs, standards  # noqa: F401
