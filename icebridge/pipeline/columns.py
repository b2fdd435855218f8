"""Staged columns: what users declare, and the resolved form a pipeline keeps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlglot import exp
from sqlglot.errors import SqlglotError

from icebridge.errors import DefinitionError, IdentifierError
from icebridge.sql.dialect import DIALECT
from icebridge.sql.identifiers import case_insensitive_key, normalize, quote
from icebridge.types import parse_type, type_sql

#: The ingestion-time column added to staging tables unless ``ingested_at=False``.
INGESTED_AT = "_INGESTED_AT"
INGESTED_AT_TYPE = "TIMESTAMP_NTZ"


@dataclass(frozen=True)
class Column:
    """A column as the user declares it.

    ``name`` uses Snowflake identifier syntax (``order_id`` is ``ORDER_ID``, ``'"Id"'``
    keeps its case); ``type`` is Snowflake type text; ``default`` is a SQL expression
    text (``"0"``, ``"CURRENT_TIMESTAMP()"``) or a Python constant.
    """

    name: str
    type: str
    nullable: bool = True
    default: str | int | float | bool | None = None
    comment: str | None = None


@dataclass(frozen=True)
class StagedColumn:
    """A resolved column: stored name, canonical type text and default SQL."""

    name: str
    type: str
    nullable: bool = True
    default: str | None = None
    comment: str | None = None

    @property
    def dtype(self) -> exp.DataType:
        """The parsed type (a fresh node on every access)."""
        return parse_type(self.type, column=self.name)

    def default_node(self) -> exp.Expression | None:
        """The parsed DEFAULT expression, if any."""
        return _parse_default(self.default, self.name) if self.default is not None else None


def _parse_default(text: str, column: str) -> exp.Expression:
    try:
        parsed = DIALECT.parse_into(exp.Condition, text)
    except SqlglotError:
        parsed = []
    node = parsed[0] if parsed else None
    if not isinstance(node, exp.Expression) or isinstance(node, exp.Query | exp.Command):
        raise DefinitionError(
            f"column {column}: DEFAULT {text!r} is not a SQL expression", field="columns"
        )
    if node.find(exp.Column, exp.Subquery) is not None:
        # A bare word parses as a column reference; DEFAULTs cannot reference columns.
        raise DefinitionError(
            f"column {column}: DEFAULT {text!r} must be a constant or a function call "
            "(write text as a SQL string, e.g. \"'abc'\")",
            field="columns",
        )
    return node


def _default_text(value: object, column: str) -> str | None:
    if value is None:
        return None
    node: exp.Expression
    if isinstance(value, bool):
        node = exp.Boolean(this=value)
    elif isinstance(value, int | float):
        node = exp.Literal.number(value)
    elif isinstance(value, str):
        node = _parse_default(value, column)
    else:
        raise DefinitionError(
            f"column {column}: DEFAULT must be SQL text or a constant, got {value!r}",
            field="columns",
        )
    return node.sql(dialect=DIALECT)


def _resolve_one(col: Column) -> StagedColumn:
    if not isinstance(col.name, str):
        raise DefinitionError(f"columns: column name {col.name!r} is not text", field="columns")
    try:
        name = normalize(col.name.strip(), what="columns")
    except IdentifierError as err:
        raise DefinitionError(str(err), field="columns") from None
    try:
        dtype = parse_type(col.type, column=name)
    except DefinitionError as err:
        raise DefinitionError(str(err), field="columns") from None
    return StagedColumn(
        name=name,
        type=type_sql(dtype),
        nullable=bool(col.nullable),
        default=_default_text(col.default, name),
        comment=col.comment,
    )


def resolve_columns(
    columns: Mapping[str, str] | Sequence[Column], *, ingested_at: bool
) -> tuple[StagedColumn, ...]:
    """Validate and normalise declared columns, appending ``_INGESTED_AT`` if asked."""
    declared: list[Column]
    if isinstance(columns, Mapping):
        declared = [Column(str(k), v) for k, v in columns.items()]
    elif isinstance(columns, Sequence) and not isinstance(columns, str | bytes):
        declared = list(columns)
        for item in declared:
            if not isinstance(item, Column):
                raise DefinitionError(
                    f"columns: expected Column objects, got {item!r}", field="columns"
                )
    else:
        raise DefinitionError(
            "columns: give a dict of name -> type or a sequence of Column", field="columns"
        )
    if not declared:
        raise DefinitionError("columns: a staging table needs at least one column", field="columns")
    resolved = [_resolve_one(c) for c in declared]
    seen: set[str] = set()
    folded: dict[str, str] = {}
    for col in resolved:
        if col.name in seen:
            raise DefinitionError(f"columns: column {col.name} is declared twice", field="columns")
        seen.add(col.name)
        first = folded.setdefault(case_insensitive_key(col.name), col.name)
        if first != col.name:
            # Snowflake keeps ID and "id" apart; the emulator (DuckDB) cannot hold both.
            raise DefinitionError(
                f"columns: {quote(first)} and {quote(col.name)} differ only in case; Snowflake "
                "keeps them apart, but the icebridge emulator (DuckDB) cannot hold both: "
                "rename one of them",
                field="columns",
            )
    if ingested_at:
        if case_insensitive_key(INGESTED_AT) in folded:  # "_ingested_at" collides too
            raise DefinitionError(
                f"columns: {INGESTED_AT} is added by icebridge; rename the column or pass "
                "ingested_at=False",
                field="columns",
            )
        resolved.append(
            StagedColumn(
                name=INGESTED_AT,
                type=type_sql(parse_type(INGESTED_AT_TYPE)),
                default=exp.CurrentTimestamp().sql(dialect=DIALECT),
            )
        )
    return tuple(resolved)


def resolve_column_refs(
    value: str | Sequence[str] | None, staged: Sequence[StagedColumn], *, field: str
) -> tuple[str, ...]:
    """Resolve user column references (identifier syntax) against the staged columns."""
    if value is None:
        return ()
    items: list[Any] = [value] if isinstance(value, str) else list(value)
    names = {c.name for c in staged}
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise DefinitionError(f"{field}: expected a column name, got {item!r}", field=field)
        try:
            name = normalize(item.strip(), what=field)
        except IdentifierError as err:
            raise DefinitionError(str(err), field=field) from None
        if name not in names:
            raise DefinitionError(
                f"{field}: column {name} is not a staged column "
                f"(staged: {', '.join(sorted(names))})",
                field=field,
            )
        if name in out:
            raise DefinitionError(f"{field}: column {name} is listed twice", field=field)
        out.append(name)
    if not out:
        raise DefinitionError(f"{field}: give at least one column", field=field)
    return tuple(out)
