"""Databases, schemas, USE, session parameters, variables, script splitting."""

from __future__ import annotations

import pytest

from emulator import Emulator
from icebridge.errors import ProgrammingError, UnsupportedError


def test_new_emulator_has_no_current_database() -> None:
    with Emulator() as emu:
        row = emu.sql("SELECT CURRENT_DATABASE(), CURRENT_SCHEMA()").to_pylist()[0]
        assert row == {"CURRENT_DATABASE()": None, "CURRENT_SCHEMA()": None}
        with pytest.raises(ProgrammingError) as info:
            emu.sql("CREATE TABLE t (a INT)")
        assert info.value.errno == 90105
        assert info.value.sqlstate == "22000"
        assert "Cannot perform CREATE TABLE" in info.value.msg


def test_create_database_makes_it_and_public_current() -> None:
    with Emulator() as emu:
        result = emu.sql("CREATE DATABASE sales")
        assert result.to_pylist() == [{"status": "Database SALES successfully created."}]
        row = emu.sql("SELECT CURRENT_DATABASE() AS d, CURRENT_SCHEMA() AS s").to_pylist()[0]
        assert row == {"D": "SALES", "S": "PUBLIC"}


def test_database_and_schema_lifecycle(emu: Emulator) -> None:
    assert emu.sql("CREATE SCHEMA staging").to_pylist()[0]["status"] == (
        "Schema STAGING successfully created."
    )
    assert emu.sql("SELECT CURRENT_SCHEMA()").column(0).to_pylist() == ["STAGING"]
    assert (
        "already exists, statement succeeded"
        in emu.sql("CREATE SCHEMA IF NOT EXISTS staging").column(0)[0].as_py()
    )
    with pytest.raises(ProgrammingError) as info:
        emu.sql("CREATE SCHEMA staging")
    assert info.value.errno == 2002
    emu.sql("USE SCHEMA public")
    emu.sql("CREATE TABLE staging.t (a INT)")
    emu.sql("CREATE OR REPLACE SCHEMA staging")
    with pytest.raises(ProgrammingError):
        emu.sql("SELECT * FROM staging.t")
    emu.sql("DROP SCHEMA staging")
    with pytest.raises(ProgrammingError) as info:
        emu.sql("USE SCHEMA staging")
    assert "Schema 'DB.STAGING' does not exist" in info.value.msg
    emu.sql("DROP DATABASE db")
    assert emu.sql("SELECT CURRENT_DATABASE()").column(0).to_pylist() == [None]
    assert (
        emu.sql("DROP DATABASE IF EXISTS db")
        .column(0)[0]
        .as_py()
        .startswith("Drop statement executed successfully")
    )


def test_use_forms(emu: Emulator) -> None:
    emu.sql("CREATE DATABASE other")
    emu.sql("CREATE SCHEMA other.s1")
    emu.sql("USE DATABASE db")
    emu.sql("USE other.s1")
    assert emu.sql("SELECT CURRENT_DATABASE(), CURRENT_SCHEMA()").to_pylist()[0] == {
        "CURRENT_DATABASE()": "OTHER",
        "CURRENT_SCHEMA()": "S1",
    }
    emu.sql("USE WAREHOUSE wh")
    emu.sql("USE ROLE sysadmin")
    assert emu.engine.state.warehouse == "WH"
    assert emu.engine.state.role == "SYSADMIN"
    with pytest.raises(ProgrammingError) as info:
        emu.sql("USE DATABASE missing")
    assert info.value.errno == 2003


def test_create_warehouse_is_recorded(emu: Emulator) -> None:
    out = emu.sql("CREATE WAREHOUSE wh WITH WAREHOUSE_SIZE = 'XSMALL'")
    assert out.to_pylist() == [{"status": "Warehouse WH successfully created."}]
    assert emu.sql("SHOW WAREHOUSES").column("name").to_pylist() == ["WH"]


def test_alter_session_parameters(emu: Emulator) -> None:
    assert emu.engine.state.parameters["TIMEZONE"] == "America/Los_Angeles"
    emu.sql("ALTER SESSION SET TIMEZONE = 'UTC'")
    assert emu.engine.state.parameters["TIMEZONE"] == "UTC"
    emu.sql("ALTER SESSION SET ERROR_ON_NONDETERMINISTIC_MERGE = FALSE")
    assert emu.engine.state.parameters["ERROR_ON_NONDETERMINISTIC_MERGE"] is False
    emu.sql("ALTER SESSION UNSET TIMEZONE")
    assert emu.engine.state.parameters["TIMEZONE"] == "America/Los_Angeles"
    with pytest.raises(ProgrammingError) as info:
        emu.sql("ALTER SESSION SET NOT_A_PARAMETER = 1")
    assert "NOT_A_PARAMETER" in info.value.msg
    with pytest.raises(ProgrammingError):
        emu.sql("ALTER SESSION SET TIMEZONE = 'Mars/Olympus'")


def test_session_variables(emu: Emulator) -> None:
    emu.sql("SET threshold = 40 + 2")
    assert emu.sql("SELECT $threshold AS t").to_pylist() == [{"T": 42}]
    emu.sql("UNSET threshold")
    with pytest.raises(ProgrammingError):
        emu.sql("UNSET threshold")


def test_script_splitting_respects_strings_comments_and_dollar_quotes(emu: Emulator) -> None:
    result = emu.execute(
        """
        CREATE TABLE t (s VARCHAR);  -- a comment; with a semicolon
        INSERT INTO t VALUES ('a;b'), ($$c;d$$);
        /* block ; comment */
        SELECT s FROM t ORDER BY s;
        """
    )
    assert result.column("S").to_pylist() == ["a;b", "c;d"]


def test_sql_requires_exactly_one_statement(emu: Emulator) -> None:
    with pytest.raises(ProgrammingError):
        emu.sql("SELECT 1; SELECT 2")


def test_syntax_error_has_line_and_position(emu: Emulator) -> None:
    with pytest.raises(ProgrammingError) as info:
        emu.sql("SELECT 1 FROM\nWHERE")
    assert info.value.errno == 1003
    assert "syntax error line" in info.value.msg


@pytest.mark.parametrize(
    ("sql", "name"),
    [
        ("CREATE PIPE p AS COPY INTO t FROM @st", "CREATE PIPE"),
        ("CREATE SECRET s", "CREATE SECRET"),
        ("CREATE STORAGE INTEGRATION si TYPE = EXTERNAL_STAGE", "CREATE STORAGE INTEGRATION"),
        ("UNDROP TABLE t", "UNDROP TABLE"),
        ("SELECT SYSTEM$CLUSTERING_INFORMATION('t')", "SYSTEM$CLUSTERING_INFORMATION"),
    ],
)
def test_unsupported_statements_name_themselves(emu: Emulator, sql: str, name: str) -> None:
    with pytest.raises(UnsupportedError) as info:
        emu.sql(sql)
    assert name in str(info.value)


def test_run_returns_query_result(emu: Emulator) -> None:
    emu.sql("CREATE TABLE t (a INT)")
    result = emu.run("INSERT INTO t VALUES (1), (2)")
    assert result.rowcount == 2
    assert result.statement_kind == "INSERT"
    assert len(result.query_id) == 36
    assert result.table.to_pylist() == [{"number of rows inserted": 2}]


def test_error_carries_query_id(emu: Emulator) -> None:
    with pytest.raises(ProgrammingError) as info:
        emu.sql("SELECT * FROM missing_table")
    assert info.value.sfqid is not None
    assert info.value.errno == 2003
    assert "'MISSING_TABLE' does not exist or not authorized" in info.value.msg


def test_clock_and_current_timestamp(emu: Emulator) -> None:
    before = emu.now
    emu.advance(minutes=5)
    assert (emu.now - before).total_seconds() == 300
    emu.sql("ALTER SESSION SET TIMEZONE = 'UTC'")
    ts = emu.sql("SELECT CURRENT_TIMESTAMP() AS ts").column("TS")[0].as_py()
    assert ts == emu.now


def test_import_icebridge_does_not_import_duckdb() -> None:
    import subprocess
    import sys

    code = "import sys, icebridge; print('duckdb' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_show_parameters(emu: Emulator) -> None:
    emu.sql("ALTER SESSION SET TIMEZONE = 'UTC'")
    rows = emu.sql("SHOW PARAMETERS LIKE 'TIME%' IN SESSION").to_pylist()
    by_key = {r["key"]: r for r in rows}
    assert by_key["TIMEZONE"]["value"] == "UTC"
    assert by_key["TIMEZONE"]["default"] == "America/Los_Angeles"
    assert by_key["TIMEZONE"]["level"] == "SESSION"
    assert all(k.startswith("TIME") for k in by_key)
    merge = emu.sql("SHOW PARAMETERS LIKE 'error_on_nondeterministic_merge'").to_pylist()
    assert [(r["value"], r["type"]) for r in merge] == [("true", "BOOLEAN")]
