"""AT | BEFORE (TIMESTAMP => … | OFFSET => …): the instant a time-travel point names.

https://docs.snowflake.com/en/sql-reference/constructs/at-before
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlglot import exp

from emulator import errors
from emulator.core import sql

if TYPE_CHECKING:
    from emulator.core.engine import Engine


def point_instant(emu: Engine, kind: str, value: exp.Expression) -> datetime:
    """The instant of ``TIMESTAMP => value`` or ``OFFSET => value`` (seconds from now)."""
    now = emu.now
    return _instant(emu, value, now) if kind == "TIMESTAMP" else _offset(emu, value, now)


def _instant(emu: Engine, value: exp.Expression, now: datetime) -> datetime:
    duck = emu.translate(exp.select(exp.cast(value.copy(), "TIMESTAMPTZ")))
    point = exp.TableAlias(this=sql.ident("__ib_point"), columns=[sql.ident("__ib_ts")])
    # Epoch microseconds avoid DuckDB's Python time-zone conversion.
    micros = exp.Anonymous(this="epoch_us", expressions=[sql.column("__ib_ts")])
    query = exp.select(micros).from_(exp.Subquery(this=duck, alias=point))
    row = sql.run(emu.con, query).fetchone()
    if row is None or row[0] is None:
        raise errors.timestamp_not_recognized(value.sql("snowflake"))
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(row[0]))


def _offset(emu: Engine, value: exp.Expression, now: datetime) -> datetime:
    duck = emu.translate(exp.select(value.copy()))
    row = sql.run(emu.con, duck).fetchone()
    if row is None or row[0] is None:
        raise errors.numeric_not_recognized(value.sql("snowflake"))
    return now + timedelta(seconds=float(row[0]))
