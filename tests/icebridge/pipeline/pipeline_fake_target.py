"""A recording Target for pipeline tests (no emulator needed)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pyarrow as pa

from icebridge.sql.identifiers import ObjectName


class RecordingTarget:
    """Records scripts and batches; answers queries through ``answer``."""

    def __init__(self, answer: Callable[[str], pa.Table] | None = None) -> None:
        self.scripts: list[list[str]] = []
        self.batches: list[tuple[ObjectName, pa.Table]] = []
        self.queries: list[str] = []
        self._answer = answer

    def execute_script(self, statements: Sequence[str]) -> None:
        self.scripts.append(list(statements))

    def insert_rows(self, table: ObjectName, batch: pa.Table) -> int:
        self.batches.append((table, batch))
        return int(batch.num_rows)

    def query(self, sql: str) -> pa.Table:
        self.queries.append(sql)
        if self._answer is None:
            raise AssertionError(f"unexpected query {sql}")
        return self._answer(sql)
