"""What is deployed: the objects of a database read through SHOW and INFORMATION_SCHEMA.

The same queries run on Snowflake and on the emulator (whose SHOW / INFORMATION_SCHEMA
results carry Snowflake's documented columns):

- ``SHOW SCHEMAS IN DATABASE d`` (https://docs.snowflake.com/en/sql-reference/sql/show-schemas);
  a missing database fails with error 2003, which is how a missing database is detected;
- ``d.INFORMATION_SCHEMA.TABLES`` and ``d.INFORMATION_SCHEMA.COLUMNS``
  (https://docs.snowflake.com/en/sql-reference/info-schema/columns) for tables and columns;
- ``SHOW TASKS``, ``SHOW STREAMS``, ``SHOW DYNAMIC TABLES IN DATABASE d``
  (https://docs.snowflake.com/en/sql-reference/sql/show-tasks, .../show-streams,
  .../show-dynamic-tables).

All SQL is built as sqlglot nodes; names enter only as identifiers or string literals.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from icebridge.errors import SqlError
from icebridge.render.marker import decode_marker
from icebridge.sql.dialect import generate
from icebridge.sql.identifiers import ObjectName, identifier
from icebridge.types import (
    BINARY_TYPES,
    DECIMAL_TYPES,
    FLOAT_TYPES,
    INTEGER_TYPES,
    LTZ_TYPES,
    NTZ_TYPES,
    SNOWFLAKE_TIME_PRECISION,
    STRING_TYPES,
    TZ_TYPES,
    decimal_params,
    string_length,
    time_precision,
)

if TYPE_CHECKING:
    import pyarrow as pa

    from icebridge.targets.base import Target

#: Snowflake's "does not exist or not authorized" error number.
DOES_NOT_EXIST = 2003
#: The smallest length Snowflake reports for an unbounded VARCHAR.
UNBOUNDED_TEXT = 16_777_216

_COLUMN_FIELDS = (
    "TABLE_SCHEMA",
    "TABLE_NAME",
    "COLUMN_NAME",
    "DATA_TYPE",
    "IS_NULLABLE",
    "CHARACTER_MAXIMUM_LENGTH",
    "NUMERIC_PRECISION",
    "NUMERIC_SCALE",
    "DATETIME_PRECISION",
    "ORDINAL_POSITION",
)
_TABLE_FIELDS = ("TABLE_SCHEMA", "TABLE_NAME", "IS_ICEBERG", "IS_DYNAMIC")


@dataclass(frozen=True)
class DeployedColumn:
    """One row of INFORMATION_SCHEMA.COLUMNS."""

    name: str
    data_type: str
    nullable: bool
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    datetime_precision: int | None = None

    def describe(self) -> str:
        """The type as INFORMATION_SCHEMA reports it, for messages."""
        if self.data_type == "NUMBER":
            return f"NUMBER({self.precision},{self.scale})"
        if self.data_type == "TEXT" and self.length is not None:
            return f"VARCHAR({self.length})"
        if self.datetime_precision is not None and self.data_type.startswith("TIMESTAMP"):
            return f"{self.data_type}({self.datetime_precision})"
        return self.data_type


@dataclass(frozen=True)
class DeployedTable:
    """A table with its columns in ordinal order."""

    name: ObjectName
    iceberg: bool
    dynamic: bool
    columns: tuple[DeployedColumn, ...] = ()

    def column(self, name: str) -> DeployedColumn | None:
        """The column stored as ``name``, if any."""
        return next((c for c in self.columns if c.name == name), None)


@dataclass(frozen=True)
class DeployedTask:
    """A row of SHOW TASKS; ``marker`` is the decoded icebridge COMMENT (None: not ours)."""

    name: ObjectName
    state: str
    predecessors: tuple[str, ...]
    marker: dict[str, Any] | None


@dataclass(frozen=True)
class DeployedStream:
    """A row of SHOW STREAMS."""

    name: ObjectName
    table_name: str
    mode: str
    stale: bool


@dataclass(frozen=True)
class DeployedDynamic:
    """A row of SHOW DYNAMIC TABLES; ``text`` is the statement that created it."""

    name: ObjectName
    text: str
    scheduling_state: str


@dataclass
class DatabaseState:
    """Everything icebridge reads of one database; ``exists`` is False when it is missing."""

    name: str
    exists: bool
    schemas: set[str] = field(default_factory=set)
    tables: dict[ObjectName, DeployedTable] = field(default_factory=dict)
    tasks: dict[ObjectName, DeployedTask] = field(default_factory=dict)
    streams: dict[ObjectName, DeployedStream] = field(default_factory=dict)
    dynamic: dict[ObjectName, DeployedDynamic] = field(default_factory=dict)


def _show(kind: str, database: str) -> str:
    node = exp.Show(this=kind, scope=exp.Table(this=identifier(database)), scope_kind="DATABASE")
    return generate(node)


def _info_schema(database: str, view: str, fields: tuple[str, ...]) -> str:
    source = exp.Table(
        this=identifier(view), db=identifier("INFORMATION_SCHEMA"), catalog=identifier(database)
    )
    query = exp.select(*(exp.column(identifier(f)) for f in fields)).from_(source)
    if "ORDINAL_POSITION" in fields:
        query = query.order_by(
            *(exp.column(identifier(f)) for f in ("TABLE_SCHEMA", "TABLE_NAME", "ORDINAL_POSITION"))
        )
    return generate(query)


def state_queries(database: str) -> list[str]:
    """The queries :func:`read_database` runs, in order."""
    return [
        _show("SCHEMAS", database),
        _info_schema(database, "TABLES", _TABLE_FIELDS),
        _info_schema(database, "COLUMNS", _COLUMN_FIELDS),
        _show("TASKS", database),
        _show("STREAMS", database),
        _show("DYNAMIC TABLES", database),
    ]


def _int(value: object) -> int | None:
    return None if value is None else int(value)  # type: ignore[call-overload]


def _rows(table: pa.Table) -> list[dict[str, Any]]:
    # SHOW column names are lower case on Snowflake; look them up case-insensitively.
    return [{k.lower(): v for k, v in row.items()} for row in table.to_pylist()]


def _name(database: str, row: dict[str, Any], schema_key: str, name_key: str) -> ObjectName:
    return ObjectName(database, str(row[schema_key]), str(row[name_key]))


def read_database(target: Target, database: str) -> DatabaseState:
    """Read the state of ``database`` on ``target`` (``exists=False`` when it is missing)."""
    schemas_sql, tables_sql, columns_sql, tasks_sql, streams_sql, dynamic_sql = state_queries(
        database
    )
    try:
        schemas = _rows(target.query(schemas_sql))
    except SqlError as err:
        if err.errno == DOES_NOT_EXIST:
            return DatabaseState(database, exists=False)
        raise
    state = DatabaseState(database, exists=True, schemas={str(r["name"]) for r in schemas})
    columns: dict[ObjectName, list[DeployedColumn]] = {}
    for row in _rows(target.query(columns_sql)):
        columns.setdefault(_name(database, row, "table_schema", "table_name"), []).append(
            DeployedColumn(
                name=str(row["column_name"]),
                data_type=str(row["data_type"]).upper(),
                nullable=str(row["is_nullable"]).upper() == "YES",
                length=_int(row["character_maximum_length"]),
                precision=_int(row["numeric_precision"]),
                scale=_int(row["numeric_scale"]),
                datetime_precision=_int(row["datetime_precision"]),
            )
        )
    for row in _rows(target.query(tables_sql)):
        if row["table_schema"] == "INFORMATION_SCHEMA":
            continue
        name = _name(database, row, "table_schema", "table_name")
        state.tables[name] = DeployedTable(
            name=name,
            iceberg=str(row["is_iceberg"]).upper() == "YES",
            dynamic=str(row["is_dynamic"]).upper() == "YES",
            columns=tuple(columns.get(name, ())),
        )
    for row in _rows(target.query(tasks_sql)):
        name = _name(database, row, "schema_name", "name")
        predecessors = row.get("predecessors") or "[]"
        try:
            before = tuple(str(p) for p in json.loads(predecessors))
        except ValueError:
            before = ()
        state.tasks[name] = DeployedTask(
            name=name,
            state=str(row["state"]).lower(),
            predecessors=before,
            marker=decode_marker(row.get("comment")),
        )
    for row in _rows(target.query(streams_sql)):
        name = _name(database, row, "schema_name", "name")
        state.streams[name] = DeployedStream(
            name=name,
            table_name=str(row.get("table_name") or ""),
            mode=str(row.get("mode") or "").upper(),
            stale=str(row.get("stale")).lower() == "true",
        )
    for row in _rows(target.query(dynamic_sql)):
        name = _name(database, row, "schema_name", "name")
        state.dynamic[name] = DeployedDynamic(
            name=name,
            text=str(row.get("text") or ""),
            scheduling_state=str(row.get("scheduling_state") or ""),
        )
    return state


def same_type(dtype: exp.DataType, deployed: DeployedColumn) -> bool:
    """Whether ``deployed`` (as INFORMATION_SCHEMA reports it) is the declared ``dtype``."""
    kind = dtype.this
    got = deployed.data_type
    if kind in STRING_TYPES:
        length = string_length(dtype)
        if got != "TEXT":
            return False
        if length is None:  # unbounded: Snowflake reports 16777216 (134217728 on Iceberg)
            return deployed.length is None or deployed.length >= UNBOUNDED_TEXT
        return deployed.length == length
    if kind in INTEGER_TYPES or kind in DECIMAL_TYPES:
        precision, scale = (38, 0) if kind in INTEGER_TYPES else decimal_params(dtype)
        return got == "NUMBER" and (deployed.precision, deployed.scale) == (precision, scale)
    if kind in FLOAT_TYPES:
        return got == "FLOAT"
    if kind in BINARY_TYPES:
        return got == "BINARY"
    for family, name in ((NTZ_TYPES, "TIMESTAMP_NTZ"), (LTZ_TYPES, "TIMESTAMP_LTZ")):
        if kind in family:
            declared = time_precision(dtype)
            wanted = SNOWFLAKE_TIME_PRECISION if declared is None else declared
            return got == name and deployed.datetime_precision in (None, wanted)
    if kind in TZ_TYPES:
        return got == "TIMESTAMP_TZ"
    return got == generate(exp.DataType(this=kind)).upper()
