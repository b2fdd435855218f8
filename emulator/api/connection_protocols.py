"""What the DB-API connection and its cursors need of each other and of the emulator.

Protocols only, so the connection, the cursor and the session runner depend on these
shapes rather than on each other (and tests can stand a small fake in for the emulator).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import pyarrow as pa
from sqlglot import exp

if TYPE_CHECKING:
    from emulator.api.results import Finished


class QueryResultLike(Protocol):
    """What ``Emulator.run`` returns."""

    @property
    def table(self) -> pa.Table: ...
    @property
    def rowcount(self) -> int | None: ...
    @property
    def query_id(self) -> str: ...
    @property
    def statement_kind(self) -> str: ...


class EmulatorLike(Protocol):
    """The part of the emulator the connection uses."""

    def run(self, sql: str) -> QueryResultLike: ...


class ParsedRunner(Protocol):
    """An engine that runs an already parsed statement (``Emulator.engine``): a statement
    with bound parameters is handed over as the tree it was bound in, not parsed again."""

    def run_parsed(self, node: exp.Expression, sql: str) -> QueryResultLike: ...


class CursorHost(Protocol):
    """What a cursor uses of its connection."""

    @property
    def paramstyle(self) -> str: ...

    @property
    def binding_style(self) -> str | None: ...

    def is_closed(self) -> bool: ...

    def _check_open(self) -> None: ...

    def _execute(self, sql: str, tree: exp.Expression | None = None) -> QueryResultLike: ...

    def _keep(self, sfqid: str, entry: Finished) -> None: ...

    def _finished_query(self, sfqid: str, *, throw: bool) -> Finished | None: ...
