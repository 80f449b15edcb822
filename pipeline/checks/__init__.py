"""Checks: extracted values against the inspectorate's own published scoring rules."""
