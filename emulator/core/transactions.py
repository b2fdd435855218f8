"""The one place that issues DuckDB BEGIN / COMMIT / ROLLBACK.

Every DuckDB transaction of the emulator — a statement's autocommit transaction, an
explicit BEGIN … COMMIT, a scheduled refresh, the repair on open — goes through
:class:`Transactions`, so the change capture is reset and commit hooks run the same way
everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlglot import exp

if TYPE_CHECKING:
    import duckdb

    from emulator.core.capture import ChangeCapture

_BEGIN = exp.Transaction().sql(dialect="duckdb")
_COMMIT = exp.Commit().sql(dialect="duckdb")
_ROLLBACK = exp.Rollback().sql(dialect="duckdb")


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
        self.con.execute(_COMMIT)
        self.commits += 1
        self._reset()
        if hooks:
            for hook in self.commit_hooks:
                hook()

    def rollback(self) -> None:
        """Roll it back."""
        self.con.execute(_ROLLBACK)
        self._reset()

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
