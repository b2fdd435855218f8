"""Builders for the Snowflake statements icebridge renders.

Every function returns a sqlglot node that :func:`icebridge.sql.dialect.generate`
renders as valid Snowflake SQL and that :func:`icebridge.sql.dialect.parse_one`
reads back into an equal node. Object names are :class:`sqlglot.exp.Table` nodes
(from :meth:`ObjectName.table`); warehouse and integration names are stored
identifier strings, rendered through :func:`icebridge.sql.identifiers.identifier`.
Task and Scripting builders live in :mod:`icebridge.sql.build_task`, Iceberg and
dynamic table builders in :mod:`icebridge.sql.build_table`; both are re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from icebridge.errors import DefinitionError
from icebridge.sql.build_table import (
    comment_property,
    create_dynamic_table,
    create_iceberg_table,
    partition_bucket,
    partition_transform,
    partition_truncate,
    schema_or_name,
)
from icebridge.sql.build_task import (
    alter_task,
    alter_task_after,
    alter_task_modify_as,
    alter_task_modify_when,
    alter_task_set,
    alter_task_unset,
    begin_transaction,
    call,
    commit,
    create_task,
    declare_variable,
    execute_task,
    script_block,
)
from icebridge.sql.identifiers import ObjectName, identifier
from icebridge.sql.nodes_common import boolean, number, option
from icebridge.sql.nodes_stream import STREAM_SOURCE_KINDS, CreateStream
from icebridge.sql.nodes_table import AlterDynamicTable

__all__ = [
    "alter_dynamic_table",
    "alter_task",
    "alter_task_after",
    "alter_task_modify_as",
    "alter_task_modify_when",
    "alter_task_set",
    "alter_task_unset",
    "begin_transaction",
    "call",
    "column_def",
    "commit",
    "create_dynamic_table",
    "create_iceberg_table",
    "create_schema",
    "create_stream",
    "create_table",
    "create_task",
    "declare_variable",
    "drop",
    "execute_task",
    "partition_bucket",
    "partition_transform",
    "partition_truncate",
    "script_block",
    "select_system_function",
    "stream_at",
    "stream_has_data",
    "system_function",
]

DROP_KINDS = ("TABLE", "STREAM", "TASK", "DYNAMIC TABLE", "ICEBERG TABLE", "SCHEMA", "DATABASE")


def create_table(
    name: exp.Table,
    *,
    columns: Sequence[exp.ColumnDef],
    replace: bool = False,
    if_not_exists: bool = False,
    transient: bool = False,
    data_retention_time_in_days: int | None = None,
    max_data_extension_time_in_days: int | None = None,
    change_tracking: bool | None = None,
    comment: str | None = None,
) -> exp.Create:
    """``CREATE [OR REPLACE] [TRANSIENT] TABLE [IF NOT EXISTS] name (cols) [options]``.

    https://docs.snowflake.com/en/sql-reference/sql/create-table
    """
    if not columns:
        raise DefinitionError(f"table {name.sql()}: needs at least one column", field="columns")
    if replace and if_not_exists:
        raise DefinitionError(
            f"table {name.sql()}: OR REPLACE and IF NOT EXISTS exclude each other"
        )
    props: list[exp.Expression] = []
    if transient:
        props.append(exp.TransientProperty())
    # sqlglot writes COMMENT before the other options; keep that order so text reads back equal.
    if comment is not None:
        props.append(comment_property(comment))
    if data_retention_time_in_days is not None:
        props.append(option("DATA_RETENTION_TIME_IN_DAYS", number(data_retention_time_in_days)))
    if max_data_extension_time_in_days is not None:
        props.append(
            option("MAX_DATA_EXTENSION_TIME_IN_DAYS", number(max_data_extension_time_in_days))
        )
    if change_tracking is not None:
        props.append(option("CHANGE_TRACKING", boolean(change_tracking)))
    return exp.Create(
        this=schema_or_name(name, columns),
        kind="TABLE",
        replace=replace,
        exists=if_not_exists,
        properties=exp.Properties(expressions=props) if props else None,
    )


def column_def(
    name: str,
    dtype: exp.DataType,
    *,
    not_null: bool = False,
    default: exp.Expression | None = None,
    primary_key: bool = False,
    comment: str | None = None,
) -> exp.ColumnDef:
    """One column definition; ``name`` is a stored identifier.

    Written in Snowflake's order: ``name type [COMMENT '...'] [DEFAULT expr] [NOT NULL]
    [PRIMARY KEY]`` (https://docs.snowflake.com/en/sql-reference/sql/create-table).
    """
    constraints: list[exp.Expression] = []
    if comment is not None:
        constraints.append(
            exp.ColumnConstraint(kind=exp.CommentColumnConstraint(this=exp.Literal.string(comment)))
        )
    if default is not None:
        constraints.append(exp.ColumnConstraint(kind=exp.DefaultColumnConstraint(this=default)))
    if not_null:
        constraints.append(exp.ColumnConstraint(kind=exp.NotNullColumnConstraint()))
    if primary_key:
        constraints.append(exp.ColumnConstraint(kind=exp.PrimaryKeyColumnConstraint()))
    return exp.ColumnDef(this=identifier(name), kind=dtype, constraints=constraints or None)


def create_schema(name: exp.Table, *, if_not_exists: bool = True) -> exp.Create:
    """``CREATE SCHEMA [IF NOT EXISTS] db.schema``.

    ``name`` is laid out as sqlglot parses a schema name (``name.db`` the schema,
    ``name.catalog`` the database); ``Table(this=schema, db=database)`` is accepted too.
    """
    if name.this and name.args.get("catalog"):
        raise DefinitionError(f"schema {name.sql()}: a schema name has at most two parts")
    if name.this:
        name = exp.Table(db=name.this.copy(), catalog=name.args.get("db"))
    return exp.Create(this=name, kind="SCHEMA", exists=if_not_exists)


def stream_at(kind: str, value: exp.Expression, *, before: bool = False) -> exp.HistoricalData:
    """``AT|BEFORE (kind => value)`` for :func:`create_stream`; ``kind`` is TIMESTAMP,
    OFFSET, STATEMENT or STREAM (https://docs.snowflake.com/en/sql-reference/constructs/at-before).
    """
    upper = kind.upper()
    if upper not in ("TIMESTAMP", "OFFSET", "STATEMENT", "STREAM"):
        raise DefinitionError(f"AT/BEFORE: unknown kind {kind!r}", field="at")
    return exp.HistoricalData(this="BEFORE" if before else "AT", kind=upper, expression=value)


def create_stream(
    name: exp.Table,
    *,
    on: exp.Table,
    on_kind: str = "TABLE",
    replace: bool = False,
    if_not_exists: bool = False,
    append_only: bool | None = None,
    insert_only: bool | None = None,
    show_initial_rows: bool | None = None,
    at: exp.Expression | None = None,
    comment: str | None = None,
) -> exp.Expression:
    """``CREATE STREAM name ON <on_kind> on [AT (...)] [options]``; ``at`` comes from
    :func:`stream_at`. https://docs.snowflake.com/en/sql-reference/sql/create-stream
    """
    kind = on_kind.upper()
    if kind not in STREAM_SOURCE_KINDS:
        raise DefinitionError(
            f"stream {name.sql()}: ON {on_kind!r} is not one of {', '.join(STREAM_SOURCE_KINDS)}",
            field="on_kind",
        )
    if at is not None and not isinstance(at, exp.HistoricalData):
        raise DefinitionError(f"stream {name.sql()}: at must come from stream_at()", field="at")
    if append_only and insert_only:
        raise DefinitionError(
            f"stream {name.sql()}: APPEND_ONLY and INSERT_ONLY exclude each other"
        )
    if replace and if_not_exists:
        raise DefinitionError(
            f"stream {name.sql()}: OR REPLACE and IF NOT EXISTS exclude each other"
        )
    props: list[exp.Expression] = []
    for key, flag in (
        ("APPEND_ONLY", append_only),
        ("INSERT_ONLY", insert_only),
        ("SHOW_INITIAL_ROWS", show_initial_rows),
    ):
        if flag is not None:
            props.append(option(key, boolean(flag)))
    if comment is not None:
        props.append(option("COMMENT", exp.Literal.string(comment)))
    return CreateStream(
        this=name,
        replace=replace,
        exists=if_not_exists,
        kind=kind,
        on=on,
        at=at,
        properties=props,
    )


def alter_dynamic_table(name: exp.Table, action: str) -> exp.Expression:
    """``ALTER DYNAMIC TABLE name REFRESH|SUSPEND|RESUME``.
    https://docs.snowflake.com/en/sql-reference/sql/alter-dynamic-table
    """
    verb = action.upper()
    if verb not in ("REFRESH", "SUSPEND", "RESUME"):
        raise DefinitionError(
            f"ALTER DYNAMIC TABLE: action must be REFRESH, SUSPEND or RESUME, not {action!r}"
        )
    return AlterDynamicTable(expressions=[name], action=verb)


def drop(kind: str, name: exp.Table, *, if_exists: bool = False) -> exp.Expression:
    """``DROP <kind> [IF EXISTS] name``; kind in TABLE, STREAM, TASK, DYNAMIC TABLE,
    ICEBERG TABLE, SCHEMA, DATABASE.

    For SCHEMA, ``name`` is laid out as in :func:`create_schema`; for DATABASE,
    ``name.this`` is the database (as sqlglot parses it).
    """
    upper = " ".join(kind.upper().split())
    if upper not in DROP_KINDS:
        raise DefinitionError(f"DROP: unknown kind {kind!r}", field="kind")
    if upper == "ICEBERG TABLE":
        return exp.Drop(kind="TABLE", iceberg=True, tables=[name], exists=if_exists)
    if upper == "SCHEMA" and name.this:
        name = exp.Table(db=name.this.copy(), catalog=name.args.get("db"))
    return exp.Drop(kind=upper, tables=[name], exists=if_exists)


def stream_has_data(stream: ObjectName) -> exp.Expression:
    """``SYSTEM$STREAM_HAS_DATA('DB.SCHEMA.STREAM')``: the literal holds the fully-qualified
    name rendered through identifiers (quoted parts keep their double quotes).

    https://docs.snowflake.com/en/sql-reference/functions/system_stream_has_data
    """
    return system_function("SYSTEM$STREAM_HAS_DATA", exp.Literal.string(stream.sql()))


def system_function(name: str, *args: exp.Expression) -> exp.Expression:
    """A call of a ``SYSTEM$...`` function, e.g. ``SYSTEM$TASK_DEPENDENTS_ENABLE('DB.S.T')``."""
    if not name.upper().startswith("SYSTEM$") or not name[7:].replace("_", "").isalnum():
        raise DefinitionError(f"{name!r} is not a SYSTEM$ function name", field="name")
    return exp.Anonymous(this=name.upper(), expressions=list(args))


def select_system_function(name: str, *args: exp.Expression) -> exp.Select:
    """``SELECT SYSTEM$...(args)``."""
    return exp.Select(expressions=[system_function(name, *args)])
