"""File removals that wait for a commit: PURGE after COPY, a dropped stage's directory.

A COPY with ``PURGE = TRUE`` removes the files it loaded "after the data is loaded
successfully" (https://docs.snowflake.com/en/sql-reference/sql/copy-into-table): here, once
the statement's transaction commits, so a failed or rolled back COPY keeps its files (and its
rows are not loaded either). Inside BEGIN … COMMIT the removals wait for COMMIT; a statement
that fails inside the transaction drops its own.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlglot import exp

    from emulator.core.engine import Engine

Action = Callable[[], None]


class AfterCommit:
    """Actions to run once the running statement's transaction commits (a statement
    listener and a commit hook; see the module docstring)."""

    def __init__(self, emu: Engine) -> None:
        self._emu = emu
        self._statement: list[Action] = []  # registered by the running statement
        self._transaction: list[Action] = []  # of finished statements, waiting for COMMIT

    def add(self, action: Action) -> None:
        """Run ``action`` after the running statement commits."""
        self._statement.append(action)

    # -- statement listener ----------------------------------------------------------------

    def start(self, statement: exp.Expression | None, query_id: str | None) -> None:
        self._statement = []
        if not self._emu.in_transaction:
            self._transaction = []  # left by a statement whose COMMIT failed

    def finish(self, kind: Any) -> None:
        self._transaction.extend(self._statement)
        self._statement = []

    def on_begin(self) -> None:
        self._transaction = []

    def on_commit(self) -> None:
        self._run()

    def on_rollback(self) -> None:
        self._transaction = []

    # -- commit hook -------------------------------------------------------------------------

    def committed(self) -> None:
        """An autocommit statement committed."""
        if not self._emu.in_transaction:
            self._run()

    def _run(self) -> None:
        actions, self._transaction = self._transaction, []
        for action in actions:
            with contextlib.suppress(OSError):  # "no error is returned" when a purge fails
                action()
