"""CREATE / DROP / SHOW / DESCRIBE STREAM
(https://docs.snowflake.com/en/sql-reference/sql/create-stream,
https://docs.snowflake.com/en/sql-reference/sql/show-streams)."""

from __future__ import annotations

import pytest
from stream_helpers import changes, rows

from emulator import Emulator
from icebridge.errors import SqlError


def test_creating_a_stream_turns_on_change_tracking(emu: Emulator) -> None:
    emu.sql("CREATE TABLE t (id INT)")
    assert rows(emu, "SHOW TABLES LIKE 'T'")[0][0] is not None
    emu.sql("CREATE STREAM s ON TABLE t")
    from icebridge.sql.identifiers import ObjectName

    obj = emu.engine.catalog.find(ObjectName("DB", "PUBLIC", "T"))
    assert obj is not None
    assert obj.change_tracking


def test_create_twice_if_not_exists_and_replace(t: Emulator) -> None:
    with pytest.raises(SqlError, match="'S' already exists"):
        t.sql("CREATE STREAM s ON TABLE t")
    t.sql("INSERT INTO t VALUES (1, 'a')")
    t.sql("CREATE STREAM IF NOT EXISTS s ON TABLE t")
    assert len(changes(t)) == 1
    # OR REPLACE resets the offset to now ...
    t.sql("CREATE OR REPLACE STREAM s ON TABLE t")
    assert changes(t) == []
    # ... unless AT(STREAM => the same name) keeps it.
    t.sql("INSERT INTO t VALUES (2, 'b')")
    t.sql("CREATE OR REPLACE STREAM s ON TABLE t AT(STREAM => 's') APPEND_ONLY = TRUE")
    assert changes(t) == [(2, "b", "INSERT", False)]


def test_create_at_another_stream_copies_its_offset(t: Emulator) -> None:
    t.sql("INSERT INTO t VALUES (1, 'a')")
    t.sql("CREATE STREAM s2 ON TABLE t AT(STREAM => 'DB.PUBLIC.S')")
    assert changes(t, "s2") == [(1, "a", "INSERT", False)]


def test_create_errors_name_the_object(emu: Emulator) -> None:
    with pytest.raises(SqlError, match="Table 'MISSING' does not exist"):
        emu.sql("CREATE STREAM s ON TABLE missing")
    emu.sql("CREATE TABLE t (id INT)")
    with pytest.raises(SqlError, match="INSERT_ONLY"):
        emu.sql("CREATE STREAM s ON TABLE t INSERT_ONLY = TRUE")
    emu.execute("CREATE TABLE u (id INT); CREATE STREAM su ON TABLE u;")
    with pytest.raises(SqlError, match="not on table"):
        emu.sql("CREATE STREAM s ON TABLE t AT(STREAM => 'su')")


def test_stream_is_not_a_write_target(t: Emulator) -> None:
    with pytest.raises(SqlError, match="is a stream"):
        t.sql("INSERT INTO s VALUES (1, 'a', 'INSERT', FALSE, 'x')")


def test_drop_stream(t: Emulator) -> None:
    assert rows(t, "DROP STREAM s") == [("S successfully dropped.",)]
    with pytest.raises(SqlError, match="Stream 'S' does not exist"):
        t.sql("DROP STREAM s")
    assert rows(t, "DROP STREAM IF EXISTS s") == [
        ("Drop statement executed successfully (S already dropped).",)
    ]
    with pytest.raises(SqlError, match="does not exist"):
        t.sql("SELECT * FROM s")


def test_show_streams_columns_and_values(t: Emulator) -> None:
    t.sql("CREATE STREAM a ON TABLE t APPEND_ONLY = TRUE COMMENT = 'appends'")
    table = t.sql("SHOW STREAMS")
    assert table.column_names == [
        "created_on",
        "name",
        "database_name",
        "schema_name",
        "owner",
        "comment",
        "table_name",
        "source_type",
        "base_tables",
        "type",
        "stale",
        "mode",
        "stale_after",
        "invalid_reason",
        "owner_role_type",
    ]
    by_name = {r["name"]: r for r in table.to_pylist()}
    assert by_name["A"]["mode"] == "APPEND_ONLY"
    assert by_name["S"]["mode"] == "DEFAULT"
    assert by_name["A"]["comment"] == "appends"
    assert by_name["S"]["table_name"] == "DB.PUBLIC.T"
    assert by_name["S"]["source_type"] == "Table"
    assert by_name["S"]["type"] == "DELTA"
    assert by_name["S"]["stale"] == "false"
    # STALE_AFTER = creation + max(retention 1, max extension 14) days.
    assert (by_name["S"]["stale_after"] - by_name["S"]["created_on"]).days == 14
    assert [r["name"] for r in t.sql("SHOW STREAMS LIKE 'a%'").to_pylist()] == ["A"]
    terse = t.sql("SHOW TERSE STREAMS IN SCHEMA db.public")
    assert terse.column_names == [
        "created_on",
        "name",
        "kind",
        "database_name",
        "schema_name",
        "tableOn",
    ]
    assert terse.num_rows == 2


def test_describe_stream(t: Emulator) -> None:
    described = t.sql("DESCRIBE STREAM s").to_pylist()
    assert len(described) == 1
    assert described[0]["name"] == "S"
    assert described[0]["mode"] == "DEFAULT"


@pytest.mark.parametrize(
    ("view", "construct"),
    [
        ("SELECT id, COUNT(*) AS n FROM t GROUP BY id", "GROUP BY"),
        ("SELECT DISTINCT id FROM t", "DISTINCT"),
        ("SELECT id FROM t LIMIT 5", "LIMIT"),
        ("SELECT id FROM t QUALIFY ROW_NUMBER() OVER (ORDER BY id) = 1", "QUALIFY"),
        ("SELECT id FROM t WHERE id IN (SELECT id FROM t)", "subqueries outside FROM"),
    ],
)
def test_view_streams_reject_unsupported_shapes(emu: Emulator, view: str, construct: str) -> None:
    emu.execute(f"CREATE TABLE t (id INT, v VARCHAR); CREATE VIEW v AS {view}")
    with pytest.raises(SqlError, match=construct):
        emu.sql("CREATE STREAM vs ON VIEW v")


def test_view_streams_on_joins_and_unions_are_created(emu: Emulator) -> None:
    # Their reads are tested in test_stream_join_views.py.
    emu.execute(
        "CREATE TABLE t (id INT, v VARCHAR); CREATE TABLE u (id INT);"
        "CREATE VIEW j AS SELECT t.id, v FROM t JOIN u ON t.id = u.id;"
        "CREATE VIEW un AS SELECT id FROM t UNION ALL SELECT id FROM u;"
        "CREATE STREAM js ON VIEW j; CREATE STREAM us ON VIEW un"
    )
    assert [r["name"] for r in emu.sql("SHOW STREAMS").to_pylist()] == ["JS", "US"]


def test_streams_survive_reopening(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "lake"
    with Emulator(path=path) as first:
        first.execute(
            "CREATE DATABASE db; CREATE TABLE t (id INT, v VARCHAR); CREATE STREAM s ON TABLE t;"
            "INSERT INTO t VALUES (1, 'a'); CREATE TABLE sink (id INT);"
            "INSERT INTO sink SELECT id FROM s; INSERT INTO t VALUES (2, 'b')"
        )
    with Emulator(path=path) as second:
        second.execute("USE DATABASE db")
        assert changes(second) == [(2, "b", "INSERT", False)]
        assert second.sql("SHOW STREAMS").num_rows == 1
