"""Install Iceberg tables: DDL, DML routed to the Iceberg store, reads, repair on open."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from emulator.core.catalog import ICEBERG_TABLE, CatalogObject
from emulator.core.registry import Kind
from emulator.features.iceberg_tables import ddl, show
from emulator.features.iceberg_tables.dml import routed
from emulator.features.iceberg_tables.exactly_once import repair
from emulator.features.iceberg_tables.functions import FUNCTION, rewrite_iceberg_functions
from emulator.features.iceberg_tables.reads import relation
from emulator.features.iceberg_tables.streams_source import IcebergSource
from icebridge.sql.nodes_table import CreateIcebergTable

if TYPE_CHECKING:
    from emulator.core.engine import Engine

_DML = (exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.TruncateTable)


def install(engine: Engine) -> None:
    """Register the Iceberg-tables feature with ``engine``."""
    registry = engine.registry

    def read(obj: CatalogObject, table: exp.Table) -> exp.Expression:
        return relation(engine, obj, table)

    # The DuckDB commit after a statement's Iceberg writes: the lake's test hooks see it.
    registry.commit_hooks.append(engine.lake.hooks.statement_committed)
    registry.relations[ICEBERG_TABLE] = read
    registry.change_sources[ICEBERG_TABLE] = lambda obj: IcebergSource(engine, obj)
    registry.rewriter((FUNCTION,), rewrite_iceberg_functions)
    # A reopened emulator moves stream offsets recorded by an Iceberg commit whose DuckDB
    # commit was lost (exactly-once).
    registry.open_hooks.append(lambda: _repair(engine))
    registry.statement(CreateIcebergTable, Kind.CREATE, ddl.run_create_iceberg)
    for cls in _DML:
        registry.wrap(cls, routed)
    registry.wrap((exp.Drop, "TABLE"), ddl.routed_drop)
    registry.wrap((exp.Alter, "TABLE"), ddl.routed_alter)
    registry.statement((exp.Drop, "ICEBERG TABLE"), Kind.DROP, ddl.run_drop_iceberg_table)
    registry.statement((exp.Show, "ICEBERG TABLES"), Kind.SHOW, show.run_show_iceberg)


def _repair(engine: Engine) -> None:
    repair(engine)
