"""SHOW COLUMNS and SHOW PRIMARY KEYS.

https://docs.snowflake.com/en/sql-reference/sql/show-columns (``data_type`` is a JSON
object, ``null?`` is ``true`` / ``false``, LIKE filters column names) and
https://docs.snowflake.com/en/sql-reference/sql/show-primary-keys (one row per key column,
``key_sequence`` its position in the key; TERSE is accepted and changes nothing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa
from sqlglot import exp

from emulator.core.engine import Outcome
from emulator.core.listing import (
    INSTANT,
    NUMBER,
    clauses_of,
    listing,
    objects_in,
    show,
    show_scope,
)
from emulator.core.object_facts import RELATION_KINDS, TABLE_KINDS, keys
from emulator.core.type_facts import show_data_type

if TYPE_CHECKING:
    from emulator.core.engine import Engine

COLUMNS = listing(
    [
        "table_name",
        "schema_name",
        "column_name",
        "data_type",
        "null?",
        "default",
        "kind",
        "expression",
        "comment",
        "database_name",
        "autoincrement",
        "schema_evolution_record",
    ],
    name="column_name",
)
_KEY_COLUMNS: list[str | tuple[str, pa.DataType]] = [
    ("created_on", INSTANT),
    "database_name",
    "schema_name",
    "table_name",
    "column_name",
    ("key_sequence", NUMBER),
    "comment",
    "constraint_name",
]
PRIMARY_KEYS = listing(
    _KEY_COLUMNS,
    [c if isinstance(c, str) else c[0] for c in _KEY_COLUMNS],
    name="table_name",
)


def show_columns(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """SHOW COLUMNS [LIKE …] [IN ACCOUNT | DATABASE [d] | SCHEMA [s] | [TABLE | VIEW] t]."""
    clauses = clauses_of(node, text)
    scope = show_scope(emu, clauses, "SHOW COLUMNS", table_kinds=RELATION_KINDS)
    rows = [
        {
            "table_name": obj.name.name,
            "schema_name": obj.name.schema,
            "column_name": column.name,
            "data_type": show_data_type(column.data_type, column.nullable),
            "null?": "true" if column.nullable else "false",
            "default": column.default_sql or "",
            "kind": "COLUMN",
            "expression": "",
            "comment": column.comment or "",
            "database_name": obj.name.database,
            "autoincrement": "",
            "schema_evolution_record": None,
        }
        for obj in objects_in(emu, scope, RELATION_KINDS)
        for column in emu.catalog.columns(obj.id)
    ]
    return show(node, text, COLUMNS, rows, clauses)


def show_primary_keys(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """SHOW [TERSE] PRIMARY KEYS [IN ACCOUNT | DATABASE [d] | SCHEMA [s] | [TABLE] t]."""
    clauses = clauses_of(node, text)
    scope = show_scope(emu, clauses, "SHOW PRIMARY KEYS", table_kinds=TABLE_KINDS)
    rows = [
        {
            "created_on": obj.created_on,
            "database_name": obj.name.database,
            "schema_name": obj.name.schema,
            "table_name": obj.name.name,
            "column_name": column,
            "key_sequence": position,
            "comment": None,
            "constraint_name": key.name,
        }
        for obj in objects_in(emu, scope, TABLE_KINDS)
        for key in keys(emu, obj)["PRIMARY KEY"]
        for position, column in enumerate(key.columns, start=1)
    ]
    return show(node, text, PRIMARY_KEYS, rows, clauses)
