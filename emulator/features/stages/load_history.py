"""Load metadata: which staged files a table loaded, kept 64 days.

https://docs.snowflake.com/en/user-guide/data-load-considerations-load ("Load metadata"):
Snowflake keeps, per table, each file's name, its checksum (ETag), the rows parsed, the
last load time and the first error; it expires after 64 days. COPY skips a file the table
loaded already while the file is unchanged (same checksum) unless FORCE = TRUE; a file that
failed to load may be loaded again. A file staged more than 64 days ago whose load status
is no longer known (no load record in 64 days, and the table's first load more than 64 days
ago) is skipped unless LOAD_UNCERTAIN_FILES = TRUE or FORCE = TRUE.

The records are rows of ``__ib.load_history``, written in the COPY's own transaction: a
rolled back COPY leaves no record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from emulator.core import sql
from emulator.core.catalog import utc_aware, utc_naive

if TYPE_CHECKING:
    from emulator.core.engine import Engine

TABLE = "load_history"
#: How long load metadata is kept.
RETENTION = timedelta(days=64)
LOADED = "LOADED"
PARTIALLY_LOADED = "PARTIALLY_LOADED"
LOAD_FAILED = "LOAD_FAILED"
#: Statuses that make a later COPY skip the unchanged file.
_DONE = (LOADED, PARTIALLY_LOADED)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("table_id", "BIGINT"),
    ("stage_key", "VARCHAR"),
    ("path", "VARCHAR"),
    ("file_name", "VARCHAR"),
    ("md5", "VARCHAR"),
    ("size", "BIGINT"),
    ("loaded_at", "TIMESTAMP"),
    ("status", "VARCHAR"),
    ("rows_parsed", "BIGINT"),
    ("rows_loaded", "BIGINT"),
    ("error_count", "BIGINT"),
    ("error_limit", "BIGINT"),
    ("first_error", "VARCHAR"),
    ("first_error_line", "BIGINT"),
    ("first_error_character", "BIGINT"),
    ("first_error_column_name", "VARCHAR"),
)


def ddl() -> list[str]:
    """The load history table (created with the metadata tables)."""
    table = exp.Schema(this=sql.meta(TABLE), expressions=[sql.column_def(n, t) for n, t in COLUMNS])
    return [sql.render(exp.Create(kind="TABLE", exists=True, this=table))]


@dataclass(frozen=True)
class LoadRecord:
    """One file loaded (or not) by one COPY into one table."""

    table_id: int
    stage_key: str
    path: str
    file_name: str
    md5: str
    size: int
    status: str
    rows_parsed: int
    rows_loaded: int
    error_count: int
    error_limit: int
    first_error: str | None = None
    first_error_line: int | None = None
    first_error_character: int | None = None
    first_error_column_name: str | None = None


class LoadHistory:
    """Reads and writes the load records of one emulator."""

    def __init__(self, emu: Engine) -> None:
        self._emu = emu

    def loaded(self, table_id: int, stage_key: str) -> dict[tuple[str, str], datetime]:
        """(path, md5) -> last load time of the files of one stage the table loaded (or
        partly loaded) in the last 64 days."""
        since = utc_naive(self._emu.now - RETENTION)
        query = (
            exp.select(sql.column("path"), sql.column("md5"), exp.Max(this=sql.column("loaded_at")))
            .from_(sql.meta(TABLE))
            .where(
                exp.and_(
                    exp.EQ(this=sql.column("table_id"), expression=sql.param()),
                    exp.EQ(this=sql.column("stage_key"), expression=sql.param()),
                    exp.GTE(this=sql.column("loaded_at"), expression=sql.param()),
                    sql.column("status").isin(*(sql.literal(s) for s in _DONE)),
                )
            )
            .group_by(sql.column("path"), sql.column("md5"))
        )
        rows = sql.run(self._emu.con, query, [table_id, stage_key, since]).fetchall()
        return {(str(r[0]), str(r[1])): utc_aware(r[2]) for r in rows}

    def first_load(self, table_id: int) -> datetime | None:
        """When the table's first COPY loaded (None: it never did)."""
        query = (
            exp.select(exp.Min(this=sql.column("loaded_at")))
            .from_(sql.meta(TABLE))
            .where(exp.EQ(this=sql.column("table_id"), expression=sql.param()))
        )
        row = sql.run(self._emu.con, query, [table_id]).fetchone()
        return utc_aware(row[0]) if row and row[0] is not None else None

    def record(self, records: list[LoadRecord]) -> None:
        """Write the records of one COPY (at the emulator's current time)."""
        if not records:
            return
        now = utc_naive(self._emu.now)
        insert = exp.Insert(
            this=exp.Schema(this=sql.meta(TABLE), expressions=[sql.ident(n) for n, _ in COLUMNS]),
            expression=exp.Values(
                expressions=[exp.Tuple(expressions=[sql.param() for _ in COLUMNS])]
            ),
        )
        text = sql.render(insert)
        rows: list[list[Any]] = [
            [
                r.table_id,
                r.stage_key,
                r.path,
                r.file_name,
                r.md5,
                r.size,
                now,
                r.status,
                r.rows_parsed,
                r.rows_loaded,
                r.error_count,
                r.error_limit,
                r.first_error,
                r.first_error_line,
                r.first_error_character,
                r.first_error_column_name,
            ]
            for r in records
        ]
        self._emu.con.executemany(text, rows)

    def forget_table(self, table_id: int) -> None:
        """Drop the records of a table (its load history goes with it)."""
        delete = exp.Delete(this=sql.meta(TABLE)).where(
            exp.EQ(this=sql.column("table_id"), expression=sql.param())
        )
        sql.run(self._emu.con, delete, [table_id])

    def rows_for(self, table_ids: list[int], since: datetime) -> list[tuple[Any, ...]]:
        """Records of ``table_ids`` since ``since``, newest first (LOAD_HISTORY view)."""
        if not table_ids:
            return []
        query = (
            exp.select(*(sql.column(n) for n, _ in COLUMNS))
            .from_(sql.meta(TABLE))
            .where(
                exp.and_(
                    sql.column("table_id").isin(*(sql.literal(i) for i in table_ids)),
                    exp.GTE(this=sql.column("loaded_at"), expression=sql.param()),
                )
            )
            .order_by(exp.Ordered(this=sql.column("loaded_at"), desc=True))
        )
        return list(sql.run(self._emu.con, query, [utc_naive(since)]).fetchall())
