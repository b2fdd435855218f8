"""Identifier case rules and the column names Snowflake gives query results.

Snowflake stores unquoted identifiers upper-case and quoted ones exactly
(https://docs.snowflake.com/en/sql-reference/identifiers-syntax). DuckDB matches
identifiers case-insensitively, so two columns whose names differ only in case (``"a"``
and ``A``) cannot live in one DuckDB table: :func:`check_distinct_columns` rejects them
with a clear error instead of letting one silently stand for the other.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlglot import exp

from emulator import errors
from icebridge.sql.dialect import generate


def stored(identifier: exp.Identifier) -> str:
    """The stored form of a parsed identifier: unquoted -> upper-case, quoted -> exact."""
    name: str = identifier.this
    return name if identifier.quoted else name.upper()


def _upper_outside_quotes(text: str) -> str:
    # Quoted identifiers keep their case; everything else (keywords, names, literals)
    # is shown upper-case, as Snowflake prints an unaliased column header.
    out: list[str] = []
    in_quotes = False
    for ch in text:
        if ch == '"':
            in_quotes = not in_quotes
        out.append(ch if in_quotes else ch.upper())
    return "".join(out)


def output_name(projection: exp.Expression) -> str:
    """The name Snowflake gives the result column of one SELECT projection.

    - ``expr AS alias`` -> the alias in stored form (``AS x`` -> ``X``, ``AS "x"`` -> ``x``);
    - a column reference -> the column's stored name (``t.order_id`` -> ``ORDER_ID``);
    - anything else -> the expression's Snowflake SQL text, upper-cased except quoted
      identifiers: ``count(*)`` -> ``COUNT(*)``, ``a + 1`` -> ``A + 1`` (the docs show
      ``n1 * n2`` headed ``N1 * N2``:
      https://docs.snowflake.com/en/sql-reference/operators-arithmetic). Snowflake echoes
      the text as typed, which a query run from its statement text gets instead
      (:func:`emulator.translate.headers.written_names`); this is the fallback without the
      text: sqlglot's normalised rendering, so spacing and some spellings differ
      (``x::string`` -> ``CAST(X AS VARCHAR)``).
    """
    if isinstance(projection, exp.Alias):
        alias = projection.args.get("alias")
        if isinstance(alias, exp.Identifier):
            return stored(alias)
        return projection.alias.upper()
    if isinstance(projection, exp.Column) and isinstance(projection.this, exp.Identifier):
        return stored(projection.this)
    return _upper_outside_quotes(generate(projection))


def check_distinct_columns(names: Iterable[str], *, table: str) -> None:
    """Reject stored column names that differ only in case (DuckDB cannot hold both).

    Snowflake allows ``"a"`` and ``A`` side by side; the emulator raises
    ``errors.unsupported`` naming the table and both columns.
    """
    seen: dict[str, str] = {}
    for name in names:
        key = name.casefold()
        if key in seen and seen[key] != name:
            raise errors.unsupported(
                f"table {table} has columns {seen[key]!r} and {name!r} that differ only "
                "in case (the emulator's storage matches column names case-insensitively)"
            )
        seen[key] = name
