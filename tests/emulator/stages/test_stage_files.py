"""PUT, GET, LIST and REMOVE on named, table and user stages."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pytest
from stage_helpers import Write

from emulator import Emulator
from emulator.core.sandbox import lake_directories
from icebridge.errors import ProgrammingError, SqlError

PUT_COLUMNS = [
    "source",
    "target",
    "source_size",
    "target_size",
    "source_compression",
    "target_compression",
    "status",
    "message",
]


def test_put_auto_compresses_into_name_gz(emu: Emulator, local: Write) -> None:
    """PUT gzips a file that is not compressed (AUTO_COMPRESS defaults to TRUE): the staged
    file is ``name.gz``; one result row per file, UPLOADED.
    https://docs.snowflake.com/en/sql-reference/sql/put"""
    emu.sql("CREATE STAGE my_int_stage")
    result = emu.sql(f"PUT '{local('mydata.csv', 'a,b' + chr(10))}' @my_int_stage")
    assert result.column_names == PUT_COLUMNS
    row = result.to_pylist()[0]
    assert (row["source"], row["target"]) == ("mydata.csv", "mydata.csv.gz")
    assert (row["source_compression"], row["target_compression"]) == ("NONE", "GZIP")
    assert row["status"] == "UPLOADED"
    assert row["source_size"] == 4
    listed = emu.sql("LIST @my_int_stage").to_pylist()
    assert [r["name"] for r in listed] == ["my_int_stage/mydata.csv.gz"]
    assert listed[0]["size"] == row["target_size"]


def test_put_auto_compress_false_and_compressed_sources(emu: Emulator, local: Write) -> None:
    """AUTO_COMPRESS = FALSE stages the file as it is; a file that is compressed already
    (SOURCE_COMPRESSION = AUTO_DETECT finds gzip) is not compressed again.
    https://docs.snowflake.com/en/sql-reference/sql/put"""
    emu.sql("CREATE TABLE orderstiny_ext (a INT)")
    emu.sql(f"PUT '{local('orders_001.csv', '1')}' @%orderstiny_ext AUTO_COMPRESS = FALSE")
    row = emu.sql(f"PUT '{local('done.csv.gz', '2', gz=True)}' @%orderstiny_ext").to_pylist()[0]
    assert (row["target"], row["source_compression"]) == ("done.csv.gz", "GZIP")
    names = emu.sql("LIST @%orderstiny_ext").column("name").to_pylist()
    assert names == ["done.csv.gz", "orders_001.csv"]  # a table stage's files: path only


def test_put_wildcards_and_target_path(emu: Emulator, local: Write) -> None:
    """Wildcards upload several files; a path after the stage name is the folder they go to.
    https://docs.snowflake.com/en/sql-reference/sql/put"""
    emu.sql("CREATE STAGE s")
    for name in ("orders_101.csv", "orders_201.csv", "other.csv"):
        uri = local(name, name)
    folder = uri.rsplit("/", 1)[0]
    result = emu.sql(f"PUT '{folder}/orders_*01.csv' @s/2024/ AUTO_COMPRESS = FALSE")
    assert sorted(result.column("source").to_pylist()) == ["orders_101.csv", "orders_201.csv"]
    names = emu.sql("LIST @s").column("name").to_pylist()
    assert names == ["s/2024/orders_101.csv", "s/2024/orders_201.csv"]


def test_put_existing_file_is_skipped_unless_overwrite(emu: Emulator, local: Write) -> None:
    """OVERWRITE = FALSE (the default) does not overwrite a staged file of the same name;
    OVERWRITE = TRUE does.
    https://docs.snowflake.com/en/sql-reference/sql/put"""
    emu.sql("CREATE STAGE s")
    emu.sql(f"PUT '{local('a.csv', 'first')}' @s")
    again = emu.sql(f"PUT '{local('a.csv', 'second version')}' @s").to_pylist()[0]
    assert again["status"] == "SKIPPED"
    assert _staged_text(emu, "s", "a.csv.gz") == "first"
    forced = emu.sql(f"PUT '{local('a.csv', 'second version')}' @s OVERWRITE = TRUE")
    assert forced.column("status").to_pylist() == ["UPLOADED"]
    assert _staged_text(emu, "s", "a.csv.gz") == "second version"


def _staged_text(emu: Emulator, stage: str, name: str) -> str:
    emu.sql("CREATE OR REPLACE TABLE _probe (v STRING)")
    emu.sql(
        f"COPY INTO _probe FROM @{stage} FILES = ('{name}') FORCE = TRUE "
        "FILE_FORMAT = (TYPE = CSV FIELD_DELIMITER = NONE)"
    )
    return str(emu.sql("SELECT v FROM _probe").column(0)[0].as_py())


def test_put_missing_local_file(emu: Emulator) -> None:
    """PUT of a local file that does not exist fails (the connector's 253006)."""
    emu.sql("CREATE STAGE s")
    with pytest.raises(ProgrammingError) as caught:
        emu.sql("PUT 'file:///nonexistent/dir/none.csv' @s")
    assert caught.value.errno == 253006


def test_list_columns_md5_pattern_and_path(emu: Emulator, local: Write) -> None:
    """LIST returns name, size, md5 and last_modified; a path limits it to files whose path
    starts so; PATTERN filters with a regular expression.
    https://docs.snowflake.com/en/sql-reference/sql/list"""
    emu.sql("CREATE STAGE my_csv_stage")
    emu.sql(f"PUT '{local('data_01.csv', 'x')}' @my_csv_stage/analysis/ AUTO_COMPRESS = FALSE")
    emu.sql(f"PUT '{local('data_02.csv', 'y')}' @my_csv_stage/other/ AUTO_COMPRESS = FALSE")
    emu.sql(f"PUT '{local('notes.txt', 'z')}' @my_csv_stage/analysis/ AUTO_COMPRESS = FALSE")
    listed = emu.sql("LIST @my_csv_stage/analysis/ PATTERN='.*data_0.*'")
    assert listed.column_names == ["name", "size", "md5", "last_modified"]
    row = listed.to_pylist()[0]
    assert listed.num_rows == 1
    assert row["name"] == "my_csv_stage/analysis/data_01.csv"
    assert row["md5"] == hashlib.md5(b"x").hexdigest()
    assert row["size"] == 1
    assert row["last_modified"].endswith(" GMT")
    assert emu.sql("LS @my_csv_stage").num_rows == 3


def test_last_modified_is_the_emulator_time(emu: Emulator, local: Write) -> None:
    """LAST_MODIFIED is when the file was staged: on the emulator's (virtual) clock."""
    emu.sql("CREATE STAGE s")
    emu.advance("3 days")
    emu.sql(f"PUT '{local('a.csv', 'x')}' @s")
    shown = emu.sql("LIST @s").column("last_modified").to_pylist()[0]
    now = emu.now
    assert shown == f"{now:%a}, {now.day} {now:%b} {now.year} {now:%H:%M:%S} GMT"


def test_get_downloads_files(emu: Emulator, local: Write, tmp_path: Path) -> None:
    """GET downloads a stage's files (below the path given) into a local directory.
    https://docs.snowflake.com/en/sql-reference/sql/get"""
    emu.sql("CREATE TABLE mytable (a INT)")
    emu.sql(f"PUT '{local('a.csv', 'hello')}' @%mytable")
    target = tmp_path / "out"
    result = emu.sql(f"GET @%mytable file://{target}/")
    assert result.column_names == ["file", "size", "status", "message"]
    assert result.to_pylist()[0]["status"] == "DOWNLOADED"
    assert gzip.decompress((target / "a.csv.gz").read_bytes()) == b"hello"


def test_remove_matches_path_prefixes(emu: Emulator, local: Write) -> None:
    """``rm @%mytable/myobject`` removes every file whose path starts so (myobject.csv.gz,
    myobject/…, myobject_new/…); ``myobject/`` only that folder's files.
    https://docs.snowflake.com/en/sql-reference/sql/remove"""
    emu.sql("CREATE TABLE mytable (a INT)")
    emu.sql(f"PUT '{local('myobject.csv', '1')}' @%mytable")
    emu.sql(f"PUT '{local('f1.csv', '1')}' @%mytable/myobject/")
    emu.sql(f"PUT '{local('f2.csv', '1')}' @%mytable/myobject_new/")
    emu.sql(f"PUT '{local('keep.csv', '1')}' @%mytable")
    folder = emu.sql("rm @%mytable/myobject/")
    assert folder.to_pylist() == [{"name": "myobject/f1.csv.gz", "result": "removed"}]
    emu.sql("rm @%mytable/myobject")
    assert emu.sql("LIST @%mytable").column("name").to_pylist() == ["keep.csv.gz"]


def test_remove_with_pattern_on_the_user_stage(emu: Emulator, local: Write) -> None:
    """``RM @~ pattern='.*jun.*'`` removes the user stage's files that match.
    https://docs.snowflake.com/en/sql-reference/sql/remove"""
    emu.sql(f"PUT '{local('jun_sales.csv', '1')}' @~")
    emu.sql(f"PUT '{local('jul_sales.csv', '1')}' @~")
    emu.sql("RM @~ pattern='.*jun.*'")
    assert emu.sql("LIST @~").column("name").to_pylist() == ["jul_sales.csv.gz"]


def test_table_stage_needs_the_table(emu: Emulator, local: Write) -> None:
    """A table stage exists with its table: ``@%nope`` of a missing table is an error."""
    with pytest.raises(SqlError) as caught:
        emu.sql(f"PUT '{local('a.csv', '1')}' @%nope")
    assert caught.value.errno == 2003


def test_stage_files_live_inside_the_lake(tmp_path: Path, local: Write) -> None:
    """A persistent lake keeps staged files under ``<path>/stages`` (inside the directories
    the DuckDB sandbox allows); they survive a reopen."""
    lake = tmp_path / "lake"
    with Emulator(path=lake) as emu:
        emu.sql("CREATE DATABASE db")
        emu.sql("CREATE STAGE s")
        emu.sql(f"PUT '{local('a.csv', '1,2')}' @s")
        staged = list((lake / "stages").rglob("a.csv.gz"))
        assert len(staged) == 1
        allowed = lake_directories(emu.engine.lake)
        assert any(staged[0].resolve().is_relative_to(d) for d in allowed)
    with Emulator(path=lake) as emu:
        emu.sql("USE DATABASE db")
        assert emu.sql("LIST @s").column("name").to_pylist() == ["s/a.csv.gz"]


def test_in_memory_stage_files_are_inside_the_lake_directory(emu: Emulator, local: Write) -> None:
    """In memory the files go under the lake's temporary directory, removed on close."""
    emu.sql("CREATE STAGE s")
    emu.sql(f"PUT '{local('a.csv', '1')}' @s")
    root = emu.engine.lake.root
    assert list(root.rglob("a.csv.gz"))
