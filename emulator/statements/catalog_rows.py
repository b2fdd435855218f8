"""Databases and schemas as metadata rows (SHOW DATABASES / SCHEMAS, INFORMATION_SCHEMA
DATABASES / SCHEMATA, DESCRIBE DATABASE), read from the catalog's metadata tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlglot import exp

from emulator.core import sql
from emulator.core.catalog import utc_aware

if TYPE_CHECKING:
    from emulator.core.engine import Engine


@dataclass(frozen=True)
class DatabaseRow:
    """One database."""

    name: str
    comment: str | None
    transient: bool
    created_on: datetime
    retention_days: int


@dataclass(frozen=True)
class SchemaRow:
    """One schema (schemas keep no retention of their own: their database's applies)."""

    database: str
    name: str
    comment: str | None
    transient: bool
    created_on: datetime


def databases(emu: Engine) -> list[DatabaseRow]:
    """Every database, by name."""
    names = ("name", "comment", "is_transient", "created_on", "retention_days")
    query = (
        exp.select(*sql.columns(names)).from_(sql.meta("databases")).order_by(sql.column("name"))
    )
    return [
        DatabaseRow(str(r[0]), r[1], bool(r[2]), utc_aware(r[3]), int(r[4]))
        for r in sql.run(emu.con, query).fetchall()
    ]


def schemas(emu: Engine, database: str | None = None) -> list[SchemaRow]:
    """The schemas of ``database`` (of every database when None), by database and name."""
    names = ("database", "name", "comment", "is_transient", "created_on")
    query = exp.select(*sql.columns(names)).from_(sql.meta("schemas"))
    params: list[str] = []
    if database is not None:
        query = query.where(exp.EQ(this=sql.column("database"), expression=sql.param()))
        params.append(database)
    query = query.order_by(sql.column("database"), sql.column("name"))
    return [
        SchemaRow(str(r[0]), str(r[1]), r[2], bool(r[3]), utc_aware(r[4]))
        for r in sql.run(emu.con, query, params).fetchall()
    ]
