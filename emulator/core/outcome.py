"""What a statement returns: handler outcomes and query results (no dependencies)."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

SUCCESS = "Statement executed successfully."


@dataclass(frozen=True)
class Outcome:
    """What a statement handler returns to the session."""

    table: pa.Table
    rowcount: int | None = None


def status(message: str) -> Outcome:
    """A DDL-style one-row ``status`` result."""
    return Outcome(pa.table({"status": pa.array([message], pa.string())}))


@dataclass(frozen=True)
class QueryResult:
    """The result of one statement."""

    table: pa.Table
    rowcount: int | None
    query_id: str
    statement_kind: str
