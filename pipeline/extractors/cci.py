"""Extractor module for cci (being written in this session)."""
