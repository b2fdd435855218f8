"""CREATE / DROP / SHOW / DESCRIBE of named stages and file formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from stage_helpers import Write

from emulator import Emulator
from icebridge.errors import ProgrammingError, SqlError, UnsupportedError


def test_create_stage_status_and_show_stages(emu: Emulator) -> None:
    """CREATE STAGE answers "Stage area … successfully created."; SHOW STAGES lists an
    internal stage with no url, credentials or cloud, type INTERNAL (TEMPORARY for a
    temporary one).
    https://docs.snowflake.com/en/sql-reference/sql/create-stage,
    https://docs.snowflake.com/en/sql-reference/sql/show-stages"""
    created = emu.sql("CREATE STAGE my_stage COMMENT = 'landing'")
    assert created.column("status").to_pylist() == ["Stage area MY_STAGE successfully created."]
    emu.sql("CREATE TEMPORARY STAGE tmp_stage")
    rows = {r["name"]: r for r in emu.sql("SHOW STAGES").to_pylist()}
    assert set(rows) == {"MY_STAGE", "TMP_STAGE"}
    mine = rows["MY_STAGE"]
    assert (mine["database_name"], mine["schema_name"]) == ("DB", "PUBLIC")
    assert (mine["url"], mine["has_credentials"], mine["cloud"]) == ("", "N", None)
    assert mine["type"] == "INTERNAL"
    assert mine["comment"] == "landing"
    assert rows["TMP_STAGE"]["type"] == "INTERNAL TEMPORARY"
    assert emu.sql("SHOW STAGES LIKE 'my%'").column("name").to_pylist() == ["MY_STAGE"]


def test_create_stage_if_not_exists_and_or_replace(emu: Emulator, local: Write) -> None:
    """IF NOT EXISTS keeps the stage; without it CREATE fails on an existing stage; OR
    REPLACE makes a new, empty stage (the old stage's files go with it).
    https://docs.snowflake.com/en/sql-reference/sql/create-stage"""
    emu.sql("CREATE STAGE s")
    emu.sql(f"PUT '{local('a.csv', '1')}' @s")
    again = emu.sql("CREATE STAGE IF NOT EXISTS s")
    assert again.column("status").to_pylist() == ["S already exists, statement succeeded."]
    assert emu.sql("LIST @s").num_rows == 1
    with pytest.raises(ProgrammingError) as caught:
        emu.sql("CREATE STAGE s")
    assert caught.value.errno == 2002
    emu.sql("CREATE OR REPLACE STAGE s")
    assert emu.sql("LIST @s").num_rows == 0


def test_drop_stage(emu: Emulator) -> None:
    """DROP STAGE removes it; IF EXISTS on a missing one succeeds; a missing one without it
    is the does-not-exist error.
    https://docs.snowflake.com/en/sql-reference/sql/drop-stage"""
    emu.sql("CREATE STAGE s")
    assert emu.sql("DROP STAGE s").column("status").to_pylist() == ["S successfully dropped."]
    assert emu.sql("SHOW STAGES").num_rows == 0
    done = emu.sql("DROP STAGE IF EXISTS s").column("status").to_pylist()
    assert done == ["Drop statement executed successfully (S already dropped)."]
    with pytest.raises(ProgrammingError) as caught:
        emu.sql("LIST @s")
    assert caught.value.errno == 2003


def test_dropped_stage_files_are_removed(tmp_path: Path, local: Write) -> None:
    """Dropping a stage drops its files (its directory in the lake is removed on commit).
    https://docs.snowflake.com/en/sql-reference/sql/drop-stage"""
    with Emulator(path=tmp_path / "lake") as emu:
        emu.sql("CREATE DATABASE db")
        emu.sql("CREATE STAGE s")
        emu.sql(f"PUT '{local('a.csv', '1')}' @s")
        stages = tmp_path / "lake" / "stages"
        assert list(stages.rglob("a.csv.gz"))
        emu.sql("DROP STAGE s")
        assert not list(stages.rglob("a.csv.gz"))


def test_file_formats_create_show_describe_drop(emu: Emulator) -> None:
    """CREATE FILE FORMAT records the type and options (the rest take their defaults);
    SHOW FILE FORMATS lists it with its type; DESCRIBE shows each option; DROP removes it.
    https://docs.snowflake.com/en/sql-reference/sql/create-file-format,
    https://docs.snowflake.com/en/sql-reference/sql/show-file-formats,
    https://docs.snowflake.com/en/sql-reference/sql/desc-file-format"""
    created = emu.sql("CREATE FILE FORMAT my_csv TYPE = CSV FIELD_DELIMITER = '|' SKIP_HEADER = 1")
    assert created.column("status").to_pylist() == ["File format MY_CSV successfully created."]
    emu.sql("CREATE OR REPLACE TEMPORARY FILE FORMAT js TYPE = 'JSON' STRIP_OUTER_ARRAY = TRUE")
    shown = {r["name"]: r for r in emu.sql("SHOW FILE FORMATS").to_pylist()}
    assert {n: r["type"] for n, r in shown.items()} == {"MY_CSV": "CSV", "JS": "JSON"}
    options = json.loads(shown["MY_CSV"]["format_options"])
    assert options["FIELD_DELIMITER"] == "|"
    assert options["SKIP_HEADER"] == 1
    assert options["RECORD_DELIMITER"] == "\n"  # a default
    described = {r["property"]: r for r in emu.sql("DESCRIBE FILE FORMAT my_csv").to_pylist()}
    assert described["FIELD_DELIMITER"]["property_value"] == "|"
    assert described["FIELD_DELIMITER"]["property_default"] == ","
    assert described["SKIP_HEADER"]["property_value"] == "1"
    emu.sql("DROP FILE FORMAT my_csv")
    assert emu.sql("SHOW FILE FORMATS").column("name").to_pylist() == ["JS"]


def test_file_format_option_of_another_type_is_refused(emu: Emulator) -> None:
    """Each format type has its own options: STRIP_OUTER_ARRAY is JSON's, not CSV's.
    https://docs.snowflake.com/en/sql-reference/sql/create-file-format"""
    with pytest.raises(SqlError) as caught:
        emu.sql("CREATE FILE FORMAT f TYPE = CSV STRIP_OUTER_ARRAY = TRUE")
    assert "STRIP_OUTER_ARRAY" in str(caught.value)


def test_describe_stage_shows_its_file_format(emu: Emulator) -> None:
    """DESCRIBE STAGE lists the stage's file format options (STAGE_FILE_FORMAT), here taken
    from a named file format.
    https://docs.snowflake.com/en/sql-reference/sql/desc-stage"""
    emu.sql("CREATE FILE FORMAT pipes TYPE = CSV FIELD_DELIMITER = '|'")
    emu.sql("CREATE STAGE s FILE_FORMAT = (FORMAT_NAME = 'pipes')")
    rows = emu.sql("DESCRIBE STAGE s").to_pylist()
    formats = {
        r["property"]: r["property_value"]
        for r in rows
        if r["parent_property"] == "STAGE_FILE_FORMAT"
    }
    assert formats["TYPE"] == "CSV"
    assert formats["FIELD_DELIMITER"] == "|"


def test_external_stages_are_refused(emu: Emulator) -> None:
    """An external stage (URL = 's3://…') is not emulated: a clear error, not a no-op."""
    with pytest.raises(UnsupportedError):
        emu.sql("CREATE STAGE ext URL = 's3://bucket/path/'")


def test_temporary_stage_ends_with_the_session(tmp_path: Path, local: Write) -> None:
    """A temporary stage lives for the session that made it: reopening the lake finds it
    gone (and its files), while a permanent stage and its files stay.
    https://docs.snowflake.com/en/sql-reference/sql/create-stage (TEMPORARY)"""
    lake = tmp_path / "lake"
    with Emulator(path=lake) as emu:
        emu.sql("CREATE DATABASE db")
        emu.sql("CREATE TEMPORARY STAGE tmp")
        emu.sql("CREATE STAGE keep")
        emu.sql(f"PUT '{local('a.csv', '1')}' @tmp")
        emu.sql(f"PUT '{local('b.csv', '2')}' @keep")
    with Emulator(path=lake) as emu:
        emu.sql("USE DATABASE db")
        assert emu.sql("SHOW STAGES").column("name").to_pylist() == ["KEEP"]
        assert emu.sql("LIST @keep").column("name").to_pylist() == ["keep/b.csv.gz"]
        assert [p.name for p in (lake / "stages").rglob("*.gz")] == ["b.csv.gz"]


def test_dropping_a_table_drops_its_stage(emu: Emulator, local: Write) -> None:
    """A table stage belongs to its table: DROP TABLE removes the staged files with it; a
    new table of the same name has an empty stage.
    https://docs.snowflake.com/en/user-guide/data-load-local-file-system-create-stage"""
    emu.sql("CREATE TABLE t (a INT)")
    emu.sql(f"PUT '{local('a.csv', '1')}' @%t")
    emu.sql("DROP TABLE t")
    assert not list(emu.engine.lake.root.rglob("a.csv.gz"))
    emu.sql("CREATE TABLE t (a INT)")
    assert emu.sql("LIST @%t").num_rows == 0
