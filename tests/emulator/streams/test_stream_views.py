"""Streams on projection / filter views (https://docs.snowflake.com/en/user-guide/streams-intro,
Streams on views)."""

from __future__ import annotations

import pytest
from stream_helpers import rows

from emulator import Emulator
from icebridge.errors import SqlError


@pytest.fixture
def v(emu: Emulator) -> Emulator:
    emu.execute(
        "CREATE TABLE t (id INT, v VARCHAR, n INT);"
        "INSERT INTO t VALUES (1, 'a', 1), (2, 'b', 5), (5, 'e', 7);"
        "CREATE VIEW big AS SELECT id, UPPER(v) AS uv FROM t WHERE n > 2;"
        "CREATE STREAM vs ON VIEW big"
    )
    return emu


def view_changes(emu: Emulator, stream: str = "vs") -> list[tuple[object, ...]]:
    return sorted(
        rows(emu, f"SELECT id, uv, METADATA$ACTION, METADATA$ISUPDATE FROM {stream}"), key=repr
    )


def test_view_stream_columns_are_the_views_then_metadata(v: Emulator) -> None:
    assert v.sql("SELECT * FROM vs").column_names == [
        "ID",
        "UV",
        "METADATA$ACTION",
        "METADATA$ISUPDATE",
        "METADATA$ROW_ID",
    ]


def test_rows_entering_leaving_and_changing_in_the_view(v: Emulator) -> None:
    v.sql("INSERT INTO t VALUES (3, 'c', 9), (4, 'd', 0)")  # only 3 is in the view
    v.sql("UPDATE t SET n = 10 WHERE id = 1")  # enters the view
    v.sql("UPDATE t SET v = 'z' WHERE id = 2")  # changes inside the view
    v.sql("UPDATE t SET n = 0 WHERE id = 5")  # leaves the view
    v.sql("UPDATE t SET n = 8 WHERE id = 2")  # invisible: n is not projected
    assert view_changes(v) == [
        (1, "A", "INSERT", False),
        (2, "B", "DELETE", True),
        (2, "Z", "INSERT", True),
        (3, "C", "INSERT", False),
        (5, "E", "DELETE", False),
    ]


def test_view_stream_consumption_and_append_only(v: Emulator) -> None:
    v.execute("CREATE STREAM va ON VIEW big APPEND_ONLY = TRUE; CREATE TABLE sink (id INT)")
    v.sql("INSERT INTO t VALUES (3, 'c', 9), (4, 'd', 0)")
    v.sql("DELETE FROM t WHERE id = 3")
    assert view_changes(v, "va") == [(3, "C", "INSERT", False)]
    v.sql("INSERT INTO sink SELECT id FROM vs")
    assert view_changes(v) == []
    assert rows(v, "SELECT SYSTEM$STREAM_HAS_DATA('va')") == [(True,)]


def test_view_stream_is_stale_when_its_table_is_replaced(v: Emulator) -> None:
    v.sql("CREATE OR REPLACE TABLE t (id INT, v VARCHAR, n INT)")
    with pytest.raises(SqlError, match="has become stale"):
        v.sql("SELECT * FROM vs")
    shown = v.sql("SHOW STREAMS").to_pylist()[0]
    assert shown["stale"] == "true"
    assert shown["source_type"] == "View"
    assert shown["base_tables"] == "DB.PUBLIC.T"
