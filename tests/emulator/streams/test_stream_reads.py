"""What a stream read returns (https://docs.snowflake.com/en/user-guide/streams-intro)."""

from __future__ import annotations

from stream_helpers import changes, rows

from emulator import Emulator


def test_docs_members_example(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/user-guide/streams-examples (Basic example)."""
    emu.execute(
        """
        CREATE OR REPLACE TABLE members (id NUMBER(8) NOT NULL, name VARCHAR(255) DEFAULT NULL,
                                         fee NUMBER(3) NULL);
        CREATE OR REPLACE STREAM member_check ON TABLE members;
        CREATE OR REPLACE TABLE signup (id NUMBER(8), dt DATE);
        INSERT INTO members (id, name, fee) VALUES
          (1,'Joe',0), (2,'Jane',0), (3,'George',0), (4,'Betty',0), (5,'Sally',0);
        INSERT INTO signup VALUES (1,'2018-01-01'), (2,'2018-02-15'), (3,'2018-05-01'),
          (4,'2018-07-16'), (5,'2018-08-21');
        """
    )
    first = rows(emu, "SELECT id, name, fee, METADATA$ACTION, METADATA$ISUPDATE FROM member_check")
    assert sorted(first) == [
        (1, "Joe", 0, "INSERT", False),
        (2, "Jane", 0, "INSERT", False),
        (3, "George", 0, "INSERT", False),
        (4, "Betty", 0, "INSERT", False),
        (5, "Sally", 0, "INSERT", False),
    ]
    # Apply a $90 fee to members who joined the gym after a free trial period ended.
    emu.sql(
        "MERGE INTO members m USING (SELECT id, dt FROM signup s "
        "WHERE DATEDIFF(day, '2018-08-15'::date, s.dt::DATE) < -30) s ON m.id = s.id "
        "WHEN MATCHED THEN UPDATE SET m.fee = 90"
    )
    # Insert then update within one interval is a single INSERT with the new values.
    after_merge = rows(emu, "SELECT id, fee, METADATA$ACTION, METADATA$ISUPDATE FROM member_check")
    assert sorted(after_merge) == [
        (1, 90, "INSERT", False),
        (2, 90, "INSERT", False),
        (3, 90, "INSERT", False),
        (4, 0, "INSERT", False),
        (5, 0, "INSERT", False),
    ]
    emu.sql("CREATE OR REPLACE TABLE members_prod (id NUMBER(8), name VARCHAR(255), fee NUMBER(3))")
    emu.sql(
        "INSERT INTO members_prod (id, name, fee) SELECT id, name, fee FROM member_check "
        "WHERE METADATA$ACTION = 'INSERT'"
    )
    assert rows(emu, "SELECT COUNT(*) FROM member_check") == [(0,)]
    emu.sql("UPDATE members SET fee = 10 WHERE fee = 90")
    pairs = rows(
        emu,
        "SELECT id, fee, METADATA$ACTION, METADATA$ISUPDATE FROM member_check ORDER BY id, 3",
    )
    assert pairs == [
        (1, 90, "DELETE", True),
        (1, 10, "INSERT", True),
        (2, 90, "DELETE", True),
        (2, 10, "INSERT", True),
        (3, 90, "DELETE", True),
        (3, 10, "INSERT", True),
    ]


def test_output_columns_are_source_then_metadata(t: Emulator) -> None:
    t.sql("INSERT INTO t VALUES (1, 'a')")
    assert t.sql("SELECT * FROM s").column_names == [
        "ID",
        "V",
        "METADATA$ACTION",
        "METADATA$ISUPDATE",
        "METADATA$ROW_ID",
    ]


def test_update_is_delete_plus_insert_sharing_row_id(t: Emulator) -> None:
    t.sql("INSERT INTO t VALUES (1, 'a'), (2, 'b')")
    t.sql("CREATE OR REPLACE STREAM s ON TABLE t")
    t.sql("UPDATE t SET v = 'B' WHERE id = 2")
    result = rows(t, "SELECT id, v, METADATA$ACTION, METADATA$ISUPDATE, METADATA$ROW_ID FROM s")
    assert sorted(r[:4] for r in result) == [(2, "B", "INSERT", True), (2, "b", "DELETE", True)]
    assert result[0][4] == result[1][4]
    assert isinstance(result[0][4], str)
    assert result[0][4]


def test_insert_then_delete_is_nothing_and_truncate_is_deletes(t: Emulator) -> None:
    t.sql("INSERT INTO t VALUES (1, 'a')")
    t.sql("DELETE FROM t WHERE id = 1")
    assert changes(t) == []
    t.sql("INSERT INTO t VALUES (2, 'b'), (3, 'c')")
    t.sql("CREATE OR REPLACE STREAM s ON TABLE t")
    t.sql("TRUNCATE TABLE t")
    assert changes(t) == [(2, "b", "DELETE", False), (3, "c", "DELETE", False)]


def test_update_then_delete_is_delete_of_the_original_image(t: Emulator) -> None:
    t.sql("INSERT INTO t VALUES (1, 'a')")
    t.sql("CREATE OR REPLACE STREAM s ON TABLE t")
    t.sql("UPDATE t SET v = 'x' WHERE id = 1")
    t.sql("UPDATE t SET v = 'y' WHERE id = 1")
    assert changes(t) == [(1, "a", "DELETE", True), (1, "y", "INSERT", True)]
    t.sql("DELETE FROM t WHERE id = 1")
    assert changes(t) == [(1, "a", "DELETE", False)]


def test_append_only_returns_inserts_with_inserted_values_even_if_deleted(emu: Emulator) -> None:
    """An append-only stream returns each row as inserted, updated or deleted since
    (https://docs.snowflake.com/en/sql-reference/constructs/changes: the APPEND_ONLY example
    returns ``2 | blue`` for a row updated to 'purple')."""
    emu.execute(
        "CREATE TABLE t (id INT, v VARCHAR); INSERT INTO t VALUES (0, 'old');"
        "CREATE STREAM a ON TABLE t APPEND_ONLY = TRUE"
    )
    emu.sql("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')")
    emu.sql("UPDATE t SET v = 'B' WHERE id = 2")
    emu.sql("DELETE FROM t WHERE id IN (0, 3)")
    assert changes(emu, "a") == [
        (1, "a", "INSERT", False),
        (2, "b", "INSERT", False),
        (3, "c", "INSERT", False),
    ]


def test_row_ids_are_equal_across_streams_on_one_table(t: Emulator) -> None:
    t.sql("CREATE STREAM s2 ON TABLE t APPEND_ONLY = TRUE")
    t.sql("INSERT INTO t VALUES (1, 'a'), (2, 'b')")
    one = dict(rows(t, "SELECT id, METADATA$ROW_ID FROM s"))
    two = dict(rows(t, "SELECT id, METADATA$ROW_ID FROM s2"))
    assert one == two
    assert len(set(one.values())) == 2


def test_streams_in_joins_and_subqueries(t: Emulator) -> None:
    t.execute("CREATE TABLE dim (id INT, label VARCHAR); INSERT INTO dim VALUES (1, 'one')")
    t.sql("INSERT INTO t VALUES (1, 'a'), (2, 'b')")
    joined = rows(t, "SELECT s.id, d.label FROM s JOIN dim d ON s.id = d.id")
    assert joined == [(1, "one")]
    sub = rows(t, "SELECT COUNT(*) FROM dim WHERE id IN (SELECT id FROM s)")
    assert sub == [(1,)]
    qualified = rows(t, "SELECT COUNT(*) FROM db.public.s AS x WHERE x.id > 1")
    assert qualified == [(1,)]


def test_show_initial_rows_first_read_returns_existing_rows(emu: Emulator) -> None:
    emu.execute(
        "CREATE TABLE t (id INT, v VARCHAR); INSERT INTO t VALUES (1, 'a'), (2, 'b');"
        "CREATE STREAM i ON TABLE t SHOW_INITIAL_ROWS = TRUE; CREATE TABLE sink (id INT)"
    )
    assert changes(emu, "i") == [(1, "a", "INSERT", False), (2, "b", "INSERT", False)]
    emu.sql("INSERT INTO sink SELECT id FROM i")
    assert changes(emu, "i") == []
    emu.sql("INSERT INTO t VALUES (3, 'c')")
    assert changes(emu, "i") == [(3, "c", "INSERT", False)]


def test_stream_reads_the_current_schema(t: Emulator) -> None:
    t.sql("INSERT INTO t VALUES (1, 'a')")
    t.sql("ALTER TABLE t ADD COLUMN w INT")
    t.sql("INSERT INTO t (id, v, w) VALUES (2, 'b', 7)")
    assert rows(t, "SELECT id, w FROM s ORDER BY id") == [(1, None), (2, 7)]


def test_read_data_is_dropped_at_the_next_statement(t: Emulator) -> None:
    t.sql("INSERT INTO t VALUES (1, 'a')")
    t.sql("SELECT * FROM s")

    def temp_tables() -> list[str]:
        # Reads are temporary tables, or temporary views for insert-only deltas.
        found = t.engine.con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name LIKE '__ib_%' "
            "UNION ALL SELECT view_name FROM duckdb_views() "
            "WHERE temporary AND view_name LIKE '__ib_%'"
        ).fetchall()
        return [str(r[0]) for r in found]

    assert temp_tables() != []
    t.sql("SELECT 1")
    assert temp_tables() == []
