"""CREATE STREAM and DROP STREAM.

https://docs.snowflake.com/en/sql-reference/sql/create-stream: ``CREATE [OR REPLACE] STREAM
[IF NOT EXISTS] s ON TABLE t [AT|BEFORE(TIMESTAMP|OFFSET|STREAM => …)] [APPEND_ONLY = …]
[SHOW_INITIAL_ROWS = …] [COMMENT = …]``, or ``ON DYNAMIC TABLE dt`` (standard streams only,
https://docs.snowflake.com/en/user-guide/dynamic-tables/streams-on-dts). The offset is the
source's current version, the point given by AT | BEFORE, or, with ``AT(STREAM => 'same
name')`` under OR REPLACE, the replaced stream's offset. Creating a stream switches change
tracking on for its source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from emulator import errors
from emulator.core import change_history as history
from emulator.core.catalog import DYNAMIC_TABLE, ICEBERG_TABLE, STREAM, TABLE, VIEW, CatalogObject
from emulator.core.changes import source_for
from emulator.core.create_target import create_target
from emulator.core.engine import Outcome, status
from emulator.core.resolve import written_parts
from emulator.core.stream_objects import STREAM_TYPE, properties
from emulator.features.streams.time_travel import point_version, stream_by_text
from emulator.features.streams.views import check_view_supported
from icebridge.errors import SqlError
from icebridge.sql.identifiers import ObjectName
from icebridge.sql.nodes_stream import CreateStream

if TYPE_CHECKING:
    from emulator.core.engine import Engine


def run_create_stream(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """Create (or replace) a stream; see the module docstring."""
    assert isinstance(node, CreateStream)
    name = emu.resolver.object_name(node.stream, "CREATE STREAM")
    duck_schema = emu.catalog.require_schema(name.database, name.schema)
    found = create_target(
        emu, name, STREAM, if_not_exists=node.if_not_exists, replace=node.or_replace
    )
    if found.done is not None:
        return found.done
    existing = found.existing
    if node.insert_only:
        raise errors.generic(
            "SQL compilation error:\nINSERT_ONLY streams are only supported on external "
            "tables and externally managed Iceberg tables.",
            errno=2203,
            sqlstate="0A000",
        )
    kind = node.source_kind
    if kind == "VIEW":
        source = emu.resolver.require(node.source, "CREATE STREAM", (VIEW,), label="View")
        base = check_view_supported(emu, source)
    elif kind == "TABLE":
        source = emu.resolver.require(
            node.source, "CREATE STREAM", (TABLE, ICEBERG_TABLE, DYNAMIC_TABLE), label="Table"
        )
        if source.kind == DYNAMIC_TABLE:
            raise _wrong_kind(DYNAMIC_TABLE, kind)
        base = source
    elif kind == "DYNAMIC TABLE":
        source = emu.resolver.require(
            node.source, "CREATE STREAM", (DYNAMIC_TABLE,), label="Dynamic table"
        )
        _check_dynamic_source(node, source)
        base = source
    else:
        raise errors.unsupported(f"CREATE STREAM … ON {kind}")
    offset = _offset(emu, node, source, base, existing, name)
    if existing is not None:
        emu.catalog.forget_object(existing)
    if base.kind == ICEBERG_TABLE:  # snapshots are its history: no change log
        emu.catalog.update_object(base.id, change_tracking=True)
        base = emu.catalog.by_id(base.id) or base
    else:
        base = history.enable_tracking(emu, base)
    if kind == "TABLE":
        source = base
    if offset is None:
        offset = source_for(emu, base).current_version()
    now = emu.now
    obj = CatalogObject(
        id=emu.catalog.next_id(),
        name=name,
        kind=STREAM,
        duck_schema=duck_schema,
        duck_name=name.name,
        base_name=None,
        table_type=STREAM_TYPE,
        comment=node.comment,
        created_on=now,
        last_altered=now,
        change_tracking=False,
        retention_days=0,
        max_extension_days=0,
        version=offset,
        definition=sql.strip(),
        properties=properties(
            source,
            base,
            mode=node.mode,
            initial_rows=bool(node.show_initial_rows),
            stale_base=now,
        ),
    )
    emu.catalog.add_object(obj, [])
    return status(f"Stream {name.name} successfully created.")


def _wrong_kind(found: str, specified: str) -> SqlError:
    """Naming a dynamic table with ``ON TABLE`` is an error: the docs ask for
    ``ON DYNAMIC TABLE`` (https://docs.snowflake.com/en/user-guide/dynamic-tables/streams-on-dts)."""
    return errors.wrong_object_type(found, specified)


def _check_dynamic_source(node: CreateStream, source: CatalogObject) -> None:
    """Streams on dynamic tables are standard streams on incrementally refreshed tables
    (https://docs.snowflake.com/en/user-guide/dynamic-tables/streams-on-dts)."""
    from emulator.core.dynamic_spec import spec_of

    if node.mode != "DEFAULT":
        raise errors.generic(
            f"SQL compilation error:\nAPPEND_ONLY streams are not supported on dynamic table "
            f"'{source.name}'; only standard streams are.",
            errno=2203,
            sqlstate="0A000",
        )
    if spec_of(source).refresh_mode != "INCREMENTAL":
        raise errors.generic(
            f"SQL compilation error:\nStreams are not supported on dynamic table "
            f"'{source.name}' because its refresh mode is FULL; use REFRESH_MODE = INCREMENTAL.",
            errno=2203,
            sqlstate="0A000",
        )


def _offset(
    emu: Engine,
    node: CreateStream,
    source: CatalogObject,
    base: CatalogObject,
    existing: CatalogObject | None,
    name: ObjectName,
) -> int | None:
    """The offset an AT | BEFORE clause asks for, or None for "now"."""
    point = node.at
    if point is None:
        return None
    kind = str(point.args.get("kind")).upper()
    if kind == "STREAM":
        named = stream_by_text(emu, point.expression.name)
        if named.tracking_reset:  # its offset predates a change-tracking reset
            raise errors.stream_stale(str(named.name))
    if kind == "STREAM" and existing is not None:
        target = stream_by_text(emu, point.expression.name)
        if target.id == existing.id:
            if target.source_id != source.id:
                raise errors.generic(
                    f"SQL compilation error:\nStream '{name}' is not on table '{source.name}'.",
                    errno=2040,
                    sqlstate="42601",
                )
            return target.offset  # OR REPLACE … AT(STREAM => 'self') keeps the offset
    if kind != "STREAM" and not base.change_tracking:
        # No history before change tracking existed (create-stream usage notes).
        raise errors.change_tracking_not_enabled(str(base.name))
    if kind == "STREAM" and base is not source:
        other = stream_by_text(emu, point.expression.name)
        if other.source_id != source.id:
            raise errors.generic(
                f"SQL compilation error:\nStream '{other.name}' is not on view '{source.name}'.",
                errno=2040,
                sqlstate="42601",
            )
        return other.offset
    return point_version(emu, base, point)


def run_drop_stream(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    assert isinstance(node, exp.Drop)
    """DROP STREAM [IF EXISTS] s."""
    tables = node.args.get("tables") or [node.this]
    target = tables[0]
    assert isinstance(target, exp.Table)
    obj = emu.resolver.lookup(
        target, "DROP STREAM", (STREAM,), missing_ok=bool(node.args.get("exists")), label="Stream"
    )
    if obj is None:
        name = written_parts(target)[-1]
        return status(f"Drop statement executed successfully ({name} already dropped).")
    emu.catalog.forget_object(obj)
    return status(f"{obj.name.name} successfully dropped.")
