"""Transforms about names: result column names, identifier case, tables and variables."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from sqlglot import exp

from emulator import errors
from emulator.translate.context import TranslateContext
from emulator.translate.guard import check_table_source
from emulator.translate.names import output_name, stored

#: Relations the session registered with DuckDB for one statement (e.g. task history rows);
#: references to them are left as they are.
SCRATCH_PREFIX = "__ib_scratch_"


def name_projections(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """Alias every unaliased projection with the column name Snowflake would report.

    Runs first, on the untranslated Snowflake expression, so that DuckDB's result columns
    carry Snowflake's names (``COUNT(*)``, ``A + 1``, ``ORDER_ID``) whatever the later
    rewrites turn the expression into.
    https://docs.snowflake.com/en/sql-reference/constructs/select (column aliases)
    """
    for select in tree.find_all(exp.Select):
        projections = []
        for projection in select.expressions:
            if isinstance(projection, exp.Alias | exp.Star) or (
                isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star)
            ):
                projections.append(projection)
                continue
            name = exp.Identifier(this=output_name(projection), quoted=True)
            projections.append(exp.Alias(this=projection, alias=name))
        select.set("expressions", projections)
    return tree


def normalize_identifiers(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """Write every identifier in its stored form, quoted.

    Unquoted identifiers are case-insensitive and stored upper-case; quoted ones are
    exact (https://docs.snowflake.com/en/sql-reference/identifiers-syntax). Quoting the
    stored form makes DuckDB see the same name Snowflake stores.
    """
    for identifier in tree.find_all(exp.Identifier):
        identifier.set("this", stored(identifier))
        identifier.set("quoted", True)
    return tree


def _cte_names(tree: exp.Expression) -> set[str]:
    return {cte.alias_or_name for cte in tree.find_all(exp.CTE)}


def _is_dml_target(table: exp.Table) -> bool:
    parent = table.parent
    if isinstance(parent, exp.Schema):
        parent = parent.parent
    return isinstance(parent, exp.Insert | exp.Update | exp.Delete | exp.Merge) and (
        parent.this is table or parent.this is table.parent
    )


def resolve_tables(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """Replace each table reference with ``ctx.resolve_table(table)``.

    CTE names and table functions are left alone; a string used as a table is refused
    (:func:`~emulator.translate.guard.check_table_source`: DuckDB would read the file it
    names). The table handed to the resolver has its identifiers in stored form. The
    relation it returns keeps the reference's alias, or gets the table's own name as alias
    so that ``t.col`` still resolves (DML targets excepted: DuckDB cannot alias an INSERT
    target).
    """
    ctes = _cte_names(tree)
    found = list(tree.find_all(exp.Table))
    for table in found:
        check_table_source(table)  # DuckDB would read the file a string names
    tables = [
        t
        for t in found
        if isinstance(t.this, exp.Identifier)
        and not (not t.db and t.name in ctes)
        and not (not t.db and t.name.startswith(SCRATCH_PREFIX))
    ]
    for table in tables:
        relation = ctx.resolve_table(table.copy())
        if relation is table:
            continue
        if not relation.args.get("alias") and not _is_dml_target(table):
            alias = table.args.get("alias")
            if alias is None:
                alias = exp.TableAlias(this=exp.Identifier(this=table.name, quoted=True))
            if isinstance(relation, exp.Table | exp.Subquery):
                relation.set("alias", alias.copy())
        table.replace(relation)
    return tree


def literal(value: Any) -> exp.Expression:
    """A SQL literal for a Python value (session variable values)."""
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float | decimal.Decimal):
        return exp.Literal.number(value)
    if isinstance(value, str):
        return exp.Literal.string(value)
    if isinstance(value, dt.datetime):
        kind = "TIMESTAMPTZ" if value.tzinfo else "TIMESTAMP"
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), kind)
    if isinstance(value, dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), "DATE")
    raise errors.unsupported(f"session variable value of type {type(value).__name__}")


def substitute_variables(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """Replace ``$name`` session variables by their values, as literals.

    Variable names follow identifier rules (``$x`` is ``$X``); an unset variable is
    Snowflake's error 2211 (https://docs.snowflake.com/en/sql-reference/session-variables).
    """
    variables = {name.upper(): value for name, value in ctx.variables.items()}
    for parameter in list(tree.find_all(exp.Parameter)):
        inner = parameter.this
        if not isinstance(inner, exp.Var | exp.Identifier):
            continue  # $1 positional stage columns are not session variables
        name = inner.name.upper()
        if name not in variables:
            raise errors.generic(
                f"SQL compilation error:\nSession variable '${name}' does not exist",
                errno=2211,
                sqlstate="02000",
            )
        parameter.replace(literal(variables[name]))
    return tree


def values_columns(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """A ``VALUES`` table without column names gets Snowflake's COLUMN1, COLUMN2, ...

    https://docs.snowflake.com/en/sql-reference/constructs/values (DuckDB would call
    them col0, col1, ...).
    """
    for values in tree.find_all(exp.Values):
        if isinstance(values.parent, exp.Insert) or not values.expressions:
            continue
        alias = values.args.get("alias")
        if isinstance(alias, exp.TableAlias) and alias.columns:
            continue
        first = values.expressions[0]
        width = len(first.expressions) if isinstance(first, exp.Tuple) else 1
        name = alias.this if isinstance(alias, exp.TableAlias) and alias.this else None
        columns = [exp.Identifier(this=f"COLUMN{i}", quoted=True) for i in range(1, width + 1)]
        values.set(
            "alias",
            exp.TableAlias(
                this=name or exp.Identifier(this="VALUES", quoted=True), columns=columns
            ),
        )
    return tree
