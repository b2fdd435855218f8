"""A COPY is DML: its rows go through the write path (streams see them), it commits or rolls
back with its transaction, and an Iceberg target gets one commit."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from stage_helpers import rows

from emulator import Emulator
from icebridge.errors import DataError, UnsupportedError
from icebridge.sql.identifiers import ObjectName

Stage = Callable[..., None]


@pytest.fixture
def s(emu: Emulator, staged: Stage) -> Emulator:
    emu.sql("CREATE STAGE s")
    emu.sql("CREATE TABLE t (id INT, v STRING)")
    staged("a.csv", "1,x\n2,y\n")
    return emu


def test_a_stream_on_the_target_sees_copied_rows(s: Emulator) -> None:
    """Rows a COPY loads are inserts of the table: a stream on it returns them as INSERT
    changes. https://docs.snowflake.com/en/user-guide/streams-intro"""
    s.sql("CREATE STREAM st ON TABLE t")
    s.sql("COPY INTO t FROM @s")
    found = rows(
        s, "SELECT id, v, METADATA$ACTION AS action, METADATA$ISUPDATE AS upd FROM st ORDER BY id"
    )
    assert found == [
        {"ID": 1, "V": "x", "ACTION": "INSERT", "UPD": False},
        {"ID": 2, "V": "y", "ACTION": "INSERT", "UPD": False},
    ]


def test_copy_statement_kind_and_row_count(s: Emulator) -> None:
    """The statement reports its kind as COPY and the rows it loaded as its row count."""
    result = s.engine.run("COPY INTO t FROM @s")
    assert (result.statement_kind, result.rowcount) == ("COPY", 2)


def test_rollback_undoes_the_load_its_history_and_its_purge(s: Emulator) -> None:
    """Inside BEGIN … ROLLBACK a COPY's rows are rolled back, the files count as not loaded
    (a later COPY loads them) and PURGE removes nothing.
    https://docs.snowflake.com/en/sql-reference/transactions"""
    s.sql("BEGIN")
    s.sql("COPY INTO t FROM @s PURGE = TRUE")
    assert rows(s, "SELECT count(*) AS n FROM t") == [{"N": 2}]
    s.sql("ROLLBACK")
    assert rows(s, "SELECT count(*) AS n FROM t") == [{"N": 0}]
    assert s.sql("LIST @s").num_rows == 1
    s.sql("BEGIN")
    s.sql("COPY INTO t FROM @s PURGE = TRUE")
    assert s.sql("LIST @s").num_rows == 1  # purged only once the transaction commits
    s.sql("COMMIT")
    assert rows(s, "SELECT count(*) AS n FROM t") == [{"N": 2}]
    assert s.sql("LIST @s").num_rows == 0


def test_a_failed_copy_in_a_transaction_leaves_the_earlier_writes(
    s: Emulator, staged: Stage
) -> None:
    """A statement that fails inside a transaction is rolled back alone: the COPY that hit an
    error loads nothing, the transaction's earlier INSERT stays."""
    staged("bad.csv", "3,z\nq,w\n")
    s.sql("BEGIN")
    s.sql("INSERT INTO t VALUES (10, 'before')")
    with pytest.raises(DataError):
        s.sql("COPY INTO t FROM @s")
    s.sql("COMMIT")
    assert rows(s, "SELECT id FROM t") == [{"ID": 10}]


def test_defaults_fill_the_columns_copy_leaves_out(emu: Emulator, staged: Stage) -> None:
    """ "Any columns excluded from this column list are populated by their default value
    (NULL, if not specified)." https://docs.snowflake.com/en/sql-reference/sql/copy-into-table"""
    emu.sql("CREATE STAGE s")
    emu.sql(
        "CREATE TABLE t (id INT, loaded_at TIMESTAMP_NTZ DEFAULT CURRENT_TIMESTAMP(), "
        "src STRING DEFAULT 'csv')"
    )
    staged("a.csv", "7\n")
    emu.sql("COPY INTO t (id) FROM (SELECT $1 FROM @s)")
    found = rows(emu, "SELECT id, src, loaded_at IS NOT NULL AS stamped FROM t")
    assert found == [{"ID": 7, "SRC": "csv", "STAMPED": True}]


def test_copy_into_an_iceberg_table(emu: Emulator, staged: Stage) -> None:
    """A COPY into a Snowflake-managed Iceberg table writes its rows in one commit; outside
    autocommit it is refused (as Iceberg DML in an explicit transaction is)."""
    emu.sql("CREATE STAGE s")
    emu.sql("CREATE ICEBERG TABLE ice (id INT, v STRING)")
    staged("a.csv", "1,x\n2,y\n")
    staged("b.csv", "3,z\n")
    result = emu.sql("COPY INTO ice FROM @s")
    assert result.column("rows_loaded").to_pylist() == [2, 1]
    assert rows(emu, "SELECT id, v FROM ice ORDER BY id") == [
        {"ID": 1, "V": "x"},
        {"ID": 2, "V": "y"},
        {"ID": 3, "V": "z"},
    ]
    assert len(emu.engine.lake.store.snapshots(ObjectName("DB", "PUBLIC", "ICE"))) == 1
    emu.sql("BEGIN")
    with pytest.raises(UnsupportedError):
        emu.sql("COPY INTO ice FROM @s FORCE = TRUE")
    emu.sql("ROLLBACK")
