"""Sequences: catalog rows of kind SEQUENCE, each backed by a DuckDB sequence.

https://docs.snowflake.com/en/sql-reference/sql/create-sequence and
https://docs.snowflake.com/en/user-guide/querying-sequences. A Snowflake sequence is a
schema object; its values come from a DuckDB sequence in the reserved schema, named after
the catalog id (``__ib.seq_<id>``), so the user's name never enters DuckDB text and a
RENAME only changes the catalog row. DuckDB evaluates ``nextval`` once per call and row,
as Snowflake evaluates each ``<name>.NEXTVAL`` occurrence: one value per row, distinct
across the occurrences of a row. Values are never handed out twice; like Snowflake's, they
are not gap-free (a rolled-back statement does not return the values it drew).

AUTOINCREMENT / IDENTITY columns draw from a DuckDB sequence of their own
(``__ib.identity_<table id>_<n>``, recorded in the table's ``identity`` property), made
when the column first needs a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from sqlglot import exp

from emulator import errors
from emulator.core import sql
from emulator.core.catalog_objects import (
    IDENTITY,
    META_SCHEMA,
    SEQUENCE,
    CatalogObject,
    Column,
    owned_sequences,
)
from icebridge.sql.identifiers import ObjectName
from icebridge.sql.nodes_objects import sequence_of

if TYPE_CHECKING:
    from emulator.core.engine import Engine

#: Snowflake sequence values are 64-bit two's complement integers (create-sequence).
MIN_VALUE = -(2**63)
MAX_VALUE = 2**63 - 1
#: The stored DEFAULT text of an identity column, as DESCRIBE TABLE shows it.
_IDENTITY_TEXT = re.compile(r"IDENTITY START (-?\d+) INCREMENT (-?\d+)(?: (ORDER|NOORDER))?\Z")


class SequenceValue(exp.Expression, exp.Func):
    """DuckDB's ``nextval('<sequence>')``: a node the translation passes through as is
    (sqlglot writes an unknown function as its name and arguments)."""

    arg_types: ClassVar[dict[str, bool]] = {"this": True}
    _sql_names: ClassVar[list[str]] = ["NEXTVAL"]


@dataclass(frozen=True)
class Sequence:
    """A sequence read from its catalog row."""

    obj: CatalogObject
    start: int
    increment: int
    ordered: bool

    @property
    def duck_name(self) -> str:
        return owned_sequences(self.obj)[0]


def from_object(obj: CatalogObject) -> Sequence:
    """The sequence described by a catalog row of kind SEQUENCE."""
    props = obj.properties
    return Sequence(
        obj, int(props.get("start", 1)), int(props.get("increment", 1)), bool(props.get("order"))
    )


def properties(duck: str, start: int, increment: int, ordered: bool) -> dict[str, Any]:
    """The ``properties`` JSON of a sequence's catalog row."""
    return {"duck": duck, "start": start, "increment": increment, "order": ordered}


def checked(value: int, what: str, *, nonzero: bool = False) -> int:
    """``value`` if it is a 64-bit integer (and not 0 when ``nonzero``), else Snowflake's
    invalid-value error."""
    if value < MIN_VALUE or value > MAX_VALUE or (nonzero and value == 0):
        raise errors.invalid_value(what, str(value))
    return value


def number(node: exp.Expression | None, what: str) -> int | None:
    """The integer a number literal (or ``-literal``) holds; None without one."""
    if node is None:
        return None
    negative = isinstance(node, exp.Neg)
    inner = node.this if negative else node
    if not isinstance(inner, exp.Literal) or inner.is_string:
        raise errors.invalid_value(what, node.sql("snowflake"))
    try:
        value = int(str(inner.this))
    except ValueError:
        raise errors.invalid_value(what, node.sql("snowflake")) from None
    return -value if negative else value


# -- the DuckDB sequences ----------------------------------------------------------------


def create_duck_sequence(emu: Engine, name: str, start: int, increment: int) -> None:
    """``CREATE SEQUENCE __ib.<name> START WITH start INCREMENT BY increment`` over the
    whole 64-bit range (DuckDB's default range would refuse negative values)."""
    spec = exp.SequenceProperties(
        start=exp.Literal.number(start),
        increment=exp.Literal.number(increment),
        minvalue=exp.Literal.number(MIN_VALUE),
        maxvalue=exp.Literal.number(MAX_VALUE),
    )
    create = exp.Create(
        kind="SEQUENCE", this=sql.meta(name), properties=exp.Properties(expressions=[spec])
    )
    sql.run(emu.con, create)


def drop_duck_sequence(emu: Engine, name: str) -> None:
    """``DROP SEQUENCE IF EXISTS __ib.<name>``."""
    sql.run(emu.con, exp.Drop(kind="SEQUENCE", exists=True, tables=[sql.meta(name)]))


def _last_value(emu: Engine, name: str) -> int | None:
    """The value the DuckDB sequence last handed out, None when it never did."""
    query = (
        exp.select(sql.column("last_value"))
        .from_(exp.Table(this=exp.Anonymous(this="duckdb_sequences")))
        .where(
            exp.and_(
                exp.EQ(this=sql.column("schema_name"), expression=sql.param()),
                exp.EQ(this=sql.column("sequence_name"), expression=sql.param()),
            )
        )
    )
    row = sql.run(emu.con, query, [META_SCHEMA, name]).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def next_value(emu: Engine, sequence: Sequence) -> int:
    """The value the next ``NEXTVAL`` returns (SHOW SEQUENCES ``next_value``)."""
    last = _last_value(emu, sequence.duck_name)
    return sequence.start if last is None else last + sequence.increment


def set_increment(emu: Engine, sequence: Sequence, increment: int) -> dict[str, Any]:
    """Change the step; returns the new properties.

    Snowflake has computed the next value when the current one was used, so the first
    value after the change is that one and the new step applies from the second
    (https://docs.snowflake.com/en/user-guide/querying-sequences, Altering a sequence).
    DuckDB cannot alter a sequence: it is made again from that next value.
    """
    following = next_value(emu, sequence)
    drop_duck_sequence(emu, sequence.duck_name)
    create_duck_sequence(emu, sequence.duck_name, following, increment)
    return {**sequence.obj.properties, "increment": increment}


def duck_value(duck: str) -> exp.Expression:
    """``nextval('"__ib"."<duck>"')`` as NUMBER(38,0), as Snowflake types sequence values.
    DuckDB's nextval takes the sequence's name as text; the name is the emulator's own."""
    name = f"{sql.quote(META_SCHEMA)}.{sql.quote(duck)}"
    value = SequenceValue(this=exp.Literal.string(name))
    return exp.Cast(this=value, to=exp.DataType.build("NUMBER(38, 0)", dialect="snowflake"))


# -- <name>.NEXTVAL ------------------------------------------------------------------------


def require(emu: Engine, reference: exp.Table, near: ObjectName | None = None) -> Sequence:
    """The sequence a written name refers to (relative to ``near``'s schema when given:
    a column DEFAULT names sequences of its table's schema), or Snowflake's error."""
    table = reference
    if near is not None:
        parts = [reference.args.get(k) for k in ("catalog", "db")]
        table = exp.Table(
            this=reference.this.copy(),
            db=(parts[1] or exp.to_identifier(near.schema, quoted=True)).copy(),
            catalog=(parts[0] or exp.to_identifier(near.database, quoted=True)).copy(),
        )
    found = emu.resolver.lookup(table, "NEXTVAL", (SEQUENCE,), label="Sequence")
    assert found is not None
    return from_object(found)


def resolve_references(
    emu: Engine, node: exp.Expression, near: ObjectName | None = None
) -> exp.Expression:
    """``node`` (changed in place) with every ``<name>.NEXTVAL`` replaced by its DuckDB
    sequence call; a bare one in a SELECT list keeps the column name NEXTVAL
    (create-sequence: ``SELECT seq_01.nextval`` returns column NEXTVAL)."""
    for ref in list(node.find_all(exp.NextValueFor)):
        value = duck_value(require(emu, sequence_of(ref), near).duck_name)
        if isinstance(ref.parent, exp.Select) and ref.arg_key == "expressions":
            value = exp.Alias(this=value, alias=exp.to_identifier("NEXTVAL", quoted=True))
        if ref is node:
            return value
        ref.replace(value)
    return node


def rewrite_nextval(emu: Engine, node: exp.Expression) -> exp.Expression:
    """Statement rewriter: ``<name>.NEXTVAL`` in queries, DML and CTAS bodies. Other
    statements keep the reference: a column DEFAULT is resolved at insert time."""
    ctas = (
        type(node) is exp.Create
        and str(node.args.get("kind") or "").upper() == "TABLE"
        and node.args.get("expression") is not None
    )
    if not ctas and not isinstance(
        node, exp.Query | exp.Insert | exp.Update | exp.Delete | exp.Merge
    ):
        return node
    if any(str(c.name).upper() == "GETNEXTVAL" for c in node.find_all(exp.Anonymous)):
        # TABLE(GETNEXTVAL(seq)) alias.NEXTVAL names the alias, not a sequence.
        raise errors.unsupported("function GETNEXTVAL")
    node = node.copy()
    if ctas:
        resolve_references(emu, node.expression)
        return node
    return resolve_references(emu, node)


# -- AUTOINCREMENT / IDENTITY ------------------------------------------------------------


def identity_text(start: int, increment: int, ordered: bool) -> str:
    """An identity column's DEFAULT as DESCRIBE TABLE shows it."""
    return f"IDENTITY START {start} INCREMENT {increment} {'ORDER' if ordered else 'NOORDER'}"


def identity_spec(default_sql: str | None) -> tuple[int, int] | None:
    """(start, increment) of an identity column's stored DEFAULT, None for other defaults."""
    found = _IDENTITY_TEXT.match(default_sql or "")
    return (int(found.group(1)), int(found.group(2))) if found else None


def identity_value(emu: Engine, table: CatalogObject, column: Column) -> exp.Expression:
    """The DuckDB expression of an identity column's next value; its sequence is made the
    first time (in the writing statement's transaction)."""
    spec = identity_spec(column.default_sql)
    assert spec is not None
    fresh = emu.catalog.by_id(table.id) or table
    known = dict(fresh.properties.get(IDENTITY) or {})
    duck = known.get(column.name)
    if duck is None:
        duck = f"identity_{fresh.id}_{emu.catalog.next_id()}"
        create_duck_sequence(emu, duck, *spec)
        known[column.name] = duck
        emu.catalog.update_object(fresh.id, properties={**fresh.properties, IDENTITY: known})
    return duck_value(str(duck))


def forget_identity(emu: Engine, table: CatalogObject, column: str) -> dict[str, Any]:
    """The table's properties without ``column``'s identity sequence (dropped)."""
    known = dict(table.properties.get(IDENTITY) or {})
    duck = known.pop(column, None)
    if duck is not None:
        drop_duck_sequence(emu, str(duck))
    return {**table.properties, IDENTITY: known}


def rename_identity(table: CatalogObject, old: str, new: str) -> dict[str, Any]:
    """The table's properties with ``old``'s identity sequence kept under ``new``."""
    known = dict(table.properties.get(IDENTITY) or {})
    if old in known:
        known[new] = known.pop(old)
    return {**table.properties, IDENTITY: known}
