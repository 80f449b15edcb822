"""Extractor module for sqs (being written in this session)."""
