"""Imports every programme extractor so that it registers itself."""
