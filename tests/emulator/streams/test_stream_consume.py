"""When offsets move (https://docs.snowflake.com/en/user-guide/streams-intro, Repeatable
read isolation; https://docs.snowflake.com/en/sql-reference/functions/system_stream_has_data).
"""

from __future__ import annotations

import pytest
from stream_helpers import changes, rows

from emulator import Emulator
from icebridge.errors import SqlError


@pytest.fixture
def loaded(t: Emulator) -> Emulator:
    t.execute("CREATE TABLE sink (id INT, v VARCHAR); INSERT INTO t VALUES (1, 'a'), (2, 'b')")
    return t


def test_select_never_consumes_not_even_in_a_transaction(loaded: Emulator) -> None:
    loaded.sql("SELECT * FROM s")
    loaded.execute("BEGIN; SELECT * FROM s; COMMIT")
    assert len(changes(loaded)) == 2


@pytest.mark.parametrize(
    "dml",
    [
        "INSERT INTO sink SELECT id, v FROM s WHERE 0 = 1",
        "CREATE TEMPORARY TABLE tmp AS SELECT * FROM s WHERE 1 = 0",
        "DELETE FROM sink USING s WHERE sink.id = s.id",
        "UPDATE sink SET v = s.v FROM s WHERE sink.id = s.id",
        "MERGE INTO sink USING (SELECT id, v FROM s) src ON sink.id = src.id "
        "WHEN NOT MATCHED AND src.id < 0 THEN INSERT (id, v) VALUES (src.id, src.v)",
    ],
)
def test_committed_dml_consumes_even_when_no_row_qualifies(loaded: Emulator, dml: str) -> None:
    loaded.sql(dml)
    assert changes(loaded) == []
    loaded.sql("INSERT INTO t VALUES (3, 'c')")
    assert changes(loaded) == [(3, "c", "INSERT", False)]


def test_ctas_reading_only_the_source_does_not_consume(loaded: Emulator) -> None:
    loaded.sql("CREATE TABLE copy_of AS SELECT id FROM t")
    assert len(changes(loaded)) == 2


def test_transaction_reads_are_repeatable_and_consume_at_commit(loaded: Emulator) -> None:
    loaded.sql("BEGIN")
    loaded.sql("INSERT INTO sink SELECT id, v FROM s")
    # Same rows again inside the transaction; its own writes to T are not visible yet.
    loaded.sql("INSERT INTO t VALUES (3, 'c')")
    assert changes(loaded) == [(1, "a", "INSERT", False), (2, "b", "INSERT", False)]
    loaded.sql("INSERT INTO sink SELECT id, v FROM s")
    loaded.sql("COMMIT")
    assert rows(loaded, "SELECT COUNT(*) FROM sink") == [(4,)]
    # The offset moved to the transaction start: the transaction's own insert shows now.
    assert changes(loaded) == [(3, "c", "INSERT", False)]


def test_rollback_keeps_the_offset(loaded: Emulator) -> None:
    loaded.execute("BEGIN; INSERT INTO sink SELECT id, v FROM s; ROLLBACK")
    assert len(changes(loaded)) == 2
    assert rows(loaded, "SELECT COUNT(*) FROM sink") == [(0,)]


def test_failed_statement_consumes_nothing(loaded: Emulator) -> None:
    loaded.sql("CREATE TABLE strict (id INT NOT NULL)")
    with pytest.raises(SqlError):
        loaded.sql("INSERT INTO strict SELECT CASE WHEN id = 2 THEN NULL ELSE id END FROM s")
    assert len(changes(loaded)) == 2
    loaded.sql("BEGIN")
    with pytest.raises(SqlError):
        loaded.sql("INSERT INTO strict SELECT CASE WHEN id = 2 THEN NULL ELSE id END FROM s")
    loaded.sql("COMMIT")
    assert len(changes(loaded)) == 2


def test_ddl_inside_a_transaction_commits_the_consumption(loaded: Emulator) -> None:
    loaded.execute("BEGIN; INSERT INTO sink SELECT id, v FROM s; CREATE TABLE other (x INT)")
    assert changes(loaded) == []


def test_stream_has_data_in_select_and_python(loaded: Emulator) -> None:
    from emulator.features.streams.functions import has_data
    from icebridge.sql.identifiers import ObjectName

    name = ObjectName("DB", "PUBLIC", "S")
    assert rows(loaded, "SELECT SYSTEM$STREAM_HAS_DATA('s')") == [(True,)]
    assert has_data(loaded.engine, name) is True
    loaded.sql("INSERT INTO sink SELECT id, v FROM s")
    assert rows(loaded, "SELECT SYSTEM$STREAM_HAS_DATA('DB.PUBLIC.S')") == [(False,)]
    assert has_data(loaded.engine, name) is False
    # A version with no net change may be a false positive, never a false negative.
    loaded.sql("UPDATE t SET v = v WHERE id = 99")
    loaded.sql("INSERT INTO t VALUES (5, 'e')")
    assert has_data(loaded.engine, name) is True


def test_stream_has_data_column_name_and_unknown_stream(loaded: Emulator) -> None:
    assert loaded.sql("SELECT SYSTEM$STREAM_HAS_DATA('s')").column_names == [
        "SYSTEM$STREAM_HAS_DATA('S')"
    ]
    with pytest.raises(SqlError, match="Stream 'NOPE' does not exist"):
        loaded.sql("SELECT SYSTEM$STREAM_HAS_DATA('nope')")


def test_append_only_has_data_ignores_deletes(emu: Emulator) -> None:
    emu.execute(
        "CREATE TABLE t (id INT); INSERT INTO t VALUES (1);"
        "CREATE STREAM a ON TABLE t APPEND_ONLY = TRUE"
    )
    emu.sql("DELETE FROM t")
    assert rows(emu, "SELECT SYSTEM$STREAM_HAS_DATA('a')") == [(False,)]


def test_stream_has_data_in_dml_and_ctas(loaded: Emulator) -> None:
    loaded.sql("CREATE TABLE flags AS SELECT SYSTEM$STREAM_HAS_DATA('s') AS f")
    loaded.sql("INSERT INTO flags SELECT SYSTEM$STREAM_HAS_DATA('s')")
    assert rows(loaded, "SELECT f FROM flags") == [(True,), (True,)]
