"""Query ids -> table versions, for ``AT | BEFORE (STATEMENT => '<query id>')``.

Every statement that writes a change-tracked table records, in its own transaction, the
versions it wrote under its query id (``QueryResult.query_id``) and a global sequence
number, in ``__ib.statement_versions`` (one round trip). A point ``STATEMENT => q`` on
table T is then: the version q wrote T at (AT: after q, BEFORE: before q), or, when q did
not write T, the last version of T written by a statement up to q.

Only tracked tables can travel back, so a statement that wrote untracked tables alone
costs no write: :class:`StatementLog` remembers its place among the recorded statements
in memory (for this session, up to :data:`REMEMBERED` statements), which answers a point
on any tracked table just as a record would. Query ids of statements that wrote nothing
(SELECTs) are unknown and rejected
(https://docs.snowflake.com/en/sql-reference/constructs/at-before).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.catalog import META_SCHEMA, CatalogObject

if TYPE_CHECKING:
    from emulator.core.engine import Engine

TABLE = "statement_versions"
SEQUENCE = "statement_seq"
#: Statements that wrote only untracked tables, remembered in memory (the oldest go first).
REMEMBERED = 100_000

_COLUMNS = (
    ("query_id", "VARCHAR"),
    ("seq", "BIGINT"),
    ("object_id", "BIGINT"),
    ("version", "BIGINT"),
)


def ddl() -> list[str]:
    """The table and sequence the records live in (created with the metadata tables)."""
    table = exp.Schema(
        this=sql.meta(TABLE), expressions=[sql.column_def(n, t) for n, t in _COLUMNS]
    )
    return [
        sql.render(exp.Create(kind="TABLE", exists=True, this=table)),
        sql.render(exp.Create(kind="SEQUENCE", exists=True, this=sql.meta(SEQUENCE))),
    ]


def _insert() -> exp.Insert:
    """One statement's rows under one new sequence number, which it returns:
    ``INSERT … SELECT ?, s.seq, unnest(?), unnest(?) FROM (SELECT nextval(…) AS seq) s``."""
    ids = exp.DataType.build("BIGINT[]", dialect="duckdb")
    numbered = exp.select(
        exp.alias_(
            exp.Anonymous(this="nextval", expressions=[sql.literal(f"{META_SCHEMA}.{SEQUENCE}")]),
            sql.ident("seq"),
        )
    )
    select = exp.select(
        sql.param(),
        sql.column("seq", "s"),
        exp.Unnest(expressions=[exp.cast(sql.param(), ids)]),
        exp.Unnest(expressions=[exp.cast(sql.param(), ids.copy())]),
    ).from_(numbered.subquery(sql.ident("s")))
    node = exp.insert(select, sql.meta(TABLE))
    node.set("returning", exp.Returning(expressions=[sql.column("seq")]))
    return node


class StatementLog:
    """The recorded statements' sequence numbers seen by this session, and the place of
    each statement that wrote untracked tables only (see the module docstring)."""

    def __init__(self) -> None:
        self.first_seq: int | None = None  # the first number this session recorded
        self.last_seq: int | None = None  # the latest one
        # query id -> last recorded number before it (None: none yet in this session)
        self._places: dict[str, int | None] = {}
        self._pending: dict[str, int | None] = {}  # the same inside an explicit transaction

    def record(self, emu: Engine, query_id: str, written: dict[int, int]) -> None:
        """Record the versions a successful statement wrote (inside its transaction)."""
        tracked = {oid: v for oid, v in written.items() if _tracked(emu, oid)}
        if not tracked:
            if written:
                (self._pending if emu.in_transaction else self._places)[query_id] = self.last_seq
                self._trim()
            return
        params = [query_id, list(tracked), list(tracked.values())]
        row = sql.run(emu.con, _insert(), params).fetchone()
        assert row is not None
        self.last_seq = int(row[0])
        if self.first_seq is None:
            self.first_seq = self.last_seq

    def committed(self) -> None:
        """The explicit transaction committed: its statements become points."""
        self._places.update(self._pending)
        self._pending = {}
        self._trim()

    def rolled_back(self) -> None:
        """The explicit transaction rolled back: its statements never happened."""
        self._pending = {}

    def place(self, query_id: str) -> tuple[bool, int | None]:
        """(known?, the last recorded number before it, None: no bound) for a statement that
        wrote untracked tables only."""
        if query_id not in self._places:
            return False, None
        last = self._places[query_id]
        if last is None and self.first_seq is not None:
            last = self.first_seq - 1  # everything this session recorded came after it
        return True, last

    def _trim(self) -> None:
        while len(self._places) > REMEMBERED:
            del self._places[next(iter(self._places))]


def _tracked(emu: Engine, object_id: int) -> bool:
    obj = emu.catalog.by_id(object_id)
    return obj is not None and obj.change_tracking


def log_of(emu: Engine) -> StatementLog | None:
    """The statement log installed in ``emu`` (:mod:`emulator.features.streams.feature`)."""
    return emu.registry.service(StatementLog)


def _scalar(emu: Engine, query: exp.Expression, params: list[object]) -> int | None:
    row = sql.run(emu.con, query, params).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def _aggregate(func: type[exp.Func], of: str, where: exp.Expr) -> exp.Select:
    return exp.select(func(this=sql.column(of))).from_(sql.meta(TABLE)).where(where)


def _eq(name: str) -> exp.EQ:
    return exp.EQ(this=sql.column(name), expression=sql.param())


def version_at_statement(emu: Engine, source: CatalogObject, query_id: str, *, before: bool) -> int:
    """The version of ``source`` at (after) or before the statement ``query_id``."""
    seq = _scalar(emu, _aggregate(exp.Min, "seq", _eq("query_id")), [query_id])
    if seq is None:
        log = log_of(emu)
        known, bound = log.place(query_id) if log is not None else (False, None)
        if not known:
            raise errors.generic(
                f"Statement {query_id} cannot be used to specify time for time travel query.",
                errno=707,
                sqlstate="02000",
            )
        return _as_of(emu, source, bound)
    own = _scalar(
        emu,
        exp.select(sql.column("version"))
        .from_(sql.meta(TABLE))
        .where(exp.and_(_eq("query_id"), _eq("object_id"))),
        [query_id, source.id],
    )
    if own is not None:
        return own - 1 if before else own
    return _as_of(emu, source, seq)


def _as_of(emu: Engine, source: CatalogObject, seq: int | None) -> int:
    """The version of ``source`` after the recorded statements up to number ``seq`` (None:
    all of them), for a statement that did not write it."""
    if seq is None:
        earlier = _scalar(emu, _aggregate(exp.Max, "version", _eq("object_id")), [source.id])
        return earlier if earlier is not None else source.version
    up_to = exp.LTE(this=sql.column("seq"), expression=sql.param())
    earlier = _scalar(
        emu, _aggregate(exp.Max, "version", exp.and_(_eq("object_id"), up_to)), [source.id, seq]
    )
    if earlier is not None:
        return earlier
    after = exp.GT(this=sql.column("seq"), expression=sql.param())
    later = _scalar(
        emu, _aggregate(exp.Min, "version", exp.and_(_eq("object_id"), after)), [source.id, seq]
    )
    if later is not None:
        return later - 1
    return source.version
