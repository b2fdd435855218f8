"""DuckDB's own Iceberg extension reads exactly what relation() returns."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from decimal import Decimal

import duckdb
import pyarrow as pa
import pytest
from iceberg_helpers import assert_interop, order_rows, read_iceberg_scan

from emulator.iceberg import IcebergColumn, IcebergStore, MaintenancePolicy, PartitionField
from emulator.iceberg.duckdb_ext import extension_path
from icebridge.sql.identifiers import ObjectName


def test_extensions_come_from_the_pip_packages() -> None:
    for package, name in (
        ("duckdb_extension_avro", "avro"),
        ("duckdb_extension_iceberg", "iceberg"),
    ):
        path = extension_path(package, name)
        assert path.name == f"{name}.duckdb_extension"
        assert path.is_file()


def test_all_primitive_types(store: IcebergStore, duck: duckdb.DuckDBPyConnection) -> None:
    name = ObjectName("DB", "S", "ALL_TYPES")
    types = [
        "boolean",
        "int",
        "long",
        "float",
        "double",
        "decimal(38,6)",
        "date",
        "time",
        "timestamp",
        "timestamptz",
        "string",
        "binary",
        "fixed[3]",
        "uuid",
    ]
    cols = [IcebergColumn("K", "long", required=True)] + [
        IcebergColumn(f"C_{i}", t) for i, t in enumerate(types)
    ]
    store.create_table(name, cols)
    values = [
        True,
        7,
        2**40,
        1.5,
        2.25,
        Decimal("12345678901234567890.123456"),
        date(2024, 2, 29),
        time(23, 59, 59, 999999),
        datetime(2024, 1, 1, 1, 2, 3, 456789),
        datetime(2024, 1, 1, tzinfo=UTC),
        "héllo",
        b"\x00\x01",
        b"abc",
        str(uuid.uuid4()),
    ]
    rows = {"K": [1, 2]} | {f"C_{i}": [v, None] for i, v in enumerate(values)}
    rows["C_12"] = pa.array([b"abc", None], pa.binary(3))
    store.append(name, pa.table(rows))
    read = assert_interop(duck, store, name)
    assert read.num_rows == 2
    assert read.column("C_5").to_pylist()[0] == Decimal("12345678901234567890.123456")


def test_after_appends_rewrites_truncate_and_evolution(
    store: IcebergStore, orders: ObjectName, duck: duckdb.DuckDBPyConnection
) -> None:
    store.append(orders, order_rows(range(10)))
    store.append(orders, order_rows(range(10, 20)))
    assert assert_interop(duck, store, orders).num_rows == 20

    # DELETE WHERE ORDER_ID < 5: rewrite the first file without those rows
    first = next(f for f in store.scan_files(orders) if f.lower["ORDER_ID"] == 0)
    store.rewrite(orders, remove=[first.path], add=order_rows(range(5, 10)))
    assert assert_interop(duck, store, orders).num_rows == 15

    # UPDATE ... SET CUSTOMER = 'z' WHERE ORDER_ID = 15, and an INSERT in the same commit
    second = next(f for f in store.scan_files(orders) if f.lower["ORDER_ID"] == 10)
    kept = [i for i in range(10, 20) if i != 15]
    store.rewrite(
        orders,
        remove=[second.path],
        add=pa.concat_tables([order_rows(kept), order_rows([15], customer="z")]),
        append=order_rows([99]),
    )
    read = assert_interop(duck, store, orders)
    assert read.num_rows == 16
    assert ("z15") in read.column("CUSTOMER").to_pylist()

    store.add_column(orders, IcebergColumn("NOTE", "string"))
    store.append(orders, pa.table({"ORDER_ID": [100], "NOTE": ["new"]}))
    read = assert_interop(duck, store, orders)
    assert read.schema.names[-1] == "NOTE"
    assert read.column("NOTE").to_pylist().count(None) == 16

    store.truncate(orders)
    assert assert_interop(duck, store, orders).num_rows == 0


def test_after_compaction(tmp_path: object, duck: duckdb.DuckDBPyConnection) -> None:
    from pathlib import Path

    policy = MaintenancePolicy(compact_files=4)
    store = IcebergStore(Path(str(tmp_path)) / "lake", maintenance=policy)
    name = ObjectName("DB", "S", "EVENTS")
    store.create_table(name, [IcebergColumn("ID", "long"), IcebergColumn("V", "string")])
    for i in range(3):
        store.append(name, pa.table({"ID": [i], "V": [f"v{i}"]}))
    store.add_column(name, IcebergColumn("EXTRA", "int"))
    store.append(name, pa.table({"ID": [3], "EXTRA": [42]}))  # 4th small file: compaction
    assert store.current_summary(name)["operation"] == "replace"
    assert len(store.scan_files(name)) == 1
    read = assert_interop(duck, store, name)
    assert read.to_pylist() == [
        {"ID": 0, "V": "v0", "EXTRA": None},
        {"ID": 1, "V": "v1", "EXTRA": None},
        {"ID": 2, "V": "v2", "EXTRA": None},
        {"ID": 3, "V": None, "EXTRA": 42},
    ]
    store.close()


@pytest.mark.parametrize(
    "partition",
    [
        PartitionField("DAY_TS", "day"),
        PartitionField("ID", "bucket", 3),
        PartitionField("NAME", "truncate", 1),
        PartitionField("NAME"),
    ],
)
def test_partitioned_tables(
    store: IcebergStore, duck: duckdb.DuckDBPyConnection, partition: PartitionField
) -> None:
    name = ObjectName("DB", "S", "PART")
    cols = [
        IcebergColumn("ID", "long"),
        IcebergColumn("NAME", "string"),
        IcebergColumn("DAY_TS", "timestamp"),
    ]
    store.create_table(name, cols, partition_by=[partition])
    rows = pa.table(
        {
            "ID": list(range(6)),
            "NAME": ["ab", "ac", "b", "b", "cd", None],
            "DAY_TS": [datetime(2026, 1, d) for d in (1, 1, 2, 2, 3, 3)],
        }
    )
    store.append(name, rows)
    files = store.scan_files(name)
    assert len(files) >= 3
    assert all(partition.field_name() in f.partition for f in files)
    assert assert_interop(duck, store, name).num_rows == 6
    assert read_iceberg_scan(duck, store, name).column("ID").to_pylist() == list(range(6))


def test_partition_values_prune_correctly_in_duckdb(
    store: IcebergStore, duck: duckdb.DuckDBPyConnection
) -> None:
    name = ObjectName("DB", "S", "PRUNED")
    cols = [
        IcebergColumn("ID", "long"),
        IcebergColumn("NAME", "string"),
        IcebergColumn("TS", "timestamp"),
    ]
    parts = [
        PartitionField("TS", "day"),
        PartitionField("NAME", "truncate", 1),
        PartitionField("ID", "bucket", 2),
    ]
    store.create_table(name, cols, partition_by=parts)
    store.append(
        name,
        pa.table(
            {
                "ID": list(range(6)),
                "NAME": ["ab", "ac", "b", "b", "cd", None],
                "TS": [datetime(2026, 1, d, 23, 59) for d in (1, 1, 2, 2, 3, 3)],
            }
        ),
    )
    epoch_day = (date(2026, 1, 1) - date(1970, 1, 1)).days
    seen = {(f.partition["TS_day"], f.partition["NAME_truncate"]) for f in store.scan_files(name)}
    assert seen == {
        (epoch_day, "a"),
        (epoch_day + 1, "b"),
        (epoch_day + 2, "c"),
        (epoch_day + 2, None),
    }
    assert all(f.partition["ID_bucket"] in (0, 1) for f in store.scan_files(name))
    location = store.metadata_location(name)

    def ids(where: str) -> list[int]:
        sql = f"SELECT ID FROM iceberg_scan('{location}') WHERE {where} ORDER BY ID"
        return [r[0] for r in duck.sql(sql).fetchall()]

    assert ids("TS >= TIMESTAMP '2026-01-02 00:00'") == [2, 3, 4, 5]
    assert ids("NAME = 'b'") == [2, 3]
    assert ids("ID = 4") == [4]


def test_nested_types_and_their_evolution(
    store: IcebergStore, duck: duckdb.DuckDBPyConnection
) -> None:
    name = ObjectName("DB", "S", "NESTED")
    cols = [
        IcebergColumn("ID", "long"),
        IcebergColumn("TAGS", "list<string>"),
        IcebergColumn("ATTRS", "map<string, long>"),
        IcebergColumn("ADDR", "struct<CITY: string, LINES: list<string>>"),
    ]
    store.create_table(name, cols)
    rows = pa.table(
        {
            "ID": [1, 2],
            "TAGS": [["a", "b"], None],
            "ATTRS": pa.array([[("k", 1)], None], pa.map_(pa.string(), pa.int64())),
            "ADDR": [{"CITY": "Oslo", "LINES": ["x"]}, None],
        }
    )
    store.append(name, rows)
    store.add_column(name, IcebergColumn("EXTRA", "struct<Q: int>"))
    store.append(name, pa.table({"ID": [3], "EXTRA": [{"Q": 7}]}))
    read = assert_interop(duck, store, name)
    assert read.column("ADDR").to_pylist()[0] == {"CITY": "Oslo", "LINES": ["x"]}
    assert read.column("EXTRA").to_pylist() == [None, None, {"Q": 7}]
    assert [c.type for c in store.columns(name)][1:] == [
        "list<string>",
        "map<string, long>",
        "struct<CITY: string, LINES: list<string>>",
        "struct<Q: int>",
    ]
    assert set(store.scan_files(name)[0].lower) <= {"ID"}  # bounds of top-level primitives
