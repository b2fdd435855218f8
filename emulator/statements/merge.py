"""Snowflake MERGE planned as set-based DuckDB statements.

Snowflake's MERGE semantics (https://docs.snowflake.com/en/sql-reference/sql/merge) differ from
DuckDB's own MERGE, so the emulator never runs DuckDB's: :func:`plan_merge` compiles one
Snowflake ``MERGE`` into a :class:`MergePlan` of plain DuckDB statements that the session runs in
order inside one transaction.

How to run a plan (all in one DuckDB transaction):

1. run every statement of ``setup``;
2. if ERROR_ON_NONDETERMINISTIC_MERGE is TRUE (the default) and ``violations`` is not None, run
   it; if it returns a row, raise :func:`nondeterministic_error` of that row (nothing written);
3. run ``delete``, ``update``, ``insert`` (each may be None); the row count DuckDB reports for
   each (the single value it returns) is the number of rows deleted / updated / inserted;
4. run ``teardown``;
5. the statement's result row is ``plan.counts(inserted, updated, deleted)`` under the column
   names ``count_columns``.

:func:`execute_plan` does exactly that on a DuckDB connection.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.rows import first_row
from emulator.statements.merge_clauses import MergeTarget, read_clauses

__all__ = ["MergePlan", "MergeTarget", "execute_plan", "plan_merge"]
from emulator.statements.merge_statements import (
    Names,
    create_temp,
    insert_statement,
    pairs_query,
    temp_table,
    update_statement,
    violations_query,
    winner_ids,
    winners_query,
)
from icebridge.errors import DataError

if TYPE_CHECKING:
    import duckdb

INSERTED = "number of rows inserted"
UPDATED = "number of rows updated"
DELETED = "number of rows deleted"


@dataclass(frozen=True)
class MergePlan:
    """DuckDB statements implementing one Snowflake MERGE; see the module docstring."""

    setup: tuple[exp.Expression, ...]
    """Run first: builds the temporary tables of (target row, source row) pairs."""
    violations: exp.Expression | None
    """Query returning the user columns of one target row merged nondeterministically, or none."""
    delete: exp.Expression | None
    """DELETE on the target relation (None when there is no DELETE clause)."""
    update: exp.Expression | None
    """UPDATE on the target relation (None when there is no UPDATE clause)."""
    insert: exp.Expression | None
    """INSERT into the target relation with an explicit column list, never writing the row id."""
    teardown: tuple[exp.Expression, ...]
    """Run last: drops the temporary tables."""
    count_columns: tuple[str, ...]
    """Result column names, for the clause types present, in Snowflake's order."""
    deleted_row_ids: exp.Expression | None = None
    """Query of the row ids ``delete`` removes (valid between setup and teardown)."""
    updated_row_ids: exp.Expression | None = None
    """Query of the row ids ``update`` rewrites (valid between setup and teardown)."""

    def counts(self, inserted: int, updated: int, deleted: int) -> tuple[int, ...]:
        """The result row: the counts matching ``count_columns``."""
        by_name = {INSERTED: inserted, UPDATED: updated, DELETED: deleted}
        return tuple(by_name[name] for name in self.count_columns)


def plan_merge(
    merge: exp.Merge,
    target: MergeTarget,
    translate: Callable[[exp.Expression], exp.Expression],
    *,
    source_columns: Sequence[str] | None = None,
) -> MergePlan:
    """Compile a Snowflake MERGE (parsed with icebridge.sql.dialect) into a :class:`MergePlan`.

    ``translate`` turns a Snowflake expression or query into DuckDB AST, resolving table names.
    ``source_columns`` (stored names), when the caller knows them, lets ALL BY NAME report a
    missing or extra column here; otherwise DuckDB's binder reports a missing one.

    The plan makes one pass over ``source LEFT JOIN target ON <join_expr>`` (an inner join when
    there is no NOT MATCHED clause) into a temporary *pairs* table holding, for every pair that
    satisfies a clause, the target row id (NULL when unmatched), the source row number, the index
    of the FIRST clause whose predicate is true and the values that clause writes. Every other
    statement is set-based over that table. When one target row has several candidate pairs and
    nondeterminism is allowed (ERROR_ON_NONDETERMINISTIC_MERGE = FALSE), the pair of the first
    source row, in the order DuckDB reads the source, wins; it alone decides whether the row is
    updated (and with which values) or deleted.
    """
    merge = strip_long_qualifiers(merge)
    names = Names(merge, target)
    clauses = read_clauses(
        merge, target.columns, names.target_names, names.source_alias, source_columns
    )
    pairs = pairs_query(merge, target, clauses, names, translate)
    matched = [c for c in clauses if c.matched]
    updates = [c for c in matched if c.action == "update"]
    deletes = [c for c in matched if c.action == "delete"]
    inserts = [c for c in clauses if not c.matched]

    setup: list[exp.Expression] = [create_temp(names.pairs, pairs)]
    if matched:
        setup.append(create_temp(names.winners, winners_query(names)))
    violations = violations_query(target, names, updates) if updates else None
    delete = updated_ids = deleted_ids = update = None
    if deletes:
        deleted_ids = winner_ids(names, deletes)
        delete = exp.Delete(
            this=target.relation.copy(),
            where=exp.Where(
                this=exp.In(
                    this=sql.column(target.row_id), query=exp.Subquery(this=deleted_ids.copy())
                )
            ),
        )
    if updates:
        updated_ids = winner_ids(names, updates)
        update = update_statement(target, names, updates)
    insert = insert_statement(target, names, inserts) if inserts else None
    count_columns = tuple(
        name
        for name, present in ((INSERTED, inserts), (UPDATED, updates), (DELETED, deletes))
        if present
    )
    teardown = tuple(
        exp.Drop(kind="TABLE", exists=True, tables=[temp_table(name)])
        for name in ([names.winners] if matched else []) + [names.pairs]
    )
    return MergePlan(
        setup=tuple(setup),
        violations=violations,
        delete=delete,
        update=update,
        insert=insert,
        teardown=teardown,
        count_columns=count_columns,
        deleted_row_ids=deleted_ids,
        updated_row_ids=updated_ids,
    )


def nondeterministic_error(row: Sequence[object]) -> DataError:
    """The Snowflake error for a target row joined by several conflicting source rows."""
    return errors.nondeterministic_merge("[" + ", ".join(_show(v) for v in row) + "]")


def execute_plan(
    con: duckdb.DuckDBPyConnection, plan: MergePlan, *, error_on_nondeterministic: bool = True
) -> tuple[int, ...]:
    """Run ``plan`` on ``con`` as the module docstring describes; return the result row.

    The caller owns the transaction: on an error nothing is rolled back here.
    """
    for statement in plan.setup:
        sql.run(con, statement)
    if error_on_nondeterministic and plan.violations is not None:
        row = first_row(sql.run(con, plan.violations))
        if row is not None:
            raise nondeterministic_error(row)
    counts: dict[str, int] = {}
    for kind, dml in (
        ("delete", plan.delete),
        ("update", plan.update),
        ("insert", plan.insert),
    ):
        counts[kind] = 0
        if dml is not None:
            result = sql.run(con, dml).fetchone()
            counts[kind] = int(result[0]) if result is not None else 0
    for statement in plan.teardown:
        sql.run(con, statement)
    return plan.counts(counts["insert"], counts["update"], counts["delete"])


def strip_long_qualifiers(merge: exp.Merge) -> exp.Merge:
    """``db.schema.t.c`` -> ``t.c``: the plan names the target and source by alias only."""
    merge = merge.copy()
    for column in merge.find_all(exp.Column):
        column.set("db", None)
        column.set("catalog", None)
    return merge


def _show(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    return str(value)
