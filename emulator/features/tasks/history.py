"""Task run history: the rows behind INFORMATION_SCHEMA.TASK_HISTORY() and
COMPLETE_TASK_GRAPHS().

https://docs.snowflake.com/en/sql-reference/functions/task_history. Rows are kept in
memory and written to ``__ib.task_history`` in batches (after a run that executed SQL and
when the emulator closes), so a skipped tick costs no DuckDB transaction. Skipped runs
recorded after the last write are lost if the process dies without closing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from sqlglot import exp

from emulator.core import sql
from emulator.core.catalog import utc_aware, utc_naive

if TYPE_CHECKING:
    from emulator.core.engine import Engine

#: TASK_HISTORY output columns, in the documented order.
COLUMNS = (
    "QUERY_ID",
    "NAME",
    "DATABASE_NAME",
    "SCHEMA_NAME",
    "QUERY_TEXT",
    "CONDITION_TEXT",
    "STATE",
    "ERROR_CODE",
    "ERROR_MESSAGE",
    "SCHEDULED_TIME",
    "QUERY_START_TIME",
    "NEXT_SCHEDULED_TIME",
    "COMPLETED_TIME",
    "ROOT_TASK_ID",
    "GRAPH_VERSION",
    "RUN_ID",
    "RETURN_VALUE",
    "SCHEDULED_FROM",
    "ATTEMPT_NUMBER",
    "CONFIG",
    "QUERY_HASH",
    "QUERY_HASH_VERSION",
    "QUERY_PARAMETERIZED_HASH",
    "QUERY_PARAMETERIZED_HASH_VERSION",
    "GRAPH_RUN_GROUP_ID",
    "BACKFILL_INFO",
    "SPCS_JOB_ID",
)
_TIMES = ("scheduled_time", "query_start_time", "next_scheduled_time", "completed_time")


@dataclass
class HistoryRow:
    """One task run (field names are the lower-case column names)."""

    query_id: str | None
    name: str
    database_name: str
    schema_name: str
    query_text: str
    condition_text: str | None
    state: str
    error_code: str | None
    error_message: str | None
    scheduled_time: datetime
    query_start_time: datetime | None
    next_scheduled_time: datetime | None
    completed_time: datetime | None
    root_task_id: str
    graph_version: int
    run_id: int
    return_value: str | None
    scheduled_from: str
    attempt_number: int
    config: str | None
    query_hash: str | None
    query_hash_version: int | None
    query_parameterized_hash: str | None
    query_parameterized_hash_version: int | None
    graph_run_group_id: str
    backfill_info: str | None = None
    spcs_job_id: str | None = None

    def to_json(self) -> str:
        data: dict[str, Any] = dict(vars(self))  # flat fields: no deep copy needed
        for key in _TIMES:
            if data[key] is not None:
                data[key] = utc_naive(data[key]).isoformat()
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> HistoryRow:
        data = json.loads(text)
        for key in _TIMES:
            if data[key] is not None:
                data[key] = utc_aware(datetime.fromisoformat(data[key]))
        return cls(**data)


#: The metadata table runs are flushed to: one JSON row per run, in ``seq`` order.
_TABLE = "task_history"
#: Its DDL (run when the emulator installs; the registry takes DDL text).
HISTORY_DDL = sql.render(
    exp.Create(
        kind="TABLE",
        exists=True,
        this=exp.Schema(
            this=sql.meta(_TABLE),
            expressions=[sql.column_def("seq", "BIGINT"), sql.column_def("row", "VARCHAR")],
        ),
    )
)
#: The name a batch of new rows is registered under while it is inserted.
_BATCH = "__ib_history_batch"


class History:
    """All recorded runs of one emulator, oldest first (read from storage on first use)."""

    def __init__(self, emu: Engine) -> None:
        self.emu = emu
        self._rows: list[HistoryRow] | None = None
        self._written = 0

    @property
    def rows(self) -> list[HistoryRow]:
        if self._rows is None:
            query = (
                exp.select(sql.column("row")).from_(sql.meta(_TABLE)).order_by(sql.column("seq"))
            )
            stored = sql.run(self.emu.con, query).fetchall()
            self._rows = [HistoryRow.from_json(r[0]) for r in stored]
            self._written = len(self._rows)
        return self._rows

    def add(self, row: HistoryRow) -> None:
        self.rows.append(row)

    def flush(self) -> None:
        """Write rows not yet stored, in one transaction (later if a user transaction is
        open, so a ROLLBACK never takes history with it)."""
        if self._rows is None:
            return  # nothing read, nothing added
        pending = self._rows[self._written :]
        if not pending or self.emu.in_transaction:
            return
        batch = pa.table(
            {
                "seq": pa.array(range(self._written, len(self._rows)), pa.int64()),
                "row": pa.array([r.to_json() for r in pending], pa.string()),
            }
        )
        con = self.emu.con
        insert = exp.insert(exp.select(exp.Star()).from_(sql.table(_BATCH)), sql.meta(_TABLE))
        con.register(_BATCH, batch)
        try:
            with self.emu.transactions.unit():
                sql.run(con, insert)
        finally:
            con.unregister(_BATCH)
        self._written = len(self._rows)
