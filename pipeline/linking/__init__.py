"""Linking: services and their lineage, and the themes shared across frameworks."""
