"""Streams on dynamic tables, purge vs. dynamic refreshes, change-tracking resets and the
cost of SYSTEM$STREAM_HAS_DATA.

https://docs.snowflake.com/en/user-guide/dynamic-tables/streams-on-dts,
https://docs.snowflake.com/en/user-guide/streams-intro and
https://docs.snowflake.com/en/sql-reference/functions/system_stream_has_data.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from stream_helpers import changes, rows

from emulator import Emulator
from emulator.core import change_history as history
from emulator.core.catalog import CatalogObject
from emulator.core.dynamic_spec import spec_of
from emulator.core.stream_objects import from_object
from emulator.features.dynamic.changes import readable_since
from emulator.features.streams.functions import has_data
from icebridge.errors import SqlError
from icebridge.sql.identifiers import ObjectName

DT = (
    "CREATE DYNAMIC TABLE dt TARGET_LAG = '1 minute' WAREHOUSE = w REFRESH_MODE = INCREMENTAL "
    "AS SELECT id, v FROM t WHERE id < 100"
)


def obj(emu: Emulator, name: str) -> CatalogObject:
    found = emu.engine.catalog.find(ObjectName("DB", "PUBLIC", name))
    assert found is not None
    return found


def actions(emu: Emulator) -> list[str]:
    """Refresh actions of DT, oldest first."""
    found = rows(
        emu,
        "SELECT refresh_action FROM TABLE(INFORMATION_SCHEMA.DYNAMIC_TABLE_REFRESH_HISTORY("
        "NAME => 'DT')) ORDER BY refresh_start_time, data_timestamp",
    )
    return [str(r[0]) for r in found]


def show(emu: Emulator, name: str = "S") -> dict[str, Any]:
    by_name = {r["name"]: r for r in emu.sql("SHOW STREAMS").to_pylist()}
    found: dict[str, Any] = by_name[name]
    return found


# -- streams on dynamic tables ---------------------------------------------------------------


@pytest.fixture
def dt(emu: Emulator) -> Emulator:
    """T, an incremental dynamic table DT over it and a stream S on DT."""
    emu.execute(
        f"CREATE TABLE t (id INT, v VARCHAR); INSERT INTO t VALUES (1, 'a'), (2, 'b');{DT};"
        "CREATE STREAM s ON DYNAMIC TABLE dt"
    )
    return emu


def test_stream_on_dynamic_table_shows_net_changes_after_a_refresh(dt: Emulator) -> None:
    assert changes(dt) == []
    dt.execute(
        "INSERT INTO t VALUES (3, 'c'), (200, 'filtered'); DELETE FROM t WHERE id = 1;"
        "UPDATE t SET v = 'B' WHERE id = 2"
    )
    assert changes(dt) == []  # the dynamic table has not refreshed yet
    assert has_data(dt.engine, ObjectName("DB", "PUBLIC", "S")) is False
    dt.sql("ALTER DYNAMIC TABLE dt REFRESH")
    assert actions(dt)[-1] == "INCREMENTAL"
    got = {(r[0], r[1], r[2]) for r in changes(dt)}
    assert got == {(1, "a", "DELETE"), (2, "b", "DELETE"), (2, "B", "INSERT"), (3, "c", "INSERT")}
    assert has_data(dt.engine, ObjectName("DB", "PUBLIC", "S")) is True
    dt.execute("CREATE TABLE sink (id INT, v VARCHAR); INSERT INTO sink SELECT id, v FROM s")
    assert changes(dt) == []
    assert show(dt)["table_name"] == "DB.PUBLIC.DT"


def test_scheduled_refresh_is_seen_by_a_cached_has_data(dt: Emulator) -> None:
    name = ObjectName("DB", "PUBLIC", "S")
    assert has_data(dt.engine, name) is False
    dt.sql("INSERT INTO t VALUES (5, 'e')")
    assert has_data(dt.engine, name) is False
    dt.advance("2 minutes")  # the scheduler refreshes DT (its own commit)
    assert has_data(dt.engine, name) is True
    assert [r[:3] for r in changes(dt)] == [(5, "e", "INSERT")]


def test_changes_clause_reads_a_dynamic_table(dt: Emulator) -> None:
    dt.advance("1 hour")
    dt.execute("INSERT INTO t VALUES (7, 'g'); ALTER DYNAMIC TABLE dt REFRESH")
    got = changes(dt, "dt CHANGES(INFORMATION => DEFAULT) AT(OFFSET => -60)")
    assert got == [(7, "g", "INSERT", False)]


def test_on_table_naming_a_dynamic_table_is_an_error(dt: Emulator) -> None:
    with pytest.raises(SqlError, match="Object found is of type 'DYNAMIC_TABLE'") as err:
        dt.sql("CREATE STREAM s2 ON TABLE dt")
    assert err.value.errno == 2002
    with pytest.raises(SqlError, match="Dynamic table 'T' does not exist"):
        dt.sql("CREATE STREAM s3 ON DYNAMIC TABLE t")


def test_only_standard_streams_on_dynamic_tables(dt: Emulator) -> None:
    with pytest.raises(SqlError, match="APPEND_ONLY streams are not supported on dynamic table"):
        dt.sql("CREATE STREAM s2 ON DYNAMIC TABLE dt APPEND_ONLY = TRUE")
    assert dt.engine.catalog.find(ObjectName("DB", "PUBLIC", "S2")) is None


def test_full_refresh_dynamic_table_has_no_streams(emu: Emulator) -> None:
    emu.execute(
        "CREATE TABLE t (id INT); CREATE DYNAMIC TABLE f TARGET_LAG = '1 minute' "
        "WAREHOUSE = w REFRESH_MODE = FULL AS SELECT id FROM t"
    )
    with pytest.raises(SqlError, match="refresh mode is FULL"):
        emu.sql("CREATE STREAM s ON DYNAMIC TABLE f")


# -- purge keeps what dynamic tables still need -----------------------------------------------


def test_purge_after_consumption_keeps_dynamic_refreshes_incremental(emu: Emulator) -> None:
    emu.execute(
        "CREATE TABLE t (id INT, v VARCHAR) DATA_RETENTION_TIME_IN_DAYS = 0;"
        "CREATE TABLE sink (id INT, v VARCHAR); CREATE STREAM s ON TABLE t;"
        f"INSERT INTO t VALUES (1, 'a'), (2, 'b');{DT};"
        "UPDATE t SET v = 'x' WHERE id = 1; INSERT INTO t VALUES (3, 'c');"
        "INSERT INTO sink SELECT id, v FROM s"  # consumption purges T's log
    )
    table = obj(emu, "T")
    read = spec_of(obj(emu, "DT")).versions[str(table.id)]
    assert read < table.version
    # The log was compacted, but not past the version DT last read.
    assert history.since(emu.engine, table) == read
    assert readable_since(emu.engine, table, read)
    emu.execute("UPDATE t SET v = 'y' WHERE id = 1; ALTER DYNAMIC TABLE dt REFRESH")
    assert actions(emu) == ["INCREMENTAL", "INCREMENTAL"]
    assert rows(emu, "SELECT id, v FROM dt ORDER BY id") == [(1, "y"), (2, "b"), (3, "c")]


# -- switching change tracking off and on ------------------------------------------------------


def _toggle(emu: Emulator) -> None:
    emu.execute(
        "ALTER TABLE t SET CHANGE_TRACKING = FALSE; INSERT INTO t VALUES (2, 'b');"
        "ALTER TABLE t SET CHANGE_TRACKING = TRUE"
    )


def test_tracking_reset_makes_existing_streams_stale(t: Emulator) -> None:
    t.sql("INSERT INTO t VALUES (1, 'a')")
    _toggle(t)
    assert show(t)["stale"] == "true"
    with pytest.raises(SqlError, match=r"Stream DB\.PUBLIC\.S has become stale"):
        t.sql("SELECT * FROM s")
    with pytest.raises(SqlError, match="stale"):
        has_data(t.engine, ObjectName("DB", "PUBLIC", "S"))
    with pytest.raises(SqlError, match="stale"):
        t.sql("CREATE OR REPLACE STREAM s ON TABLE t AT(STREAM => 's')")
    t.execute("CREATE OR REPLACE STREAM s ON TABLE t; INSERT INTO t VALUES (3, 'c')")
    assert changes(t) == [(3, "c", "INSERT", False)]


def test_tracking_reset_makes_streams_on_join_views_stale(emu: Emulator) -> None:
    emu.execute(
        "CREATE TABLE t (id INT, v VARCHAR); CREATE TABLE u (id INT, w VARCHAR);"
        "CREATE VIEW j AS SELECT t.id, v, w FROM t JOIN u ON t.id = u.id;"
        "CREATE STREAM js ON VIEW j; CREATE TABLE other (x INT); CREATE STREAM os ON TABLE other"
    )
    _toggle(emu)
    assert show(emu, "JS")["stale"] == "true"
    assert show(emu, "OS")["stale"] == "false"
    with pytest.raises(SqlError, match="has become stale"):
        emu.sql("SELECT * FROM js")


def test_tracking_reset_restarts_the_readable_history(t: Emulator) -> None:
    t.sql("INSERT INTO t VALUES (1, 'a')")
    t.advance("1 hour")
    _toggle(t)
    table = obj(t, "T")
    assert history.since(t.engine, table) == table.version  # the new BASELINE
    with pytest.raises(
        SqlError, match=r"Time travel data is not available for table DB\.PUBLIC\.T\."
    ):
        t.sql("SELECT * FROM t CHANGES(INFORMATION => DEFAULT) AT(OFFSET => -7200)")
    t.advance("1 minute")
    t.sql("INSERT INTO t VALUES (4, 'd')")
    got = changes(t, "t CHANGES(INFORMATION => DEFAULT) AT(OFFSET => -30)")
    assert got == [(4, "d", "INSERT", False)]


# -- SYSTEM$STREAM_HAS_DATA cost -------------------------------------------------------------


class _Counter:
    """Counts calls of catalog methods (a stand-in for "catalog queries")."""

    def __init__(self, emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: dict[str, int] = {}
        for method in ("find", "by_id", "objects", "columns", "update_object"):
            original = getattr(emu.catalog, method)
            monkeypatch.setattr(emu.catalog, method, self._wrap(method, original))

    def _wrap(self, method: str, original: Any) -> Any:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[method] = self.calls.get(method, 0) + 1
            return original(*args, **kwargs)

        return counted


def test_repeated_has_data_reads_and_writes_no_catalog(
    t: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = ObjectName("DB", "PUBLIC", "S")
    assert has_data(t.engine, name) is False
    counter = _Counter(t.engine, monkeypatch)
    for _ in range(20):
        t.advance("1 minute")  # the scheduler may read the catalog; has_data must not
        before = dict(counter.calls)
        assert has_data(t.engine, name) is False
        assert counter.calls == before
    t.sql("INSERT INTO t VALUES (1, 'a')")  # a commit: metadata is read again
    before = dict(counter.calls)
    assert has_data(t.engine, name) is True
    assert counter.calls.get("find", 0) - before.get("find", 0) == 1


def stored_stale_base(emu: Emulator) -> datetime:
    return from_object(obj(emu, "S")).stale_base


def test_deferred_touch_counts_at_once_and_is_written_at_the_next_commit(t: Emulator) -> None:
    created = stored_stale_base(t)
    t.advance("2 hours")
    assert has_data(t.engine, ObjectName("DB", "PUBLIC", "S")) is False
    assert stored_stale_base(t) == created  # not written yet
    assert show(t)["stale_after"] == t.now + timedelta(days=14)
    t.advance("13 days 23 hours")
    assert show(t)["stale"] == "false"
    t.sql("CREATE TABLE other (x INT)")  # any committed statement writes it
    assert stored_stale_base(t) == created + timedelta(hours=2)


def test_touch_is_written_through_once_the_stored_one_is_a_day_old(t: Emulator) -> None:
    t.advance("25 hours")
    assert has_data(t.engine, ObjectName("DB", "PUBLIC", "S")) is False
    assert stored_stale_base(t) == t.now


def test_deferred_touch_is_written_at_close(tmp_path: Path) -> None:
    with Emulator(tmp_path) as emu:
        emu.execute("CREATE DATABASE db; CREATE TABLE t (id INT); CREATE STREAM s ON TABLE t")
        emu.advance("3 hours")
        assert has_data(emu.engine, ObjectName("DB", "PUBLIC", "S")) is False
        touched = emu.now
    with Emulator(tmp_path, clock=None) as emu:
        emu.sql("USE SCHEMA db.public")
        assert stored_stale_base(emu) == touched
