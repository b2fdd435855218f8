"""CREATE/ALTER/DROP TABLE and VIEW, DEFAULTs, DESCRIBE, SHOW and INFORMATION_SCHEMA."""

from __future__ import annotations

from datetime import datetime

import pytest

from emulator import Emulator
from icebridge.errors import DataError, ProgrammingError


def test_create_table_status_and_describe(emu: Emulator) -> None:
    out = emu.sql(
        "CREATE TABLE orders (id INT NOT NULL COMMENT 'key', amount NUMBER(10,2), "
        "note VARCHAR DEFAULT 'none', PRIMARY KEY (id)) COMMENT = 'orders'"
    )
    assert out.to_pylist() == [{"status": "Table ORDERS successfully created."}]
    rows = emu.sql("DESCRIBE TABLE orders").to_pylist()
    assert [(r["name"], r["type"], r["null?"], r["default"]) for r in rows] == [
        ("ID", "NUMBER(38,0)", "N", None),
        ("AMOUNT", "NUMBER(10,2)", "Y", None),
        ("NOTE", "VARCHAR(16777216)", "Y", "'none'"),
    ]
    assert rows[0]["comment"] == "key"


def test_create_existing_table_forms(emu: Emulator) -> None:
    emu.sql("CREATE TABLE t (a INT)")
    emu.sql("INSERT INTO t VALUES (1)")
    with pytest.raises(ProgrammingError) as info:
        emu.sql("CREATE TABLE t (a INT)")
    assert info.value.errno == 2002
    assert (
        "already exists, statement succeeded"
        in emu.sql("CREATE TABLE IF NOT EXISTS t (b INT)").column(0)[0].as_py()
    )
    emu.sql("CREATE OR REPLACE TABLE t (b INT)")
    assert emu.sql("SELECT * FROM t").column_names == ["B"]
    assert emu.sql("SELECT * FROM t").num_rows == 0


def test_default_current_timestamp_on_ntz_stores_session_wallclock(emu: Emulator) -> None:
    # 12:00 UTC on the virtual clock is 04:00 in America/Los_Angeles (PST).
    emu.sql("CREATE TABLE e (id INT, at TIMESTAMP_NTZ DEFAULT CURRENT_TIMESTAMP())")
    emu.sql("INSERT INTO e (id) VALUES (1)")
    utc_wall = emu.now.replace(tzinfo=None)
    la = emu.sql("SELECT at FROM e").column(0)[0].as_py()
    assert (utc_wall - la).total_seconds() == 8 * 3600
    emu.sql("ALTER SESSION SET TIMEZONE = 'UTC'")
    emu.advance(hours=1)
    emu.sql("INSERT INTO e (id) VALUES (2)")
    at2 = emu.sql("SELECT at FROM e WHERE id = 2").column(0)[0].as_py()
    assert at2 == emu.now.replace(tzinfo=None)


def test_defaults_fill_omitted_columns_and_not_null_is_enforced(emu: Emulator) -> None:
    emu.sql("CREATE TABLE t (id INT NOT NULL, status VARCHAR DEFAULT 'NEW', n INT)")
    emu.sql("INSERT INTO t (id) VALUES (1)")
    assert emu.sql("SELECT * FROM t").to_pylist() == [{"ID": 1, "STATUS": "NEW", "N": None}]
    with pytest.raises(DataError) as info:
        emu.sql("INSERT INTO t (status) VALUES ('x')")
    assert info.value.errno == 100072
    assert "ID" in info.value.msg


def test_ctas_like_and_clone(emu: Emulator) -> None:
    emu.sql("CREATE TABLE src (a INT, b VARCHAR DEFAULT 'd')")
    emu.sql("INSERT INTO src VALUES (1, 'x'), (2, 'y')")
    emu.sql("CREATE TABLE copy AS SELECT a, b || '!' AS c FROM src")
    assert emu.sql("SELECT * FROM copy ORDER BY a").to_pylist() == [
        {"A": 1, "C": "x!"},
        {"A": 2, "C": "y!"},
    ]
    emu.sql("CREATE TABLE shape LIKE src")
    assert emu.sql("SELECT count(*) FROM shape").column(0)[0].as_py() == 0
    emu.sql("INSERT INTO shape (a) VALUES (5)")
    assert emu.sql("SELECT b FROM shape").column(0).to_pylist() == ["d"]
    emu.sql("CREATE TABLE twin CLONE src")
    assert emu.sql("SELECT count(*) FROM twin").column(0)[0].as_py() == 2


def test_alter_table_columns_and_rename(emu: Emulator) -> None:
    emu.sql("CREATE TABLE t (a INT)")
    emu.sql("INSERT INTO t VALUES (1)")
    emu.sql("ALTER TABLE t ADD COLUMN b VARCHAR DEFAULT 'z'")
    assert emu.sql("SELECT * FROM t").to_pylist() == [{"A": 1, "B": "z"}]
    emu.sql("ALTER TABLE t RENAME COLUMN b TO c")
    emu.sql("ALTER TABLE t DROP COLUMN a")
    assert emu.sql("SELECT * FROM t").column_names == ["C"]
    emu.sql("ALTER TABLE t RENAME TO u")
    assert emu.sql("SELECT c FROM u").num_rows == 1
    with pytest.raises(ProgrammingError):
        emu.sql("SELECT * FROM t")


def test_alter_table_set_parameters(emu: Emulator) -> None:
    emu.sql("CREATE TABLE t (a INT)")
    emu.sql("ALTER TABLE t SET DATA_RETENTION_TIME_IN_DAYS = 0 MAX_DATA_EXTENSION_TIME_IN_DAYS = 3")
    emu.sql("ALTER TABLE t SET CHANGE_TRACKING = TRUE")
    emu.sql("ALTER TABLE t SET COMMENT = 'hello'")
    row = emu.sql("SHOW TABLES LIKE 't'").to_pylist()[0]
    assert (row["retention_time"], row["change_tracking"], row["comment"]) == ("0", "ON", "hello")
    obj = emu.engine.catalog.objects(kind="TABLE")[0]
    assert obj.max_extension_days == 3


def test_drop_table_messages(emu: Emulator) -> None:
    emu.sql("CREATE TABLE t (a INT)")
    assert emu.sql("DROP TABLE t").to_pylist() == [{"status": "T successfully dropped."}]
    with pytest.raises(ProgrammingError) as info:
        emu.sql("DROP TABLE t")
    assert "Table 'T' does not exist or not authorized." in info.value.msg
    assert emu.sql("DROP TABLE IF EXISTS t").to_pylist() == [
        {"status": "Drop statement executed successfully (T already dropped)."}
    ]


def test_views(emu: Emulator) -> None:
    emu.sql("CREATE TABLE t (a INT, b INT)")
    emu.sql("INSERT INTO t VALUES (1, 10), (2, 20)")
    assert emu.sql("CREATE VIEW v AS SELECT a, b * 2 AS d FROM t").to_pylist() == [
        {"status": "View V successfully created."}
    ]
    assert emu.sql("SELECT * FROM v ORDER BY a").to_pylist() == [
        {"A": 1, "D": 20},
        {"A": 2, "D": 40},
    ]
    with pytest.raises(ProgrammingError):
        emu.sql("INSERT INTO v VALUES (1, 2)")
    assert emu.sql("SHOW VIEWS").column("name").to_pylist() == ["V"]
    emu.sql("DROP VIEW v")
    with pytest.raises(ProgrammingError):
        emu.sql("SELECT * FROM v")


def test_show_tables_scopes_and_like(emu: Emulator) -> None:
    emu.sql("CREATE TABLE orders (a INT)")
    emu.sql("CREATE TABLE items (a INT)")
    emu.sql("CREATE SCHEMA other")
    emu.sql("CREATE TABLE other.x (a INT)")
    emu.sql("USE SCHEMA public")
    assert sorted(emu.sql("SHOW TABLES").column("name").to_pylist()) == ["ITEMS", "ORDERS"]
    assert emu.sql("SHOW TABLES LIKE 'ord%'").column("name").to_pylist() == ["ORDERS"]
    assert emu.sql("SHOW TABLES IN SCHEMA db.other").column("name").to_pylist() == ["X"]
    assert len(emu.sql("SHOW TABLES IN DATABASE db")) == 3
    assert sorted(emu.sql("SHOW SCHEMAS").column("name").to_pylist()) == ["OTHER", "PUBLIC"]
    assert emu.sql("SHOW DATABASES").column("name").to_pylist() == ["DB"]


def test_information_schema(emu: Emulator) -> None:
    emu.sql("CREATE TRANSIENT TABLE t (id NUMBER(10,0) NOT NULL, name VARCHAR(20) DEFAULT 'x')")
    emu.sql("CREATE VIEW v AS SELECT id FROM t")
    tables = emu.sql(
        "SELECT table_name, table_type, is_transient FROM information_schema.tables "
        "ORDER BY table_name"
    ).to_pylist()
    assert tables == [
        {"TABLE_NAME": "T", "TABLE_TYPE": "BASE TABLE", "IS_TRANSIENT": "YES"},
        {"TABLE_NAME": "V", "TABLE_TYPE": "VIEW", "IS_TRANSIENT": "NO"},
    ]
    columns = emu.sql(
        "SELECT column_name, data_type, is_nullable, column_default, character_maximum_length, "
        "numeric_precision FROM db.information_schema.columns WHERE table_name = 'T' "
        "ORDER BY ordinal_position"
    ).to_pylist()
    assert columns == [
        {
            "COLUMN_NAME": "ID",
            "DATA_TYPE": "NUMBER",
            "IS_NULLABLE": "NO",
            "COLUMN_DEFAULT": None,
            "CHARACTER_MAXIMUM_LENGTH": None,
            "NUMERIC_PRECISION": 10,
        },
        {
            "COLUMN_NAME": "NAME",
            "DATA_TYPE": "TEXT",
            "IS_NULLABLE": "YES",
            "COLUMN_DEFAULT": "'x'",
            "CHARACTER_MAXIMUM_LENGTH": 20,
            "NUMERIC_PRECISION": None,
        },
    ]


def test_created_on_comes_from_the_clock(emu: Emulator) -> None:
    emu.advance(days=2)
    emu.sql("CREATE TABLE t (a INT)")
    created = emu.sql("SHOW TABLES").column("created_on")[0].as_py()
    assert isinstance(created, datetime)
    assert created == emu.now


def test_temporary_table_disappears_on_reopen(tmp_path: object) -> None:
    with Emulator(path=str(tmp_path)) as emu:
        emu.sql("CREATE DATABASE db")
        emu.sql("CREATE TEMPORARY TABLE tmp (a INT)")
        emu.sql("CREATE TABLE keep (a INT)")
    with Emulator(path=str(tmp_path)) as emu:
        assert emu.sql("SHOW TABLES IN DATABASE db").column("name").to_pylist() == ["KEEP"]
