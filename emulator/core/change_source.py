"""The interface of a change source and the names of its METADATA$ columns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sqlglot import exp

ACTION = "METADATA$ACTION"
ISUPDATE = "METADATA$ISUPDATE"
ROW_ID_COLUMN = "METADATA$ROW_ID"
#: ``start`` meaning "before the source existed": every row present at ``end`` is new.
BEGINNING = -1


class ChangeSource(Protocol):
    """A source streams and the CHANGES clause can read.

    Queries are DuckDB query nodes (built with :mod:`emulator.core.sql`); callers embed them
    in their own statements and generate the text with ``sql.render``.
    """

    def current_version(self) -> int:
        """The latest committed version visible to the open transaction."""
        ...

    def has_changes(self, start: int, end: int, *, append_only: bool) -> bool:
        """Whether any change record lies in ``(start, end]`` (false positives allowed)."""
        ...

    def delta_sql(self, start: int, end: int, *, append_only: bool) -> exp.Expression:
        """A DuckDB query node returning the delta in ``(start, end]`` with METADATA$ columns."""
        ...

    def image_sql(self, version: int) -> exp.Expression:
        """A DuckDB query node returning the source's rows as of ``version``."""
        ...
