"""AT | BEFORE (TIMESTAMP => … | OFFSET => …): the instant a time-travel point names.

https://docs.snowflake.com/en/sql-reference/constructs/at-before
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlglot import exp

from emulator import errors

if TYPE_CHECKING:
    from emulator.core.engine import Engine


def point_instant(emu: Engine, kind: str, value: exp.Expression) -> datetime:
    """The instant of ``TIMESTAMP => value`` or ``OFFSET => value`` (seconds from now)."""
    now = emu.now
    return _instant(emu, value, now) if kind == "TIMESTAMP" else _offset(emu, value, now)


def _instant(emu: Engine, value: exp.Expression, now: datetime) -> datetime:
    duck = emu.translate(exp.select(exp.cast(value.copy(), "TIMESTAMPTZ")))
    # Epoch microseconds avoid DuckDB's Python time-zone conversion.
    row = emu.con.execute(
        f"SELECT epoch_us(__ib_ts) FROM ({duck.sql(dialect='duckdb')}) AS __ib_point(__ib_ts)"
    ).fetchone()
    if row is None or row[0] is None:
        raise errors.timestamp_not_recognized(value.sql("snowflake"))
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(row[0]))


def _offset(emu: Engine, value: exp.Expression, now: datetime) -> datetime:
    duck = emu.translate(exp.select(value.copy()))
    row = emu.con.execute(duck.sql(dialect="duckdb")).fetchone()
    if row is None or row[0] is None:
        raise errors.numeric_not_recognized(value.sql("snowflake"))
    return now + timedelta(seconds=float(row[0]))
