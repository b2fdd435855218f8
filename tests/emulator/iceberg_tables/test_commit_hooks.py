"""Every Iceberg write of a statement is one write unit: the lake's test hooks see one
commit per statement, in commit-path order, and a failure before the commit leaves the
table unchanged."""

from __future__ import annotations

import pytest

from emulator import Emulator
from emulator.core.lake import AFTER_ICEBERG_COMMIT, AFTER_OFFSET_UPDATE, BEFORE_ICEBERG_COMMIT
from icebridge.sql.identifiers import ObjectName

T = ObjectName("DB", "PUBLIC", "T")
COMMIT = [BEFORE_ICEBERG_COMMIT, AFTER_ICEBERG_COMMIT, AFTER_OFFSET_UPDATE]


@pytest.fixture
def seen(emu: Emulator) -> list[tuple[str, ObjectName]]:
    emu.sql("CREATE ICEBERG TABLE t (id INT PRIMARY KEY, v STRING)")
    emu.sql("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')")
    events: list[tuple[str, ObjectName]] = []
    emu.engine.lake.hooks.add(lambda point, name: events.append((point, name)))
    return events


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO t VALUES (4, 'd')",
        "UPDATE t SET v = 'z' WHERE id = 2",
        "DELETE FROM t WHERE id = 3",
        "MERGE INTO t USING (SELECT 1 AS id, 'm' AS v UNION ALL SELECT 9, 'n') s "
        "ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v "
        "WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v)",
        "INSERT OVERWRITE INTO t VALUES (7, 'o')",
        "TRUNCATE TABLE t",
    ],
)
def test_each_statement_commits_once_through_the_unit(
    emu: Emulator, seen: list[tuple[str, ObjectName]], statement: str
) -> None:
    before = len(emu.engine.lake.store.snapshots(T))
    emu.sql(statement)
    assert seen == [(point, T) for point in COMMIT]
    assert len(emu.engine.lake.store.snapshots(T)) == before + 1


def test_statements_that_change_nothing_commit_nothing(
    emu: Emulator, seen: list[tuple[str, ObjectName]]
) -> None:
    emu.sql("UPDATE t SET v = 'z' WHERE id = 42")
    emu.sql("DELETE FROM t WHERE id > 10")
    emu.sql("CREATE TABLE n (x INT)")
    emu.sql("INSERT INTO n VALUES (1)")  # native tables never reach the hooks
    assert seen == []


def test_a_failure_before_the_commit_leaves_the_table_unchanged(
    emu: Emulator, seen: list[tuple[str, ObjectName]]
) -> None:
    store = emu.engine.lake.store
    location = store.metadata_location(T)

    def fail(point: str, name: ObjectName) -> None:
        if point == BEFORE_ICEBERG_COMMIT:
            raise OSError("disk gone")

    emu.engine.lake.hooks.add(fail)
    with pytest.raises(OSError, match="disk gone"):
        emu.sql("UPDATE t SET v = 'z'")
    assert store.metadata_location(T) == location
    assert emu.sql("SELECT v FROM t ORDER BY id").column(0).to_pylist() == ["a", "b", "c"]
    emu.engine.lake.hooks.remove(fail)
    emu.sql("UPDATE t SET v = 'z' WHERE id = 1")  # the table is still writable
    assert emu.sql("SELECT v FROM t ORDER BY id").column(0).to_pylist() == ["z", "b", "c"]


def test_dynamic_iceberg_refreshes_commit_through_the_unit(emu: Emulator) -> None:
    name = ObjectName("DB", "PUBLIC", "D")
    emu.execute("CREATE TABLE src (id INT); INSERT INTO src VALUES (1)")
    seen: list[tuple[str, ObjectName]] = []
    emu.engine.lake.hooks.add(lambda point, table: seen.append((point, table)))
    emu.sql(
        "CREATE DYNAMIC ICEBERG TABLE d TARGET_LAG = '1 minute' WAREHOUSE = wh "
        "CATALOG = 'SNOWFLAKE' BASE_LOCATION = 'd' AS SELECT id FROM src"
    )
    assert seen[:2] == [(BEFORE_ICEBERG_COMMIT, name), (AFTER_ICEBERG_COMMIT, name)]
    seen.clear()
    emu.sql("INSERT INTO src VALUES (2)")
    emu.sql("ALTER DYNAMIC TABLE d REFRESH")
    assert seen[:2] == [(BEFORE_ICEBERG_COMMIT, name), (AFTER_ICEBERG_COMMIT, name)]
    assert len(emu.engine.lake.store.snapshots(name)) == 2
