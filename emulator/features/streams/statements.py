"""Query ids -> table versions, for ``AT | BEFORE (STATEMENT => '<query id>')``.

Every statement that writes native tables records, in its own transaction, the versions it
wrote under its query id (``QueryResult.query_id``) and a global sequence number, in
``__ib.statement_versions``. A point ``STATEMENT => q`` on table T is then: the version q
wrote T at (AT: after q, BEFORE: before q), or, when q did not write T, the last version of
T written by a statement up to q. Query ids of statements that wrote nothing (SELECTs) are
unknown here and rejected (https://docs.snowflake.com/en/sql-reference/constructs/at-before).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator import errors
from emulator.core.catalog import META_SCHEMA, CatalogObject

if TYPE_CHECKING:
    from emulator.core.engine import Engine

TABLE_NAME = f"{META_SCHEMA}.statement_versions"
SEQUENCE = f"{META_SCHEMA}.statement_seq"


def record(emu: Engine, query_id: str, written: dict[int, int]) -> None:
    """Record the versions a successful statement wrote (inside its transaction)."""
    if not written:
        return
    emu.con.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE_NAME} "
        "(query_id VARCHAR, seq BIGINT, object_id BIGINT, version BIGINT)"
    )
    emu.con.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")
    row = emu.con.execute(f"SELECT nextval('{SEQUENCE}')").fetchone()
    assert row is not None
    emu.con.executemany(
        f"INSERT INTO {TABLE_NAME} VALUES (?, ?, ?, ?)",
        [[query_id, int(row[0]), oid, version] for oid, version in written.items()],
    )


def version_at_statement(emu: Engine, source: CatalogObject, query_id: str, *, before: bool) -> int:
    """The version of ``source`` at (after) or before the statement ``query_id``."""
    known = emu.con.execute(
        "SELECT 1 FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?",
        [META_SCHEMA, "statement_versions"],
    ).fetchone()
    seq_row = (
        emu.con.execute(
            f"SELECT min(seq) FROM {TABLE_NAME} WHERE query_id = ?", [query_id]
        ).fetchone()
        if known
        else None
    )
    if seq_row is None or seq_row[0] is None:
        raise errors.generic(
            f"Statement {query_id} cannot be used to specify time for time travel query.",
            errno=707,
            sqlstate="02000",
        )
    seq = int(seq_row[0])
    own = emu.con.execute(
        f"SELECT version FROM {TABLE_NAME} WHERE query_id = ? AND object_id = ?",
        [query_id, source.id],
    ).fetchone()
    if own is not None:
        return int(own[0]) - 1 if before else int(own[0])
    earlier = emu.con.execute(
        f"SELECT max(version) FROM {TABLE_NAME} WHERE object_id = ? AND seq <= ?",
        [source.id, seq],
    ).fetchone()
    if earlier is not None and earlier[0] is not None:
        return int(earlier[0])
    later = emu.con.execute(
        f"SELECT min(version) FROM {TABLE_NAME} WHERE object_id = ? AND seq > ?",
        [source.id, seq],
    ).fetchone()
    if later is not None and later[0] is not None:
        return int(later[0]) - 1
    return source.version
