"""The DuckDB statements of the catalog's metadata tables, built once from sqlglot nodes.

:mod:`emulator.core.catalog` reads and writes the tables through these builders; the
texts are cached per shape (table, columns), and every value is a ``?`` parameter.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from sqlglot import exp

from emulator.core import sql
from emulator.core.catalog_objects import META_SCHEMA

#: The metadata tables: name -> (column, DuckDB type) pairs.
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    # The last row id handed out (global, so clones keep unique ids).
    "row_ids": (("last", "BIGINT"),),
    "meta": (("key", "VARCHAR"), ("value", "VARCHAR")),
    "databases": (
        ("name", "VARCHAR"),
        ("comment", "VARCHAR"),
        ("is_transient", "BOOLEAN"),
        ("created_on", "TIMESTAMP"),
        ("retention_days", "INTEGER"),
    ),
    "schemas": (
        ("database", "VARCHAR"),
        ("name", "VARCHAR"),
        ("duck_schema", "VARCHAR"),
        ("comment", "VARCHAR"),
        ("is_transient", "BOOLEAN"),
        ("created_on", "TIMESTAMP"),
    ),
    "objects": (
        ("id", "BIGINT"),
        ("database", "VARCHAR"),
        ("schema", "VARCHAR"),
        ("name", "VARCHAR"),
        ("kind", "VARCHAR"),
        ("duck_schema", "VARCHAR"),
        ("duck_name", "VARCHAR"),
        ("base_name", "VARCHAR"),
        ("table_type", "VARCHAR"),
        ("comment", "VARCHAR"),
        ("created_on", "TIMESTAMP"),
        ("last_altered", "TIMESTAMP"),
        ("change_tracking", "BOOLEAN"),
        ("retention_days", "INTEGER"),
        ("max_extension_days", "INTEGER"),
        ("version", "BIGINT"),
        ("definition", "VARCHAR"),
        ("properties", "VARCHAR"),
    ),
    "columns": (
        ("object_id", "BIGINT"),
        ("ordinal", "INTEGER"),
        ("name", "VARCHAR"),
        ("data_type", "VARCHAR"),
        ("nullable", "BOOLEAN"),
        ("default_sql", "VARCHAR"),
        ("comment", "VARCHAR"),
    ),
    "table_versions": (
        ("object_id", "BIGINT"),
        ("version", "BIGINT"),
        ("committed_at", "TIMESTAMP"),
    ),
    "warehouses": (("name", "VARCHAR"), ("properties", "VARCHAR"), ("created_on", "TIMESTAMP")),
}
#: Row ids reserved per write of the row-id counter (see :meth:`Catalog.set_last_row_id`).
ROW_ID_BLOCK = 1024
OBJECT_FIELDS = tuple(name for name, _ in TABLES["objects"])
SEQUENCE = f"{META_SCHEMA}.object_ids"


def ddl() -> list[exp.Expression]:
    """The reserved schema, the id sequence and the metadata tables (IF NOT EXISTS)."""
    out: list[exp.Expression] = [
        exp.Create(kind="SCHEMA", exists=True, this=exp.Table(this=sql.ident(META_SCHEMA))),
        exp.Create(kind="SEQUENCE", exists=True, this=sql.meta("object_ids")),
    ]
    for name, columns in TABLES.items():
        defs = [sql.column_def(column, dtype) for column, dtype in columns]
        out.append(
            exp.Create(
                kind="TABLE", exists=True, this=exp.Schema(this=sql.meta(name), expressions=defs)
            )
        )
    return out


def conditions(names: Sequence[str]) -> exp.Expr:
    """``"a" = ? AND "b" = ? …`` (TRUE for no names)."""
    if not names:
        return exp.true()
    return exp.and_(*(exp.EQ(this=sql.column(n), expression=sql.param()) for n in names))


@functools.cache
def select(
    table: str, columns: tuple[str, ...], where: tuple[str, ...], order: tuple[str, ...]
) -> str:
    """``SELECT columns FROM __ib.table WHERE where… ORDER BY order…`` (rendered once)."""
    query = exp.select(*sql.columns(columns)).from_(sql.meta(table)).where(conditions(where))
    if order:
        query = query.order_by(*sql.columns(order))
    return sql.render(query)


@functools.cache
def insert(table: str) -> str:
    """``INSERT INTO __ib.table VALUES (?, …)`` with one parameter per column."""
    row = exp.Tuple(expressions=[sql.param() for _ in TABLES[table]])
    return sql.render(exp.insert(exp.Values(expressions=[row]), sql.meta(table)))


@functools.cache
def delete(table: str, where: tuple[str, ...]) -> str:
    """``DELETE FROM __ib.table WHERE where…``."""
    return sql.render(exp.delete(sql.meta(table), where=conditions(where)))


@functools.cache
def update(table: str, assigned: tuple[str, ...], where: tuple[str, ...]) -> str:
    """``UPDATE __ib.table SET a = ?, … WHERE where…``."""
    node = exp.Update(
        this=sql.meta(table),
        expressions=[exp.EQ(this=sql.column(n), expression=sql.param()) for n in assigned],
    )
    if where:
        node.set("where", exp.Where(this=conditions(where)))
    return sql.render(node)


@functools.cache
def next_id() -> str:
    return sql.render(
        exp.select(exp.Anonymous(this="nextval", expressions=[sql.literal(SEQUENCE)]))
    )


def schema_node(duck: str) -> exp.Table:
    return exp.Table(this=sql.ident(duck))
