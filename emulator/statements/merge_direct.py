"""A Snowflake MERGE as one DuckDB ``MERGE`` statement, where the two agree.

The planned MERGE (:mod:`emulator.statements.merge`) materialises (target, source) pairs
in temporary tables so that it can reproduce every Snowflake rule, in seven DuckDB round
trips. DuckDB's own ``MERGE INTO`` applies the same WHEN clauses with the same first-match
rule, and differs from Snowflake's (https://docs.snowflake.com/en/sql-reference/sql/merge)
only where one target row joins several source rows:

* Snowflake raises (ERROR_ON_NONDETERMINISTIC_MERGE = TRUE, the default) when such a row
  would be updated, or both updated and deleted; DuckDB silently updates it once per
  source row. :func:`violations_query` finds those rows first, in one query that is skipped
  when the source is a single row (a ``SELECT`` or ``VALUES`` without ``FROM``);
* with the parameter FALSE Snowflake lets one candidate win; the plan picks the first source
  row, so :func:`direct_merge` declines and the plan runs.

Several DELETE matches delete the row once in both; unmatched source duplicates are all
inserted in both; no-op updates count as updated in both. DuckDB reports the action of each
written row through ``RETURNING merge_action``, which gives Snowflake's three counts.

Only untracked native tables take this path: a tracked table's change log needs the row
images the plan's separate DELETE / UPDATE / INSERT statements return.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlglot import exp

from emulator.core import sql
from emulator.statements.merge_clauses import Clause, MergeTarget, read_clauses
from emulator.statements.merge_statements import Names

#: The numbered source column holding each source row's candidate row id.
NEW_ID = "__ib_new_id"
_MATCH = "__ib_m"
_T = "__ib_t"
_C = "__ib_c"


@dataclass(frozen=True)
class DirectMerge:
    """A MERGE that runs as one DuckDB statement (see the module docstring)."""

    clauses: tuple[Clause, ...]
    violations: exp.Select | None
    """Query of the user columns of one target row merged nondeterministically, or None
    when no row can be (no UPDATE clause, or a one-row source)."""
    build: Callable[[int], exp.Merge]
    """The DuckDB MERGE, given the highest row id handed out so far (new rows number on);
    call it once (it consumes the translated nodes)."""

    @property
    def count_kinds(self) -> tuple[str, ...]:
        """The clause kinds present, in Snowflake's count-column order."""
        present = {c.action for c in self.clauses}
        return tuple(k for k in ("insert", "update", "delete") if k in present)


def direct_merge(
    merge: exp.Merge,
    target: MergeTarget,
    translate: Callable[[exp.Expression], exp.Expression],
    *,
    error_on_nondeterministic: bool,
) -> DirectMerge | None:
    """The one-statement form of ``merge`` (already qualifier-stripped, and consumed: its
    nodes move into the result), or None when only the plan reproduces Snowflake
    (nondeterminism allowed with an UPDATE clause)."""
    names = Names(merge, target)
    clauses = tuple(read_clauses(merge, target.columns, names.target_names, names.source_alias))
    updates = [c for c in clauses if c.action == "update"]
    if updates and not error_on_nondeterministic:
        return None

    def tr(node: exp.Expression) -> exp.Expression:
        return translate(node.copy())

    # The statement is ours: nodes used once are translated in place, not copied.
    using = merge.args["using"]
    single = _single_row(using)
    if isinstance(using, exp.Table) or not using.alias:
        using.set("alias", exp.TableAlias(this=names.source_alias.copy()))
    source = translate(exp.Select(expressions=[exp.Star()]).from_(using, copy=False))
    on = translate(merge.args["on"])
    matched = [c for c in clauses if c.matched]
    violations = None
    if updates and not single:
        violations = violations_query(target, names, source, on, matched, updates, tr)

    def build(start: int) -> exp.Merge:
        numbered = exp.Select(
            expressions=[
                exp.Star(),
                exp.alias_(
                    exp.Add(this=sql.literal(start), expression=exp.Window(this=exp.RowNumber())),
                    sql.ident(NEW_ID),
                ),
            ]
        ).from_(exp.Subquery(this=source, alias=exp.TableAlias(this=sql.ident(_C))), copy=False)
        relation = target.relation.copy()
        relation.set("alias", exp.TableAlias(this=names.target_alias.copy()))
        whens = [_when(c, target, names, translate) for c in clauses]
        return exp.Merge(
            this=relation,
            using=exp.Subquery(this=numbered, alias=exp.TableAlias(this=names.source_alias.copy())),
            on=on,
            whens=exp.Whens(expressions=whens),
            returning=exp.Returning(
                expressions=[exp.column("merge_action"), sql.column(target.row_id)]
            ),
        )

    return DirectMerge(clauses, violations, build)


def _when(
    clause: Clause,
    target: MergeTarget,
    names: Names,
    tr: Callable[[exp.Expression], exp.Expression],
) -> exp.When:
    condition = tr(clause.condition) if clause.condition is not None else None
    then: exp.Expression
    if clause.action == "delete":
        then = exp.var("DELETE")
    elif clause.action == "update":
        then = exp.Update(
            expressions=[
                exp.EQ(this=sql.column(column), expression=tr(value))
                for column, value in clause.assignments
            ]
        )
    else:
        given = dict(clause.assignments)
        # Columns the clause leaves out take their Snowflake DEFAULT; the rest (none given)
        # DuckDB's own. The row id numbers on from the catalog's counter.
        columns = [c for c in target.columns if c in given or c in target.defaults]
        values = [tr(given[c]) if c in given else target.defaults[c].copy() for c in columns]
        then = exp.Insert(
            this=exp.Tuple(expressions=[sql.column(target.row_id), *map(sql.column, columns)]),
            expression=exp.Tuple(
                expressions=[
                    exp.column(sql.ident(NEW_ID), table=names.source_alias.copy()),
                    *values,
                ]
            ),
        )
    return exp.When(matched=clause.matched, source=False, condition=condition, then=then)


def violations_query(
    target: MergeTarget,
    names: Names,
    source: exp.Expression,
    on: exp.Expression,
    matched: Sequence[Clause],
    updates: Sequence[Clause],
    tr: Callable[[exp.Expression], exp.Expression],
) -> exp.Select:
    """The first target row (by row id) that several source rows reach through a clause,
    one of them an UPDATE: Snowflake's nondeterministic MERGE."""
    first = exp.Case(
        ifs=[
            exp.If(
                this=tr(c.condition) if c.condition is not None else exp.true(),
                true=exp.Literal.number(c.index),
            )
            for c in matched
        ]
    )
    rid = exp.column(sql.ident(target.row_id), table=names.target_alias.copy())
    relation = target.relation.copy()
    relation.set("alias", exp.TableAlias(this=names.target_alias.copy()))
    pairs = (
        exp.Select(
            expressions=[exp.alias_(rid, sql.ident(_T)), exp.alias_(first, sql.ident(_MATCH))]
        )
        .from_(
            exp.Subquery(this=source.copy(), alias=exp.TableAlias(this=names.source_alias.copy()))
        )
        .join(relation, on=on.copy(), join_type="inner")
    )
    is_update = exp.In(
        this=sql.column(_MATCH), expressions=[exp.Literal.number(c.index) for c in updates]
    )
    conflicting = (
        exp.Select(expressions=[sql.column(_T)])
        .from_(exp.Subquery(this=pairs, alias=exp.TableAlias(this=sql.ident(_C))))
        .where(exp.Not(this=exp.Is(this=sql.column(_MATCH), expression=exp.Null())))
        .group_by(sql.column(_T))
        .having(
            exp.and_(
                exp.GT(this=exp.Count(this=exp.Star()), expression=exp.Literal.number(1)),
                exp.func("bool_or", is_update, dialect="duckdb"),
            )
        )
    )
    outer = target.relation.copy()
    outer.set("alias", exp.TableAlias(this=sql.ident(_T)))
    return (
        exp.Select(expressions=[sql.column(c, _T) for c in target.columns])
        .from_(outer)
        .where(exp.In(this=sql.column(target.row_id, _T), query=exp.Subquery(this=conflicting)))
        .order_by(sql.column(target.row_id, _T))
        .limit(1)
    )


def _single_row(using: exp.Expression) -> bool:
    """Whether the MERGE source is visibly one row: ``(SELECT <exprs>)`` without FROM, or
    ``(VALUES (…))`` with one row."""
    node = using.this if isinstance(using, exp.Subquery) else using
    if isinstance(node, exp.Select):
        return (
            node.args.get("from_") is None
            and not node.args.get("joins")
            and not any(node.find_all(exp.Unnest, exp.Explode))
            and not node.args.get("group")
        )
    if isinstance(node, exp.Values):
        return len(node.expressions) == 1
    return False
