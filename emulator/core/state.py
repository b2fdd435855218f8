"""Session state: current database/schema/warehouse/role, parameters and variables, and
the sessions (one per connection) that an engine switches between.

Parameters follow https://docs.snowflake.com/en/sql-reference/parameters (session level).
Only parameters the emulator honours, or records harmlessly, are accepted; any other name
raises Snowflake's invalid-parameter error instead of being silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from emulator import errors

#: Session parameters and their defaults (names stored upper-case).
PARAMETER_DEFAULTS: dict[str, Any] = {
    "TIMEZONE": "America/Los_Angeles",
    "ERROR_ON_NONDETERMINISTIC_MERGE": True,
    "ERROR_ON_NONDETERMINISTIC_UPDATE": False,
    "AUTOCOMMIT": True,
    "QUERY_TAG": "",
    "TIMESTAMP_TYPE_MAPPING": "TIMESTAMP_NTZ",
    "TRANSACTION_ABORT_ON_ERROR": False,
    "TIMESTAMP_DAY_IS_ALWAYS_24H": False,
    "STATEMENT_TIMEOUT_IN_SECONDS": 172800,
}

_BOOLEAN = {k for k, v in PARAMETER_DEFAULTS.items() if isinstance(v, bool)}
_INTEGER = {
    k for k, v in PARAMETER_DEFAULTS.items() if isinstance(v, int) and not isinstance(v, bool)
}


def coerce_parameter(name: str, value: Any) -> Any:
    """Check ``value`` for parameter ``name``; returns the stored Python value."""
    if name not in PARAMETER_DEFAULTS:
        raise errors.invalid_parameter(name)
    if name in _BOOLEAN:
        if isinstance(value, bool):
            return value
        text = str(value).strip().upper()
        if text in ("TRUE", "FALSE"):
            return text == "TRUE"
        raise errors.invalid_value(name, str(value))
    if name in _INTEGER:
        try:
            return int(value)
        except (TypeError, ValueError):
            raise errors.invalid_value(name, str(value)) from None
    text = str(value)
    if name == "TIMEZONE":
        try:
            ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError):
            raise errors.invalid_value(name, text) from None
    return text


@dataclass
class SessionState:
    """What ``USE`` / ``ALTER SESSION`` / ``SET`` change; reset when the emulator reopens."""

    database: str | None = None
    schema: str | None = None
    warehouse: str | None = None
    role: str = "ACCOUNTADMIN"
    parameters: dict[str, Any] = field(default_factory=lambda: dict(PARAMETER_DEFAULTS))
    variables: dict[str, Any] = field(default_factory=dict)

    @property
    def timezone(self) -> str:
        return str(self.parameters["TIMEZONE"])


@dataclass(eq=False)
class Session:
    """One Snowflake session: a connection's own current database/schema/warehouse/role,
    parameters and variables (https://docs.snowflake.com/en/sql-reference/sql/use: "the
    current database for the session"). ``id`` plays Snowflake's session id."""

    id: int
    state: SessionState


#: Snowflake session ids are large integers; the emulator's count up from here.
FIRST_SESSION_ID = 1


class Sessions:
    """The sessions of one engine, and which one runs the current statement.

    The engine's ``state`` object (held by the resolver and the features) always holds the
    active session's values: switching sessions copies the fields out of it into the
    session being left and in from the session being entered, so no holder of ``state``
    needs to know about sessions. Switch only under the engine's lock.

    DuckDB has one connection, so one explicit transaction at a time: the session that
    opened it holds it (:meth:`hold`) until COMMIT or ROLLBACK (:meth:`release`), and a
    statement of any other session meanwhile raises (:meth:`check_turn`) instead of
    running inside a transaction that is not its own.
    """

    def __init__(self, live: SessionState) -> None:
        self.live = live
        self._next_id = FIRST_SESSION_ID
        self.default = self._make(_copy(live))
        self.current = self.default
        self.holder: Session | None = None

    def new(self) -> Session:
        """A new session with Snowflake's defaults (no current database, default
        parameters)."""
        return self._make(SessionState())

    def _make(self, state: SessionState) -> Session:
        session = Session(self._next_id, state)
        self._next_id += 1
        return session

    def values(self, session: Session) -> SessionState:
        """The session's current values (the live state while it is active)."""
        return self.live if session is self.current else session.state

    def activate(self, session: Session) -> bool:
        """Make ``session`` the active one; True when the TIMEZONE changed with it (the
        caller re-applies it to DuckDB)."""
        if session is self.current:
            return False
        before = self.live.timezone
        _assign(self.current.state, self.live)
        _assign(self.live, session.state)
        self.current = session
        return self.live.timezone != before

    def check_turn(self, in_transaction: bool) -> None:
        """Raise when another session holds the open explicit transaction."""
        holder = self.holder
        if in_transaction and holder is not None and holder is not self.current:
            raise errors.unsupported(
                f"a statement of session {self.current.id} while session {holder.id} has an "
                "open transaction: the emulator runs one transaction at a time (its DuckDB "
                f"connection is shared), so commit or roll back session {holder.id} first"
            )

    def hold(self) -> None:
        """The active session opened an explicit transaction."""
        self.holder = self.current

    def release(self) -> None:
        """The explicit transaction ended."""
        self.holder = None


def _copy(state: SessionState) -> SessionState:
    copied = SessionState()
    _assign(copied, state)
    return copied


def _assign(target: SessionState, source: SessionState) -> None:
    for item in fields(SessionState):
        setattr(target, item.name, getattr(source, item.name))
