"""One connection's session on the engine: swapped in for each of its statements.

See :class:`~emulator.core.state.Sessions` for how the engine's one state object holds the
active session's values, and :mod:`emulator.api.sessions` for opening such a connection.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from sqlglot import exp

from emulator.api.result_types import with_declared_types

if TYPE_CHECKING:
    from emulator.api.engine import EmulatorEngine
    from emulator.core.outcome import QueryResult
    from emulator.core.state import Session, SessionState

__all__ = ["SessionRunner"]


class SessionRunner:
    """Runs one session's statements on an engine.

    Under the engine's lock the session is swapped in for the statement and the engine's
    own session swapped back after it, so everything else (``emu.execute``, ``advance``,
    ingest) always runs in the emulator's own session.
    """

    def __init__(self, engine: EmulatorEngine, session: Session | None) -> None:
        self.engine = engine
        self.session = session if session is not None else engine.sessions.default

    @property
    def values(self) -> SessionState:
        """The session's current database, schema, parameters …"""
        return self.engine.sessions.values(self.session)

    def run(self, sql: str, tree: exp.Expression | None = None) -> QueryResult:
        """Run one statement (``tree``: its parsed form) in this session."""
        engine = self.engine
        sessions = engine.sessions
        with engine.lock:
            own = sessions.current
            if sessions.activate(self.session):
                engine.apply_timezone()
            try:
                result = engine.run_parsed(tree, sql) if tree is not None else engine.run(sql)
                if result.statement_kind == "QUERY":  # TIMESTAMP_TZ vs _LTZ, while in session
                    typed = with_declared_types(engine.resolver, sql, result.table)
                    result = replace(result, table=typed)
                return result
            finally:
                if sessions.activate(own) and not engine.closed:
                    engine.apply_timezone()
