"""SHOW and DESCRIBE, built from the catalog (INFORMATION_SCHEMA views:
:mod:`emulator.statements.information_schema`).

Column sets follow https://docs.snowflake.com/en/sql-reference/sql/show-tables,
…/show-schemas, …/show-databases and …/desc-table (the columns the emulator can fill; the
rest are omitted rather than invented).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyarrow as pa
from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.catalog import ICEBERG_TABLE, TABLE, VIEW, CatalogObject, utc_aware
from emulator.core.engine import Outcome
from emulator.core.listing import (
    like_filter,
    outcome_of,
    rows_table,
    scope_database,
    scoped_objects,
)
from emulator.core.script import leading_words, statement_name
from emulator.core.state import PARAMETER_DEFAULTS
from emulator.statements.information_schema import OWNER
from icebridge.sql.dialect import DIALECT

if TYPE_CHECKING:
    from emulator.core.engine import Engine


def _listing(table: str, columns: list[str]) -> exp.Select:
    """``SELECT <columns> FROM __ib.<table> ORDER BY name``: a SHOW over a metadata table."""
    return exp.select(*sql.columns(columns)).from_(sql.meta(table)).order_by(sql.column("name"))


def run_show(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    what = str(node.this).upper()
    like = like_filter(node.args.get("like"))
    if what == "DATABASES":
        names = [
            "created_on",
            "name",
            "is_default",
            "is_current",
            "owner",
            "comment",
            "retention_time",
        ]
        query = _listing("databases", ["created_on", "name", "comment", "retention_days"])
        rows = sql.run(emu.con, query).fetchall()
        out = [
            dict(
                zip(
                    names,
                    (
                        utc_aware(r[0]),
                        r[1],
                        "N",
                        "Y" if r[1] == emu.state.database else "N",
                        OWNER,
                        r[2] or "",
                        str(r[3]),
                    ),
                    strict=True,
                )
            )
            for r in rows
            if like(r[1])
        ]
        return outcome_of(rows_table(out, names))
    if what == "SCHEMAS":
        database = scope_database(emu, node)
        names = [
            "created_on",
            "name",
            "is_default",
            "is_current",
            "database_name",
            "owner",
            "comment",
            "retention_time",
        ]
        query = _listing("schemas", ["created_on", "name", "database", "comment"])
        in_database = exp.EQ(this=sql.column("database"), expression=sql.param())
        rows = sql.run(emu.con, query.where(in_database, copy=False), [database]).fetchall()
        current = (emu.state.database, emu.state.schema)
        out = [
            dict(
                zip(
                    names,
                    (
                        utc_aware(r[0]),
                        r[1],
                        "N",
                        "Y" if (r[2], r[1]) == current else "N",
                        r[2],
                        OWNER,
                        r[3] or "",
                        "1",
                    ),
                    strict=True,
                )
            )
            for r in rows
            if like(r[1])
        ]
        return outcome_of(rows_table(out, names))
    if what in ("TABLES", "VIEWS"):
        kind = TABLE if what == "TABLES" else VIEW
        objs = [o for o in scoped_objects(emu, node, kind) if like(o.name.name)]
        if kind == TABLE:  # SHOW TABLES lists Iceberg tables too (is_iceberg = Y)
            objs += [o for o in scoped_objects(emu, node, ICEBERG_TABLE) if like(o.name.name)]
            objs.sort(key=lambda o: o.name.parts)
        return outcome_of(_objects_table(emu, objs, kind))
    if what == "WAREHOUSES":
        rows = sql.run(emu.con, _listing("warehouses", ["name", "created_on"])).fetchall()
        out = [
            {"name": r[0], "state": "STARTED", "created_on": utc_aware(r[1])}
            for r in rows
            if like(r[0])
        ]
        return outcome_of(rows_table(out, ["name", "state", "created_on"]))
    raise errors.unsupported(statement_name(text) + " " + what)


def _row_count(emu: Engine, obj: CatalogObject) -> int | None:
    if obj.kind == ICEBERG_TABLE:
        return emu.lake.row_count(obj)
    if obj.kind != TABLE:
        return None
    count = exp.select(exp.Count(this=exp.Star())).from_(obj.base())
    row = sql.run(emu.con, count).fetchone()
    return int(row[0]) if row else 0


def _objects_table(emu: Engine, objs: list[CatalogObject], kind: str) -> pa.Table:
    names = [
        "created_on",
        "name",
        "database_name",
        "schema_name",
        "kind",
        "comment",
        "cluster_by",
        "rows",
        "owner",
        "retention_time",
        "change_tracking",
        "is_iceberg",
    ]
    if kind == VIEW:
        names = ["created_on", "name", "database_name", "schema_name", "owner", "comment", "text"]
    out: list[dict[str, Any]] = []
    for o in objs:
        out.append(
            {
                "created_on": o.created_on,
                "name": o.name.name,
                "database_name": o.name.database,
                "schema_name": o.name.schema,
                "kind": "TABLE" if o.table_type == "PERMANENT" else o.table_type,
                "comment": o.comment or "",
                "cluster_by": o.properties.get("CLUSTER_BY", ""),
                "rows": _row_count(emu, o),
                "owner": OWNER,
                "retention_time": str(o.retention_days),
                "change_tracking": "ON" if o.change_tracking else "OFF",
                "is_iceberg": "Y" if o.kind == ICEBERG_TABLE else "N",
                "text": o.definition,
            }
        )
    return rows_table(out, names)


def run_show_parameters(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """SHOW PARAMETERS [LIKE '<pattern>'] [IN SESSION] — the session parameters only.

    https://docs.snowflake.com/en/sql-reference/sql/show-parameters
    """
    words = leading_words(text, 64)
    pattern: exp.Expression | None = None
    if "LIKE" in words:
        tokens = DIALECT.tokenize(text)
        index = [t.text.upper() for t in tokens].index("LIKE")
        if index + 1 < len(tokens):
            pattern = exp.Literal.string(tokens[index + 1].text)
    scope = words[words.index("IN") + 1] if "IN" in words[:-1] else "SESSION"
    if scope not in ("SESSION", "ACCOUNT"):
        raise errors.unsupported(f"SHOW PARAMETERS IN {scope}")
    like = like_filter(pattern)
    names = ["key", "value", "default", "level", "description", "type"]
    rows = []
    for key, default in PARAMETER_DEFAULTS.items():
        if not like(key):
            continue
        value = emu.state.parameters[key]
        rows.append(
            {
                "key": key,
                "value": _text(value),
                "default": _text(default),
                "level": "" if value == default else "SESSION",
                "description": "",
                "type": "BOOLEAN"
                if isinstance(default, bool)
                else "NUMBER"
                if isinstance(default, int)
                else "STRING",
            }
        )
    return outcome_of(rows_table(rows, names))


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def run_describe(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """DESCRIBE TABLE / VIEW (https://docs.snowflake.com/en/sql-reference/sql/desc-table)."""
    kind = str(node.args.get("kind") or "TABLE").upper()
    if kind not in ("TABLE", "VIEW") or not isinstance(node.this, exp.Table):
        raise errors.unsupported(statement_name(text) + " " + kind)
    obj = emu.resolver.require(
        node.this, f"DESCRIBE {kind}", (TABLE, VIEW, ICEBERG_TABLE), label=kind.capitalize()
    )
    names = [
        "name",
        "type",
        "kind",
        "null?",
        "default",
        "primary key",
        "unique key",
        "check",
        "expression",
        "comment",
    ]
    rows = [
        {
            "name": c.name,
            "type": c.data_type,
            "kind": "COLUMN",
            "null?": "Y" if c.nullable else "N",
            "default": c.default_sql,
            "primary key": "N",
            "unique key": "N",
            "check": None,
            "expression": None,
            "comment": c.comment,
        }
        for c in emu.catalog.columns(obj.id)
    ]
    return outcome_of(rows_table(rows, names))
