"""CHANGES clause and AT | BEFORE time travel
(https://docs.snowflake.com/en/sql-reference/constructs/changes,
https://docs.snowflake.com/en/sql-reference/constructs/at-before)."""

from __future__ import annotations

import pytest
from stream_helpers import changes, rows

from emulator import Emulator
from icebridge.errors import SqlError


@pytest.fixture
def hist(emu: Emulator) -> Emulator:
    """T tracked from creation; a minute later ID 1 inserted, an hour later ID 2 inserted and
    ID 1 updated; now is a minute after that."""
    emu.execute("CREATE TABLE t (id INT, v VARCHAR) CHANGE_TRACKING = TRUE")
    emu.advance("1 minute")
    emu.sql("INSERT INTO t VALUES (1, 'a')")
    emu.advance("1 hour")
    emu.sql("INSERT INTO t VALUES (2, 'b')")
    emu.sql("UPDATE t SET v = 'A' WHERE id = 1")
    emu.advance("1 minute")
    return emu


def test_changes_default_and_append_only_since_an_offset(hist: Emulator) -> None:
    since = "CHANGES(INFORMATION => DEFAULT) AT(OFFSET => -1800)"
    assert changes(hist, f"t {since}") == [
        (1, "A", "INSERT", True),
        (1, "a", "DELETE", True),
        (2, "b", "INSERT", False),
    ]
    appended = "t CHANGES(INFORMATION => APPEND_ONLY) AT(OFFSET => -1800)"
    assert changes(hist, appended) == [(2, "b", "INSERT", False)]


def test_changes_with_end_is_inclusive(hist: Emulator) -> None:
    whole = "t CHANGES(INFORMATION => DEFAULT) AT(OFFSET => -3700) END(OFFSET => -1800)"
    assert changes(hist, whole) == [(1, "a", "INSERT", False)]


def test_changes_at_stream_as_the_pipeline_cleanup_uses_it(emu: Emulator) -> None:
    emu.execute(
        "CREATE TABLE stg (id INT, v VARCHAR) CHANGE_TRACKING = TRUE;"
        "CREATE STREAM stg_stream ON TABLE stg APPEND_ONLY = TRUE;"
        "CREATE TABLE target (id INT, v VARCHAR);"
        "INSERT INTO stg VALUES (1, 'a'), (2, 'b');"
        "INSERT INTO target SELECT id, v FROM stg_stream;"
        "INSERT INTO stg VALUES (3, 'c')"
    )
    cleanup = (
        "DELETE FROM db.public.stg AS s WHERE NOT EXISTS (SELECT 1 FROM db.public.stg "
        "CHANGES (INFORMATION => APPEND_ONLY) AT (STREAM => 'DB.PUBLIC.STG_STREAM') AS p "
        "WHERE p.id IS NOT DISTINCT FROM s.id AND p.v IS NOT DISTINCT FROM s.v)"
    )
    assert rows(emu, cleanup) == [(2,)]
    assert rows(emu, "SELECT id FROM stg") == [(3,)]
    # CHANGES never consumes: the stream still holds the row that arrived after consumption.
    assert changes(emu, "stg_stream") == [(3, "c", "INSERT", False)]


def test_changes_needs_change_tracking(emu: Emulator) -> None:
    emu.sql("CREATE TABLE plain (id INT, v VARCHAR)")
    with pytest.raises(SqlError, match="Change tracking is not enabled"):
        emu.sql("SELECT * FROM plain CHANGES(INFORMATION => DEFAULT) AT(OFFSET => -60)")


def test_time_travel_at_offset_timestamp_and_before(hist: Emulator) -> None:
    assert rows(hist, "SELECT id, v FROM t AT(OFFSET => -1800)") == [(1, "a")]
    assert rows(hist, "SELECT id, v FROM t AT(OFFSET => -30) ORDER BY id") == [(1, "A"), (2, "b")]
    at = rows(hist, "SELECT COUNT(*) FROM t AT(TIMESTAMP => CURRENT_TIMESTAMP())")
    assert at == [(2,)]
    before = rows(
        hist,
        "SELECT COUNT(*) FROM t BEFORE(TIMESTAMP => DATEADD(minute, -1, CURRENT_TIMESTAMP()))",
    )
    assert before == [(1,)]


def test_time_travel_outside_retention_is_snowflakes_error(hist: Emulator) -> None:
    with pytest.raises(SqlError, match="Time travel data is not available for table"):
        hist.sql("SELECT * FROM t AT(OFFSET => -90000)")
    hist.sql("ALTER TABLE t SET DATA_RETENTION_TIME_IN_DAYS = 0")
    with pytest.raises(SqlError, match="Time travel data is not available"):
        hist.sql("SELECT * FROM t AT(OFFSET => -60)")


def test_time_travel_on_untracked_tables(emu: Emulator) -> None:
    emu.sql("CREATE TABLE plain (id INT)")
    with pytest.raises(SqlError, match="Change tracking is not enabled"):
        emu.sql("SELECT * FROM plain AT(OFFSET => -60)")


def test_time_travel_at_and_before_a_statement(hist: Emulator) -> None:
    hist.sql("CREATE TABLE other (id INT) CHANGE_TRACKING = TRUE")
    delete = hist.run("DELETE FROM t WHERE id = 2")
    hist.sql("INSERT INTO other VALUES (1)")
    hist.sql("INSERT INTO t VALUES (3, 'c')")
    q = delete.query_id
    assert rows(hist, f"SELECT id FROM t BEFORE(STATEMENT => '{q}') ORDER BY id") == [(1,), (2,)]
    assert rows(hist, f"SELECT id FROM t AT(STATEMENT => '{q}')") == [(1,)]
    # A table the statement did not write: its state as of that statement.
    assert rows(hist, f"SELECT COUNT(*) FROM other AT(STATEMENT => '{q}')") == [(0,)]
    select = hist.run("SELECT 1")
    with pytest.raises(SqlError, match="cannot be used to specify time for time travel"):
        hist.sql(f"SELECT * FROM t AT(STATEMENT => '{select.query_id}')")


def test_create_stream_at_a_past_timestamp(hist: Emulator) -> None:
    hist.sql("CREATE STREAM past ON TABLE t AT(OFFSET => -1800)")
    assert changes(hist, "past") == [
        (1, "A", "INSERT", True),
        (1, "a", "DELETE", True),
        (2, "b", "INSERT", False),
    ]


def test_create_stream_before_tracking_existed_fails(emu: Emulator) -> None:
    emu.sql("CREATE TABLE late (id INT)")
    emu.advance("1 hour")
    with pytest.raises(SqlError, match="Change tracking is not enabled"):
        emu.sql("CREATE STREAM s ON TABLE late AT(OFFSET => -60)")
