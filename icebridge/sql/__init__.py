"""Snowflake SQL for icebridge: identifiers, the extended dialect, parsing and generation."""
