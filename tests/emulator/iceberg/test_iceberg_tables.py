"""Creating, listing, evolving and dropping Iceberg tables in the catalog."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from iceberg_helpers import ORDER_COLUMNS, ORDERS, order_rows

from emulator.iceberg import IcebergColumn, IcebergStore, PartitionField
from emulator.iceberg.files import local_path
from icebridge.errors import DataError, ProgrammingError, UnsupportedError
from icebridge.sql.identifiers import ObjectName


def _metadata(store: IcebergStore, name: ObjectName) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path(local_path(store.metadata_location(name))).read_text())
    return data


def test_create_table_writes_iceberg_metadata_with_exact_names(
    store: IcebergStore, orders: ObjectName
) -> None:
    meta = _metadata(store, orders)
    schema = meta["schemas"][0]
    assert [f["name"] for f in schema["fields"]] == ["ORDER_ID", "CUSTOMER", "AMOUNT"]
    assert [f["type"] for f in schema["fields"]] == ["long", "string", "decimal(10, 2)"]
    assert schema["identifier-field-ids"] == [1]
    assert meta["format-version"] == 2
    location = Path(local_path(store.metadata_location(orders)))
    assert location.parent.name == "metadata"
    assert location.is_relative_to(store.root / "warehouse" / "DB" / "ANALYTICS_ICEBERG")


def test_exists_list_and_drop(store: IcebergStore, orders: ObjectName) -> None:
    other = ObjectName("DB2", "S", "T")
    store.create_table(other, [IcebergColumn("A", "int")])
    assert store.exists(orders)
    assert store.exists(other)
    assert store.list_tables() == [orders, other]
    assert store.list_tables(database="DB2") == [other]
    assert store.list_tables(database="DB", schema="NOPE") == []
    table_dir = Path(local_path(store.metadata_location(other))).parent.parent
    store.drop_table(other)
    assert not store.exists(other)
    assert not table_dir.exists()
    with pytest.raises(ProgrammingError, match=r"Table 'DB2\.S\.T' does not exist") as err:
        store.drop_table(other)
    assert err.value.errno == 2003


def test_quoted_names_with_dots_stay_distinct(store: IcebergStore) -> None:
    dotted = ObjectName("DB", "A.B", "C")
    plain = ObjectName("DB", "A", "B.C")
    store.create_table(dotted, [IcebergColumn("X", "int")])
    store.create_table(plain, [IcebergColumn("Y", "int")])
    assert store.list_tables() == sorted([dotted, plain])
    assert [c.name for c in store.columns(dotted)] == ["X"]
    assert [c.name for c in store.columns(plain)] == ["Y"]


def test_create_existing_fails_and_replace_drops_history(
    store: IcebergStore, orders: ObjectName
) -> None:
    store.append(orders, order_rows(range(3)))
    with pytest.raises(ProgrammingError, match="already exists"):
        store.create_table(orders, ORDER_COLUMNS)
    store.create_table(orders, [IcebergColumn("ID", "int")], replace=True)
    assert [c.name for c in store.columns(orders)] == ["ID"]
    assert store.snapshots(orders) == []
    assert store.scan_files(orders) == []


def test_failed_replace_keeps_the_old_table(store: IcebergStore, orders: ObjectName) -> None:
    store.append(orders, order_rows(range(3)))
    with pytest.raises(ProgrammingError, match="Unknown Iceberg type 'varchar'"):
        store.create_table(orders, [IcebergColumn("ID", "varchar")], replace=True)
    assert store.current_summary(orders)["total-records"] == "3"


def test_volumes_and_base_location(tmp_path: Path) -> None:
    store = IcebergStore(tmp_path / "lake", volumes={"my_volume": tmp_path / "vol"})
    name = ObjectName("DB", "S", "T")
    store.create_table(
        name, [IcebergColumn("A", "int")], external_volume="MY_VOLUME", base_location="tables/t1"
    )
    assert local_path(store.metadata_location(name)).startswith(
        str(tmp_path / "vol/tables/t1/metadata/")
    )
    with pytest.raises(ProgrammingError, match="External volume 'NOPE' does not exist"):
        store.create_table(
            ObjectName("DB", "S", "U"), [IcebergColumn("A", "int")], external_volume="nope"
        )
    with pytest.raises(ProgrammingError, match="already used by another table"):
        store.create_table(
            ObjectName("DB", "S", "U"),
            [IcebergColumn("A", "int")],
            external_volume="my_volume",
            base_location="tables/t1",
        )
    with pytest.raises(ProgrammingError, match="relative directory"):
        store.create_table(
            ObjectName("DB", "S", "U"), [IcebergColumn("A", "int")], base_location="../x"
        )
    assert store.list_tables() == [name]
    store.close()


def test_primary_key_rules(store: IcebergStore) -> None:
    name = ObjectName("DB", "S", "K")
    with pytest.raises(ProgrammingError, match="float column cannot be a PRIMARY KEY"):
        store.create_table(name, [IcebergColumn("F", "double")], identifier_fields=["F"])
    with pytest.raises(ProgrammingError, match="nested column cannot be a PRIMARY KEY"):
        store.create_table(name, [IcebergColumn("L", "list<int>")], identifier_fields=["L"])
    with pytest.raises(ProgrammingError, match="invalid identifier 'NOPE'"):
        store.create_table(name, [IcebergColumn("F", "int")], identifier_fields=["NOPE"])
    with pytest.raises(ProgrammingError, match="Duplicate column name 'F'"):
        store.create_table(name, [IcebergColumn("F", "int"), IcebergColumn("F", "long")])
    with pytest.raises(ProgrammingError, match="needs ICEBERG_VERSION = 3"):
        store.create_table(name, [IcebergColumn("T", "timestamp_ns")])
    with pytest.raises(UnsupportedError, match="ICEBERG_VERSION = 3"):
        store.create_table(name, [IcebergColumn("T", "timestamp_ns")], format_version=3)
    with pytest.raises(ProgrammingError, match="Invalid ICEBERG_VERSION 1"):
        store.create_table(name, [IcebergColumn("T", "int")], format_version=1)
    assert not store.exists(name)


def test_partition_spec(store: IcebergStore) -> None:
    name = ObjectName("DB", "S", "P")
    cols = [
        IcebergColumn("ID", "long"),
        IcebergColumn("TS", "timestamp"),
        IcebergColumn("C", "string"),
    ]
    parts = [
        PartitionField("TS", "day"),
        PartitionField("ID", "bucket", 4),
        PartitionField("C", "truncate", 2),
    ]
    store.create_table(name, cols, partition_by=parts)
    spec = _metadata(store, name)["partition-specs"][0]["fields"]
    assert [(f["name"], f["transform"], f["source-id"]) for f in spec] == [
        ("TS_day", "day", 2),
        ("ID_bucket", "bucket[4]", 1),
        ("C_truncate", "truncate[2]", 3),
    ]
    with pytest.raises(ProgrammingError, match=r"HOUR\(C\)"):
        store.create_table(
            ObjectName("DB", "S", "Q"), cols, partition_by=[PartitionField("C", "hour")]
        )
    with pytest.raises(ProgrammingError, match="positive integer"):
        store.create_table(
            ObjectName("DB", "S", "Q"), cols, partition_by=[PartitionField("ID", "bucket")]
        )


def test_add_column_is_read_as_null_for_old_rows(
    store: IcebergStore, orders: ObjectName, duck: duckdb.DuckDBPyConnection
) -> None:
    store.append(orders, order_rows(range(2)))
    store.add_column(orders, IcebergColumn("NOTE", "string", doc="free text"))
    assert store.columns(orders)[-1] == IcebergColumn("NOTE", "string", False, "free text")
    store.append(orders, pa.table({"ORDER_ID": [9], "NOTE": ["hi"]}))
    rel = store.relation(orders).sql("duckdb")
    notes = duck.sql(f"SELECT ORDER_ID, NOTE FROM {rel} ORDER BY 1").fetchall()
    assert notes == [(0, None), (1, None), (9, "hi")]
    with pytest.raises(ProgrammingError, match="already exists"):
        store.add_column(orders, IcebergColumn("NOTE", "string"))
    with pytest.raises(DataError, match="'FLAG'"):
        store.add_column(orders, IcebergColumn("FLAG", "boolean", required=True))
    empty = ObjectName("DB", "S", "EMPTY")
    store.create_table(empty, [IcebergColumn("A", "int")])
    store.add_column(empty, IcebergColumn("B", "date", required=True))
    assert store.columns(empty)[-1].required


def test_reopen_sees_tables_snapshots_and_summaries(tmp_path: Path) -> None:
    first = IcebergStore(tmp_path / "lake")
    first.create_table(ORDERS, ORDER_COLUMNS, identifier_fields=["ORDER_ID"])
    sid = first.append(
        ORDERS, order_rows(range(5)), summary={"icebridge.stream-offsets": '{"S": 7}'}
    )
    location = first.metadata_location(ORDERS)
    first.close()
    second = IcebergStore(tmp_path / "lake")
    assert second.list_tables() == [ORDERS]
    assert second.metadata_location(ORDERS) == location
    assert second.current_summary(ORDERS)["icebridge.stream-offsets"] == '{"S": 7}'
    assert [s for s, _ in second.snapshots(ORDERS)] == [sid]
    assert sum(f.record_count for f in second.scan_files(ORDERS)) == 5
    second.close()


def test_names_with_escape_characters_round_trip(store: IcebergStore) -> None:
    odd = ObjectName("D%2E", "S.%25", "T%")
    store.create_table(odd, [IcebergColumn("A", "int")])
    assert store.list_tables() == [odd]
    assert store.exists(odd)


def test_dropping_a_table_keeps_tables_nested_in_its_directory(tmp_path: Path) -> None:
    store = IcebergStore(tmp_path / "lake")
    outer, inner = ObjectName("DB", "S", "OUTER"), ObjectName("DB", "S", "INNER")
    store.create_table(outer, [IcebergColumn("A", "int")], base_location="t")
    store.create_table(inner, [IcebergColumn("A", "int")], base_location="t/inner")
    store.append(inner, pa.table({"A": [1]}))
    store.drop_table(outer)
    assert all(Path(f.path).exists() for f in store.scan_files(inner))
    assert Path(local_path(store.metadata_location(inner))).exists()
    store.close()
