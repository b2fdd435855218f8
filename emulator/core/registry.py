"""Where statements and features plug in: one registry per emulator.

Statement handlers are found by the parsed node's class (walking its MRO, so a grammar
subclass may override a sqlglot class) or by ``(node class, kind)`` for statements that
share a node class (``CREATE DATABASE`` and ``CREATE TABLE`` are both ``exp.Create``;
``SHOW STREAMS`` and ``SHOW TASKS`` both ``exp.Show``). Features register their handlers,
relation providers, change sources and hooks when the emulator installs them; lower
layers consult the registry instead of importing features, and nothing assigns callbacks
into lower objects from above.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from sqlglot import exp

if TYPE_CHECKING:
    from emulator.core.catalog import CatalogObject
    from emulator.core.changes import ChangeSource
    from emulator.core.engine import Engine, Handler

T = TypeVar("T")


class Kind(Enum):
    """How the session runs a statement: value is (ddl?, transaction control?, label).

    DDL commits an open transaction first (Snowflake's implicit commit); transaction
    control statements manage transactions themselves; reads need none.
    """

    QUERY = (False, False, "query")
    SHOW = (False, False, "show")
    SHOW_PARAMETERS = (False, False, "show parameters")
    DESCRIBE = (False, False, "describe")
    INSERT = (False, False, "insert")
    UPDATE = (False, False, "update")
    DELETE = (False, False, "delete")
    MERGE = (False, False, "merge")
    TRUNCATE = (False, False, "truncate")
    CREATE = (True, False, "create")
    DROP = (True, False, "drop")
    ALTER = (True, False, "alter")
    UNDROP = (True, False, "undrop")
    USE = (False, False, "use")
    ALTER_SESSION = (False, False, "alter session")
    SET = (False, False, "set")
    UNSET = (False, False, "unset")
    BEGIN = (False, True, "begin")
    COMMIT = (False, True, "commit")
    ROLLBACK = (False, True, "rollback")
    # EXECUTE TASK and CALL manage their own transactions (a task run is one or more
    # transactions of its own).
    TASK_DDL = (True, False, "task ddl")
    EXECUTE_TASK = (False, True, "execute task")
    CALL = (False, True, "call")
    # Not DDL-like: a manual REFRESH inside an open transaction is an error, not a commit.
    ALTER_DYNAMIC_TABLE = (False, False, "alter dynamic table")
    UNSUPPORTED = (False, False, "unsupported")

    @property
    def ddl(self) -> bool:
        return bool(self.value[0])

    @property
    def transaction_control(self) -> bool:
        return bool(self.value[1])

    @property
    def read_only(self) -> bool:
        return self in _READS

    @property
    def writes(self) -> bool:
        """Row writes: replayed after a failure inside an explicit transaction."""
        return self in _WRITES


_READS = frozenset({Kind.QUERY, Kind.SHOW, Kind.SHOW_PARAMETERS, Kind.DESCRIBE})
_WRITES = frozenset({Kind.INSERT, Kind.UPDATE, Kind.DELETE, Kind.MERGE, Kind.TRUNCATE})

#: (engine, node) -> node: rewrites applied to every parsed statement before dispatch.
Rewriter = Callable[["Engine", exp.Expression], exp.Expression]
#: (engine, catalog object, written table) -> DuckDB relation replacing the table.
RelationProvider = Callable[["Engine", "CatalogObject", exp.Table], exp.Expression]
#: (engine, catalog object) -> change source (streams, CHANGES, dynamic refreshes).
ChangeSourceFactory = Callable[["Engine", "CatalogObject"], "ChangeSource"]
#: (engine, database, view name, written table) -> INFORMATION_SCHEMA relation.
InformationSchemaView = Callable[["Engine", str, exp.Table], exp.Expression]
#: (engine, catalog object) -> None: runs before an object is read (e.g. initialised?).
ReadCheck = Callable[["Engine", "CatalogObject"], None]
#: native handler -> handler: a feature taking over some targets of a statement kind.
Wrapper = Callable[["Handler"], "Handler"]

Key = type[exp.Expression] | tuple[type[exp.Expression], str]


class StatementListener(Protocol):
    """Told about every statement and transaction (stream consumption listens)."""

    def start(self, statement: exp.Expression | None, query_id: str | None) -> None: ...

    def finish(self, kind: Kind | None) -> None: ...

    def on_begin(self) -> None: ...

    def before_commit(self) -> None: ...

    def on_rollback(self) -> None: ...


@dataclass
class Registration:
    """One statement handler and how the session runs it."""

    kind: Kind
    handler: Handler


@dataclass
class Registry:
    """Handlers, providers and hooks of one emulator (filled at install)."""

    _statements: dict[Key, Registration] = field(default_factory=dict)
    rewriters: list[Rewriter] = field(default_factory=list)
    relations: dict[str, RelationProvider] = field(default_factory=dict)
    change_sources: dict[str, ChangeSourceFactory] = field(default_factory=dict)
    information_schema: dict[str, InformationSchemaView] = field(default_factory=dict)
    read_checks: dict[str, ReadCheck] = field(default_factory=dict)
    listeners: list[StatementListener] = field(default_factory=list)
    #: Metadata tables a feature keeps in the reserved schema (created at install).
    metadata_ddl: list[str] = field(default_factory=list)
    #: Run after each committed DuckDB transaction of a statement.
    commit_hooks: list[Callable[[], None]] = field(default_factory=list)
    #: Run when the emulator closes, before DuckDB does (flushing caches).
    close_hooks: list[Callable[[], None]] = field(default_factory=list)
    #: Run once when a persistent emulator opens, after every feature is installed.
    open_hooks: list[Callable[[], None]] = field(default_factory=list)
    _services: dict[type[Any], Any] = field(default_factory=dict)

    # -- statements ------------------------------------------------------------------------

    def statement(self, key: Key, kind: Kind, handler: Handler) -> None:
        """Register the handler of ``key`` (a node class, or (node class, kind word))."""
        if key in self._statements:
            raise ValueError(f"a handler for {key!r} is already registered")
        self._statements[key] = Registration(kind, handler)

    def wrap(self, key: Key, wrapper: Wrapper) -> None:
        """Replace the handler of ``key`` by ``wrapper(handler)`` (same kind)."""
        found = self._statements[key]
        self._statements[key] = Registration(found.kind, wrapper(found.handler))

    def lookup(self, node: exp.Expression, word: str | None = None) -> Registration | None:
        """The registration for ``node`` (and ``word``), most specific class first."""
        for cls in type(node).__mro__:
            if word is not None:
                found = self._statements.get((cls, word))
                if found is not None:
                    return found
                continue
            found = self._statements.get(cls)
            if found is not None:
                return found
        return None

    # -- services --------------------------------------------------------------------------

    def provide(self, interface: type[T], implementation: T) -> None:
        """Offer ``implementation`` of a core-level ``interface`` to other features."""
        self._services[interface] = implementation

    def service(self, interface: type[T]) -> T | None:
        """The implementation of ``interface``, or None when no feature provides it."""
        found = self._services.get(interface)
        return found  # type: ignore[no-any-return]
