"""The CREATE STREAM statement node.

https://docs.snowflake.com/en/sql-reference/sql/create-stream
"""

from __future__ import annotations

import typing as t

from sqlglot import exp

from icebridge.sql.nodes_common import CreateFlagsMixin, OptionsMixin, bool_value, string_value

#: Source kinds accepted after ``ON``.
STREAM_SOURCE_KINDS = ("TABLE", "VIEW", "EXTERNAL TABLE", "STAGE", "DYNAMIC TABLE")


class CreateStream(CreateFlagsMixin, OptionsMixin, exp.Expression):
    """``CREATE [OR REPLACE] STREAM [IF NOT EXISTS] name [COPY GRANTS] ON <kind> source
    [AT|BEFORE (...)] [APPEND_ONLY = ...] [INSERT_ONLY = ...] [SHOW_INITIAL_ROWS = ...]
    [COMMENT = '...']``.

    Args: ``this`` (exp.Table, the stream), ``replace``, ``exists`` (IF NOT EXISTS),
    ``copy_grants``, ``kind`` (one of :data:`STREAM_SOURCE_KINDS`), ``on`` (exp.Table),
    ``at`` (exp.HistoricalData) and ``properties`` (the options, in order).
    """

    arg_types: t.ClassVar[dict[str, bool]] = {
        "this": True,
        "replace": False,
        "exists": False,
        "copy_grants": False,
        "kind": True,
        "on": True,
        "at": False,
        "properties": False,
    }

    @property
    def stream(self) -> exp.Table:
        """The stream's name."""
        table = self.this
        assert isinstance(table, exp.Table)
        return table

    @property
    def source(self) -> exp.Table:
        """The source object the stream tracks."""
        table = self.args["on"]
        assert isinstance(table, exp.Table)
        return table

    @property
    def source_kind(self) -> str:
        """``TABLE``, ``VIEW``, ``EXTERNAL TABLE``, ``STAGE`` or ``DYNAMIC TABLE``."""
        return str(self.args["kind"]).upper()

    @property
    def at(self) -> exp.HistoricalData | None:
        """The AT/BEFORE clause: ``.this`` is AT or BEFORE, ``.kind`` TIMESTAMP, OFFSET,
        STATEMENT or STREAM, ``.expression`` the point."""
        at = self.args.get("at")
        return at if isinstance(at, exp.HistoricalData) else None

    @property
    def append_only(self) -> bool | None:
        """APPEND_ONLY, or None when not given (the default is FALSE)."""
        return bool_value(self.option("APPEND_ONLY"))

    @property
    def insert_only(self) -> bool | None:
        """INSERT_ONLY, or None when not given (the default is FALSE)."""
        return bool_value(self.option("INSERT_ONLY"))

    @property
    def show_initial_rows(self) -> bool | None:
        """SHOW_INITIAL_ROWS, or None when not given (the default is FALSE)."""
        return bool_value(self.option("SHOW_INITIAL_ROWS"))

    @property
    def comment(self) -> str | None:
        """COMMENT text, or None."""
        return string_value(self.option("COMMENT"))

    @property
    def mode(self) -> str:
        """SHOW STREAMS ``mode``: ``DEFAULT``, ``APPEND_ONLY`` or ``INSERT_ONLY``."""
        if self.append_only:
            return "APPEND_ONLY"
        if self.insert_only:
            return "INSERT_ONLY"
        return "DEFAULT"
