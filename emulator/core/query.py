"""SELECT (and other queries): Snowflake output names, translation, execution."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.engine import Outcome
from emulator.core.translation import output_name

if TYPE_CHECKING:
    from emulator.core.engine import Engine


def check_supported(node: exp.Expression) -> None:
    """Refuse functions the emulator does not implement yet, naming them."""
    for func in node.find_all(exp.Anonymous):
        name = str(func.name).upper()
        if name.startswith("SYSTEM$"):
            raise errors.unsupported(f"function {name}")


def name_projections(query: exp.Expression, *, owned: bool = False) -> exp.Expression:
    """Alias every unaliased projection with the column name Snowflake would return.

    Names are computed on the Snowflake AST (before translation), e.g. ``COUNT(*)`` and
    ``A + 1``; star projections keep the names of the columns they expand to. ``query`` is
    copied first unless the caller ``owned`` it (built it for this call).
    """
    node = query if owned else query.copy()
    selects: list[exp.Select] = []
    if isinstance(node, exp.Select):
        selects.append(node)
    elif isinstance(node, exp.SetOperation):
        left: exp.Expression = node
        while isinstance(left, exp.SetOperation):
            left = left.this
        if isinstance(left, exp.Select):
            selects.append(left)
    for select in selects:
        named: list[exp.Expr] = []
        for projection in select.expressions:
            if isinstance(projection, exp.Star) or (
                isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star)
            ):
                named.append(projection)
                continue
            inner = projection.this if isinstance(projection, exp.Alias) else projection
            named.append(exp.alias_(inner, sql.ident(output_name(projection))))
        select.set("expressions", named)
    return node


def translate_query(emu: Engine, node: exp.Expression, *, owned: bool = False) -> exp.Expression:
    """A Snowflake query as a DuckDB query with Snowflake's result column names (``owned``:
    the caller built ``node`` for this call, so it may be changed in place)."""
    check_supported(node)
    return emu.translate(name_projections(node, owned=owned))


def run_query(emu: Engine, node: exp.Expression, text: str) -> Outcome:
    """A query statement: translated, run, its rows as the result."""
    table = emu.fetch(sql.render(translate_query(emu, node)))
    return Outcome(table, table.num_rows)
