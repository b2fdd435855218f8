"""The emulator connection's errors, as snowflake-connector-python raises them.

When the connector is installed, every error the connection raises is an instance of a
class derived from both the icebridge class (:class:`~icebridge.errors.ProgrammingError`,
:class:`~icebridge.errors.DataError` …) and the class the real connector would raise, so
``except snowflake.connector.errors.ProgrammingError`` and ``except icebridge.SqlError``
both catch it. Without the connector, the icebridge error is raised unchanged: icebridge
never needs the connector at run time.

Which connector class: the connector's cursor raises ``IntegrityError`` for a statement
that failed with ``100072`` (NULL in a non-nullable column) and ``ProgrammingError`` for
every other failed statement (``SnowflakeCursor.execute`` in
snowflakedb/snowflake-connector-python ``src/snowflake/connector/cursor.py``);
``InterfaceError`` for a closed cursor, ``DatabaseError`` for a closed connection and
``NotSupportedError`` (SQLSTATE ``0A000``) for what it does not support. The emulator's own
"not implemented" errors (:class:`~icebridge.errors.UnsupportedError`) are therefore
``NotSupportedError``.

Attributes follow both: ``errno``, ``sqlstate``, ``sfqid`` and ``msg`` (the message without
the ``errno (sqlstate):`` prefix, as everywhere in icebridge; also ``raw_msg``, the
connector's name for it), ``query`` (the statement's text), and ``str(err)`` is the
connector's ``"002003 (42S02): SQL compilation error: …"``.
"""

from __future__ import annotations

import importlib
import importlib.util
import threading
from types import ModuleType
from typing import Any

from icebridge.errors import ProgrammingError, SqlError, UnsupportedError

__all__ = ["api_error", "as_connector_error", "connector_class_name", "connector_errors"]

#: The connector's NULL-in-a-non-nullable-column error, raised as IntegrityError.
INTEGRITY_ERRNO = 100072

_combined: dict[tuple[type[SqlError], str], type[SqlError]] = {}
_lock = threading.Lock()
_module: list[ModuleType | None] = []  # looked up once: [] unknown, [None] not installed


def connector_errors() -> ModuleType | None:
    """``snowflake.connector.errors`` when the connector is installed, else None."""
    if not _module:
        with _lock:
            if not _module:
                _module.append(_load())
    return _module[0]


def _load() -> ModuleType | None:
    try:
        if importlib.util.find_spec("snowflake.connector") is None:
            return None
    except (ImportError, ValueError):  # no `snowflake` package at all
        return None
    return importlib.import_module("snowflake.connector.errors")


def connector_class_name(err: SqlError) -> str:
    """The name of the connector class its cursor raises for a failed statement ``err``."""
    if err.errno == INTEGRITY_ERRNO:
        return "IntegrityError"
    if isinstance(err, UnsupportedError):
        return "NotSupportedError"
    return "ProgrammingError"


def as_connector_error(
    err: SqlError, kind: str | None = None, *, query: str | None = None
) -> SqlError:
    """``err`` as the connector raises it: an instance of the combined class (``kind``: the
    connector class name, by default :func:`connector_class_name`), or ``err`` itself with
    ``query`` set when the connector is not installed."""
    module = connector_errors()
    if module is None or _is_combined(err):
        if query is not None or not hasattr(err, "query"):
            err.query = query  # type: ignore[attr-defined]
        return err
    cls = combined_class(type(err), kind or connector_class_name(err), module)
    converted = cls(err.msg, errno=err.errno, sqlstate=err.sqlstate, sfqid=err.sfqid)
    converted.__dict__.update(err.__dict__)  # icebridge attributes (path, row …) too
    converted.raw_msg = err.msg  # type: ignore[attr-defined]
    converted.query = query  # type: ignore[attr-defined]
    converted.__traceback__ = err.__traceback__
    return converted


def api_error(
    msg: str, errno: int, kind: str, *, sqlstate: str = "", query: str | None = None
) -> SqlError:
    """A misuse of the connection API (closed cursor, bad parameters), as the connector
    class ``kind`` (``InterfaceError``, ``DatabaseError``, ``ProgrammingError`` …)."""
    return as_connector_error(
        ProgrammingError(msg, errno=errno, sqlstate=sqlstate), kind, query=query
    )


def _is_combined(err: SqlError) -> bool:
    return getattr(type(err), "_icebridge_connector_class", False) is True


def combined_class(base: type[SqlError], kind: str, module: ModuleType) -> type[SqlError]:
    """The class derived from ``base`` and the connector's ``kind`` (made once, cached)."""
    key = (base, kind)
    cls = _combined.get(key)
    if cls is None:
        with _lock:
            cls = _combined.get(key)
            if cls is None:
                cls = _make(base, getattr(module, kind))
                _combined[key] = cls
    return cls


def _make(base: type[SqlError], connector_class: Any) -> type[SqlError]:
    def __init__(
        self: SqlError,
        msg: str | None = None,
        errno: int = 0,
        sqlstate: str = "",
        sfqid: str | None = None,
        query: str | None = None,
        **_: Any,
    ) -> None:
        # The connector's constructor first (its attributes, no telemetry), then
        # icebridge's values, which differ only where the connector pads (errno -1, "n/a").
        connector_class.__init__(
            self,
            msg=msg,
            errno=errno or None,
            sqlstate=sqlstate or None,
            sfqid=sfqid,
            query=query,
            done_format_msg=True,
            send_telemetry=False,
        )
        self.msg = msg or ""
        self.errno = errno
        self.sqlstate = sqlstate
        self.sfqid = sfqid
        self.args = (str(self),)

    def __str__(self: SqlError) -> str:
        # The connector's shape: "errno (sqlstate): msg", or "errno: msg" without a state.
        if self.errno and not self.sqlstate:
            return f"{self.errno:06d}: {self.msg}"
        return self._format()

    def __reduce__(self: SqlError) -> tuple[Any, ...]:
        # A made class is not importable by name: pickle rebuilds it from its parts.
        return (_rebuild, (base, connector_class.__name__, dict(self.__dict__)))

    namespace = {
        "__init__": __init__,
        "__str__": __str__,
        "__repr__": __str__,
        "__reduce__": __reduce__,
        "__module__": __name__,
        "__doc__": f"{base.__doc__}\n\nAlso the connector's ``{connector_class.__name__}``.",
        "_icebridge_connector_class": True,
    }
    cls = type(base.__name__, (base, connector_class), namespace)
    cls.__qualname__ = f"{base.__name__}[{connector_class.__name__}]"
    return cls


def _rebuild(base: type[SqlError], kind: str, state: dict[str, Any]) -> SqlError:
    """Unpickle a connector error (the connector was installed where it was pickled)."""
    module = connector_errors()
    cls = combined_class(base, kind, module) if module is not None else base
    err = cls(state.get("msg", ""), errno=state.get("errno", 0), sqlstate=state.get("sqlstate", ""))
    err.__dict__.update(state)
    return err
