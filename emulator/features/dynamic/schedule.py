"""Dynamic-table refreshes on the emulator clock (a scheduler source,
:class:`~emulator.core.scheduler.ScheduledSource`).

Cadence (deterministic; Snowflake only promises that data is never staler than TARGET_LAG,
https://docs.snowflake.com/en/user-guide/dynamic-tables-target-lag): a table with a fixed
lag ``L`` is refreshed at ``anchor + k·L`` (k = 1, 2, …), where the anchor is its creation,
its last RESUME or its last SET TARGET_LAG. Every refresh first refreshes the upstream
dynamic tables (so DOWNSTREAM tables refresh exactly when a dependent does). Suspended
tables and SCHEDULER = DISABLE tables have no scheduled refreshes.

Each table's refresh is its own transaction; when it fails, the failure is recorded
(STATE = FAILED) and the dependents due with it are recorded as UPSTREAM_FAILED.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import duckdb

from emulator.core.catalog_objects import CatalogObject
from emulator.core.duck_errors import map_error
from emulator.core.dynamic_spec import DynamicSpec, dynamic_tables, load
from emulator.core.scheduler import RunRecord
from emulator.features.dynamic.history import record
from emulator.features.dynamic.refresh import Outcome, graph_order, refresh_one, upstream
from icebridge.errors import SqlError

if TYPE_CHECKING:
    from emulator.core.engine import Engine

KIND = "DYNAMIC_TABLE"


class DynamicTableSource:
    """Fires the scheduled refreshes of every dynamic table of one emulator."""

    def __init__(self, emu: Engine) -> None:
        self.emu = emu
        # (commit count, tables): specs change only through committed statements, so quiet
        # scheduler ticks reuse them instead of querying the catalog every time.
        self._cache: tuple[int, list[tuple[CatalogObject, DynamicSpec]]] | None = None

    def _tables(self) -> list[tuple[CatalogObject, DynamicSpec]]:
        emu = self.emu
        if emu.in_transaction:
            return list(dynamic_tables(emu))
        if self._cache is None or self._cache[0] != emu.commit_count:
            self._cache = (emu.commit_count, list(dynamic_tables(emu)))
        return self._cache[1]

    def _due_ids(self, after: datetime) -> tuple[datetime | None, list[int]]:
        best: datetime | None = None
        ids: list[int] = []
        for obj, spec in self._tables():
            lag = spec.lag
            if lag is None or spec.suspended or not spec.scheduled:
                continue
            anchor = spec.anchor_time()
            steps = max(int((after - anchor) / lag) + 1, 1)
            due = anchor + steps * lag
            if best is None or due < best:
                best, ids = due, [obj.id]
            elif due == best:
                ids.append(obj.id)
        return best, ids

    def next_due(self, after: datetime) -> datetime | None:
        """The next instant after ``after`` at which some table is due."""
        return self._due_ids(after)[0]

    def fire(self, at: datetime) -> list[RunRecord]:
        """Refresh every table due at ``at`` (upstream first), each in its own transaction."""
        due, ids = self._due_ids(at - _EPSILON)
        if due != at:
            return []
        done: dict[int, str] = {}
        records: list[RunRecord] = []
        for object_id in ids:
            for current in graph_order(self.emu, object_id, scheduled=True):
                if current in done:
                    continue
                records.append(self._refresh(current, at, done))
        return records

    def _refresh(self, object_id: int, at: datetime, done: dict[int, str]) -> RunRecord:
        failed_up = any(
            done.get(up) in ("FAILED", "UPSTREAM_FAILED") for up in upstream(self.emu, object_id)
        )
        outcome = _in_transaction(self.emu, object_id, failed_up)
        done[object_id] = outcome.state
        return RunRecord(
            kind=KIND,
            name=outcome.name,
            scheduled_time=at,
            state=outcome.state,
            completed_time=self.emu.now,
            error_message=outcome.message,
            query_id=outcome.query_id,
            details={"refresh_action": outcome.action, "refresh_trigger": "SCHEDULED"},
        )


_EPSILON = timedelta(microseconds=1)


def _in_transaction(emu: Engine, object_id: int, upstream_failed: bool) -> Outcome:
    # With a session transaction open the refresh joins it; a refresh evaluates its query
    # before writing, so a failing one leaves nothing behind there either.
    own = not emu.in_transaction
    if own:
        emu.transactions.begin()
    try:
        if upstream_failed:
            raise _UpstreamFailed
        outcome = refresh_one(emu, object_id, "SCHEDULED")
    except (SqlError, duckdb.Error, _UpstreamFailed) as err:
        if own:
            emu.transactions.rollback()
            emu.transactions.begin()
        state = "UPSTREAM_FAILED" if isinstance(err, _UpstreamFailed) else "FAILED"
        message = code = None
        if not isinstance(err, _UpstreamFailed):
            mapped = map_error(err) if isinstance(err, duckdb.Error) else err
            message = mapped.msg
            code = f"{mapped.errno:06d}" if mapped.errno is not None else None
        loaded = load(emu, object_id)
        assert loaded is not None
        obj, spec = loaded
        record(emu, obj, spec, state, None, "SCHEDULED", emu.now, message=message, code=code)
        outcome = Outcome(obj.name, state, None, message=message)
    if own:
        # A refresh is a commit: cached answers keyed on the commit count are redone.
        emu.transactions.commit(hooks=False)
    return outcome


class _UpstreamFailed(Exception):
    """An upstream refresh in the same round failed."""
