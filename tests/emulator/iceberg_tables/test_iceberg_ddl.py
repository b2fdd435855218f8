"""CREATE / DROP / ALTER / SHOW / DESCRIBE of Snowflake-managed Iceberg tables in SQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from emulator import Emulator
from icebridge.errors import SqlError, UnsupportedError
from icebridge.sql.identifiers import ObjectName

T = ObjectName("DB", "PUBLIC", "T")


def test_create_maps_types_keys_and_partitions(emu: Emulator) -> None:
    emu.sql(
        "CREATE ICEBERG TABLE t (id INT PRIMARY KEY, amount NUMBER(10,2), name STRING, "
        "ts TIMESTAMP_NTZ, flag BOOLEAN) PARTITION BY (BUCKET(4, id), DAY(ts)) "
        "CATALOG = 'SNOWFLAKE' EXTERNAL_VOLUME = 'SNOWFLAKE_MANAGED' BASE_LOCATION = 't_dir'"
    )
    store = emu.engine.lake.store
    assert [(c.name, c.type, c.required) for c in store.columns(T)] == [
        ("ID", "int", True),
        ("AMOUNT", "decimal(10,2)", False),
        ("NAME", "string", False),
        ("TS", "timestamp", False),
        ("FLAG", "boolean", False),
    ]
    table = store._table(T)
    assert table.schema().identifier_field_names() == {"ID"}
    assert [f.name for f in table.spec().fields] == ["ID_bucket", "TS_day"]
    assert table.location().rstrip("/").endswith("t_dir")
    described = emu.sql("DESCRIBE ICEBERG TABLE t").to_pylist()
    assert [(r["name"], r["type"], r["null?"]) for r in described] == [
        ("ID", "NUMBER(10,0)", "N"),
        ("AMOUNT", "NUMBER(10,2)", "Y"),
        ("NAME", "VARCHAR(134217728)", "Y"),
        ("TS", "TIMESTAMP_NTZ(6)", "Y"),
        ("FLAG", "BOOLEAN", "Y"),
    ]


@pytest.mark.parametrize(
    ("ddl", "fragment"),
    [
        ("CREATE ICEBERG TABLE t (s VARCHAR(10))", "S"),
        ("CREATE ICEBERG TABLE t (z TIMESTAMP_TZ)", "Z"),
        ("CREATE ICEBERG TABLE t (v VARIANT)", "V"),
    ],
)
def test_illegal_types_are_compilation_errors(emu: Emulator, ddl: str, fragment: str) -> None:
    with pytest.raises(SqlError) as err:
        emu.sql(ddl)
    assert err.value.errno == 2040
    assert f"'{fragment}'" in str(err.value)
    assert not emu.engine.lake.store.exists(T)
    assert emu.sql("SHOW ICEBERG TABLES").num_rows == 0


def test_varchar_with_the_iceberg_length_is_allowed(emu: Emulator) -> None:
    emu.sql("CREATE ICEBERG TABLE t (s VARCHAR(134217728))")
    assert emu.engine.lake.store.columns(T)[0].type == "string"


def test_unknown_external_volume_is_an_error(emu: Emulator) -> None:
    with pytest.raises(SqlError, match="External volume 'NOPE' does not exist"):
        emu.sql("CREATE ICEBERG TABLE t (a INT) EXTERNAL_VOLUME = 'nope'")


def test_configured_external_volume_holds_the_files(tmp_path: Path) -> None:
    volume = tmp_path / "vol"
    with Emulator(external_volumes={"my_volume": volume}) as emu:
        emu.sql("CREATE DATABASE db")
        emu.sql("CREATE ICEBERG TABLE t (a INT) EXTERNAL_VOLUME = 'MY_VOLUME' BASE_LOCATION = 'x'")
        emu.sql("INSERT INTO t VALUES (1)")
        assert list((volume / "x" / "data").glob("*.parquet"))


def test_if_not_exists_or_replace_and_already_exists(emu: Emulator) -> None:
    emu.sql("CREATE ICEBERG TABLE t (a INT)")
    emu.sql("INSERT INTO t VALUES (1)")
    result = emu.sql("CREATE ICEBERG TABLE IF NOT EXISTS t (b INT)")
    assert "already exists" in result.column(0)[0].as_py()
    with pytest.raises(SqlError, match="already exists"):
        emu.sql("CREATE ICEBERG TABLE t (b INT)")
    emu.sql("CREATE OR REPLACE ICEBERG TABLE t (b STRING)")
    assert emu.sql("SELECT * FROM t").column_names == ["B"]
    assert emu.sql("SELECT * FROM t").num_rows == 0
    assert emu.engine.lake.store.snapshots(T) == []  # history dropped


def test_ctas_widens_types_and_loads_rows(emu: Emulator) -> None:
    emu.sql("CREATE TABLE src (id NUMBER(38,0), name VARCHAR(20))")
    emu.sql("INSERT INTO src VALUES (1, 'a'), (2, 'b')")
    emu.sql("CREATE ICEBERG TABLE t CATALOG = 'SNOWFLAKE' AS SELECT * FROM src")
    assert [(c.name, c.type) for c in emu.engine.lake.store.columns(T)] == [
        ("ID", "decimal(38,0)"),
        ("NAME", "string"),
    ]
    assert emu.sql("SELECT id, name FROM t ORDER BY id").to_pylist() == [
        {"ID": 1, "NAME": "a"},
        {"ID": 2, "NAME": "b"},
    ]


def test_default_is_applied_by_the_emulator_not_stored_in_iceberg(emu: Emulator) -> None:
    emu.sql(
        "CREATE ICEBERG TABLE t (a INT, note STRING DEFAULT 'n/a', "
        "at TIMESTAMP_NTZ DEFAULT CURRENT_TIMESTAMP())"
    )
    emu.sql("INSERT INTO t (a) VALUES (1)")
    row = emu.sql("SELECT a, note, at IS NOT NULL AS has_at FROM t").to_pylist()[0]
    assert row == {"A": 1, "NOTE": "n/a", "HAS_AT": True}
    schema = emu.engine.lake.store._table(T).schema()
    assert all(f.initial_default is None and f.write_default is None for f in schema.fields)


def test_v3_and_external_catalog_are_refused(emu: Emulator) -> None:
    with pytest.raises(UnsupportedError):
        emu.sql("CREATE ICEBERG TABLE t (a INT) ICEBERG_VERSION = 3")
    with pytest.raises(UnsupportedError, match="CATALOG"):
        emu.sql("CREATE ICEBERG TABLE t (a INT) CATALOG = 'GLUE'")


def test_drop_removes_table_and_files(emu: Emulator) -> None:
    emu.sql("CREATE ICEBERG TABLE t (a INT)")
    emu.sql("INSERT INTO t VALUES (1)")
    location = Path(emu.engine.lake.store._table(T).location().removeprefix("file://"))
    assert emu.sql("DROP ICEBERG TABLE t").column(0)[0].as_py() == "T successfully dropped."
    assert not emu.engine.lake.store.exists(T)
    assert not (location / "data").exists()
    with pytest.raises(SqlError, match="does not exist"):
        emu.sql("SELECT * FROM t")
    emu.sql("CREATE ICEBERG TABLE t (a INT)")
    emu.sql("DROP TABLE t")  # plain DROP TABLE works on an Iceberg table too
    assert not emu.engine.lake.store.exists(T)
    assert "already dropped" in emu.sql("DROP ICEBERG TABLE IF EXISTS t").column(0)[0].as_py()


def test_alter_add_column(emu: Emulator) -> None:
    emu.sql("CREATE ICEBERG TABLE t (a INT)")
    emu.sql("INSERT INTO t VALUES (1)")
    emu.sql("ALTER ICEBERG TABLE t ADD COLUMN b STRING")
    emu.sql("INSERT INTO t VALUES (2, 'x')")
    assert emu.sql("SELECT * FROM t ORDER BY a").to_pylist() == [
        {"A": 1, "B": None},
        {"A": 2, "B": "x"},
    ]
    with pytest.raises(SqlError, match="already exists"):
        emu.sql("ALTER ICEBERG TABLE t ADD COLUMN b STRING")


def test_show_iceberg_tables_show_tables_and_information_schema(emu: Emulator) -> None:
    emu.sql("CREATE ICEBERG TABLE t (a INT) BASE_LOCATION = 'loc'")
    emu.sql("CREATE TABLE n (a INT)")
    emu.sql("INSERT INTO t VALUES (1), (2)")
    shown = emu.sql("SHOW ICEBERG TABLES").to_pylist()
    assert [
        (r["name"], r["external_volume_name"], r["catalog_name"], r["base_location"]) for r in shown
    ] == [("T", "SNOWFLAKE_MANAGED", "SNOWFLAKE", "loc")]
    tables = {r["name"]: r for r in emu.sql("SHOW TABLES").to_pylist()}
    assert (tables["T"]["is_iceberg"], tables["N"]["is_iceberg"]) == ("Y", "N")
    assert tables["T"]["rows"] == 2
    info = emu.sql(
        "SELECT table_name, is_iceberg FROM information_schema.tables ORDER BY table_name"
    ).to_pylist()
    assert info == [
        {"TABLE_NAME": "N", "IS_ICEBERG": "NO"},
        {"TABLE_NAME": "T", "IS_ICEBERG": "YES"},
    ]


def test_persistent_emulator_keeps_iceberg_tables(tmp_path: Path) -> None:
    with Emulator(tmp_path / "lake") as emu:
        emu.sql("CREATE DATABASE db")
        emu.sql("CREATE ICEBERG TABLE t (a INT)")
        emu.sql("INSERT INTO t VALUES (1), (2)")
    assert (tmp_path / "lake" / "iceberg_catalog.db").exists()
    with Emulator(tmp_path / "lake") as emu:
        assert emu.sql("SELECT SUM(a) AS s FROM db.public.t").to_pylist() == [{"S": 3}]


def test_in_memory_emulator_removes_its_directory() -> None:
    emu = Emulator()
    emu.sql("CREATE DATABASE db")
    emu.sql("CREATE ICEBERG TABLE t (a INT)")
    root = emu.engine.lake.store.root
    assert root.exists()
    emu.close()
    assert not root.exists()
