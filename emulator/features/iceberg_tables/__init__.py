"""Snowflake-managed Iceberg tables in the SQL session (DDL, DML, reads, exactly-once).

The session owns one :class:`~emulator.core.lake.IcebergTables`, which opens
the :class:`~emulator.iceberg.IcebergStore` on first use (PyIceberg is imported lazily).
See docs/fidelity/iceberg_tables.md for what is reproduced and what differs.
"""
