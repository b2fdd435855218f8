"""The DuckDB statements of a MERGE plan (see :mod:`emulator.statements.merge` for how they run).

Pass 1 builds the *pairs* table from ``source LEFT JOIN target``; every later statement is
set-based over it. Internal column and table names start with ``__ib_`` so they cannot collide
with user columns in the statements that read both.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.statements.merge_clauses import Clause, MergeTarget, compile_error

# --- internal names --------------------------------------------------------------------------

_RID = "__ib_rid"
_SRC = "__ib_src"
_CLAUSE = "__ib_clause"
_Q = "__ib_q"
_T = "__ib_t"
_W = "__ib_w"


def _value_name(clause: Clause, position: int) -> str:
    return f"__ib_v{clause.index}_{position}"


class Names:
    """Aliases used in the plan's SQL, and the unique temporary table names."""

    def __init__(self, merge: exp.Merge, target: MergeTarget) -> None:
        written = merge.this
        if not isinstance(written, exp.Table):
            raise errors.unsupported(f"MERGE INTO {written.sql()}")
        alias = target.alias or written.alias
        self.target_alias = sql.ident(alias) if alias else written.this.copy()
        self.target_names = tuple({self.target_alias.name, written.name})
        using = merge.args.get("using")
        if using is None:
            raise compile_error("MERGE needs USING <source>.", errno=1003, sqlstate="42000")
        written_alias = using.args.get("alias")
        if isinstance(written_alias, exp.TableAlias) and isinstance(
            written_alias.this, exp.Identifier
        ):
            self.source_alias = written_alias.this.copy()
        elif isinstance(using, exp.Table):
            self.source_alias = using.this.copy()
        else:
            self.source_alias = sql.ident("__ib_source")
        tag = uuid.uuid4().hex[:16]
        self.pairs = f"__ib_merge_{tag}_pairs"
        self.winners = f"__ib_merge_{tag}_winners"


# --- pass 1: the pairs table -----------------------------------------------------------------


def pairs_query(
    merge: exp.Merge,
    target: MergeTarget,
    clauses: Sequence[Clause],
    names: Names,
    translate: Callable[[exp.Expression], exp.Expression],
) -> exp.Select:
    """Pass 1: one row per (target row, source row) pair that satisfies a clause.

    Columns: the target row id (NULL when unmatched), the source row number, the index of the
    first clause whose predicate holds, and the values that clause writes.
    """

    def tr(node: exp.Expression) -> exp.Expression:
        return translate(node.copy())

    using = merge.args["using"].copy()
    if isinstance(using, exp.Table) or not using.alias:
        using.set("alias", exp.TableAlias(this=names.source_alias.copy()))
    source = tr(exp.Select(expressions=[exp.Star()]).from_(using, copy=False))
    numbered = (
        exp.Select(expressions=[exp.Star(), _alias(exp.Window(this=exp.RowNumber()), _SRC)])
        .from_(exp.Subquery(this=source, alias=exp.TableAlias(this=sql.ident(_Q))), copy=False)
        .subquery(names.source_alias.copy(), copy=False)
    )
    rid = exp.column(sql.ident(target.row_id), table=names.target_alias.copy())
    unmatched = exp.Is(this=rid, expression=exp.Null())
    matched = exp.Not(this=unmatched.copy())

    def gates(group: Sequence[Clause]) -> list[exp.Expression]:
        return [tr(c.condition) if c.condition is not None else exp.true() for c in group]

    group_m = [c for c in clauses if c.matched]
    group_n = [c for c in clauses if not c.matched]
    conds_m, conds_n = gates(group_m), gates(group_n)
    projections: list[exp.Expression] = [
        _alias(rid.copy(), _RID),
        _alias(exp.column(sql.ident(_SRC), table=names.source_alias.copy()), _SRC),
        _alias(
            exp.Case(
                ifs=[
                    exp.If(this=unmatched.copy(), true=_first_true(conds_n, group_n)),
                ],
                default=_first_true(conds_m, group_m),
            ),
            _CLAUSE,
        ),
    ]
    for group, conds, outside in ((group_m, conds_m, unmatched), (group_n, conds_n, matched)):
        for position, clause in enumerate(group):
            for k, (_, value) in enumerate(clause.assignments):
                # Only the chosen clause's values are computed, so a value that would fail on
                # rows another clause takes (a bad cast, say) never raises.
                ifs = [exp.If(this=outside.copy(), true=exp.Null())]
                ifs += [exp.If(this=c.copy(), true=exp.Null()) for c in conds[:position]]
                ifs.append(exp.If(this=conds[position].copy(), true=tr(value)))
                projections.append(_alias(exp.Case(ifs=ifs), _value_name(clause, k)))
    target_rel = target.relation.copy()
    target_rel.set("alias", exp.TableAlias(this=names.target_alias.copy()))
    inner = exp.Select(expressions=projections).from_(numbered, copy=False)
    inner = inner.join(
        target_rel, on=tr(merge.args["on"]), join_type="left" if group_n else "inner", copy=False
    )
    return (
        exp.Select(expressions=[exp.Star()])
        .from_(exp.Subquery(this=inner, alias=exp.TableAlias(this=sql.ident(_Q))), copy=False)
        .where(
            exp.Not(this=exp.Is(this=sql.column(_CLAUSE, _Q), expression=exp.Null())), copy=False
        )
    )


def _first_true(conds: Sequence[exp.Expression], group: Sequence[Clause]) -> exp.Expression:
    """CASE WHEN p1 THEN i1 WHEN p2 THEN i2 ... END: the first clause whose predicate holds."""
    if not group:
        return exp.Null()
    return exp.Case(
        ifs=[
            exp.If(this=cond.copy(), true=exp.Literal.number(clause.index))
            for cond, clause in zip(conds, group, strict=True)
        ]
    )


# --- set-based statements --------------------------------------------------------------------


def winners_query(names: Names) -> exp.Select:
    """One candidate pair per matched target row: the first source row's."""
    rank = exp.Window(
        this=exp.RowNumber(),
        partition_by=[sql.column(_RID)],
        order=exp.Order(expressions=[exp.Ordered(this=sql.column(_SRC))]),
    )
    return (
        exp.Select(expressions=[exp.Star()])
        .from_(temp_table(names.pairs), copy=False)
        .where(exp.Not(this=exp.Is(this=sql.column(_RID), expression=exp.Null())), copy=False)
        .qualify(exp.EQ(this=rank, expression=exp.Literal.number(1)), copy=False)
    )


def winner_ids(names: Names, group: Sequence[Clause]) -> exp.Select:
    """Row ids of the target rows whose winning pair takes one of the clauses in ``group``."""
    return (
        exp.Select(expressions=[sql.column(_RID)])
        .from_(temp_table(names.winners), copy=False)
        .where(_clause_in(sql.column(_CLAUSE), group), copy=False)
    )


def violations_query(target: MergeTarget, names: Names, updates: Sequence[Clause]) -> exp.Select:
    """Target rows joined by several clause-satisfying source rows, one of them an UPDATE."""
    conflicting = (
        exp.Select(expressions=[sql.column(_RID)])
        .from_(temp_table(names.pairs), copy=False)
        .where(exp.Not(this=exp.Is(this=sql.column(_RID), expression=exp.Null())), copy=False)
        .group_by(sql.column(_RID), copy=False)
        .having(
            exp.and_(
                exp.GT(this=exp.Count(this=exp.Star()), expression=exp.Literal.number(1)),
                exp.func("bool_or", _clause_in(sql.column(_CLAUSE), updates), dialect="duckdb"),
            ),
            copy=False,
        )
    )
    relation = target.relation.copy()
    relation.set("alias", exp.TableAlias(this=sql.ident(_T)))
    return (
        exp.Select(expressions=[sql.column(c, _T) for c in target.columns])
        .from_(relation, copy=False)
        .where(
            exp.In(this=sql.column(target.row_id, _T), query=exp.Subquery(this=conflicting)),
            copy=False,
        )
        .order_by(sql.column(target.row_id, _T), copy=False)
        .limit(1, copy=False)
    )


def update_statement(target: MergeTarget, names: Names, updates: Sequence[Clause]) -> exp.Update:
    """UPDATE of every target row whose winning pair takes an UPDATE clause (no-ops count)."""
    written: dict[str, list[tuple[Clause, int]]] = {}
    for clause in updates:
        for k, (column, _) in enumerate(clause.assignments):
            written.setdefault(column, []).append((clause, k))
    sets: list[exp.Expression] = []
    for column in target.columns:
        sources = written.get(column)
        if not sources:
            continue
        if len(sources) == 1 and len(updates) == 1:
            value: exp.Expression = sql.column(_value_name(*sources[0]), _W)
        else:
            value = exp.Case(
                this=sql.column(_CLAUSE, _W),
                ifs=[
                    exp.If(this=exp.Literal.number(c.index), true=sql.column(_value_name(c, k), _W))
                    for c, k in sources
                ],
                default=sql.column(column, _T),
            )
        sets.append(exp.EQ(this=sql.column(column), expression=value))
    relation = target.relation.copy()
    relation.set("alias", exp.TableAlias(this=sql.ident(_T)))
    winners = temp_table(names.winners)
    winners.set("alias", exp.TableAlias(this=sql.ident(_W)))
    return exp.Update(
        this=relation,
        expressions=sets,
        from_=exp.From(this=winners),
        where=exp.Where(
            this=exp.and_(
                exp.EQ(this=sql.column(target.row_id, _T), expression=sql.column(_RID, _W)),
                _clause_in(sql.column(_CLAUSE, _W), updates),
            )
        ),
    )


def insert_statement(target: MergeTarget, names: Names, inserts: Sequence[Clause]) -> exp.Insert:
    """INSERT of every unmatched pair, in source order; omitted columns take their default.

    A column no clause writes and without a given default is left out of the column list, so
    DuckDB's own column default applies (the row id's sequence among them).
    """
    supplied = {column for clause in inserts for column, _ in clause.assignments}
    columns = [c for c in target.columns if c in supplied or c in target.defaults]
    values: list[exp.Expression] = []
    for column in columns:
        per_clause: list[tuple[Clause, exp.Expression]] = []
        for clause in inserts:
            positions = [k for k, (c, _) in enumerate(clause.assignments) if c == column]
            if positions:
                per_clause.append((clause, sql.column(_value_name(clause, positions[0]))))
            else:
                default = target.defaults.get(column)
                per_clause.append((clause, default.copy() if default is not None else exp.Null()))
        if len(per_clause) == 1:
            values.append(per_clause[0][1])
        else:
            values.append(
                exp.Case(
                    this=sql.column(_CLAUSE),
                    ifs=[exp.If(this=exp.Literal.number(c.index), true=v) for c, v in per_clause],
                )
            )
    query = (
        exp.Select(expressions=values)
        .from_(temp_table(names.pairs), copy=False)
        .where(exp.Is(this=sql.column(_RID), expression=exp.Null()), copy=False)
        .order_by(sql.column(_SRC), copy=False)
    )
    return exp.Insert(
        this=exp.Schema(this=target.relation.copy(), expressions=[sql.ident(c) for c in columns]),
        expression=query,
    )


# --- small helpers ---------------------------------------------------------------------------


def _alias(node: exp.Expression, name: str) -> exp.Alias:
    return exp.Alias(this=node, alias=sql.ident(name))


def temp_table(name: str) -> exp.Table:
    """``temp.main.<name>``: explicit, so a session search path cannot shadow it."""
    return exp.Table(this=sql.ident(name), db=sql.ident("main"), catalog=sql.ident("temp"))


def create_temp(name: str, query: exp.Select) -> exp.Create:
    """CREATE TEMPORARY TABLE temp.main.<name> AS <query>."""
    return exp.Create(
        kind="TABLE",
        this=temp_table(name),
        expression=query,
        properties=exp.Properties(expressions=[exp.TemporaryProperty()]),
    )


def _clause_in(column: exp.Expression, group: Sequence[Clause]) -> exp.Expression:
    if len(group) == 1:
        return exp.EQ(this=column, expression=exp.Literal.number(group[0].index))
    return exp.In(this=column, expressions=[exp.Literal.number(c.index) for c in group])
