"""SHOW [TERSE] STREAMS and DESCRIBE STREAM.

Columns: https://docs.snowflake.com/en/sql-reference/sql/show-streams (``type`` is
"currently DELTA only", ``invalid_reason`` is always N/A) and
https://docs.snowflake.com/en/sql-reference/sql/desc-stream (same columns, one row).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyarrow as pa
from sqlglot import exp

from emulator.core.catalog import STREAM, CatalogObject
from emulator.core.engine import Outcome
from emulator.core.listing import Listing, clauses_of, objects_in, show, show_scope
from emulator.core.stream_objects import STREAM_TYPE, Stream, from_object
from emulator.features.streams import view_points
from emulator.features.streams.staleness import is_stale, live_source, stale_time

if TYPE_CHECKING:
    from emulator.core.engine import Engine

OWNER = "ACCOUNTADMIN"
COLUMNS = [
    "created_on",
    "name",
    "database_name",
    "schema_name",
    "owner",
    "comment",
    "table_name",
    "source_type",
    "base_tables",
    "type",
    "stale",
    "mode",
    "stale_after",
    "invalid_reason",
    "owner_role_type",
]
TERSE = ["created_on", "name", "kind", "database_name", "schema_name", "tableOn"]
_TYPES: dict[str, pa.DataType] = {
    "created_on": pa.timestamp("us", tz="UTC"),
    "stale_after": pa.timestamp("us", tz="UTC"),
}


def row(emu: Engine, obj: CatalogObject) -> dict[str, Any]:
    """One SHOW STREAMS row."""
    stream = from_object(obj)
    source = live_source(emu, stream)
    return {
        "created_on": obj.created_on,
        "name": obj.name.name,
        "database_name": obj.name.database,
        "schema_name": obj.name.schema,
        "owner": OWNER,
        "comment": obj.comment or "",
        "table_name": str(stream.source_name),
        "source_type": stream.source_kind.capitalize(),
        "base_tables": _base_tables(stream) or view_points.base_table_names(emu, source),
        "type": STREAM_TYPE,
        "stale": "true" if is_stale(emu, stream) else "false",
        "mode": stream.mode,
        "stale_after": stale_time(emu, stream, source),
        "invalid_reason": "N/A",
        "owner_role_type": "ROLE",
        "kind": "STREAM",
        "tableOn": str(stream.source_name),
    }


def _base_tables(stream: Stream) -> str:
    """View streams list the view's underlying table; table streams leave it empty."""
    if stream.base_id == stream.source_id:
        return ""
    parts = stream.obj.properties.get("base_name") or []
    return ".".join(str(p) for p in parts)


def table(rows: list[dict[str, Any]], names: list[str]) -> pa.Table:
    """An Arrow table of SHOW rows (typed even when empty)."""
    return pa.table({n: pa.array([r[n] for r in rows], _TYPES.get(n, pa.string())) for n in names})


#: SHOW STREAMS output (TERSE / LIKE / IN / STARTS WITH / LIMIT: emulator.core.listing).
LISTING = Listing(pa.schema([(n, _TYPES.get(n, pa.string())) for n in COLUMNS]), tuple(TERSE))


def run_show_streams(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """SHOW [TERSE] STREAMS [LIKE …] [IN ACCOUNT | DATABASE d | SCHEMA s] [STARTS WITH …]
    [LIMIT … [FROM …]]."""
    clauses = clauses_of(node, sql)
    objs = objects_in(emu, show_scope(emu, clauses, "SHOW STREAMS"), (STREAM,))
    return show(node, sql, LISTING, [row(emu, o) for o in objs], clauses)


def run_describe_stream(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """DESCRIBE STREAM s: the SHOW STREAMS row of one stream."""
    target = node.this
    assert isinstance(target, exp.Table)
    obj = emu.resolver.require(target, "DESCRIBE STREAM", (STREAM,), label="Stream")
    result = table([row(emu, obj)], COLUMNS)
    return Outcome(result, result.num_rows)
