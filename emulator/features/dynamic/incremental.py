"""How an INCREMENTAL refresh is computed: plans and the signed change set they produce.

Every refresh ends the same way: a *signed change set* (rows with +1 / -1) is netted per
distinct row and applied to the dynamic table (delete n copies, insert n copies), so only
rows whose net count changed are written. The plans differ in how much they read:

* ``delta`` — projections and filters over one table, inner/cross joins of tables, and
  UNION ALL of such branches. The change set is computed from the changed input rows only,
  with the product rule ``Δ(R⋈S) = ΔR⋈S_new + R_old⋈ΔS`` (n-way: sources before the changed
  one at their old version, after it at their new version).
* ``keyed`` — GROUP BY, DISTINCT, and window functions / ``QUALIFY ROW_NUMBER() = 1``
  whose PARTITION BY columns are output columns, over a ``delta``-shaped FROM part. The
  keys touched by the changed input rows are found as above; only those groups /
  partitions are recomputed and compared with the table.
* ``recompute`` — any other incrementalizable shape (outer joins, CTEs, subqueries in FROM,
  views as inputs, FLATTEN, …): the query is recomputed and compared with the table; the
  result is the same, only the cost differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlglot import exp

from emulator.core import sql
from emulator.core.catalog import DYNAMIC_TABLE, TABLE, CatalogObject
from emulator.core.changes import union_all
from emulator.core.query import translate_query
from emulator.features.dynamic import changes

if TYPE_CHECKING:
    from emulator.core.engine import Engine

SIGN = "__ib_sign"


@dataclass(frozen=True)
class Plan:
    """``kind`` is delta / keyed / recompute; ``keys`` are output positions (keyed)."""

    kind: str
    keys: tuple[int, ...] = ()
    key_input: exp.Select | None = None


RECOMPUTE = Plan("recompute")


def union_all_branches(query: exp.Expr) -> list[exp.Select] | None:
    """The SELECT branches of a UNION ALL chain (a lone SELECT is one branch)."""
    if isinstance(query, exp.Select):
        return [query]
    if isinstance(query, exp.Union) and not query.args.get("distinct"):
        left = union_all_branches(query.this)
        right = union_all_branches(query.expression)
        if left is not None and right is not None:
            return left + right
    return None


def _linear(select: exp.Select) -> bool:
    """Projection/filter over tables joined by inner or cross joins, nothing else."""
    for key in ("group", "having", "qualify", "distinct", "limit", "with_", "laterals"):
        if select.args.get(key):
            return False
    source = select.args.get("from_")
    if not isinstance(source, exp.From) or not isinstance(source.this, exp.Table):
        return False
    for join in select.args.get("joins") or []:
        side = str(join.args.get("side") or "").upper()
        kind = str(join.args.get("kind") or "").upper()
        if side or kind not in ("", "INNER", "CROSS") or not isinstance(join.this, exp.Table):
            return False
    for projection in select.expressions:
        if projection.find(exp.AggFunc, exp.Window, exp.Subquery, exp.Query):
            return False
    where = select.args.get("where")
    if where is not None and where.find(exp.Query):
        return False
    tables = list(select.find_all(exp.Table))
    if any(isinstance(t.this, exp.Anonymous | exp.Dot) for t in tables):
        return False
    # A table read twice (self-join) is recomputed: the product rule needs distinct inputs.
    names = [tuple(t.text(k).upper() for k in ("catalog", "db", "this")) for t in tables]
    return len(names) == len(set(names))


def _position(select: exp.Select, key: exp.Expression) -> int | None:
    if isinstance(key, exp.Literal) and not key.is_string:
        position = int(key.name) - 1
        return position if 0 <= position < len(select.expressions) else None
    for position, projection in enumerate(select.expressions):
        if projection.unalias() == key:
            return position
        if (
            isinstance(key, exp.Column)
            and not key.table
            and isinstance(projection, exp.Alias)
            and projection.alias.upper() == key.name.upper()
        ):
            return position
    return None


def _key_plan(select: exp.Select, keys: list[exp.Expression]) -> Plan:
    positions = [_position(select, k) for k in keys]
    if not keys or any(p is None for p in positions):
        return RECOMPUTE
    chosen = tuple(p for p in positions if p is not None)
    key_input = select.copy()
    for arg in ("group", "having", "qualify", "distinct", "order", "limit"):
        key_input.set(arg, None)
    key_input.set("expressions", [select.expressions[p].unalias().copy() for p in chosen])
    if not _linear(key_input):
        return RECOMPUTE
    return Plan("keyed", chosen, key_input)


def plan_for(query: exp.Expr) -> Plan:
    """The plan the emulator uses for an INCREMENTAL refresh of ``query``."""
    branches = union_all_branches(query)
    if branches is None:
        return RECOMPUTE
    stripped = [b.copy() for b in branches]
    for branch in stripped:
        branch.set("order", None)
    if all(_linear(b) for b in stripped):
        return Plan("delta")
    if len(stripped) != 1:
        return RECOMPUTE
    select = stripped[0]
    if select.args.get("with_") or select.args.get("limit"):
        return RECOMPUTE
    group = select.args.get("group")
    if group is not None:
        return _key_plan(select, list(group.expressions))
    windows = list(select.find_all(exp.Window))
    if windows:
        partitions = [tuple(w.args.get("partition_by") or []) for w in windows]
        if any(p != partitions[0] for p in partitions):
            return RECOMPUTE
        return _key_plan(select, list(partitions[0]))
    if select.args.get("distinct"):
        return _key_plan(select, [p.unalias() for p in select.expressions])
    return RECOMPUTE


@dataclass(frozen=True)
class Source:
    """An input table of a refresh: its object, the version the last refresh read, and its
    changed rows since then."""

    obj: CatalogObject
    since: int
    rows: changes.ChangedRows

    @property
    def changed(self) -> bool:
        return self.obj.version != self.since


def _is(table: exp.Table, obj: CatalogObject) -> bool:
    return table.name == obj.duck_name and table.text("db") == obj.duck_schema


def _occurrences(tree: exp.Expression, obj: CatalogObject) -> list[exp.Table]:
    return [t for t in tree.find_all(exp.Table) if _is(t, obj)]


def _swap(node: exp.Table, query: exp.Expression) -> None:
    alias = node.args.get("alias")
    node.replace(
        exp.Subquery(
            this=query,
            alias=alias.copy() if alias is not None else exp.TableAlias(this=node.this.copy()),
        )
    )


def branch_deltas(
    emu: Engine, branch: exp.Select, sources: dict[int, Source]
) -> list[tuple[exp.Expression, int]] | None:
    """DuckDB queries (with sign) whose union is the change of ``branch``; None if the
    branch reads something the delta rule cannot handle (then recompute)."""
    tree = translate_query(emu, branch)
    order: list[Source] = []
    for table in tree.find_all(exp.Table):
        match = [s for s in sources.values() if _is(table, s.obj)]
        if not match:
            return None
        if match[0] in order or match[0].obj.kind not in (TABLE, DYNAMIC_TABLE):
            return None
        if match[0].changed and not changes.readable_since(emu, match[0].obj, match[0].since):
            return None
        order.append(match[0])
    parts: list[tuple[exp.Expression, int]] = []
    for index, source in enumerate(order):
        if not source.changed:
            continue
        images = ((1, source.rows.inserted), (-1, source.rows.deleted))
        for sign, image in images:
            variant = tree.copy()
            for position, other in enumerate(order):
                (node,) = _occurrences(variant, other.obj)
                if position < index and other.changed:
                    _swap(node, other.rows.before())
                elif position == index:
                    _swap(node, image())
            parts.append((variant, sign))
    return parts


def signed_rows(query: exp.Expression, columns: list[str], sign: int) -> exp.Select:
    """``SELECT <columns>, sign AS __ib_sign FROM (query) AS __ib_d(<columns>)``."""
    named = exp.TableAlias(this=sql.ident("__ib_d"), columns=[sql.ident(c) for c in columns])
    return exp.select(*sql.columns(columns), exp.alias_(sql.literal(sign), sql.ident(SIGN))).from_(
        exp.Subquery(this=query, alias=named)
    )


def signed(parts: list[tuple[exp.Expression, int]], columns: list[str]) -> exp.Expression:
    """One query: every part's rows renamed to ``columns`` with their sign."""
    return union_all([signed_rows(query, columns, sign) for query, sign in parts])


def matches_keys(keys: exp.Expression, alias: str, columns: list[str]) -> exp.Expr:
    """``EXISTS`` test: the row of ``alias`` has one of the key tuples of the query ``keys``."""
    tests = [
        exp.NullSafeEQ(this=sql.column(c, "__ib_k"), expression=sql.column(c, alias))
        for c in columns
    ]
    found = (
        exp.select(exp.Literal.number(1))
        .from_(exp.Subquery(this=keys, alias=exp.TableAlias(this=sql.ident("__ib_k"))))
        .where(exp.and_(*tests))
    )
    return exp.Exists(this=found)
