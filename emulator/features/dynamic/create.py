"""CREATE [OR REPLACE | OR ALTER] DYNAMIC TABLE and DROP DYNAMIC TABLE.

https://docs.snowflake.com/en/sql-reference/sql/create-dynamic-table:

* TARGET_LAG is at least 60 seconds or DOWNSTREAM; required unless SCHEDULER = DISABLE,
  forbidden with it; a fixed lag is not below an upstream dynamic table's fixed lag;
* WAREHOUSE is required;
* REFRESH_MODE = AUTO resolves once, here, to INCREMENTAL or FULL (with the reason);
  INCREMENTAL / ADAPTIVE fail on constructs that cannot be refreshed incrementally;
* INITIALIZE = ON_CREATE (default) refreshes now and a failed refresh fails the CREATE;
* change tracking is switched on for every table the query reads;
* CREATE OR ALTER keeps the data unless the query, the column list or the refresh mode
  changes (then the table is rebuilt).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from emulator import errors
from emulator.core import change_history as history
from emulator.core.catalog import DYNAMIC_TABLE, TABLE, CatalogObject, Column
from emulator.core.coltypes import snowflake_type
from emulator.core.create_target import create_target
from emulator.core.dynamic_spec import (
    KEY,
    DynamicSpec,
    ensure_history,
    parse_lag,
    save_spec,
    spec_of,
)
from emulator.core.engine import Outcome, status
from emulator.core.query import translate_query
from emulator.core.resolve import stored, written_parts
from emulator.core.script import statement_name
from emulator.core.tables import create_native_table, drop_relation, query_columns
from emulator.features.dynamic import iceberg, rules
from emulator.features.dynamic.refresh import graph_order, inputs, refresh_one
from icebridge.errors import SqlError
from icebridge.sql.dialect import DIALECT, parse_one
from icebridge.sql.identifiers import ObjectName
from icebridge.sql.nodes_table import CreateDynamicTable

if TYPE_CHECKING:
    from emulator.core.engine import Engine

_MODES = ("AUTO", "FULL", "INCREMENTAL", "ADAPTIVE")


def _missing(option: str, name: str) -> SqlError:
    return errors.generic(
        f"SQL compilation error:\nMissing option '{option}' for dynamic table '{name}'.",
        errno=2029,
        sqlstate="42601",
    )


def qualify(emu: Engine, query: exp.Expr) -> exp.Expr:
    """The query with every table name fully qualified (the refresh runs in no session)."""
    node = query.copy()
    ctes = {cte.alias_or_name.upper() for cte in node.find_all(exp.CTE)}
    for table in list(node.find_all(exp.Table)):
        if not isinstance(table.this, exp.Identifier):
            continue
        if not table.db and table.name.upper() in ctes:
            continue
        parts = written_parts(table)
        if len(parts) >= 2 and parts[-2] == "INFORMATION_SCHEMA":
            continue
        name = emu.resolver.object_name(table, "CREATE DYNAMIC TABLE")
        if table.args.get("alias") is None:
            table.set("alias", exp.TableAlias(this=table.this.copy()))
        for key, part in (("catalog", name.database), ("db", name.schema), ("this", name.name)):
            table.set(key, exp.to_identifier(part, quoted=True))
    return node


def _columns(
    emu: Engine, node: CreateDynamicTable, duck_query: exp.Expression, name: str
) -> list[Column]:
    described = query_columns(emu, duck_query)
    written = node.columns
    if not written:
        return described
    if len(written) != len(described):
        raise errors.generic(
            f"SQL compilation error:\nDynamic table '{name}' lists {len(written)} columns "
            f"but its query returns {len(described)}.",
            errno=2026,
            sqlstate="42601",
        )
    columns: list[Column] = []
    for item, found in zip(written, described, strict=True):
        ident = item.this if isinstance(item, exp.ColumnDef) else item
        comment = None
        if isinstance(item, exp.ColumnDef):
            for constraint in item.constraints:
                if isinstance(constraint.kind, exp.CommentColumnConstraint):
                    comment = constraint.kind.this.name
        declared = item.args.get("kind") if isinstance(item, exp.ColumnDef) else None
        # A declared type wins (the refresh casts into it); otherwise the query's type.
        data_type = snowflake_type(declared) if isinstance(declared, exp.DataType) else None
        columns.append(
            Column(str(stored(ident)), data_type or found.data_type, True, None, comment)
        )
    return columns


def build_spec(emu: Engine, node: CreateDynamicTable, name: ObjectName, sql: str) -> DynamicSpec:
    """Validate the options and query; the spec with the refresh mode resolved."""
    query = node.query
    if query is None:
        raise errors.unsupported("CREATE DYNAMIC TABLE … REFRESH USING (custom incremental)")
    scheduler = node.scheduler
    lag_text = node.target_lag
    if scheduler == "DISABLE" and lag_text is not None:
        raise errors.generic(
            "SQL compilation error:\nTARGET_LAG can't be defined when SCHEDULER = DISABLE.",
            errno=2029,
            sqlstate="42601",
        )
    if scheduler != "DISABLE" and lag_text is None:
        raise _missing("TARGET_LAG", name.name)
    if node.warehouse is None:
        raise _missing("WAREHOUSE", name.name)
    lag = None if lag_text in (None, "DOWNSTREAM") else parse_lag(str(lag_text))
    declared = node.refresh_mode or "AUTO"
    if declared == "CUSTOM_INCREMENTAL":
        raise errors.unsupported("REFRESH_MODE = CUSTOM_INCREMENTAL")
    if declared not in _MODES:
        raise errors.invalid_value("REFRESH_MODE", declared)
    initialize = node.initialize or "ON_CREATE"
    if initialize not in ("ON_CREATE", "ON_SCHEDULE"):
        raise errors.invalid_value("INITIALIZE", initialize)
    rules.check_never_supported(query, name.name)
    qualified = qualify(emu, query)
    blocker = rules.incremental_blocker(qualified.copy())
    if blocker is not None and declared in ("INCREMENTAL", "ADAPTIVE"):
        raise errors.generic(
            f"SQL compilation error:\nDynamic table '{name.name}' cannot be refreshed "
            f"incrementally (REFRESH_MODE = {declared}): {blocker}",
            errno=2212,
            sqlstate="0A000",
        )
    mode = "FULL" if declared == "FULL" or blocker is not None else "INCREMENTAL"
    if lag is not None:
        _check_upstream_lags(emu, qualified, name, lag.total_seconds())
    return DynamicSpec(
        query=qualified.sql(dialect=DIALECT),
        text=sql.strip(),
        warehouse=str(node.warehouse),
        target_lag=None if lag_text is None else str(lag_text),
        lag_seconds=int(lag.total_seconds()) if lag is not None else None,
        scheduler=scheduler,
        declared_mode=declared,
        refresh_mode=mode,
        refresh_mode_reason=blocker if declared == "AUTO" else None,
        initialize=initialize,
        anchor=emu.now.isoformat(),
    )


def _check_upstream_lags(emu: Engine, query: exp.Expr, name: ObjectName, lag: float) -> None:
    for obj in inputs(emu, query, name):
        if obj.kind != DYNAMIC_TABLE:
            continue
        seconds = spec_of(obj).lag_seconds
        if seconds is not None and lag < seconds:
            raise errors.generic(
                f"SQL compilation error:\nThe target lag of dynamic table '{name.name}' must be "
                f"greater than or equal to the target lag of its upstream dynamic table "
                f"'{obj.name.name}'.",
                errno=2005,
                sqlstate="22023",
            )


def _track_inputs(emu: Engine, query: exp.Expr, name: ObjectName) -> None:
    """Dynamic tables need change tracking on their inputs; switch it on like Snowflake does
    for the table owner (https://docs.snowflake.com/en/sql-reference/sql/create-dynamic-table)."""
    for obj in inputs(emu, query, name):
        if obj.kind in (TABLE, DYNAMIC_TABLE) and not obj.change_tracking:
            history.enable_tracking(emu, obj)


def run_create_dynamic(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """Statement handler for CREATE [OR REPLACE | OR ALTER] DYNAMIC [ICEBERG] TABLE."""
    assert isinstance(node, CreateDynamicTable)
    name = emu.resolver.object_name(node.table, "CREATE DYNAMIC TABLE")
    emu.catalog.require_schema(name.database, name.schema)
    if node.is_iceberg:
        iceberg.check_options(emu, node)
    ensure_history(emu)
    found = create_target(
        emu,
        name,
        DYNAMIC_TABLE,
        if_not_exists=node.if_not_exists,
        replace=node.or_replace or node.or_alter,
    )
    if found.done is not None:
        return found.done
    existing = found.existing
    spec = build_spec(emu, node, name, sql)
    duck_query = translate_query(emu, parse_one(spec.query))
    columns = _columns(emu, node, duck_query, name.name)
    if node.is_iceberg:
        spec = spec.with_(is_iceberg=True)
        columns = iceberg.iceberg_columns(columns, node.iceberg_version or 2)
    if existing is not None and node.or_alter and _alter_in_place(emu, existing, spec, columns):
        return status(f"Table {name.name} successfully altered.")
    old_iceberg = existing is not None and spec_of(existing).is_iceberg
    if existing is not None:
        drop_relation(emu, existing)  # an old Iceberg table is replaced or dropped at the end
    _track_inputs(emu, parse_one(spec.query), name)
    obj = create_native_table(
        emu,
        name,
        columns,
        table_type="TRANSIENT" if node.transient else "PERMANENT",
        comment=node.comment,
        retention_days=node.data_retention_time_in_days or 1,
        max_extension_days=node.max_data_extension_time_in_days or 14,
    )
    # The initial refresh writes the native copy only; the Iceberg store is not part of the
    # DuckDB transaction, so the Iceberg table is (re)created once that refresh succeeded.
    native = spec.with_(is_iceberg=False)
    emu.catalog.update_object(
        obj.id, kind=DYNAMIC_TABLE, definition=spec.text, properties={KEY: native.to_json()}
    )
    if spec.initialize == "ON_CREATE":
        for object_id in graph_order(emu, obj.id, cascade=spec.scheduled):
            refresh_one(emu, object_id, "CREATION")
    if spec.is_iceberg:
        iceberg.create_storage(emu, node, name, columns)
        fresh = emu.catalog.by_id(obj.id)
        assert fresh is not None
        save_spec(emu, fresh, spec_of(fresh).with_(is_iceberg=True))
        iceberg.publish(emu, fresh)
    elif old_iceberg and existing is not None:
        iceberg.drop_storage(emu, existing)
    return status(f"Dynamic table {name.name} successfully created.")


def _alter_in_place(
    emu: Engine, existing: CatalogObject, spec: DynamicSpec, columns: list[Column]
) -> bool:
    """CREATE OR ALTER on an existing dynamic table: keep the data when only properties
    change; False when the query, columns or refresh mode differ (rebuild)."""
    old = spec_of(existing)
    if (
        old.query != spec.query
        or old.declared_mode != spec.declared_mode
        or old.is_iceberg != spec.is_iceberg
        or emu.catalog.columns(existing.id) != columns
    ):
        return False
    kept = spec.with_(
        initialized=old.initialized,
        data_timestamp=old.data_timestamp,
        versions=old.versions,
        suspended=old.suspended,
        manually_suspended=old.manually_suspended,
        last_suspended_on=old.last_suspended_on,
        initialize=old.initialize,
    )
    emu.catalog.update_object(
        existing.id,
        definition=spec.text,
        properties={**existing.properties, KEY: kept.to_json()},
        last_altered=emu.now,
    )
    return True


def run_drop_dynamic(emu: Engine, table: exp.Table, if_exists: bool) -> Outcome:
    """DROP DYNAMIC TABLE [IF EXISTS] name."""
    obj = emu.resolver.lookup(
        table, "DROP DYNAMIC TABLE", (DYNAMIC_TABLE,), missing_ok=if_exists, label="Dynamic table"
    )
    if obj is None:
        name = written_parts(table)[-1]
        return status(f"Drop statement executed successfully ({name} already dropped).")
    _drop(emu, obj)
    return status(f"{obj.name.name} successfully dropped.")


def _drop(emu: Engine, obj: CatalogObject) -> None:
    if spec_of(obj).is_iceberg:
        iceberg.drop_storage(emu, obj)
    drop_relation(emu, obj)


def run_drop(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """DROP DYNAMIC TABLE [IF EXISTS] <name>."""
    assert isinstance(node, exp.Drop)
    target = (node.args.get("tables") or [node.this])[0]
    if not isinstance(target, exp.Table):
        raise errors.unsupported(statement_name(sql))
    return run_drop_dynamic(emu, target, bool(node.args.get("exists")))
