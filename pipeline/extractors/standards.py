"""Extractor module for standards (being written in this session)."""
