"""Oversight reference data (JSON, each file with its source)."""
