"""Bundled example pipelines (``icebridge plan`` with no argument prints them)."""
