"""The one place that issues DuckDB BEGIN / COMMIT / ROLLBACK.

Every DuckDB transaction of the emulator — a statement's autocommit transaction, an
explicit BEGIN … COMMIT, a scheduled refresh, the repair on open — goes through
:class:`Transactions`, so the change capture is reset and commit hooks run the same way
everywhere, and a ROLLBACK always drops the catalog's cached reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlglot import exp

from emulator.core import sql

if TYPE_CHECKING:
    import duckdb

    from emulator.core.capture import ChangeCapture

_BEGIN = sql.render(exp.Transaction())
_COMMIT = sql.render(exp.Commit())
_ROLLBACK = sql.render(exp.Rollback())


class Transactions:
    """DuckDB transactions of one emulator connection."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        capture: ChangeCapture | None,
        commit_hooks: list[Callable[[], None]],
    ) -> None:
        self.con = con
        self.capture = capture
        self.commit_hooks = commit_hooks
        #: Transactions committed so far: features cache reads against this count.
        self.commits = 0

    def begin(self) -> None:
        """Open a DuckDB transaction."""
        self.con.execute(_BEGIN)
        self._reset()

    def commit(self, *, hooks: bool = True) -> None:
        """Commit it; ``hooks`` runs the commit hooks (statement transactions do)."""
        try:
            self.con.execute(_COMMIT)
        except BaseException:
            if self.capture is not None:  # a failed COMMIT leaves nothing of the transaction
                self.capture.rolled_back()
            raise
        self.commits += 1
        if self.capture is not None:
            self.capture.committed()
        if hooks:
            for hook in self.commit_hooks:
                hook()

    def rollback(self) -> None:
        """Roll it back (the catalog's cache goes with it, even if DuckDB refuses)."""
        try:
            self.con.execute(_ROLLBACK)
        finally:
            if self.capture is not None:
                self.capture.rolled_back()

    @contextmanager
    def unit(self, *, hooks: bool = False) -> Iterator[None]:
        """``with transactions.unit():`` commits on a clean exit, rolls back on error."""
        self.begin()
        try:
            yield
        except BaseException:
            self.rollback()
            raise
        self.commit(hooks=hooks)

    def _reset(self) -> None:
        if self.capture is not None:
            self.capture.reset()
