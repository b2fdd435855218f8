"""Whole-table writes for dynamic Iceberg tables: one commit each."""

from __future__ import annotations

import pyarrow as pa

from emulator import Emulator
from emulator.features.iceberg_tables.contents import merge_contents, replace_contents
from icebridge.sql.identifiers import ObjectName

T = ObjectName("DB", "PUBLIC", "T")


def _rows(emu: Emulator) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = emu.sql("SELECT * FROM t ORDER BY k").to_pylist()
    return rows


def test_replace_contents_is_one_commit(emu: Emulator) -> None:
    emu.sql("CREATE ICEBERG TABLE t (k INT, v STRING)")
    assert replace_contents(emu, T, pa.table({"K": pa.array([], pa.int32())})) is None
    emu.sql("INSERT INTO t VALUES (1, 'a'), (2, 'b')")
    before = len(emu.iceberg.store.snapshots(T))
    snapshot = replace_contents(emu, T, pa.table({"K": [3], "V": ["c"]}))
    assert snapshot == emu.iceberg.store.snapshots(T)[-1][0]
    assert len(emu.iceberg.store.snapshots(T)) == before + 1
    assert _rows(emu) == [{"K": 3, "V": "c"}]


def test_merge_contents_rewrites_only_files_with_the_keys(emu: Emulator) -> None:
    emu.sql("CREATE ICEBERG TABLE t (k INT, v STRING)")
    emu.sql("INSERT INTO t VALUES (1, 'a'), (2, 'b')")
    emu.sql("INSERT INTO t VALUES (3, 'c'), (4, 'd')")
    untouched = {f.path for f in emu.iceberg.store.scan_files(T)}
    merge_contents(
        emu,
        T,
        keys=["K"],
        upserts=pa.table({"K": [2, 9], "V": ["B", "new"]}),
        deletes=pa.table({"K": [1]}),
    )
    assert _rows(emu) == [
        {"K": 2, "V": "B"},
        {"K": 3, "V": "c"},
        {"K": 4, "V": "d"},
        {"K": 9, "V": "new"},
    ]
    after = {f.path for f in emu.iceberg.store.scan_files(T)}
    assert len(untouched & after) == 1  # the file of keys 3 and 4 stayed
    assert len(emu.iceberg.store.snapshots(T)) == 3
