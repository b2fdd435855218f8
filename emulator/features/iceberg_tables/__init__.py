"""Snowflake-managed Iceberg tables in the SQL session (DDL, DML, reads, exactly-once).

The session owns one :class:`~emulator.features.iceberg_tables.manager.IcebergTables`, which opens
the :class:`~emulator.iceberg.IcebergStore` on first use (PyIceberg is imported lazily).
See docs/fidelity/iceberg_tables.md for what is reproduced and what differs.
"""

from __future__ import annotations

from emulator.features.iceberg_tables.manager import IcebergTables

__all__ = ["IcebergTables"]
