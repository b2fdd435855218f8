"""Install dynamic tables: statements, scheduled refreshes, refresh history, read checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from emulator.core.catalog import DYNAMIC_TABLE
from emulator.core.dynamic_spec import HISTORY_DDL
from emulator.core.registry import Kind
from emulator.features.dynamic import alter, create, show
from emulator.features.dynamic.history import FUNCTION, replace_calls
from emulator.features.dynamic.refresh import ensure_readable
from emulator.features.dynamic.schedule import DynamicTableSource
from icebridge.sql.nodes_table import AlterDynamicTable, CreateDynamicTable

if TYPE_CHECKING:
    from emulator.core.engine import Engine


def install(engine: Engine) -> None:
    """Register the dynamic-tables feature with ``engine``."""
    registry = engine.registry
    source = DynamicTableSource(engine)
    registry.provide(DynamicTableSource, source)
    engine.scheduler.register(source)  # so a reopened emulator refreshes on advance()
    registry.rewriter((FUNCTION,), replace_calls)
    registry.metadata_ddl.append(HISTORY_DDL)
    registry.read_checks[DYNAMIC_TABLE] = ensure_readable
    registry.statement(CreateDynamicTable, Kind.CREATE, create.run_create_dynamic)
    registry.statement(AlterDynamicTable, Kind.ALTER_DYNAMIC_TABLE, alter.run_alter_dynamic)
    registry.statement((exp.Drop, "DYNAMIC TABLE"), Kind.DROP, create.run_drop)
    registry.statement((exp.Show, "DYNAMIC TABLES"), Kind.SHOW, show.run_show)
    registry.statement((exp.Describe, "DYNAMIC TABLE"), Kind.DESCRIBE, show.run_describe)
