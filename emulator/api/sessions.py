"""Connections with a Snowflake session each: ``open_connection(emu, database=..., ...)``.

Every connection to Snowflake is its own session: its own current database, schema,
warehouse and role, session parameters, variables and transaction
(https://docs.snowflake.com/en/sql-reference/sql/use,
https://docs.snowflake.com/en/sql-reference/session-variables). :func:`open_connection`
gives a connection a new :class:`~emulator.core.state.Session` of the emulator; each of its
statements runs with that session swapped in under the engine's lock, and the emulator's
own session (what ``emu.execute`` uses) swapped back after it.

The connect arguments follow ``snowflake.connector.connect``: ``database``, ``schema``,
``warehouse``, ``role``, ``autocommit``, ``paramstyle``, ``timezone`` and
``session_parameters`` are honoured; credentials and network settings (``account``,
``user``, ``password``, ``authenticator`` …) are accepted and ignored. Like the connector,
unknown arguments are accepted, with a warning when ``validate_default_parameters=True``
(``SnowflakeConnection.__config``). A login ``database`` / ``schema`` that does not exist
leaves the session without one, as Snowflake does, unless ``validate_default_parameters``
is set, which makes it an error.
"""

from __future__ import annotations

import sys
import warnings
from typing import TYPE_CHECKING, Any

from emulator.api.binding import ER_FAILED_PROCESSING_PYFORMAT, PARAMSTYLES
from emulator.api.connector import Connection
from emulator.api.connector_errors import api_error, as_connector_error
from emulator.core.state import SessionState, coerce_parameter
from emulator.errors import object_does_not_exist
from icebridge.errors import IdentifierError, SqlError
from icebridge.sql.identifiers import join_parts, split_name

if TYPE_CHECKING:
    from emulator.api.emulator import Emulator
    from emulator.api.engine import EmulatorEngine

__all__ = ["HONOURED", "open_connection"]

#: Connect arguments the emulator acts on; every other one is accepted and ignored.
HONOURED = frozenset(
    {
        "database",
        "schema",
        "warehouse",
        "role",
        "autocommit",
        "paramstyle",
        "timezone",
        "session_parameters",
        "validate_default_parameters",
    }
)
ER_INVALID_VALUE = 251007
#: Client-side parameters the connector keeps for itself (never sent as SQL): recorded.
_CLIENT_PREFIXES = ("CLIENT_", "PYTHON_", "JDBC_", "ODBC_")


def open_connection(emulator: Emulator, **kwargs: Any) -> Connection:
    """A connection to ``emulator`` with a session of its own, from connector arguments."""
    engine = emulator.engine
    validate = bool(kwargs.get("validate_default_parameters", False))
    if validate:
        _warn_unknown(kwargs)
    paramstyle = kwargs.get("paramstyle") or _default_paramstyle()
    if paramstyle not in PARAMSTYLES:
        raise api_error(
            "Invalid paramstyle is specified", errno=ER_INVALID_VALUE, kind="ProgrammingError"
        )
    with engine.lock:
        engine.check_open()
        session = engine.sessions.new()
        client = _apply_parameters(session.state, kwargs)
        _apply_login_names(engine, session.state, kwargs, validate=validate)
    autocommit = kwargs.get("autocommit")
    if autocommit is None:
        autocommit = client.pop("AUTOCOMMIT", True)
    client["AUTOCOMMIT"] = bool(autocommit)
    return Connection(
        emulator,
        autocommit=bool(autocommit),
        paramstyle=paramstyle,
        session=session,
        session_parameters=client,
        login={k: v for k, v in kwargs.items() if k in ("account", "user", "host", "port")},
    )


def _default_paramstyle() -> str:
    """``snowflake.connector.paramstyle`` (users may set it globally), else pyformat."""
    module = sys.modules.get("snowflake.connector")
    style = getattr(module, "paramstyle", None) if module is not None else None
    return style if isinstance(style, str) else "pyformat"


def _warn_unknown(kwargs: dict[str, Any]) -> None:
    known = _connector_arguments()
    if known is None:
        return
    for name in kwargs:
        if name not in known:
            # The connector's own wording (SnowflakeConnection.__config).
            warnings.warn(f"'{name}' is an unknown connection parameter", stacklevel=4)


def _connector_arguments() -> frozenset[str] | None:
    if "snowflake.connector.connection" not in sys.modules:
        return None
    from snowflake.connector.connection import DEFAULT_CONFIGURATION

    return frozenset(DEFAULT_CONFIGURATION) | {"connection_name", "connections_file_path"}


def _apply_parameters(state: SessionState, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Set the session parameters; returns the client-side ones (AUTOCOMMIT, CLIENT_* …)."""
    given = dict(kwargs.get("session_parameters") or {})
    if kwargs.get("timezone") is not None:
        given["TIMEZONE"] = kwargs["timezone"]
    client: dict[str, Any] = {}
    for raw, value in given.items():
        name = str(raw).upper()
        if name == "AUTOCOMMIT" or name.startswith(_CLIENT_PREFIXES):
            client[name] = value  # the connection keeps autocommit itself
            continue
        try:
            state.parameters[name] = coerce_parameter(name, value)
        except SqlError as err:
            raise as_connector_error(err) from None
        client[name] = state.parameters[name]
    return client


def _apply_login_names(
    engine: EmulatorEngine, state: SessionState, kwargs: dict[str, Any], *, validate: bool
) -> None:
    """The login's current database, schema, warehouse and role."""
    catalog = engine.catalog
    for what in ("warehouse", "role"):
        if kwargs.get(what):
            setattr(state, what, _name(kwargs[what], what)[-1])
    if kwargs.get("database"):
        database = _name(kwargs["database"], "database")[-1]
        if catalog.database_exists(database):
            state.database = database
            state.schema = "PUBLIC" if catalog.schema_exists(database, "PUBLIC") else None
        elif validate:
            raise as_connector_error(object_does_not_exist(join_parts([database]), "Database"))
    if kwargs.get("schema"):
        parts = _name(kwargs["schema"], "schema")
        owner = parts[-2] if len(parts) > 1 else state.database
        schema = parts[-1]
        if owner is not None and catalog.schema_exists(owner, schema):
            state.database, state.schema = owner, schema
        elif validate:
            shown = join_parts([p for p in (owner, schema) if p])
            raise as_connector_error(object_does_not_exist(shown, "Schema"))


def _name(value: Any, what: str) -> list[str]:
    """A login name in its stored form (unquoted upper-cased, as in SQL)."""
    try:
        return split_name(str(value), what=what)
    except IdentifierError as err:
        raise api_error(
            str(err), errno=ER_FAILED_PROCESSING_PYFORMAT, kind="ProgrammingError"
        ) from None
