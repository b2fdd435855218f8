"""MERGE run by the session (planning is emulator.statements.merge), from the docs' examples.

https://docs.snowflake.com/en/sql-reference/sql/merge
"""

from __future__ import annotations

import pytest

from emulator import Emulator
from icebridge.errors import DataError


def test_docs_basic_merge(emu: Emulator) -> None:
    emu.execute(
        """
        CREATE TABLE target_table (id INTEGER, description VARCHAR);
        CREATE TABLE source_table (id INTEGER, description VARCHAR);
        INSERT INTO target_table (id, description)
            VALUES (10, 'To be updated (this is the old value)');
        INSERT INTO source_table (id, description)
            VALUES (10, 'To be updated (this is the new value)');
        """
    )
    out = emu.sql(
        "MERGE INTO target_table USING source_table ON target_table.id = source_table.id "
        "WHEN MATCHED THEN UPDATE SET target_table.description = source_table.description"
    )
    assert out.to_pylist() == [{"number of rows updated": 1}]
    assert emu.sql("SELECT description FROM target_table").column(0).to_pylist() == [
        "To be updated (this is the new value)"
    ]


def test_docs_nondeterministic_merge_errors_by_default(emu: Emulator) -> None:
    emu.execute(
        """
        CREATE TABLE target (k INT, v INT);
        CREATE TABLE src (k INT, v INT);
        INSERT INTO target VALUES (0, 10);
        INSERT INTO src VALUES (0, 11), (0, 12), (0, 13);
        """
    )
    merge = "MERGE INTO target USING src ON target.k = src.k WHEN MATCHED THEN UPDATE SET v = src.v"
    with pytest.raises(DataError) as info:
        emu.sql(merge)
    assert info.value.errno == 100090
    assert emu.sql("SELECT v FROM target").column(0).to_pylist() == [10]
    emu.sql("ALTER SESSION SET ERROR_ON_NONDETERMINISTIC_MERGE = FALSE")
    assert emu.sql(merge).to_pylist() == [{"number of rows updated": 1}]


def test_merge_insert_update_delete_counts_and_defaults(emu: Emulator) -> None:
    emu.execute(
        """
        CREATE TABLE t (id INT, v VARCHAR, status VARCHAR DEFAULT 'NEW');
        CREATE TABLE s (id INT, v VARCHAR, op VARCHAR);
        INSERT INTO t (id, v) VALUES (1, 'a'), (2, 'b');
        INSERT INTO s VALUES (1, 'A', 'U'), (2, NULL, 'D'), (3, 'c', 'I');
        """
    )
    out = emu.sql(
        "MERGE INTO t USING s ON t.id = s.id "
        "WHEN MATCHED AND s.op = 'D' THEN DELETE "
        "WHEN MATCHED THEN UPDATE SET v = s.v "
        "WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v)"
    )
    assert out.to_pylist() == [
        {"number of rows inserted": 1, "number of rows updated": 1, "number of rows deleted": 1}
    ]
    assert emu.sql("SELECT id, v, status FROM t ORDER BY id").to_pylist() == [
        {"ID": 1, "V": "A", "STATUS": "NEW"},
        {"ID": 3, "V": "c", "STATUS": "NEW"},
    ]
