"""The one exception tree of icebridge.

Everything icebridge or its emulator raises derives from :class:`IcebridgeError`.
SQL errors carry Snowflake's error number, SQLSTATE and message shape so that
code written against Snowflake can handle the emulator's errors the same way.
"""

from __future__ import annotations


class IcebridgeError(Exception):
    """Base class of every error raised by icebridge and its emulator."""


class DefinitionError(IcebridgeError, ValueError):
    """A pipeline definition is invalid. ``field`` names the offending part."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class IdentifierError(DefinitionError):
    """A name is not a valid Snowflake identifier."""


class IngestError(IcebridgeError):
    """Rows could not be ingested; nothing of the batch was written.

    ``row`` is the 0-based index of the offending row and ``column`` its column,
    when the error is about one value.
    """

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None) -> None:
        super().__init__(message)
        self.row = row
        self.column = column


class DeployError(IcebridgeError):
    """Deploying a pipeline to a target failed."""


class SqlError(IcebridgeError):
    """A SQL statement failed, reported the way Snowflake reports it.

    ``str(err)`` is formatted like the Snowflake connector's message:
    ``"002003 (42S02): SQL compilation error: ..."``.
    """

    def __init__(
        self, msg: str, *, errno: int = 0, sqlstate: str = "", sfqid: str | None = None
    ) -> None:
        self.msg = msg
        self.errno = errno
        self.sqlstate = sqlstate
        self.sfqid = sfqid
        super().__init__(self._format())

    def _format(self) -> str:
        if self.errno:
            return f"{self.errno:06d} ({self.sqlstate}): {self.msg}"
        return self.msg


class ProgrammingError(SqlError):
    """The statement is wrong: syntax, unknown or existing object, bad usage."""


class DataError(SqlError):
    """The data is wrong: NULL in a NOT NULL column, overflow, bad cast, division by zero."""


class UnsupportedError(SqlError):
    """Valid Snowflake SQL that the emulator does not implement (never a silent no-op)."""


class ClockError(IcebridgeError, ValueError):
    """A clock argument is invalid: a bad duration, a naive instant, or a move backwards.

    Also a ``ValueError``, so code catching that keeps working.
    """


class LakeError(IcebridgeError):
    """A persistent lake (``Emulator(path=...)``) cannot be opened or used as asked."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class LakeLockedError(LakeError):
    """Another Emulator holds the lake: one writer per lake, and no writer beside readers.

    ``pid`` and ``host`` name the holding process when known; ``read_only`` is True when
    the holders are read-only opens.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        pid: int | None = None,
        host: str | None = None,
        read_only: bool = False,
    ) -> None:
        super().__init__(message, path=path)
        self.pid = pid
        self.host = host
        self.read_only = read_only


class LakeReadOnlyError(ProgrammingError, LakeError):
    """A write (DML, DDL, advance, ingest, compaction) on a lake opened with
    ``read_only=True``; a SQL error (``errno`` 990002, SQLSTATE 25006) and a LakeError."""
