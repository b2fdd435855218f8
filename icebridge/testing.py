"""Test code written for snowflake-connector-python against the emulator, unchanged.

.. code-block:: python

    import snowflake.connector
    import icebridge.testing

    with icebridge.testing.patch() as emu:          # or @icebridge.testing.patch()
        conn = snowflake.connector.connect(account="x", user="y", database="SHOP")
        conn.cursor().execute("SELECT 1")

Inside :func:`patch`, ``snowflake.connector.connect(**kwargs)`` returns a connection to one
emulator (in memory, or the lake at ``path``; or the ``emulator=`` you pass). Every
connection opened in the block is its own Snowflake session (current database, schema,
warehouse, role, parameters, variables, transaction) on that shared emulator. What is
patched, and restored on exit:

* ``snowflake.connector.connect`` and ``snowflake.connector.Connect``;
* ``snowflake.connector.SnowflakeConnection`` and
  ``snowflake.connector.connection.SnowflakeConnection``: a stand-in class whose call opens
  an emulator connection, so a ``connect`` imported before the patch (``from
  snowflake.connector import connect``, which calls ``SnowflakeConnection(**kwargs)``)
  reaches the emulator too, and ``isinstance(conn, SnowflakeConnection)`` holds.

See docs/testing.md. The pytest plugin (``icebridge_emulator``, ``icebridge_connection``,
``icebridge_patch`` fixtures) is :mod:`icebridge.pytest_plugin`. This module imports
nothing heavy until used: the emulator and the connector load when a patch starts.
"""

from __future__ import annotations

import functools
import importlib
import threading
from collections.abc import Callable
from contextlib import ContextDecorator
from pathlib import Path
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any

from icebridge.errors import IcebridgeError

if TYPE_CHECKING:
    from emulator import Emulator
    from emulator.api.connector import Connection

__all__ = ["ConnectorMissingError", "connect", "patch"]

#: (module, attribute) pairs replaced by a patch, in order.
PATCHED = (
    ("snowflake.connector", "connect"),
    ("snowflake.connector", "Connect"),
    ("snowflake.connector", "SnowflakeConnection"),
    ("snowflake.connector.connection", "SnowflakeConnection"),
)


class ConnectorMissingError(IcebridgeError):
    """``icebridge.testing.patch()`` needs snowflake-connector-python installed."""


def connect(emulator: Emulator, **connect_args: Any) -> Connection:
    """A connection to ``emulator`` with a session of its own, from the arguments of
    ``snowflake.connector.connect`` (``database=``, ``schema=``, ``warehouse=``, ``role=``,
    ``autocommit=``, ``paramstyle=``, ``timezone=``, ``session_parameters=``; credentials are
    ignored). Needs no connector installed."""
    from emulator.api.sessions import open_connection

    return open_connection(emulator, **connect_args)


class patch(ContextDecorator):  # lower case: used like a function, patch() / @patch()
    """Route ``snowflake.connector.connect`` to an emulator while the block runs.

    ``patch()`` opens an in-memory emulator, ``patch(path)`` the lake at ``path``
    (``emulator_options`` go to :class:`~emulator.Emulator`: ``clock=``,
    ``behavior_change_bundles=`` …), ``patch(emulator=emu)`` uses yours. ``with patch() as
    emu:`` gives the emulator; as a decorator the function runs inside the patch. On exit
    every connection opened in the block is closed (an open transaction rolled back), the
    patched names are restored, and the emulator closed unless it was passed in.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        emulator: Emulator | None = None,
        **emulator_options: Any,
    ) -> None:
        if emulator is not None and (path is not None or emulator_options):
            raise IcebridgeError("patch(emulator=...) takes no path or emulator options")
        self._path = path
        self._given = emulator
        self._options = emulator_options
        self._active: list[_Active] = []
        self._lock = threading.Lock()

    def __enter__(self) -> Emulator:
        modules = _connector_modules()
        emulator = self._given
        if emulator is None:
            from emulator import Emulator

            emulator = Emulator(self._path, **self._options)
        active = _Active(emulator, owned=self._given is None, modules=modules)
        try:
            active.install()
        except BaseException:
            active.uninstall()
            raise
        with self._lock:
            self._active.append(active)
        return emulator

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        with self._lock:
            active = self._active.pop()
        active.uninstall()


class _Active:
    """One entered patch: the emulator, its connections, what it replaced."""

    def __init__(self, emulator: Emulator, *, owned: bool, modules: dict[str, ModuleType]):
        self.emulator = emulator
        self.owned = owned
        self.modules = modules
        self.saved: list[tuple[ModuleType, str, Any]] = []
        self.connections: list[Connection] = []
        self._lock = threading.Lock()

    def connect(
        self, connection_name: str | None = None, connections_file_path: Any = None, **kwargs: Any
    ) -> Connection:
        # SnowflakeConnection's own signature; a named connection (connections.toml) has
        # nothing the emulator needs, so the name and file are ignored.
        conn = connect(self.emulator, **kwargs)
        with self._lock:
            self.connections.append(conn)
        return conn

    def install(self) -> None:
        stand_in = _stand_in(self.connect, self.modules["snowflake.connector.connection"])
        active = self

        @functools.wraps(self.modules["snowflake.connector"].connect)
        def factory(**kwargs: Any) -> Connection:
            return active.connect(**kwargs)

        for module_name, attribute in PATCHED:
            module = self.modules[module_name]
            self.saved.append((module, attribute, getattr(module, attribute)))
            value = stand_in if attribute == "SnowflakeConnection" else factory
            setattr(module, attribute, value)

    def uninstall(self) -> None:
        try:
            with self._lock:
                connections, self.connections = self.connections, []
            for conn in connections:
                conn.close()
        finally:
            for module, attribute, value in reversed(self.saved):
                setattr(module, attribute, value)
            self.saved = []
            if self.owned:
                self.emulator.close()


def _stand_in(factory: Callable[..., Connection], module: ModuleType) -> type:
    """A class standing in for ``SnowflakeConnection``: calling it opens an emulator
    connection; the real class's and the emulator's connections are its instances."""
    from emulator.api.connector import Connection

    real = module.SnowflakeConnection

    class _Meta(type):
        def __call__(cls, *args: Any, **kwargs: Any) -> Any:
            return factory(*args, **kwargs)

        def __instancecheck__(cls, instance: Any) -> bool:
            return isinstance(instance, Connection | real)

        def __subclasscheck__(cls, subclass: type) -> bool:
            return issubclass(subclass, Connection | real)

    return _Meta("SnowflakeConnection", (), {"__doc__": real.__doc__, "__module__": __name__})


def _connector_modules() -> dict[str, ModuleType]:
    try:
        return {name: importlib.import_module(name) for name, _ in PATCHED}
    except ImportError as err:
        raise ConnectorMissingError(
            "icebridge.testing.patch() patches snowflake-connector-python, which is not "
            f"installed ({err}): pip install snowflake-connector-python. Without it, open "
            "connections with icebridge.testing.connect(emulator, ...) or emu.connect()."
        ) from None
