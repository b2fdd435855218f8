"""The statement path's caches stay exact: catalog reads, counted versions, row ids, parsed
statements and kept translations follow every commit, rollback and DDL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
from sqlglot import exp

from emulator import Emulator
from emulator.core.catalog import ROW_ID, CatalogObject
from emulator.core.script import leading_words
from emulator.translate import TRANSFORMS, TRIGGERS, duckdb_sql, to_duckdb
from emulator.translate.context import TranslateContext
from icebridge.errors import SqlError
from icebridge.sql.dialect import DIALECT, parse_one
from icebridge.sql.identifiers import ObjectName


def rows(emu: Emulator, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r.values()) for r in emu.sql(sql).to_pylist()]


def table_obj(emu: Emulator, name: str) -> CatalogObject:
    obj = emu.engine.catalog.find(ObjectName("DB", "PUBLIC", name))
    assert obj is not None
    return obj


# -- catalog cache --------------------------------------------------------------------------


def test_ddl_is_seen_by_the_next_statement(emu: Emulator) -> None:
    emu.sql("CREATE TABLE t (id INT)")
    emu.sql("INSERT INTO t VALUES (1)")
    assert rows(emu, "SELECT * FROM t") == [(1,)]
    emu.sql("ALTER TABLE t ADD COLUMN v VARCHAR")
    emu.sql("INSERT INTO t (id, v) VALUES (2, 'b')")
    assert rows(emu, "SELECT * FROM t ORDER BY id") == [(1, None), (2, "b")]
    emu.sql("ALTER TABLE t RENAME TO u")
    with pytest.raises(SqlError, match="does not exist"):
        emu.sql("SELECT * FROM t")
    assert rows(emu, "SELECT COUNT(*) FROM u") == [(2,)]
    emu.sql("DROP TABLE u")
    with pytest.raises(SqlError, match="does not exist"):
        emu.sql("SELECT * FROM u")
    emu.sql("CREATE TABLE u (x VARCHAR)")
    assert emu.sql("SELECT * FROM u").column_names == ["X"]


def test_ddl_inside_a_transaction_commits_it_and_rollback_keeps_it(emu: Emulator) -> None:
    emu.sql("CREATE TABLE t (id INT)")
    emu.sql("BEGIN")
    emu.sql("INSERT INTO t VALUES (1)")
    emu.sql("CREATE TABLE c (id INT)")  # Snowflake commits the open transaction first
    emu.sql("ROLLBACK")
    assert rows(emu, "SELECT * FROM t") == [(1,)]
    assert rows(emu, "SELECT COUNT(*) FROM c") == [(0,)]


def test_a_failed_ddl_leaves_no_cached_object(emu: Emulator) -> None:
    with pytest.raises(SqlError):
        emu.sql("CREATE TABLE bad AS SELECT 1 / 0 AS x")
    assert emu.engine.catalog.find(ObjectName("DB", "PUBLIC", "BAD")) is None
    with pytest.raises(SqlError, match="does not exist"):
        emu.sql("SELECT * FROM bad")
    emu.sql("CREATE TABLE bad (x INT)")  # the name is free
    assert rows(emu, "SELECT COUNT(*) FROM bad") == [(0,)]


def test_metadata_written_in_a_rolled_back_transaction_is_forgotten(emu: Emulator) -> None:
    emu.execute(
        "CREATE TABLE src (id INT); CREATE TABLE dst (id INT); CREATE STREAM s ON TABLE src;"
        "INSERT INTO src VALUES (1)"
    )
    emu.sql("BEGIN")
    emu.sql("INSERT INTO dst SELECT id FROM s")
    emu.sql("COMMIT")  # consumed: the offset is metadata written at COMMIT
    emu.sql("INSERT INTO src VALUES (2)")
    emu.sql("BEGIN")
    emu.sql("INSERT INTO dst SELECT id FROM s")
    emu.sql("ROLLBACK")  # not consumed
    assert rows(emu, "SELECT id FROM s") == [(2,)]
    assert rows(emu, "SELECT id FROM dst") == [(1,)]


def test_two_connections_see_each_others_committed_ddl(emu: Emulator) -> None:
    first, second = emu.connect().cursor(), emu.connect().cursor()
    first.execute("CREATE TABLE shared (id INT)")
    first.execute("INSERT INTO shared VALUES (1)")
    assert second.execute("SELECT id FROM shared").fetchall() == [(1,)]
    second.execute("DROP TABLE shared")
    with pytest.raises(SqlError, match="does not exist"):
        first.execute("SELECT id FROM shared")
    second.execute("CREATE TABLE shared (v VARCHAR)")
    second.execute("INSERT INTO shared VALUES ('x')")
    assert first.execute("SELECT * FROM shared").fetchall() == [("x",)]


# -- versions and row ids -------------------------------------------------------------------


def test_untracked_versions_are_counted_and_rolled_back(emu: Emulator) -> None:
    emu.sql("CREATE TABLE t (id INT)")
    emu.sql("INSERT INTO t VALUES (1)")
    emu.sql("UPDATE t SET id = 2")
    assert table_obj(emu, "T").version == 2
    emu.sql("BEGIN")
    emu.sql("INSERT INTO t VALUES (3)")
    emu.sql("INSERT INTO t VALUES (4)")  # one version per transaction
    assert table_obj(emu, "T").version == 3
    emu.sql("ROLLBACK")
    assert table_obj(emu, "T").version == 2


def test_enabling_tracking_starts_from_the_counted_version(emu: Emulator) -> None:
    emu.sql("CREATE TABLE t (id INT, v VARCHAR)")
    emu.sql("INSERT INTO t VALUES (1, 'a')")
    emu.sql("INSERT INTO t VALUES (2, 'b')")
    emu.sql("CREATE STREAM s ON TABLE t")
    obj = table_obj(emu, "T")
    assert obj.version == 2
    stored = emu.engine.con.execute(
        "SELECT version FROM __ib.objects WHERE id = ?", [obj.id]
    ).fetchone()
    assert stored == (2,)  # written with the metadata change, not left in memory
    emu.sql("UPDATE t SET v = 'B' WHERE id = 2")
    assert rows(emu, "SELECT id, v, METADATA$ACTION FROM s ORDER BY METADATA$ACTION") == [
        (2, "b", "DELETE"),
        (2, "B", "INSERT"),
    ]


def test_counted_versions_survive_reopen(tmp_path: Path) -> None:
    with Emulator(path=tmp_path) as emu:
        emu.execute("CREATE DATABASE db; CREATE TABLE t (id INT)")
        for i in range(3):
            emu.sql(f"INSERT INTO t VALUES ({i})")
    with Emulator(path=tmp_path) as emu:
        emu.sql("USE DATABASE db")
        assert table_obj(emu, "T").version == 3
        emu.sql("INSERT INTO t VALUES (9)")
        assert table_obj(emu, "T").version == 4


def test_row_ids_stay_unique_across_rollbacks_and_reopen(tmp_path: Path) -> None:
    with Emulator(path=tmp_path) as emu:
        emu.execute("CREATE DATABASE db; CREATE TABLE t (id INT)")
        emu.sql("INSERT INTO t VALUES (1), (2)")
        emu.sql("BEGIN")
        emu.sql("INSERT INTO t VALUES (3)")
        emu.sql("ROLLBACK")
        emu.sql("INSERT INTO t VALUES (4)")
    with Emulator(path=tmp_path) as emu:
        emu.sql("USE DATABASE db")
        emu.sql("INSERT INTO t VALUES (5)")
        obj = table_obj(emu, "T")
        ids = emu.engine.con.execute(f"SELECT {ROW_ID} FROM {obj.base().sql('duckdb')}").fetchall()
    assert len(ids) == 4
    assert len({i[0] for i in ids}) == 4


# -- AT (STATEMENT => …) for statements that wrote untracked tables --------------------------


def test_a_statement_that_wrote_only_untracked_tables_is_a_time_point(emu: Emulator) -> None:
    emu.execute("CREATE TABLE t (id INT) CHANGE_TRACKING = TRUE; CREATE TABLE plain (x INT)")
    emu.sql("INSERT INTO t VALUES (1)")
    point = emu.run("INSERT INTO plain VALUES (1)").query_id
    emu.sql("INSERT INTO t VALUES (2)")
    assert rows(emu, f"SELECT id FROM t AT(STATEMENT => '{point}')") == [(1,)]
    assert rows(emu, f"SELECT id FROM t BEFORE(STATEMENT => '{point}')") == [(1,)]
    emu.sql("BEGIN")
    undone = emu.run("INSERT INTO plain VALUES (2)").query_id
    emu.sql("ROLLBACK")
    with pytest.raises(SqlError, match="cannot be used to specify time"):
        emu.sql(f"SELECT id FROM t AT(STATEMENT => '{undone}')")


# -- parsed statements and kept translations ------------------------------------------------


def test_a_repeated_statement_runs_the_same_each_time(emu: Emulator) -> None:
    emu.sql("CREATE TABLE t (id INT)")
    for _ in range(3):
        assert emu.run("INSERT INTO t VALUES (1)").rowcount == 1
    for _ in range(3):
        assert rows(emu, "SELECT COUNT(*) FROM t") == [(3,)]


def test_a_kept_translation_follows_the_catalog_session_and_clock(emu: Emulator) -> None:
    emu.execute(
        "CREATE SCHEMA other; CREATE TABLE other.t (v VARCHAR); INSERT INTO other.t VALUES ('o');"
        "USE SCHEMA public; CREATE TABLE t (v VARCHAR); INSERT INTO t VALUES ('p')"
    )
    query = "SELECT v FROM t"
    assert rows(emu, query) == [("p",)]
    assert rows(emu, query) == [("p",)]
    emu.sql("USE SCHEMA other")
    assert rows(emu, query) == [("o",)]
    emu.sql("USE SCHEMA public")
    emu.execute("DROP TABLE t; CREATE VIEW t AS SELECT 'view' AS v")
    assert rows(emu, query) == [("view",)]
    emu.sql("SET x = 1")
    assert rows(emu, "SELECT $x") == [(1,)]
    emu.sql("SET x = 2")
    assert rows(emu, "SELECT $x") == [(2,)]
    before = rows(emu, "SELECT CURRENT_TIMESTAMP()")
    assert rows(emu, "SELECT CURRENT_TIMESTAMP()") == before
    emu.advance("1 minute")
    assert rows(emu, "SELECT CURRENT_TIMESTAMP()") != before


def test_stream_reads_are_never_reused(emu: Emulator) -> None:
    emu.execute(
        "CREATE TABLE src (id INT); CREATE TABLE dst (id INT); CREATE STREAM s ON TABLE src;"
        "INSERT INTO src VALUES (1)"
    )
    load = "INSERT INTO dst SELECT id FROM s"
    assert emu.run(load).rowcount == 1
    assert emu.run(load).rowcount == 0  # consumed: the second read finds nothing
    emu.sql("INSERT INTO src VALUES (2)")
    assert emu.run(load).rowcount == 1
    assert rows(emu, "SELECT id FROM dst ORDER BY id") == [(1,), (2,)]


def test_a_select_on_a_known_table_is_one_duckdb_statement(emu: Emulator) -> None:
    emu.execute("CREATE TABLE t (id INT); INSERT INTO t VALUES (1)")
    emu.sql("SELECT id FROM t WHERE id = 1")  # catalog reads are cached from here on
    engine = emu.engine
    sent: list[str] = []

    class Counting:
        def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
            self.con = con

        def execute(self, query: str, *args: Any) -> duckdb.DuckDBPyConnection:
            sent.append(query)
            return self.con.execute(query, *args)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.con, name)

    real = engine.con
    counting: Any = Counting(real)
    holders = (engine, engine.catalog, engine.capture, engine.transactions)
    for holder in holders:
        holder.con = counting
    try:
        assert rows(emu, "SELECT id FROM t WHERE id = 1") == [(1,)]
    finally:
        for holder in holders:
            holder.con = real
    assert len(sent) == 1


# -- the pieces -------------------------------------------------------------------------------

_WORDS = [
    "SELECT id, v FROM t",
    "UNSET x",
    "SHOW PARAMETERS LIKE 'x'",
    "/* c */ SHOW PARAMETERS",
    "select\n1",
    "CREATE FILE FORMAT f",
    "CREATE OR REPLACE DYNAMIC TABLE d",
    "A.B c",
    "SELECT X'AB'",
    "SELECT N'x'",
    "SELECT a::int",
    "SELECT $1",
    'SELECT "x"',
    "SELECT a--c\n, b",
    "COMMIT",
    "   ",
    "",
    "SELECT e5, 1e5",
    "SELECT 1",
    "SELECT 1, 2",
    "SELECT 1.5",
    "SELECT 12::INT",
    "SELECT 1)",
    "SELECT 1e5",
    "LIMIT 10 OFFSET 5",
]


@pytest.mark.parametrize("text", _WORDS)
def test_leading_words_are_the_tokenizers(text: str) -> None:
    tokens = [t.text.upper() for t in DIALECT.tokenize(text)]
    for count in (1, 2, 3, 8):
        assert leading_words(text, count) == tokens[:count]


_STATEMENTS = [
    "SELECT 1",
    "SELECT a, COUNT(*) FROM t WHERE b = 'x' AND c > 2 GROUP BY a ORDER BY a",
    "SELECT DATEADD(day, 1, d), DATEDIFF(week, a, b), TO_CHAR(ts, 'YYYY-MM-DD') FROM t",
    "SELECT v:name::string, OBJECT_CONSTRUCT('a', 1), ARRAY_SIZE(arr) FROM t WHERE v:n > 1",
    "SELECT f.value FROM t, LATERAL FLATTEN(INPUT => t.arr) f",
    "SELECT 7 / 2, x::NUMBER(5, 2), TRY_TO_TIMESTAMP('2024-01-01'), BOOLAND(a, b) FROM t",
    "SELECT * FROM (VALUES (1, 'a'), (2, 'b'))",
    "UPDATE t SET v = CURRENT_TIMESTAMP() WHERE id IN (1, 2)",
    "DELETE FROM t WHERE HASH(id) = 3",
    "SELECT $var, CURRENT_DATE",
]


@pytest.mark.parametrize("text", _STATEMENTS)
def test_skipping_untriggered_transforms_changes_nothing(text: str) -> None:
    from datetime import UTC, datetime

    ctx = TranslateContext(
        timezone="UTC", now=datetime(2024, 5, 1, tzinfo=UTC), variables={"VAR": 1}
    )
    tree = parse_one(text)
    every = tree.copy()
    for transform in TRANSFORMS:
        every = transform(every, ctx)
    assert duckdb_sql(to_duckdb(tree, ctx)) == duckdb_sql(every)


def test_every_trigger_belongs_to_a_transform() -> None:
    assert set(TRIGGERS) <= set(TRANSFORMS)
    assert all(
        all(isinstance(c, type) and issubclass(c, exp.Expr) for c in classes)
        for classes in TRIGGERS.values()
    )
