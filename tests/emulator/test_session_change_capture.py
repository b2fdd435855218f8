"""The change log of CHANGE_TRACKING tables, table versions, and the hidden row id."""

from __future__ import annotations

import pyarrow as pa
import pytest

from emulator import Emulator
from emulator.core.catalog import ROW_ID, CatalogObject
from icebridge.sql.identifiers import ObjectName


def table_obj(emu: Emulator, name: str = "T") -> CatalogObject:
    obj = emu.engine.catalog.find(ObjectName("DB", "PUBLIC", name))
    assert obj is not None
    return obj


def log(emu: Emulator, name: str = "T") -> list[tuple[object, ...]]:
    obj = table_obj(emu, name)
    return emu.engine.con.execute(
        f"SELECT __ib_version, __ib_action, {ROW_ID}, id, v FROM {obj.log().sql('duckdb')} "
        "ORDER BY __ib_version, id"
    ).fetchall()


@pytest.fixture
def tracked(emu: Emulator) -> Emulator:
    emu.sql("CREATE TABLE t (id INT, v VARCHAR) CHANGE_TRACKING = TRUE")
    return emu


def test_log_records_inserts_updates_deletes_with_stable_row_ids(tracked: Emulator) -> None:
    tracked.sql("INSERT INTO t VALUES (1, 'a'), (2, 'b')")
    tracked.sql("UPDATE t SET v = 'B' WHERE id = 2")
    tracked.sql("DELETE FROM t WHERE id = 1")
    rows = log(tracked)
    assert [(r[0], r[1], r[3], r[4]) for r in rows] == [
        (1, "INSERT", 1, "a"),
        (1, "INSERT", 2, "b"),
        (2, "UPDATE", 2, "B"),
        (3, "DELETE", 1, "a"),
    ]
    row_id = {r[3]: r[2] for r in rows if r[1] == "INSERT"}
    assert rows[2][2] == row_id[2]  # the update kept the row's id
    assert rows[3][2] == row_id[1]  # the delete names the inserted row
    assert row_id[1] != row_id[2]


def test_one_version_per_transaction(tracked: Emulator) -> None:
    tracked.sql("BEGIN")
    tracked.sql("INSERT INTO t VALUES (1, 'a')")
    tracked.sql("INSERT INTO t VALUES (2, 'b')")
    tracked.sql("COMMIT")
    tracked.sql("TRUNCATE TABLE t")
    assert [(r[0], r[1]) for r in log(tracked)] == [
        (1, "INSERT"),
        (1, "INSERT"),
        (2, "DELETE"),
        (2, "DELETE"),
    ]
    assert table_obj(tracked).version == 2


def test_rolled_back_changes_are_not_logged(tracked: Emulator) -> None:
    tracked.sql("BEGIN")
    tracked.sql("INSERT INTO t VALUES (1, 'a')")
    tracked.sql("ROLLBACK")
    assert log(tracked) == []
    assert table_obj(tracked).version == 0


def test_enabling_tracking_records_a_baseline(emu: Emulator) -> None:
    emu.sql("CREATE TABLE t (id INT, v VARCHAR)")
    emu.sql("INSERT INTO t VALUES (1, 'a')")
    emu.sql("ALTER TABLE t SET CHANGE_TRACKING = TRUE")
    emu.sql("UPDATE t SET v = 'z'")
    assert [(r[0], r[1], r[4]) for r in log(emu)] == [(1, "BASELINE", "a"), (2, "UPDATE", "z")]


def test_untracked_tables_write_no_log_but_count_versions(emu: Emulator) -> None:
    emu.sql("CREATE TABLE t (id INT, v VARCHAR)")
    emu.sql("INSERT INTO t VALUES (1, 'a')")
    obj = table_obj(emu)
    exists = emu.engine.con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = '__ib' AND table_name = ?",
        [f"log_{obj.id}"],
    ).fetchone()
    assert exists == (0,)
    assert obj.version == 1


def test_insert_rows_and_merge_are_captured(tracked: Emulator) -> None:
    tracked.insert_rows(ObjectName("DB", "PUBLIC", "T"), pa.table({"id": [1], "v": ["a"]}))
    tracked.sql("CREATE TABLE s (id INT, v VARCHAR)")
    tracked.sql("INSERT INTO s VALUES (1, 'A'), (2, 'b')")
    tracked.sql(
        "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v "
        "WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v)"
    )
    assert [(r[0], r[1], r[3], r[4]) for r in log(tracked)] == [
        (1, "INSERT", 1, "a"),
        (2, "UPDATE", 1, "A"),
        (2, "INSERT", 2, "b"),
    ]


def test_row_id_is_never_visible(emu: Emulator) -> None:
    emu.sql("CREATE TABLE t (id INT, v VARCHAR)")
    emu.sql("INSERT INTO t VALUES (1, 'a')")
    assert emu.sql("SELECT * FROM t").column_names == ["ID", "V"]
    assert [r["name"] for r in emu.sql("DESCRIBE TABLE t").to_pylist()] == ["ID", "V"]
    cols = (
        emu.sql("SELECT column_name FROM information_schema.columns WHERE table_name = 'T'")
        .column(0)
        .to_pylist()
    )
    assert ROW_ID.upper() not in [c.upper() for c in cols]
    emu.sql("CREATE TABLE c AS SELECT * FROM t")
    assert emu.sql("SELECT * FROM c").column_names == ["ID", "V"]
    emu.sql("INSERT INTO c SELECT * FROM t")
    assert emu.sql("SELECT count(*) FROM c").column(0)[0].as_py() == 2
    emu.sql("CREATE VIEW vw AS SELECT * FROM t")
    assert emu.sql("SELECT * FROM vw").column_names == ["ID", "V"]
