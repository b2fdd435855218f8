"""SHOW DATABASES / SCHEMAS / TABLES / VIEWS / OBJECTS, with their documented columns.

https://docs.snowflake.com/en/sql-reference/sql/show-databases,
https://docs.snowflake.com/en/sql-reference/sql/show-schemas,
https://docs.snowflake.com/en/sql-reference/sql/show-tables,
https://docs.snowflake.com/en/sql-reference/sql/show-views and
https://docs.snowflake.com/en/sql-reference/sql/show-objects. Rows come in Snowflake's
order (database, schema, name); TERSE / LIKE / IN / STARTS WITH / LIMIT are applied by
:func:`emulator.core.listing.show`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlglot import exp

from emulator import errors
from emulator.core.catalog import DYNAMIC_TABLE, ICEBERG_TABLE, TABLE, VIEW, CatalogObject
from emulator.core.engine import Outcome
from emulator.core.listing import (
    INSTANT,
    NUMBER,
    Clauses,
    clauses_of,
    listing,
    objects_in,
    show,
    show_scope,
)
from emulator.core.object_facts import OWNER, RELATION_KINDS, byte_size, cluster_by, row_count
from emulator.statements.catalog_rows import databases, schemas

if TYPE_CHECKING:
    from emulator.core.engine import Engine

_TERSE = ("created_on", "name", "kind", "database_name", "schema_name")

DATABASES = listing(
    [
        ("created_on", INSTANT),
        "name",
        "is_default",
        "is_current",
        "origin",
        "owner",
        "comment",
        "options",
        "retention_time",
        "kind",
        "budget",
        "owner_role_type",
        "object_visibility",
    ],
    _TERSE,
)
SCHEMAS = listing(
    [
        ("created_on", INSTANT),
        "name",
        "is_default",
        "is_current",
        "database_name",
        "owner",
        "comment",
        "options",
        "retention_time",
        "owner_role_type",
        "object_visibility",
    ],
    _TERSE,
)
TABLES = listing(
    [
        ("created_on", INSTANT),
        "name",
        "database_name",
        "schema_name",
        "kind",
        "comment",
        "cluster_by",
        ("rows", NUMBER),
        ("bytes", NUMBER),
        "owner",
        "retention_time",
        "automatic_clustering",
        "change_tracking",
        "search_optimization",
        "search_optimization_progress",
        "search_optimization_bytes",
        "is_external",
        "enable_schema_evolution",
        "owner_role_type",
        "is_event",
        "is_hybrid",
        "is_iceberg",
        "is_immutable",
    ],
    _TERSE,
    terse_values={"kind": "TABLE"},
)
VIEWS = listing(
    [
        ("created_on", INSTANT),
        "name",
        "reserved",
        "kind",
        "database_name",
        "schema_name",
        "owner",
        "comment",
        "text",
        "is_secure",
        "is_materialized",
        "owner_role_type",
        "change_tracking",
    ],
    _TERSE,
)
OBJECTS = listing(
    [
        ("created_on", INSTANT),
        "name",
        "database_name",
        "schema_name",
        "kind",
        "comment",
        "cluster_by",
        ("rows", NUMBER),
        ("bytes", NUMBER),
        "owner",
        "retention_time",
        "owner_role_type",
        "is_hybrid",
        "is_dynamic",
        "is_iceberg",
    ],
    _TERSE,
)


def _yes_no(flag: bool) -> str:
    return "Y" if flag else "N"


def _no_history(node: exp.Expression, what: str) -> None:
    # The emulator keeps no dropped objects, so there is nothing HISTORY could add.
    if node.args.get("history"):
        raise errors.unsupported(f"SHOW {what} HISTORY")


def show_databases(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """SHOW [TERSE] DATABASES [LIKE …] [STARTS WITH …] [LIMIT … [FROM …]]."""
    _no_history(node, "DATABASES")
    rows = [
        {
            "created_on": d.created_on,
            "name": d.name,
            "is_default": "N",
            "is_current": _yes_no(d.name == emu.state.database),
            "origin": "",
            "owner": OWNER,
            "comment": d.comment or "",
            "options": "TRANSIENT" if d.transient else "",
            "retention_time": str(d.retention_days),
            "kind": "STANDARD",
            "budget": None,
            "owner_role_type": "ROLE",
            "object_visibility": None,
        }
        for d in databases(emu)
    ]
    return show(node, text, DATABASES, rows)


def show_schemas(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """SHOW [TERSE] SCHEMAS [LIKE …] [IN ACCOUNT | DATABASE [d]] [STARTS WITH …] [LIMIT …]."""
    _no_history(node, "SCHEMAS")
    clauses = clauses_of(node, text)
    scope = show_scope(emu, clauses, "SHOW SCHEMAS", level="DATABASE")
    retention = {d.name: d.retention_days for d in databases(emu)}
    current = (emu.state.database, emu.state.schema)
    rows = [
        {
            "created_on": s.created_on,
            "name": s.name,
            "is_default": "N",
            "is_current": _yes_no((s.database, s.name) == current),
            "database_name": s.database,
            "owner": OWNER,
            "comment": s.comment or "",
            "options": "TRANSIENT" if s.transient else "",
            "retention_time": str(retention.get(s.database, 1)),
            "owner_role_type": "ROLE",
            "object_visibility": None,
        }
        for s in schemas(emu, scope.database)
    ]
    return show(node, text, SCHEMAS, rows, clauses)


def _common(obj: CatalogObject) -> dict[str, Any]:
    """The columns every object SHOW starts with."""
    return {
        "created_on": obj.created_on,
        "name": obj.name.name,
        "database_name": obj.name.database,
        "schema_name": obj.name.schema,
        "comment": obj.comment or "",
        "owner": OWNER,
        "retention_time": str(obj.retention_days),
        "owner_role_type": "ROLE",
    }


def _listed(
    emu: Engine, node: exp.Expression, text: str, kinds: tuple[str, ...]
) -> tuple[Clauses, list[CatalogObject]]:
    """The statement's clauses and the objects of ``kinds`` its IN clause covers."""
    clauses = clauses_of(node, text)
    return clauses, objects_in(emu, show_scope(emu, clauses), kinds)


def show_tables(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """SHOW [TERSE] TABLES …: native and Iceberg tables (``is_iceberg`` tells them apart)."""
    _no_history(node, "TABLES")
    clauses, objs = _listed(emu, node, text, (TABLE, ICEBERG_TABLE))
    rows = []
    for obj in objs:
        rows_ = row_count(emu, obj)
        clustered = cluster_by(obj)
        evolution = str(obj.properties.get("ENABLE_SCHEMA_EVOLUTION") or "").upper() == "TRUE"
        rows.append(
            {
                **_common(obj),
                "kind": "TABLE" if obj.table_type == "PERMANENT" else obj.table_type,
                "cluster_by": clustered or "",
                "rows": rows_,
                "bytes": byte_size(emu, obj, rows_),
                "automatic_clustering": "ON" if clustered else "OFF",
                "change_tracking": "ON" if obj.change_tracking else "OFF",
                "search_optimization": "OFF",
                "search_optimization_progress": None,
                "search_optimization_bytes": None,
                "is_external": "N",
                "enable_schema_evolution": _yes_no(evolution),
                "is_event": "N",
                "is_hybrid": "N",
                "is_iceberg": _yes_no(obj.kind == ICEBERG_TABLE),
                "is_immutable": "N",
            }
        )
    return show(node, text, TABLES, rows, clauses)


def show_views(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """SHOW [TERSE] VIEWS [LIKE …] [IN …] [STARTS WITH …] [LIMIT …]."""
    clauses, objs = _listed(emu, node, text, (VIEW,))
    rows = [
        {
            **_common(obj),
            "reserved": "",
            "kind": "VIEW",
            "text": obj.definition,
            "is_secure": "false",
            "is_materialized": "false",
            "change_tracking": "ON" if obj.change_tracking else "OFF",
        }
        for obj in objs
    ]
    return show(node, text, VIEWS, rows, clauses)


def show_objects(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """SHOW [TERSE] OBJECTS …: tables (native, Iceberg, dynamic) and views."""
    clauses, objs = _listed(emu, node, text, RELATION_KINDS)
    rows = []
    for obj in objs:
        count = row_count(emu, obj)
        rows.append(
            {
                **_common(obj),
                "kind": "VIEW" if obj.kind == VIEW else "TABLE",
                "cluster_by": cluster_by(obj) or "",
                "rows": count or 0,
                "bytes": byte_size(emu, obj, count) or 0,
                "is_hybrid": "N",
                "is_dynamic": _yes_no(obj.kind == DYNAMIC_TABLE),
                "is_iceberg": _yes_no(obj.kind == ICEBERG_TABLE),
            }
        )
    return show(node, text, OBJECTS, rows, clauses)
