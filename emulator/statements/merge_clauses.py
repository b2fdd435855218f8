"""The WHEN clauses of a Snowflake MERGE, read and checked.

Rules from https://docs.snowflake.com/en/sql-reference/sql/merge:

- ``WHEN MATCHED [AND p] THEN UPDATE {ALL BY NAME | SET c = e, ...} | DELETE``;
- ``WHEN NOT MATCHED [AND p] THEN INSERT {ALL BY NAME | [(cols)] VALUES (...)}``;
- a clause without ``AND`` must be the last of its kind, otherwise the clauses after it are
  unreachable and the statement is rejected;
- ``ALL BY NAME`` pairs each target column with the source column of the same name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from sqlglot import exp

from emulator import errors
from emulator.core import sql
from icebridge.errors import ProgrammingError

_COMPILATION = "SQL compilation error:\n"

Action = Literal["update", "delete", "insert"]


@dataclass(frozen=True)
class Clause:
    """One WHEN clause, with target columns resolved to their stored names."""

    index: int
    """1-based position among all WHEN clauses of the statement."""
    matched: bool
    action: Action
    condition: exp.Expression | None
    """The ``AND`` predicate (Snowflake AST), None when absent."""
    assignments: tuple[tuple[str, exp.Expression], ...]
    """UPDATE: (column, new value); INSERT: (column, value). Values are Snowflake AST."""


def compile_error(message: str, *, errno: int = 2000, sqlstate: str = "42601") -> ProgrammingError:
    """A MERGE compilation error (Snowflake's exact number is not documented)."""
    return ProgrammingError(f"{_COMPILATION}{message}", errno=errno, sqlstate=sqlstate)


def stored_name(identifier: exp.Identifier) -> str:
    """Snowflake's stored form of an identifier: unquoted upper-cased, quoted kept."""
    text: str = identifier.this
    return text if identifier.quoted else text.upper()


def read_clauses(
    merge: exp.Merge,
    columns: Sequence[str],
    target_names: Sequence[str],
    source_alias: exp.Identifier,
    source_columns: Sequence[str] | None = None,
) -> list[Clause]:
    """Read, resolve and check every WHEN clause of ``merge``.

    ``target_names`` are the stored names the target may be qualified with (alias, table name);
    ``source_columns``, when known, lets ALL BY NAME be checked here instead of by DuckDB.
    """
    whens = merge.args.get("whens")
    items: list[exp.When] = list(whens.expressions) if whens is not None else []
    if not items:
        raise compile_error("MERGE needs at least one WHEN clause.", errno=1003, sqlstate="42000")
    resolver = _Columns(columns, target_names)
    clauses = [
        _read_one(i, when, resolver, source_alias, source_columns)
        for i, when in enumerate(items, start=1)
    ]
    _check_reachable(clauses)
    return clauses


class _Columns:
    """Resolves target column references written in the statement."""

    def __init__(self, columns: Sequence[str], target_names: Sequence[str]) -> None:
        self.columns = tuple(columns)
        self._by_name = {c: c for c in columns}
        self._targets = {n.upper() for n in target_names}

    def resolve(self, node: exp.Expression) -> str:
        if not isinstance(node, exp.Column) or not isinstance(node.this, exp.Identifier):
            raise compile_error(f"MERGE assigns to {node.sql()!r}, which is not a column name.")
        qualifier = node.args.get("table")
        name = stored_name(node.this)
        if isinstance(qualifier, exp.Identifier) and qualifier.name.upper() not in self._targets:
            raise errors.invalid_identifier(f"{stored_name(qualifier)}.{name}")
        if name not in self._by_name:
            raise errors.invalid_identifier(name)
        return name


def _read_one(
    index: int,
    when: exp.When,
    resolver: _Columns,
    source_alias: exp.Identifier,
    source_columns: Sequence[str] | None,
) -> Clause:
    matched = bool(when.args.get("matched"))
    if when.args.get("source"):
        raise compile_error(
            "WHEN NOT MATCHED BY SOURCE is not part of Snowflake's MERGE; delete the target rows "
            "missing from the source with a separate DELETE.",
            errno=1003,
            sqlstate="42000",
        )
    condition = when.args.get("condition")
    then = when.args.get("then")
    kind = "WHEN MATCHED" if matched else "WHEN NOT MATCHED"
    if isinstance(then, exp.Var) and then.name.upper() == "DELETE":
        if not matched:
            raise compile_error(f"{kind} (clause {index}) cannot DELETE; only INSERT is allowed.")
        return Clause(index, matched, "delete", condition, ())
    if isinstance(then, exp.Update):
        if not matched:
            raise compile_error(f"{kind} (clause {index}) cannot UPDATE; only INSERT is allowed.")
        return Clause(
            index,
            matched,
            "update",
            condition,
            _update_set(then, resolver, source_alias, source_columns),
        )
    if isinstance(then, exp.Insert):
        if matched:
            raise compile_error(f"{kind} (clause {index}) cannot INSERT; use UPDATE or DELETE.")
        return Clause(
            index,
            matched,
            "insert",
            condition,
            _insert_values(index, then, resolver, source_alias, source_columns),
        )
    raise errors.unsupported(f"MERGE action {then.sql() if then is not None else '(none)'}")


def _update_set(
    then: exp.Update,
    resolver: _Columns,
    source_alias: exp.Identifier,
    source_columns: Sequence[str] | None,
) -> tuple[tuple[str, exp.Expression], ...]:
    items = list(then.expressions)
    if len(items) == 1 and isinstance(items[0], exp.Star):
        return _by_name(resolver.columns, source_alias, source_columns)
    pairs: list[tuple[str, exp.Expression]] = []
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, exp.EQ):
            raise compile_error(f"MERGE UPDATE SET expects column = value, got {item.sql()!r}.")
        name = resolver.resolve(item.this)
        if name in seen:
            raise compile_error(f"MERGE UPDATE SET assigns column '{name}' more than once.")
        seen.add(name)
        pairs.append((name, item.expression))
    return tuple(pairs)


def _insert_values(
    index: int,
    then: exp.Insert,
    resolver: _Columns,
    source_alias: exp.Identifier,
    source_columns: Sequence[str] | None,
) -> tuple[tuple[str, exp.Expression], ...]:
    target_cols = then.this
    if isinstance(target_cols, exp.Star):
        return _by_name(resolver.columns, source_alias, source_columns)
    values = then.expression
    if not isinstance(values, exp.Tuple):
        raise compile_error(f"MERGE INSERT (clause {index}) needs VALUES (...).")
    if isinstance(target_cols, exp.Tuple):
        names = [resolver.resolve(c) for c in target_cols.expressions]
    else:
        names = list(resolver.columns)
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise compile_error(f"MERGE INSERT lists column '{duplicates[0]}' more than once.")
    if len(names) != len(values.expressions):
        # Snowflake's wording for INSERT arity mismatches.
        raise compile_error(
            "Insert value list does not match column list expecting "
            f"{len(names)} but got {len(values.expressions)}",
            errno=2020,
            sqlstate="21S01",
        )
    return tuple(zip(names, values.expressions, strict=True))


def _by_name(
    columns: Sequence[str], source_alias: exp.Identifier, source_columns: Sequence[str] | None
) -> tuple[tuple[str, exp.Expression], ...]:
    """ALL BY NAME: every target column from the source column of the same name."""
    if source_columns is not None:
        have = set(source_columns)
        for name in columns:
            if name not in have:
                raise errors.invalid_identifier(f"{stored_name(source_alias)}.{name}")
        extra = [c for c in source_columns if c not in set(columns)]
        if extra:
            raise compile_error(
                f"ALL BY NAME needs the same columns in source and target; the target has no "
                f"column '{extra[0]}'."
            )
    return tuple((name, exp.column(sql.ident(name), table=source_alias.copy())) for name in columns)


def _check_reachable(clauses: Sequence[Clause]) -> None:
    """A clause without AND must be the last of its kind (matched / not matched)."""
    for matched in (True, False):
        group = [c for c in clauses if c.matched == matched]
        for clause in group[:-1]:
            if clause.condition is None:
                kind = "WHEN MATCHED" if matched else "WHEN NOT MATCHED"
                raise compile_error(
                    f"Unreachable {kind} clause: clause {clause.index} has no AND condition, so "
                    f"the {kind} clauses after it can never apply. A {kind} clause without AND "
                    f"must be the last {kind} clause."
                )


@dataclass(frozen=True)
class MergeTarget:
    """The resolved target table of a MERGE."""

    relation: exp.Table
    """The DuckDB base table to write."""
    alias: str | None
    """The target alias used in the statement (None: the table name as written)."""
    columns: tuple[str, ...]
    """User-visible column names (stored form), in table order."""
    row_id: str
    """Hidden stable row-id column of ``relation`` (BIGINT, unique, filled by a sequence)."""
    defaults: Mapping[str, exp.Expression]
    """DuckDB default expressions for INSERT columns the statement omits, by column name."""
