"""DESCRIBE (DESC) TABLE / VIEW / SCHEMA / DATABASE.

https://docs.snowflake.com/en/sql-reference/sql/desc-table and …/desc-view: one row per
column with name, type (``VARCHAR(16777216)``, ``NUMBER(38,0)``, ``TIMESTAMP_NTZ(9)``),
kind, null?, default, primary key, unique key, check, expression, comment, policy name and
privacy domain. https://docs.snowflake.com/en/sql-reference/sql/desc-schema and
…/desc-database: the objects of a schema, the schemas of a database (created_on, name, kind).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa
from sqlglot import exp

from emulator import errors
from emulator.core.catalog import ICEBERG_TABLE, VIEW
from emulator.core.engine import Outcome
from emulator.core.listing import INSTANT, TEXT, outcome_of
from emulator.core.object_facts import DESCRIBE_COLUMNS, RELATION_KINDS, describe_rows
from emulator.core.resolve import written_parts
from emulator.core.script import statement_name
from emulator.statements.catalog_rows import schemas
from icebridge.sql.nodes_table import describe_kind

if TYPE_CHECKING:
    from emulator.core.engine import Engine

_DESCRIBE_SCHEMA = pa.schema([("created_on", INSTANT), ("name", TEXT), ("kind", TEXT)])
#: What DESCRIBE <kind> accepts: DESCRIBE TABLE and DESCRIBE VIEW are interchangeable.
_DESCRIBED = {"TABLE": RELATION_KINDS, "VIEW": RELATION_KINDS, "ICEBERG TABLE": (ICEBERG_TABLE,)}


def _describe_type(node: exp.Describe) -> str:
    """The TYPE = COLUMNS | STAGE option of DESCRIBE TABLE (COLUMNS when absent)."""
    for prop in node.expressions or []:
        if isinstance(prop, exp.Property) and str(prop.name).upper() == "TYPE":
            value = prop.args.get("value")
            return str(value.name if isinstance(value, exp.Expression) else "").upper()
    return "COLUMNS"


def run_describe(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """DESCRIBE TABLE / VIEW / ICEBERG TABLE / SCHEMA / DATABASE <name>."""
    assert isinstance(node, exp.Describe)
    kind = describe_kind(node)
    if not isinstance(node.this, exp.Table):
        raise errors.unsupported(statement_name(text))
    if kind == "SCHEMA":
        return _describe_schema(emu, node.this)
    if kind == "DATABASE":
        return _describe_database(emu, node.this)
    kinds = _DESCRIBED.get(kind)
    if kinds is None:
        raise errors.unsupported(f"DESCRIBE {kind}")
    if _describe_type(node) != "COLUMNS":
        raise errors.unsupported(f"DESCRIBE {kind} … TYPE = {_describe_type(node)}")
    label = "View" if kind == "VIEW" else "Table"
    obj = emu.resolver.require(node.this, f"DESCRIBE {kind}", kinds, label=label)
    rows = describe_rows(emu, obj)
    table = pa.Table.from_pylist(rows, schema=pa.schema([(c, TEXT) for c in DESCRIBE_COLUMNS]))
    return outcome_of(table)


def _describe_schema(emu: Engine, target: exp.Table) -> Outcome:
    database, schema = emu.resolver.schema_name(target, "DESCRIBE SCHEMA")
    emu.catalog.require_schema(database, schema)
    objs = emu.catalog.objects(database=database, schema=schema)
    rows = [
        {
            "created_on": o.created_on,
            "name": o.name.name,
            "kind": "VIEW" if o.kind == VIEW else "TABLE",
        }
        for o in objs
        if o.kind in RELATION_KINDS
    ]
    return outcome_of(pa.Table.from_pylist(rows, schema=_DESCRIBE_SCHEMA))


def _describe_database(emu: Engine, target: exp.Table) -> Outcome:
    name = written_parts(target)[-1]
    if not emu.catalog.database_exists(name):
        raise errors.object_does_not_exist(name, "Database")
    rows = [
        {"created_on": s.created_on, "name": s.name, "kind": "SCHEMA"} for s in schemas(emu, name)
    ]
    return outcome_of(pa.Table.from_pylist(rows, schema=_DESCRIBE_SCHEMA))
