"""Extraction: which programme a report belongs to, its common metadata, and one extractor per programme."""
