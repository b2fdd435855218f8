"""Snowflake-managed Iceberg tables for the emulator, stored with PyIceberg.

:class:`IcebergStore` is the storage layer the SQL session calls; see docs/iceberg.md.
Importing this package loads PyIceberg and PyArrow, so import it lazily.
"""

from __future__ import annotations

from emulator.iceberg.duckdb_ext import load_iceberg_extension
from emulator.iceberg.files import DataFileInfo, prune_files
from emulator.iceberg.maintenance import MaintenancePolicy
from emulator.iceberg.partitioning import PartitionField
from emulator.iceberg.store import DEFAULT_VOLUME, IcebergStore
from emulator.iceberg.types import IcebergColumn, arrow_type, duckdb_type, iceberg_type

__all__ = [
    "DEFAULT_VOLUME",
    "DataFileInfo",
    "IcebergColumn",
    "IcebergStore",
    "MaintenancePolicy",
    "PartitionField",
    "arrow_type",
    "duckdb_type",
    "iceberg_type",
    "load_iceberg_extension",
    "prune_files",
]
