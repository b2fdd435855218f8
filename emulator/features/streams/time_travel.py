"""AT | BEFORE points -> source versions, for CREATE STREAM, CHANGES and SELECT … AT.

https://docs.snowflake.com/en/sql-reference/constructs/at-before: TIMESTAMP, OFFSET
(seconds relative to now, negative), STATEMENT (a query id, see :mod:`statements`) and
STREAM (a stream's offset) are supported; a point
before the retention period (DATA_RETENTION_TIME_IN_DAYS, default 1, 0 disables) or before
the history the change log holds is Snowflake's "Time travel data is not available" error.

History comes from the change log, which only CHANGE_TRACKING tables keep: time travel on
an untracked table raises Snowflake's change-tracking error rather than making every table
pay for a log.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlglot import exp

from emulator import errors
from emulator.core import change_history as history
from emulator.core import sql
from emulator.core.catalog import STREAM, CatalogObject, utc_naive
from emulator.core.points import point_instant
from emulator.core.stream_objects import Stream, from_object
from emulator.features.streams.statements import version_at_statement
from icebridge.errors import IcebridgeError
from icebridge.sql.identifiers import split_name

if TYPE_CHECKING:
    from emulator.core.engine import Engine


def point_version(emu: Engine, source: CatalogObject, point: exp.HistoricalData) -> int:
    """The source version an ``AT``/``BEFORE``/``END`` clause designates."""
    which = str(point.this).upper()
    kind = str(point.args.get("kind")).upper()
    value = point.expression
    if kind == "STREAM":
        if not isinstance(value, exp.Literal) or not value.is_string:
            raise errors.generic(
                "SQL compilation error:\nSTREAM => needs the stream name as a string literal.",
                errno=2040,
                sqlstate="42601",
            )
        stream = stream_by_text(emu, value.name)
        if stream.source_id != source.id:
            raise errors.generic(
                f"SQL compilation error:\nStream '{stream.name}' is not on table '{source.name}'.",
                errno=2040,
                sqlstate="42601",
            )
        return stream.offset
    if kind == "STATEMENT":
        if not isinstance(value, exp.Literal) or not value.is_string:
            raise errors.unsupported("STATEMENT => a non-literal query id")
        version = version_at_statement(emu, source, value.name, before=which == "BEFORE")
        if version < history.since(emu, source):
            raise errors.time_travel_not_available(str(source.name))
        return version
    if kind not in ("TIMESTAMP", "OFFSET"):
        raise errors.unsupported(f"{which} ({kind} => …)")
    instant = point_instant(emu, kind, value)
    return version_at(emu, source, instant, before=which == "BEFORE")


def version_at(emu: Engine, source: CatalogObject, instant: datetime, *, before: bool) -> int:
    """The last version committed at (or, ``before``, strictly before) ``instant``."""
    now = emu.now
    window = timedelta(days=source.retention_days)
    if instant > now:
        raise errors.time_travel_not_available(str(source.name))
    if instant < source.created_on or instant < now - window:
        raise errors.time_travel_not_available(str(source.name))
    version = committed_version(emu, source.id, instant, before=before) or 0
    if version < history.since(emu, source):
        raise errors.time_travel_not_available(str(source.name))
    return version


def committed_version(
    emu: Engine, object_id: int, instant: datetime, *, before: bool = False
) -> int | None:
    """The last version of ``object_id`` committed at (``before``: strictly before)
    ``instant``, from ``__ib.table_versions``; None when there is none."""
    committed: type[exp.LT | exp.LTE] = exp.LT if before else exp.LTE
    last = (
        exp.select(exp.Max(this=sql.column("version")))
        .from_(sql.meta("table_versions"))
        .where(
            exp.and_(
                exp.EQ(this=sql.column("object_id"), expression=sql.param()),
                committed(this=sql.column("committed_at"), expression=sql.param()),
            )
        )
    )
    row = sql.run(emu.con, last, [object_id, utc_naive(instant)]).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def stream_by_text(emu: Engine, text: str) -> Stream:
    """A stream named in a string literal ('s', 'db.s.name', '"Quoted"' keep their case)."""
    try:
        parts = split_name(text, what="stream name")
    except IcebridgeError:
        raise errors.object_does_not_exist(text, "Stream") from None
    if not 1 <= len(parts) <= 3:
        raise errors.object_does_not_exist(text, "Stream")
    idents = [exp.to_identifier(p, quoted=True) for p in parts]
    table = exp.Table(
        this=idents[-1],
        db=idents[-2] if len(idents) > 1 else None,
        catalog=idents[-3] if len(idents) > 2 else None,
    )
    obj = emu.resolver.require(table, "SELECT", (STREAM,), label="Stream")
    return from_object(obj)
