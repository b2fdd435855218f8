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

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

from sqlglot import exp

from emulator.core.outcome import Outcome

if TYPE_CHECKING:
    from emulator.core.catalog_objects import CatalogObject
    from emulator.core.change_source import ChangeSource

T = TypeVar("T")
#: The engine type handlers receive (``emulator.core.engine.Engine``); a parameter so that
#: this module does not import the engine interface that refers to it.
E = TypeVar("E")


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
    # COPY INTO <table> | <location>: a write (rows, or files from a query that may read
    # streams, which it then consumes).
    COPY = (False, False, "copy")
    # PUT / REMOVE: stage files change at once, outside any transaction.
    STAGE_FILES = (False, False, "stage files")
    CREATE = (True, False, "create")
    DROP = (True, False, "drop")
    ALTER = (True, False, "alter")
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
_WRITES = frozenset({Kind.INSERT, Kind.UPDATE, Kind.DELETE, Kind.MERGE, Kind.TRUNCATE, Kind.COPY})

#: (catalog object, written table) -> DuckDB relation replacing the table in a query.
RelationProvider = Callable[["CatalogObject", exp.Table], exp.Expression]
#: catalog object -> its change source (streams, CHANGES, dynamic refreshes).
ChangeSourceFactory = Callable[["CatalogObject"], "ChangeSource"]
#: (database, written table) -> an INFORMATION_SCHEMA view as a DuckDB relation.
InformationSchemaView = Callable[[str, exp.Table], exp.Expression]
#: catalog object -> None: runs before an object is read (e.g. "is it initialised?").
ReadCheck = Callable[["CatalogObject"], None]

#: A node class, or (node class, kind word) for statements sharing a class.
Key = type | tuple[type, str]


class StatementListener(Protocol):
    """Told about every statement and transaction (stream consumption listens)."""

    def start(self, statement: exp.Expression | None, query_id: str | None) -> None:
        """A statement begins."""

    def finish(self, kind: Kind | None) -> None:
        """A statement succeeded (before its autocommit COMMIT)."""

    def on_begin(self) -> None:
        """BEGIN of an explicit transaction."""

    def on_commit(self) -> None:
        """Before the DuckDB COMMIT of an explicit transaction."""

    def on_rollback(self) -> None:
        """ROLLBACK of an explicit transaction."""


@dataclass
class Registration(Generic[E]):
    """One statement handler and how the session runs it."""

    kind: Kind
    handler: Callable[[E, exp.Expression, str], Outcome]


@dataclass
class Registry(Generic[E]):
    """Handlers, providers and hooks of one emulator (filled at install).

    Providers and hooks are plain callables: a feature binds its engine when it installs.
    """

    _statements: dict[Key, Registration[E]] = field(default_factory=dict)
    #: Rewrites of parsed statements before dispatch (SYSTEM$ functions), each with the
    #: upper-case function names it rewrites (see :meth:`rewriter`).
    rewriters: list[tuple[frozenset[str], Callable[[E, exp.Expression], exp.Expression]]] = field(
        default_factory=list
    )
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

    def rewriter(
        self, names: Iterable[str], rewrite: Callable[[E, exp.Expression], exp.Expression]
    ) -> None:
        """Register ``rewrite`` for statements calling one of the functions ``names``."""
        self.rewriters.append((frozenset(n.upper() for n in names), rewrite))

    def rewrite(self, engine: E, node: exp.Expression) -> exp.Expression:
        """Apply the rewriters whose functions ``node`` calls (one walk of the tree finds
        them, so a statement calling none pays a single pass)."""
        # <seq>.NEXTVAL is a NextValueFor node (icebridge's grammar), rewritten as "NEXTVAL".
        called = {
            "NEXTVAL" if isinstance(call, exp.NextValueFor) else str(call.name).upper()
            for call in node.find_all(exp.Anonymous, exp.NextValueFor)
        }
        if not called:
            return node
        for names, rewrite in self.rewriters:
            if not names.isdisjoint(called):
                node = rewrite(engine, node)
        return node

    def statement(
        self, key: Key, kind: Kind, handler: Callable[[E, exp.Expression, str], Outcome]
    ) -> None:
        """Register the handler of ``key`` (a node class, or (node class, kind word))."""
        if key in self._statements:
            raise ValueError(f"a handler for {key!r} is already registered")
        self._statements[key] = Registration(kind, handler)

    def wrap(
        self,
        key: Key,
        wrapper: Callable[
            [Callable[[E, exp.Expression, str], Outcome]],
            Callable[[E, exp.Expression, str], Outcome],
        ],
    ) -> None:
        """Replace the handler of ``key`` by ``wrapper(handler)`` (same kind)."""
        found = self._statements[key]
        self._statements[key] = Registration(found.kind, wrapper(found.handler))

    def lookup(self, node: exp.Expression, word: str | None = None) -> Registration[E] | None:
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
        return cast("T | None", self._services.get(interface))
