"""Standard and append-only streams on Iceberg tables (snapshot diff ChangeSource)."""

from __future__ import annotations

import pytest

from emulator import Emulator
from icebridge.errors import SqlError


def _delta(emu: Emulator, stream: str) -> list[tuple[object, ...]]:
    rows = emu.sql(
        f"SELECT id, v, METADATA$ACTION AS a, METADATA$ISUPDATE AS u FROM {stream} ORDER BY id, a"
    ).to_pylist()
    return [tuple(r.values()) for r in rows]


def test_standard_stream_with_primary_key_pairs_updates(emu: Emulator) -> None:
    emu.sql("CREATE ICEBERG TABLE t (id INT PRIMARY KEY, v STRING)")
    emu.sql("INSERT INTO t VALUES (1, 'a'), (2, 'b')")
    emu.sql("CREATE STREAM s ON TABLE t")
    assert emu.sql("SELECT SYSTEM$STREAM_HAS_DATA('s') AS h").to_pylist() == [{"H": False}]
    emu.sql("INSERT INTO t VALUES (3, 'c')")
    emu.sql("UPDATE t SET v = 'B' WHERE id = 2")
    emu.sql("DELETE FROM t WHERE id = 1")
    assert _delta(emu, "s") == [
        (1, "a", "DELETE", False),
        (2, "b", "DELETE", True),
        (2, "B", "INSERT", True),
        (3, "c", "INSERT", False),
    ]
    ids = emu.sql("SELECT DISTINCT METADATA$ROW_ID AS r FROM s WHERE id = 2").num_rows
    assert ids == 1  # the UPDATE pair shares its ROW_ID


def test_append_only_stream_and_consumption(emu: Emulator) -> None:
    emu.sql("CREATE ICEBERG TABLE t (id INT PRIMARY KEY, v STRING)")
    emu.sql("INSERT INTO t VALUES (1, 'a')")
    emu.sql("CREATE STREAM s ON TABLE t APPEND_ONLY = TRUE")
    emu.sql("INSERT INTO t VALUES (2, 'b')")
    emu.sql("UPDATE t SET v = 'A' WHERE id = 1")
    emu.sql("DELETE FROM t WHERE id = 1")
    assert _delta(emu, "s") == [(2, "b", "INSERT", False)]
    emu.sql("CREATE TABLE sink (id INT, v STRING)")
    emu.sql("INSERT INTO sink SELECT id, v FROM s")
    assert emu.sql("SELECT COUNT(*) AS c FROM s").to_pylist() == [{"C": 0}]
    emu.sql("INSERT INTO t VALUES (5, 'e')")
    assert _delta(emu, "s") == [(5, "e", "INSERT", False)]


def test_stream_without_key_shows_updates_as_delete_and_insert(emu: Emulator) -> None:
    emu.sql("CREATE ICEBERG TABLE t (id INT, v STRING)")
    emu.sql("CREATE STREAM s ON TABLE t")
    emu.sql("INSERT INTO t VALUES (1, 'a'), (1, 'a')")
    assert _delta(emu, "s") == [(1, "a", "INSERT", False), (1, "a", "INSERT", False)]
    ids = emu.sql("SELECT DISTINCT METADATA$ROW_ID AS r FROM s").num_rows
    assert ids == 2  # duplicates get distinct ids
    emu.sql("DELETE FROM t WHERE id = 1")
    assert _delta(emu, "s") == []  # inserted and deleted in the interval: nothing


def test_iceberg_to_iceberg_load_through_a_stream(emu: Emulator) -> None:
    emu.sql("CREATE ICEBERG TABLE src (id INT PRIMARY KEY, v STRING)")
    emu.sql("CREATE ICEBERG TABLE dst (id INT PRIMARY KEY, v STRING)")
    emu.sql("CREATE STREAM s ON TABLE src")
    emu.sql("INSERT INTO src VALUES (1, 'a'), (2, 'b')")
    merge = (
        "MERGE INTO dst USING (SELECT * FROM s WHERE METADATA$ACTION = 'INSERT') x "
        "ON dst.id = x.id WHEN MATCHED THEN UPDATE SET v = x.v "
        "WHEN NOT MATCHED THEN INSERT (id, v) VALUES (x.id, x.v)"
    )
    emu.sql(merge)
    emu.sql("UPDATE src SET v = 'z' WHERE id = 2")
    emu.sql(merge)
    assert emu.sql("SELECT * FROM dst ORDER BY id").to_pylist() == [
        {"ID": 1, "V": "a"},
        {"ID": 2, "V": "z"},
    ]
    assert emu.sql("SELECT COUNT(*) AS c FROM s").to_pylist() == [{"C": 0}]


def test_or_replace_makes_the_stream_stale(emu: Emulator) -> None:
    emu.sql("CREATE ICEBERG TABLE t (id INT)")
    emu.sql("CREATE STREAM s ON TABLE t")
    emu.sql("CREATE OR REPLACE ICEBERG TABLE t (id INT)")
    with pytest.raises(SqlError, match="stale"):
        emu.sql("SELECT * FROM s")
