"""The narrow engine interface that statement handlers and features receive.

A handler never sees the :class:`~emulator.api.emulator.Emulator` facade: it gets an
:class:`Engine`, so what it may touch is visible from this one Protocol. The facade
implements it; nothing below ``emulator.api`` imports the facade.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from threading import RLock
from typing import TYPE_CHECKING, Any, Protocol

import pyarrow as pa
from sqlglot import exp

from emulator.core.outcome import SUCCESS, Outcome, QueryResult, status

if TYPE_CHECKING:
    import duckdb

    from emulator.core.capture import ChangeCapture
    from emulator.core.catalog import Catalog
    from emulator.core.clock import Clock
    from emulator.core.lake import Lake
    from emulator.core.registry import Registry
    from emulator.core.resolve import Resolver
    from emulator.core.scheduler import Scheduler
    from emulator.core.state import SessionState
    from emulator.core.transactions import Transactions

#: A statement handler: (engine, parsed statement, its text) -> outcome.
Handler = Callable[["Engine", exp.Expression, str], Outcome]
#: A statement rewriter: (engine, parsed statement) -> statement (e.g. SYSTEM$ calls).
Rewriter = Callable[["Engine", exp.Expression], exp.Expression]


__all__ = ["SUCCESS", "Engine", "Handler", "Outcome", "QueryResult", "Rewriter", "status"]


class Engine(Protocol):
    """What statement handlers and features may use of the running emulator."""

    con: duckdb.DuckDBPyConnection
    state: SessionState
    catalog: Catalog
    resolver: Resolver
    capture: ChangeCapture
    clock: Clock
    scheduler: Scheduler
    registry: Registry[Engine]
    lake: Lake
    transactions: Transactions
    lock: RLock
    path: Path | None
    behavior_change_bundles: frozenset[str]

    @property
    def now(self) -> datetime:
        """The emulator's current time (timezone-aware UTC)."""
        ...

    @property
    def in_transaction(self) -> bool:
        """True inside an explicit BEGIN … COMMIT."""
        ...

    @property
    def commit_count(self) -> int:
        """Statements committed so far (a cheap "did any data change?" check)."""
        ...

    @property
    def realtime_running(self) -> bool:
        """True while real-time mode drives the clock."""
        ...

    @property
    def closed(self) -> bool:
        """True once the emulator is closed."""
        ...

    def translate(self, node: exp.Expression) -> exp.Expression:
        """Snowflake AST -> DuckDB AST with the session's context."""
        ...

    def fetch(self, duck_sql: str | exp.Expression, params: list[Any] | None = None) -> pa.Table:
        """Run DuckDB SQL (text or a DuckDB AST) and return Arrow."""
        ...

    def run_parsed(
        self, node: exp.Expression, sql: str, *, query_id: str | None = None
    ) -> QueryResult:
        """Run one parsed Snowflake statement through the whole statement path."""
        ...

    def begin(self) -> None:
        """Open an explicit transaction."""
        ...

    def commit(self) -> None:
        """Commit the explicit transaction."""
        ...

    def rollback(self) -> None:
        """Roll the explicit transaction back."""
        ...

    def apply_timezone(self) -> None:
        """Keep DuckDB's TimeZone equal to the session TIMEZONE."""
        ...
