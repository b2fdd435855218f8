"""DML on Iceberg tables: Snowflake semantics, one Iceberg commit per statement,
copy-on-write of only the files holding affected rows, nothing committed on failure."""

from __future__ import annotations

import pytest
from sqlglot import exp

from emulator import Emulator
from icebridge.errors import SqlError, UnsupportedError
from icebridge.sql.identifiers import ObjectName

T = ObjectName("DB", "PUBLIC", "T")


@pytest.fixture
def ice(emu: Emulator) -> Emulator:
    """Table T with three data files: ids 1-3, 4-6 and 7-9."""
    emu.sql("CREATE ICEBERG TABLE t (id INT PRIMARY KEY, v STRING, n NUMBER(10,2))")
    for start in (1, 4, 7):
        emu.sql(
            f"INSERT INTO t VALUES ({start}, 'a', 1), ({start + 1}, 'b', 2), ({start + 2}, 'c', 3)"
        )
    return emu


def _snapshots(emu: Emulator) -> int:
    return len(emu.engine.lake.store.snapshots(T))


def _files(emu: Emulator) -> set[str]:
    return {f.path for f in emu.engine.lake.store.scan_files(T)}


def _rows(emu: Emulator) -> list[tuple[object, ...]]:
    return [tuple(r.values()) for r in emu.sql("SELECT id, v, n FROM t ORDER BY id").to_pylist()]


def test_insert_counts_and_one_commit_per_statement(ice: Emulator) -> None:
    assert _snapshots(ice) == 3
    assert len(_files(ice)) == 3
    result = ice.sql("INSERT INTO t (id) SELECT id + 100 FROM t WHERE id < 3")
    assert result.to_pylist() == [{"number of rows inserted": 2}]
    assert _snapshots(ice) == 4
    assert ice.sql("SELECT COUNT(*) AS c FROM t").to_pylist() == [{"C": 11}]


def test_update_rewrites_only_the_files_with_matching_rows(ice: Emulator) -> None:
    before = _files(ice)
    result = ice.sql("UPDATE t SET v = 'z' WHERE id = 5")
    assert result.to_pylist() == [
        {"number of rows updated": 1, "number of multi-joined rows updated": 0}
    ]
    after = _files(ice)
    assert len(before - after) == 1
    assert len(after - before) == 1
    assert _snapshots(ice) == 4
    assert _rows(ice)[4] == (5, "z", 2)


def test_delete_rewrites_only_touched_files(ice: Emulator) -> None:
    before = _files(ice)
    assert ice.sql("DELETE FROM t WHERE id IN (1, 2, 3)").to_pylist() == [
        {"number of rows deleted": 3}
    ]
    after = _files(ice)
    assert len(after) == 2
    assert after < before
    assert [r[0] for r in _rows(ice)] == [4, 5, 6, 7, 8, 9]
    summary = ice.engine.lake.store.current_summary(T)
    assert summary["operation"] == "delete"


def test_statement_matching_nothing_writes_no_snapshot(ice: Emulator) -> None:
    assert ice.sql("DELETE FROM t WHERE id = 42").to_pylist() == [{"number of rows deleted": 0}]
    assert ice.sql("UPDATE t SET v = v WHERE id > 100").column(0)[0].as_py() == 0
    assert _snapshots(ice) == 3


def test_update_from_another_table(ice: Emulator) -> None:
    ice.sql("CREATE TABLE fix (id INT, v STRING)")
    ice.sql("INSERT INTO fix VALUES (2, 'two'), (8, 'eight')")
    ice.sql("UPDATE t SET v = fix.v FROM fix WHERE t.id = fix.id")
    assert [r[1] for r in _rows(ice)] == ["a", "two", "c", "a", "b", "c", "a", "eight", "c"]
    assert _snapshots(ice) == 4


def test_merge_semantics_and_untouched_files(ice: Emulator) -> None:
    before = _files(ice)
    result = ice.sql(
        "MERGE INTO t USING (SELECT 8 AS id, 'm' AS v UNION ALL SELECT 9, NULL "
        "UNION ALL SELECT 20, 'new') s ON t.id = s.id "
        "WHEN MATCHED AND s.v IS NULL THEN DELETE "
        "WHEN MATCHED THEN UPDATE SET v = s.v "
        "WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v)"
    )
    assert result.to_pylist() == [
        {"number of rows inserted": 1, "number of rows updated": 1, "number of rows deleted": 1}
    ]
    after = _files(ice)
    assert len(before & after) == 2  # files of ids 1-3 and 4-6 untouched
    assert _snapshots(ice) == 4
    assert _rows(ice)[-3:] == [(7, "a", 1), (8, "m", 2), (20, "new", None)]


def test_nondeterministic_merge_fails_and_commits_nothing(ice: Emulator) -> None:
    with pytest.raises(SqlError) as err:
        ice.sql(
            "MERGE INTO t USING (SELECT 1 AS id, 'x' AS v UNION ALL SELECT 1, 'y') s "
            "ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v"
        )
    assert err.value.errno == 100090
    assert _snapshots(ice) == 3
    assert _rows(ice)[0] == (1, "a", 1)


def test_failed_insert_commits_nothing(ice: Emulator) -> None:
    with pytest.raises(SqlError) as err:
        ice.sql("INSERT INTO t VALUES (50, 'ok', 1), (NULL, 'bad', 2)")
    assert err.value.errno == 100072
    assert _snapshots(ice) == 3
    with pytest.raises(SqlError):
        ice.sql("INSERT INTO t (id, nope) VALUES (1, 2)")
    assert _snapshots(ice) == 3


def test_truncate_is_one_delete_commit(ice: Emulator) -> None:
    ice.sql("TRUNCATE TABLE t")
    assert ice.sql("SELECT COUNT(*) AS c FROM t").to_pylist() == [{"C": 0}]
    assert _snapshots(ice) == 4
    assert ice.engine.lake.store.current_summary(T)["operation"] == "delete"


def test_insert_overwrite_replaces_every_row(ice: Emulator) -> None:
    ice.sql("INSERT OVERWRITE INTO t SELECT id * 10, v, n FROM t WHERE id = 1")
    assert _rows(ice) == [(10, "a", 1)]
    assert _snapshots(ice) == 4


def test_insert_from_stream_joined_with_a_native_table(emu: Emulator) -> None:
    emu.sql("CREATE ICEBERG TABLE t (id INT, name STRING)")
    emu.sql("CREATE TABLE src (id INT)")
    emu.sql("CREATE TABLE names (id INT, name STRING)")
    emu.sql("INSERT INTO names VALUES (1, 'one'), (2, 'two')")
    emu.sql("CREATE STREAM s ON TABLE src")
    emu.sql("INSERT INTO src VALUES (1), (2)")
    inserted = emu.sql("INSERT INTO t SELECT s.id, n.name FROM s JOIN names n ON n.id = s.id")
    assert inserted.column(0)[0].as_py() == 2
    assert emu.sql("SELECT * FROM t ORDER BY id").to_pylist() == [
        {"ID": 1, "NAME": "one"},
        {"ID": 2, "NAME": "two"},
    ]
    assert emu.sql("SELECT COUNT(*) AS c FROM s").to_pylist() == [{"C": 0}]  # consumed
    summary = emu.engine.lake.store.current_summary(ObjectName("DB", "PUBLIC", "T"))
    assert "icebridge.stream-offsets" in summary


def test_dml_inside_an_explicit_transaction_is_refused(ice: Emulator) -> None:
    ice.sql("BEGIN")
    with pytest.raises(UnsupportedError, match="explicit transaction"):
        ice.sql("INSERT INTO t VALUES (99, 'x', 1)")
    ice.sql("ROLLBACK")
    assert _snapshots(ice) == 3


def test_compact_iceberg_keeps_rows_in_fewer_files(ice: Emulator) -> None:
    rows = _rows(ice)
    snapshot = ice.compact_iceberg("DB.PUBLIC.T")
    assert snapshot is not None
    assert len(_files(ice)) == 1
    assert _rows(ice) == rows


def test_snapshot_expiry_follows_retention_on_the_emulator_clock(emu: Emulator) -> None:
    emu.sql("CREATE ICEBERG TABLE t (a INT) DATA_RETENTION_TIME_IN_DAYS = 1")
    emu.sql("INSERT INTO t VALUES (1)")
    emu.sql("INSERT INTO t VALUES (2)")
    first, second = (s for s, _ in emu.engine.lake.store.snapshots(T))
    emu.advance("2 days")
    emu.sql("INSERT INTO t VALUES (3)")
    kept = [s for s, _ in emu.engine.lake.store.snapshots(T)]
    # The first snapshot expired; the one current one day ago stays for time travel.
    assert first not in kept
    assert second in kept
    assert len(kept) == 2
    with pytest.raises(SqlError, match="Time travel data is not available"):
        emu.sql("SELECT * FROM t AT(OFFSET => -3 * 86400)")
    assert emu.sql("SELECT SUM(a) AS s FROM t").to_pylist() == [{"S": 6}]


def test_merge_prunes_files_by_key_bounds_before_reading_them(ice: Emulator) -> None:
    from emulator.features.iceberg_tables.dml import _materialise_source, _prune_by_key_bounds
    from icebridge.sql.dialect import parse_one

    node = parse_one(
        "MERGE INTO t USING (SELECT 5 AS k UNION ALL SELECT 50) s ON t.id = s.k "
        "WHEN MATCHED THEN DELETE"
    )
    assert isinstance(node, exp.Merge)
    obj = ice.engine.lake.require(ice.engine.catalog, T)
    files = sorted(ice.engine.lake.store.scan_files(T), key=lambda f: f.lower["ID"])
    ice.engine.con.execute("BEGIN")
    try:
        merged = _materialise_source(ice.engine, node)
        kept = _prune_by_key_bounds(ice.engine, obj, merged, [f.path for f in files])
    finally:
        ice.engine.con.execute("ROLLBACK")
    assert kept == [files[1].path]  # only the file holding ids 4-6 can match key 5
