"""Snowflake-managed Iceberg tables in the SQL session (DDL, DML, reads, exactly-once).

The engine's :class:`~emulator.core.lake.Lake` opens the
:class:`~emulator.iceberg.IcebergStore` on first use (PyIceberg is imported lazily); every
write goes through one write unit (``lake.write``). See docs/fidelity/iceberg_tables.md for
what is reproduced and what differs.
"""
