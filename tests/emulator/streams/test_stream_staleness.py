"""Staleness and log purge (https://docs.snowflake.com/en/user-guide/streams-intro,
Data retention period and staleness)."""

from __future__ import annotations

import pytest
from stream_helpers import changes, rows

from emulator import Emulator
from icebridge.errors import SqlError
from icebridge.sql.identifiers import ObjectName


def stale(emu: Emulator, name: str = "S") -> str:
    by_name = {r["name"]: r for r in emu.sql("SHOW STREAMS").to_pylist()}
    return str(by_name[name]["stale"])


def test_replacing_the_source_table_makes_its_streams_stale(t: Emulator) -> None:
    t.sql("INSERT INTO t VALUES (1, 'a')")
    t.sql("CREATE OR REPLACE TABLE t (id INT, v VARCHAR)")
    assert stale(t) == "true"
    with pytest.raises(SqlError, match=r"Stream DB\.PUBLIC\.S has become stale"):
        t.sql("SELECT * FROM s")
    with pytest.raises(SqlError, match="stale"):
        t.sql("SELECT SYSTEM$STREAM_HAS_DATA('s')")
    # Recreating the stream is the way out.
    t.sql("CREATE OR REPLACE STREAM s ON TABLE t")
    assert stale(t) == "false"
    assert changes(t) == []


def test_dropped_source_is_not_relinked_by_a_new_table_of_that_name(t: Emulator) -> None:
    t.execute("DROP TABLE t; CREATE TABLE t (id INT, v VARCHAR)")
    with pytest.raises(SqlError, match="stale"):
        t.sql("SELECT * FROM s")


def test_stream_goes_stale_after_max_of_retention_and_extension(t: Emulator) -> None:
    t.advance("13 days")
    assert stale(t) == "false"
    t.advance("2 days")
    assert stale(t) == "true"
    with pytest.raises(SqlError, match="has become stale"):
        t.sql("SELECT * FROM s")


def test_consumption_moves_stale_after_forward(t: Emulator) -> None:
    t.sql("CREATE TABLE sink (id INT)")
    t.advance("10 days")
    t.sql("INSERT INTO t VALUES (1, 'a')")
    t.sql("INSERT INTO sink SELECT id FROM s")
    t.advance("10 days")
    assert stale(t) == "false"


def test_stream_has_data_on_an_empty_stream_prevents_staleness(t: Emulator) -> None:
    from emulator.features.streams.functions import has_data

    for _ in range(3):
        t.advance("10 days")
        assert has_data(t.engine, ObjectName("DB", "PUBLIC", "S")) is False
    assert stale(t) == "false"


def test_longer_retention_extends_stale_after(emu: Emulator) -> None:
    emu.execute(
        "CREATE TABLE t (id INT) DATA_RETENTION_TIME_IN_DAYS = 30; CREATE STREAM s ON TABLE t"
    )
    emu.advance("20 days")
    assert stale(emu) == "false"
    emu.sql("ALTER TABLE t SET MAX_DATA_EXTENSION_TIME_IN_DAYS = 0")
    emu.advance("11 days")
    assert stale(emu) == "true"


def log_size(emu: Emulator, table: str = "T") -> int:
    obj = emu.engine.catalog.find(ObjectName("DB", "PUBLIC", table))
    assert obj is not None
    row = emu.engine.con.execute(f"SELECT COUNT(*) FROM {obj.log().sql('duckdb')}").fetchone()
    assert row is not None
    return int(row[0])


def test_purge_keeps_a_busy_staging_log_bounded(emu: Emulator) -> None:
    emu.execute(
        "CREATE TABLE stg (id INT, v VARCHAR) DATA_RETENTION_TIME_IN_DAYS = 0;"
        "CREATE STREAM s ON TABLE stg; CREATE TABLE sink (id INT, v VARCHAR)"
    )
    sizes = []
    for batch in range(6):
        emu.sql(
            f"INSERT INTO stg SELECT {batch * 100} + seq4(), 'x' "
            "FROM TABLE(GENERATOR(ROWCOUNT => 100))"
        )
        emu.sql("INSERT INTO sink SELECT id, v FROM s WHERE METADATA$ACTION = 'INSERT'")
        emu.sql("DELETE FROM stg")
        emu.sql("INSERT INTO sink SELECT id, v FROM s WHERE METADATA$ACTION = 'INSERT'")
        sizes.append(log_size(emu, "STG"))
    assert rows(emu, "SELECT COUNT(*) FROM sink") == [(600,)]
    assert max(sizes) <= 200
    assert sizes[-1] == sizes[1]


def test_purge_waits_for_the_slowest_stream_and_the_time_travel_window(emu: Emulator) -> None:
    emu.execute(
        "CREATE TABLE stg (id INT, v VARCHAR); CREATE STREAM fast ON TABLE stg;"
        "CREATE STREAM slow ON TABLE stg; CREATE TABLE sink (id INT)"
    )
    emu.advance("1 hour")
    emu.sql("INSERT INTO stg VALUES (1, 'a'), (2, 'b')")
    emu.advance("1 minute")
    emu.sql("DELETE FROM stg WHERE id = 1")
    emu.sql("INSERT INTO sink SELECT id FROM fast")
    assert log_size(emu, "STG") == 3  # the slow stream still needs every record
    emu.sql("INSERT INTO sink SELECT id FROM slow")
    assert log_size(emu, "STG") == 3  # inside the 1-day time-travel window
    assert rows(emu, "SELECT COUNT(*) FROM stg AT(OFFSET => -30)") == [(2,)]
    emu.advance("2 days")
    emu.sql("UPDATE stg SET v = 'B'")
    emu.sql("INSERT INTO sink SELECT id FROM slow")
    # Row 1 (inserted, deleted) is gone; row 2 keeps its last image before the window.
    assert log_size(emu, "STG") == 2
    emu.sql("UPDATE stg SET v = 'C'")
    assert changes(emu, "slow") == [(2, "B", "DELETE", True), (2, "C", "INSERT", True)]
