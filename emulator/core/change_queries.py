"""Builders of the DuckDB queries that read change logs and net deltas.

Every change source (native tables, views, Iceberg tables) builds its delta from these, so
that they net changes the same way: a DELETE for a row only in the old image, an INSERT for
one only in the new image, an update pair for one in both with other values. Nodes come from
:mod:`emulator.core.sql` (names through ``sql.ident``, versions as number literals).

Reads build their queries on every call, so the builders modify nodes in place
(``copy=False``): sqlglot's default copies the whole tree at each step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlglot import exp

from emulator.core import sql
from emulator.core.catalog_objects import ROW_ID
from emulator.core.change_source import ACTION, ISUPDATE, ROW_ID_COLUMN

#: A query node (a WITH clause can be attached to it).
Q = TypeVar("Q", bound=exp.Expression)

#: Columns of a change-log record (then the base table's row id and columns).
VERSION = "__ib_version"
LOG_ACTION = "__ib_action"
#: The position of a record within its version (the log's rowid, append order).
SEQ = "__ib_seq"


def log_version(of: str | None = None) -> exp.Column:
    """``[of.]__ib_version``."""
    return sql.column(VERSION, of)


def log_action(of: str | None = None) -> exp.Column:
    """``[of.]__ib_action``."""
    return sql.column(LOG_ACTION, of)


def action_is(action: str, of: str | None = None) -> exp.Expr:
    """``[of.]__ib_action = 'action'``."""
    return exp.EQ(this=log_action(of), expression=exp.Literal.string(action))


def action_in(*actions: str) -> exp.Expr:
    """``__ib_action IN ('a', …)``."""
    return exp.In(this=log_action(), expressions=[exp.Literal.string(a) for a in actions])


def not_deleted() -> exp.Expr:
    """``__ib_action <> 'DELETE'``."""
    return exp.NEQ(this=log_action(), expression=exp.Literal.string("DELETE"))


def in_interval(start: int, end: int, of: str | None = None) -> exp.Expr:
    """``__ib_version > start AND __ib_version <= end``: plain comparisons with literal
    versions on the column the log is ordered by, so DuckDB's zone maps prune."""
    return exp.and_(
        exp.GT(this=log_version(of), expression=exp.Literal.number(int(start))),
        exp.LTE(this=log_version(of), expression=exp.Literal.number(int(end))),
        copy=False,
    )


def up_to(version: int, of: str | None = None) -> exp.Expr:
    """``__ib_version <= version``."""
    return exp.LTE(this=log_version(of), expression=exp.Literal.number(int(version)))


def row_number(
    partition: exp.Expression, order: Sequence[exp.Expression], *, newest: bool = True
) -> exp.Window:
    """``row_number() OVER (PARTITION BY partition [ORDER BY order… [DESC]])``."""
    ordered = [exp.Ordered(this=o, desc=newest) for o in order]
    return exp.Window(
        this=exp.RowNumber(),
        partition_by=[partition],
        order=exp.Order(expressions=ordered) if ordered else None,
    )


def is_latest(
    partition: exp.Expression, order: Sequence[exp.Expression], *, newest: bool = True
) -> exp.Expr:
    """``row_number() OVER (PARTITION BY partition ORDER BY order… [DESC]) = 1``."""
    window = row_number(partition, order, newest=newest)
    return exp.EQ(this=window, expression=exp.Literal.number(1))


def newest_record(of: str | None = None, seq: str = "rowid") -> exp.Expr:
    """Each row id's newest log record: by version, then by position ``seq``."""
    return is_latest(sql.column(ROW_ID, of), [log_version(of), sql.column(seq, of)])


def inserted_images(records: exp.Select, seq: str = "rowid") -> exp.Select:
    """``records`` (log records, ``seq`` their order within a version) narrowed to the one
    that inserted each row: an append-only delta returns a row with the values it was
    inserted with, even when it was updated or deleted since
    (https://docs.snowflake.com/en/sql-reference/constructs/changes, the APPEND_ONLY example).
    ``records`` is changed in place and returned."""
    first = is_latest(sql.column(ROW_ID), [log_version(), sql.column(seq)], newest=False)
    return records.where(action_in("INSERT", "BASELINE"), copy=False).qualify(first, copy=False)


def aliased(table: exp.Table, alias: str) -> exp.Table:
    """A copy of ``table`` read under ``alias``."""
    node = table.copy()
    node.set("alias", exp.TableAlias(this=sql.ident(alias)))
    return node


def using(relation: exp.Expression, key: str, kind: str | None = None) -> exp.Join:
    """``[SEMI | ANTI] JOIN relation USING (key)``."""
    return exp.Join(this=relation, kind=kind, using=[sql.ident(key)])


def select_all(relation: exp.Expression) -> exp.Select:
    """``SELECT * FROM relation``."""
    return exp.select(exp.Star(), copy=False).from_(relation, copy=False)


def with_ctes(body: Q, ctes: Sequence[tuple[str, exp.Expression]]) -> Q:
    """``WITH name AS (query), … body`` (``body`` is changed in place and returned)."""
    body.set(
        "with_",
        exp.With(
            expressions=[
                exp.CTE(this=query, alias=exp.TableAlias(this=sql.ident(name)))
                for name, query in ctes
            ]
        ),
    )
    return body


def union_all(parts: Sequence[exp.Expression], *, by_name: bool = False) -> exp.Expression:
    """``part UNION ALL [BY NAME] part …`` (one part is itself)."""
    query = parts[0]
    for part in parts[1:]:
        query = exp.Union(this=query, expression=part, distinct=False, by_name=by_name or None)
    return query


def metadata(action: str, isupdate: bool | exp.Expr, row_id: exp.Expr) -> list[exp.Expr]:
    """The METADATA$ACTION, METADATA$ISUPDATE and METADATA$ROW_ID output columns."""
    flag = sql.literal(isupdate) if isinstance(isupdate, bool) else isupdate
    return [
        exp.alias_(exp.Literal.string(action), sql.ident(ACTION), copy=False),
        exp.alias_(flag, sql.ident(ISUPDATE), copy=False),
        exp.alias_(row_id, sql.ident(ROW_ID_COLUMN), copy=False),
    ]


def differs(columns: Sequence[str], left: str, right: str) -> exp.Expr:
    """``left.c IS DISTINCT FROM right.c OR …`` over ``columns``."""
    tests = [
        exp.NullSafeNEQ(this=sql.column(c, left), expression=sql.column(c, right)) for c in columns
    ]
    return exp.or_(*tests, copy=False)


def net_delta(
    columns: Sequence[str],
    before: str,
    after: str,
    key: str,
    row_id: Callable[[str], exp.Expr],
) -> exp.Expression:
    """Net the images ``before`` and ``after`` (relations with ``columns`` and ``key``) into
    a delta: a key only before is a DELETE, only after an INSERT, in both with other values
    an update pair. Each relation is read under its own name; ``row_id(name)`` is the
    METADATA$ROW_ID of a row of it."""

    def side(this: str, other: str, action: str, update: bool) -> exp.Select:
        select = (
            exp.select(
                *sql.columns(columns, this), *metadata(action, update, row_id(this)), copy=False
            )
            .from_(sql.table(this), copy=False)
            .join(using(sql.table(other), key, None if update else "ANTI"), copy=False)
        )
        return select.where(differs(columns, before, after), copy=False) if update else select

    return union_all(
        [
            side(before, after, "DELETE", False),
            side(after, before, "INSERT", False),
            side(before, after, "DELETE", True),
            side(after, before, "INSERT", True),
        ]
    )
