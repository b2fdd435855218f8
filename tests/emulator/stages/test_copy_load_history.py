"""Load metadata: unchanged files load once; FORCE, LOAD_UNCERTAIN_FILES, PURGE, PATTERN.

https://docs.snowflake.com/en/user-guide/data-load-considerations-load (Load metadata),
https://docs.snowflake.com/en/sql-reference/sql/copy-into-table (FORCE, PURGE, PATTERN)
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from stage_helpers import Write, rows

from emulator import Emulator

Stage = Callable[..., None]
NO_FILES = [{"status": "Copy executed with 0 files processed."}]


@pytest.fixture
def s(emu: Emulator) -> Emulator:
    emu.sql("CREATE STAGE s")
    emu.sql("CREATE TABLE load1 (a INT)")
    return emu


def _count(emu: Emulator) -> int:
    return int(emu.sql("SELECT count(*) FROM load1").column(0)[0].as_py())


def test_unchanged_files_load_once_and_force_reloads(s: Emulator, staged: Stage) -> None:
    """A second COPY of the same unchanged files loads nothing ("Copy executed with 0 files
    processed."); FORCE = TRUE loads them again, duplicating the rows (the docs' Reloading
    files example)."""
    staged("test1.csv", "1\n", stage="@s/data1/")
    staged("test2.csv", "2\n", stage="@s/data1/")
    first = s.sql("COPY INTO load1 FROM @s/data1/ FILES=('test1.csv.gz', 'test2.csv.gz')")
    assert first.column("status").to_pylist() == ["LOADED", "LOADED"]
    again = s.sql("COPY INTO load1 FROM @s/data1/ FILES=('test1.csv.gz', 'test2.csv.gz')")
    assert again.to_pylist() == NO_FILES
    assert _count(s) == 2
    forced = s.sql(
        "COPY INTO load1 FROM @s/data1/ FILES=('test1.csv.gz', 'test2.csv.gz') FORCE=TRUE"
    )
    assert forced.num_rows == 2
    assert _count(s) == 4


def test_a_changed_file_loads_again(s: Emulator, staged: Stage) -> None:
    """ "To reload the data, you must either specify FORCE = TRUE or modify the file and stage
    it again, which generates a new checksum.\""""
    staged("a.csv", "1\n")
    s.sql("COPY INTO load1 FROM @s")
    staged("a.csv", "1\n", options="OVERWRITE = TRUE")  # same content: same checksum
    assert s.sql("COPY INTO load1 FROM @s").to_pylist() == NO_FILES
    staged("a.csv", "1\n2\n", options="OVERWRITE = TRUE")
    assert s.sql("COPY INTO load1 FROM @s").column("rows_loaded").to_pylist() == [2]
    assert _count(s) == 3


def test_failed_files_may_load_later_partial_ones_do_not(s: Emulator, staged: Stage) -> None:
    """A file that failed to load is "available for a subsequent COPY statement to load"; a
    partly loaded one is recorded as loaded."""
    staged("bad.csv", "1\nx\n")
    skipped = s.sql("COPY INTO load1 FROM @s ON_ERROR = SKIP_FILE")
    assert skipped.column("status").to_pylist() == ["LOAD_FAILED"]
    partial = s.sql("COPY INTO load1 FROM @s ON_ERROR = CONTINUE")
    assert partial.column("status").to_pylist() == ["PARTIALLY_LOADED"]
    assert s.sql("COPY INTO load1 FROM @s ON_ERROR = CONTINUE").to_pylist() == NO_FILES


def test_load_status_of_old_files(s: Emulator, staged: Stage) -> None:
    """Load metadata expires after 64 days: a file staged more than 64 days ago, into a table
    whose first load was more than 64 days ago, has an unknown load status and is skipped;
    LOAD_UNCERTAIN_FILES = TRUE (or FORCE) loads it. A new table loads such a file (its
    initial load is recent)."""
    staged("first.csv", "1\n")
    staged("old.csv", "2\n")
    s.sql("COPY INTO load1 FROM @s FILES = ('first.csv.gz')")
    s.advance(days=65)
    assert s.sql("COPY INTO load1 FROM @s FILES = ('old.csv.gz')").to_pylist() == NO_FILES
    loaded = s.sql("COPY INTO load1 FROM @s FILES = ('old.csv.gz') LOAD_UNCERTAIN_FILES = TRUE")
    assert loaded.column("status").to_pylist() == ["LOADED"]
    s.sql("CREATE TABLE fresh (a INT)")
    assert s.sql("COPY INTO fresh FROM @s").column("status").to_pylist() == ["LOADED", "LOADED"]


def test_the_load_history_is_per_table(s: Emulator, staged: Stage) -> None:
    """Load metadata is kept "for each table into which data is loaded": another table loads
    the same files."""
    staged("a.csv", "1\n")
    s.sql("COPY INTO load1 FROM @s")
    s.sql("CREATE TABLE other (a INT)")
    assert s.sql("COPY INTO other FROM @s").column("rows_loaded").to_pylist() == [1]


def test_purge_removes_loaded_files(s: Emulator, staged: Stage) -> None:
    """PURGE = TRUE removes the files that loaded; a file that failed stays on the stage."""
    staged("good.csv", "1\n")
    staged("bad.csv", "x\n")
    s.sql("COPY INTO load1 FROM @s PURGE = TRUE ON_ERROR = SKIP_FILE")
    assert s.sql("LIST @s").column("name").to_pylist() == ["s/bad.csv.gz"]


def test_pattern_selects_files(s: Emulator, staged: Stage) -> None:
    """PATTERN loads the files whose name matches the regular expression — the docs' "only
    uncompressed CSV files whose names include the string sales" example."""
    s.sql("CREATE TABLE mytable (a INT)")
    staged("q1_sales.csv", "1\n", stage="@%mytable", options="AUTO_COMPRESS = FALSE")
    staged("q1_costs.csv", "2\n", stage="@%mytable", options="AUTO_COMPRESS = FALSE")
    staged("q2_sales.csv", "3\n", stage="@%mytable")  # compressed: .csv.gz
    s.sql("COPY INTO mytable FILE_FORMAT = (TYPE = CSV) PATTERN='.*sales.*[.]csv'")
    assert [r["A"] for r in rows(s, "SELECT a FROM mytable")] == [1]


def test_load_history_view(s: Emulator, staged: Stage) -> None:
    """INFORMATION_SCHEMA.LOAD_HISTORY has a row per file loaded into the database's tables.
    https://docs.snowflake.com/en/sql-reference/info-schema/load_history"""
    staged("bad.csv", "1\nx\n")
    s.sql("COPY INTO load1 FROM @s ON_ERROR = CONTINUE")
    found = rows(
        s,
        "SELECT table_name, file_name, status, row_count, row_parsed, error_count "
        "FROM information_schema.load_history",
    )
    assert found == [
        {
            "TABLE_NAME": "LOAD1",
            "FILE_NAME": "s/bad.csv.gz",
            "STATUS": "PARTIALLY LOADED",
            "ROW_COUNT": 1,
            "ROW_PARSED": 2,
            "ERROR_COUNT": 1,
        }
    ]


def test_the_user_stage(emu: Emulator, local: Write) -> None:
    """``COPY INTO mytable from @~/staged`` loads the files with the prefix ``staged`` from
    the user's stage.
    https://docs.snowflake.com/en/user-guide/data-load-local-file-system-copy"""
    emu.sql("CREATE TABLE mytable (a INT)")
    emu.sql(f"PUT '{local('one.csv', '1')}' @~/staged")
    emu.sql(f"PUT '{local('two.csv', '2')}' @~/other")
    emu.sql("COPY INTO mytable from @~/staged FILE_FORMAT = (TYPE = CSV)")
    assert [r["A"] for r in rows(emu, "SELECT a FROM mytable")] == [1]
