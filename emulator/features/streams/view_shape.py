"""The shape of a view a stream tracks through joins, UNION ALL and nested queries.

https://docs.snowflake.com/en/user-guide/streams-intro (Streams on views): a stream on a
view may track projections, filters, inner or cross joins, UNION ALL and nested views or
subqueries in FROM. This module turns the view's translated (DuckDB) query into
:class:`ViewShape`: the UNION ALL branches, each a SELECT in which every base-table
reference is a placeholder (an *occurrence*) and every level carries the hidden row id of
each occurrence as an extra trailing column, so the delta reader can name each result row
by the base rows it came from. Nested views are inlined as subqueries. Occurrence k's row id
is named ``__ib_rid_<k>`` from the placeholder up (the reader renames it there), so a
NATURAL JOIN or USING join never matches the hidden ids of two tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.catalog import TABLE, VIEW, CatalogObject
from icebridge.errors import UnsupportedError
from icebridge.sql.dialect import parse_one

if TYPE_CHECKING:
    from emulator.core.engine import Engine

#: Placeholder relation name of occurrence ``k`` (replaced by an image when reading).
PLACEHOLDER = "__ib_o{}"


def rid_name(occurrence: int) -> str:
    """The column carrying occurrence ``occurrence``'s row id through the view."""
    return f"__ib_rid_{occurrence}"


@dataclass
class Branch:
    """One UNION ALL branch: a prepared SELECT and the occurrences it reads."""

    select: exp.Select
    occurrences: list[int]


@dataclass
class ViewShape:
    """A tracked view: its branches and the base table of every occurrence."""

    view: CatalogObject
    branches: list[Branch]
    tables: list[CatalogObject]  # indexed by occurrence

    def base_tables(self) -> list[CatalogObject]:
        """The distinct base tables, in first-reference order."""
        seen: dict[int, CatalogObject] = {}
        for table in self.tables:
            seen.setdefault(table.id, table)
        return list(seen.values())


def _not_tracked(view: CatalogObject, what: str) -> UnsupportedError:
    return errors.unsupported(f"CREATE STREAM … ON VIEW {view.name} ({what})")


def view_query(view: CatalogObject) -> exp.Expression:
    """The SELECT of a view, parsed from its recorded definition."""
    definition = view.definition
    create = parse_one(definition) if definition else None
    if not isinstance(create, exp.Create):
        raise errors.unsupported(f"CREATE STREAM … ON VIEW {view.name}")
    query: exp.Expression | None = create.args.get("expression")
    if not isinstance(query, exp.Query):
        raise errors.unsupported(f"CREATE STREAM … ON VIEW {view.name}")
    return query


class _Builder:
    def __init__(self, emu: Engine, view: CatalogObject) -> None:
        self.emu = emu
        self.view = view
        self.tables: list[CatalogObject] = []
        self.by_duck = {(o.duck_schema, o.duck_name): o for o in emu.catalog.objects()}
        self.aliases = 0

    def translated(self, obj: CatalogObject, depth: int) -> exp.Expression:
        from emulator.core.query import name_projections

        if depth > 16:
            raise _not_tracked(self.view, "views nested too deeply")
        query = view_query(obj)
        if query.args.get("with_") is not None:
            raise _not_tracked(self.view, "WITH clauses")
        tree = self.emu.translate(name_projections(query))
        for table in list(tree.find_all(exp.Table)):
            self._inline(table, depth)
        return tree

    def _inline(self, table: exp.Table, depth: int) -> None:
        obj = self.by_duck.get((table.db, table.name))
        if obj is None:
            raise _not_tracked(self.view, f"reads {table.sql(dialect='duckdb')}")
        alias = table.args.get("alias") or exp.TableAlias(this=sql.ident(obj.name.name))
        if obj.kind == VIEW:
            inner = self.translated(obj, depth + 1)
            table.replace(exp.Subquery(this=inner, alias=alias.copy()))
            return
        if obj.kind != TABLE or obj.base_name is None:
            raise _not_tracked(self.view, f"reads {obj.kind.lower()} {obj.name}")
        occurrence = len(self.tables)
        self.tables.append(obj)
        placeholder = exp.Table(
            this=sql.ident(PLACEHOLDER.format(occurrence)),
            alias=alias.copy(),
        )
        table.replace(placeholder)

    def prepare(self, select: exp.Select) -> list[int]:
        """Carry every occurrence's row id out of ``select``; returns those occurrences."""
        from_ = select.args.get("from_")
        sources = [from_.this] if isinstance(from_, exp.From) else []
        for join in select.args.get("joins") or []:
            kind = str(join.kind or "").upper()
            if join.side or kind in ("SEMI", "ANTI", "ASOF"):
                # Only inner and cross joins are allowed (streams-intro, Streams on views).
                raise _not_tracked(self.view, f"{join.side or kind} joins")
            sources.append(join.this)
        carried: list[tuple[exp.Identifier, str, str]] = []  # (alias, hidden, exported)
        occurrences: list[int] = []
        for source in sources:
            alias = self._alias(source)
            if isinstance(source, exp.Table) and source.name.startswith("__ib_o"):
                k = int(source.name[len("__ib_o") :])
                # The reader exposes the occurrence's row id as rid_name(k) (view_join).
                carried.append((alias, rid_name(k), rid_name(k)))
                occurrences.append(k)
            elif isinstance(source, exp.Subquery) and isinstance(source.this, exp.Select):
                for k in self.prepare(source.this):
                    carried.append((alias, rid_name(k), rid_name(k)))
                    occurrences.append(k)
            else:
                raise _not_tracked(self.view, "UNION ALL or table functions nested in FROM")
        self._exclude_hidden(select, carried)
        select.select(
            *[
                exp.alias_(
                    exp.Column(this=sql.ident(hidden), table=alias.copy()), sql.ident(exported)
                )
                for alias, hidden, exported in carried
            ],
            copy=False,
        )
        return occurrences

    def _alias(self, source: exp.Expression) -> exp.Identifier:
        alias = source.args.get("alias")
        if not isinstance(alias, exp.TableAlias):
            self.aliases += 1
            alias = exp.TableAlias(this=sql.ident(f"__ib_s{self.aliases}"))
            source.set("alias", alias)
        ident = alias.this
        assert isinstance(ident, exp.Identifier)
        return ident

    @staticmethod
    def _exclude_hidden(select: exp.Select, carried: list[tuple[exp.Identifier, str, str]]) -> None:
        """``*`` and ``t.*`` must not show the carried row ids."""
        for projection in select.expressions:
            if isinstance(projection, exp.Star):
                names = {hidden for _, hidden, _ in carried}
                star = projection
            elif isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star):
                names = {h for a, h, _ in carried if a.name == projection.table}
                star = projection.this
            else:
                continue
            if names:
                star.set("except_", [sql.column(n) for n in sorted(names)])


def _branches(query: exp.Expression | exp.Query, view: CatalogObject) -> list[exp.Select]:
    if isinstance(query, exp.Union) and not query.args.get("distinct"):
        return [*_branches(query.left, view), *_branches(query.right, view)]
    if isinstance(query, exp.Subquery):
        return _branches(query.this, view)
    if isinstance(query, exp.Select):
        return [query]
    raise _not_tracked(view, query.key.upper())


def view_shape(emu: Engine, view: CatalogObject) -> ViewShape:
    """The tracked shape of ``view``; raises unsupported for shapes the reader cannot track."""
    builder = _Builder(emu, view)
    tree = builder.translated(view, 0)
    branches = [Branch(s, builder.prepare(s)) for s in _branches(tree, view)]
    if not builder.tables:
        raise _not_tracked(view, "no base table")
    return ViewShape(view, branches, builder.tables)


def is_single_table(query: exp.Expression) -> bool:
    """A projection / filter over one table reference (the simple view reader's shape)."""
    source = query.args.get("from_") if isinstance(query, exp.Select) else None
    return (
        isinstance(query, exp.Select)
        and not query.args.get("joins")
        and not query.args.get("with_")
        and isinstance(source, exp.From)
        and isinstance(source.this, exp.Table)
    )
