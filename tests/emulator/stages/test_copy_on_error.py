"""ON_ERROR and the COPY result rows.

https://docs.snowflake.com/en/sql-reference/sql/copy-into-table (ON_ERROR, Output)
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from stage_helpers import rows

from emulator import Emulator
from icebridge.errors import DataError, SqlError

Stage = Callable[..., None]

RESULT_COLUMNS = [
    "file",
    "status",
    "rows_parsed",
    "rows_loaded",
    "error_limit",
    "errors_seen",
    "first_error",
    "first_error_line",
    "first_error_character",
    "first_error_column_name",
]


@pytest.fixture
def s(emu: Emulator, staged: Stage) -> Emulator:
    """Stage S with good.csv (3 good rows) and bad.csv (header, 4 rows, 2 bad)."""
    emu.sql("CREATE STAGE s")
    emu.sql("CREATE TABLE t (id INT, quota INT NOT NULL)")
    staged("good.csv", "ID,QUOTA\n1,10\n2,20\n3,30\n")
    staged("bad.csv", "ID,QUOTA\n4,40\n5,abc\n6,\n7,70\n")
    return emu


def _copy(emu: Emulator, on_error: str) -> dict[str, dict[str, object]]:
    result = emu.sql(
        f"COPY INTO t FROM @s FILE_FORMAT = (TYPE = CSV SKIP_HEADER = 1) ON_ERROR = {on_error}"
    )
    assert result.column_names == RESULT_COLUMNS
    return {str(r["file"]): r for r in result.to_pylist()}


def test_abort_statement_loads_nothing(s: Emulator) -> None:
    """ABORT_STATEMENT (the default for bulk loads) stops the load at the first error:
    nothing is loaded, not even the good file, and the error names file, line, character,
    row and column."""
    with pytest.raises(DataError) as caught:
        s.sql("COPY INTO t FROM @s FILE_FORMAT = (TYPE = CSV SKIP_HEADER = 1)")
    error = caught.value
    assert (error.errno, error.sqlstate) == (100038, "22018")
    lines = str(error).splitlines()
    assert lines[0].endswith("Numeric value 'abc' is not recognized")
    assert lines[1] == "  File 's/bad.csv.gz', line 3, character 3"
    assert lines[2] == '  Row 2, column "T"["QUOTA":2]'
    assert "ON_ERROR" in lines[3]
    assert rows(s, "SELECT count(*) AS n FROM t") == [{"N": 0}]


def test_continue_loads_the_good_rows(s: Emulator) -> None:
    """CONTINUE loads the rows without errors; the result's rows_parsed - rows_loaded are the
    error rows and first_error describes the first one (a NOT NULL violation counts too)."""
    result = _copy(s, "CONTINUE")
    bad, good = result["s/bad.csv.gz"], result["s/good.csv.gz"]
    assert good["status"] == "LOADED"
    assert (good["rows_parsed"], good["rows_loaded"], good["errors_seen"]) == (3, 3, 0)
    assert good["first_error"] is None
    assert bad["status"] == "PARTIALLY_LOADED"
    assert (bad["rows_parsed"], bad["rows_loaded"], bad["errors_seen"]) == (4, 2, 2)
    assert bad["first_error"] == "Numeric value 'abc' is not recognized"
    assert (bad["first_error_line"], bad["first_error_character"]) == (3, 3)
    assert bad["first_error_column_name"] == '"T"["QUOTA":2]'
    assert [r["ID"] for r in rows(s, "SELECT id FROM t ORDER BY id")] == [1, 2, 3, 4, 7]


def test_skip_file(s: Emulator) -> None:
    """SKIP_FILE skips a file with an error: none of its rows load (LOAD_FAILED)."""
    result = _copy(s, "SKIP_FILE")
    bad = result["s/bad.csv.gz"]
    assert (bad["status"], bad["rows_loaded"], bad["errors_seen"]) == ("LOAD_FAILED", 0, 2)
    assert result["s/good.csv.gz"]["status"] == "LOADED"
    assert [r["ID"] for r in rows(s, "SELECT id FROM t ORDER BY id")] == [1, 2, 3]


def test_skip_file_n(s: Emulator) -> None:
    """SKIP_FILE_n skips a file when its error rows are n or more: with 2 errors SKIP_FILE_3
    loads the good rows, SKIP_FILE_2 skips the file; error_limit shows n."""
    kept = _copy(s, "SKIP_FILE_3")["s/bad.csv.gz"]
    assert (kept["status"], kept["rows_loaded"], kept["error_limit"]) == ("PARTIALLY_LOADED", 2, 3)
    s.sql("TRUNCATE TABLE t")
    skipped = s.sql(
        "COPY INTO t FROM @s FILES = ('bad.csv.gz') FORCE = TRUE "
        "FILE_FORMAT = (TYPE = CSV SKIP_HEADER = 1) ON_ERROR = SKIP_FILE_2"
    ).to_pylist()[0]
    assert (skipped["status"], skipped["rows_loaded"], skipped["error_limit"]) == (
        "LOAD_FAILED",
        0,
        2,
    )


def test_skip_file_percent(s: Emulator) -> None:
    """'SKIP_FILE_n%' skips a file when its error rows exceed n percent: 2 bad rows of 4
    are 50%, so 'SKIP_FILE_60%' loads the rest and 'SKIP_FILE_40%' skips the file."""
    kept = _copy(s, "'SKIP_FILE_60%'")["s/bad.csv.gz"]
    assert (kept["status"], kept["rows_loaded"]) == ("PARTIALLY_LOADED", 2)
    s.sql("TRUNCATE TABLE t")
    skipped = s.sql(
        "COPY INTO t FROM @s FILES = ('bad.csv.gz') FORCE = TRUE "
        "FILE_FORMAT = (TYPE = CSV SKIP_HEADER = 1) ON_ERROR = 'SKIP_FILE_40%'"
    ).to_pylist()[0]
    assert (skipped["status"], skipped["rows_loaded"]) == ("LOAD_FAILED", 0)


def test_missing_files_in_files(s: Emulator) -> None:
    """A file in FILES that the stage does not have aborts the load by default
    (ABORT_STATEMENT); with another ON_ERROR it is a LOAD_FAILED row and the others load.
    https://docs.snowflake.com/en/sql-reference/sql/copy-into-table (FILES)"""
    files = "FILES = ('good.csv.gz', 'nope.csv.gz') FILE_FORMAT = (TYPE = CSV SKIP_HEADER = 1)"
    with pytest.raises(SqlError) as caught:
        s.sql(f"COPY INTO t FROM @s {files}")
    assert "Remote file 's/nope.csv.gz' was not found" in str(caught.value)
    result = {
        r["file"]: r for r in s.sql(f"COPY INTO t FROM @s {files} ON_ERROR = CONTINUE").to_pylist()
    }
    assert result["s/nope.csv.gz"]["status"] == "LOAD_FAILED"
    assert result["s/good.csv.gz"]["rows_loaded"] == 3


def test_return_failed_only(s: Emulator) -> None:
    """RETURN_FAILED_ONLY = TRUE returns only the files that did not load fully."""
    result = s.sql(
        "COPY INTO t FROM @s FILE_FORMAT = (TYPE = CSV SKIP_HEADER = 1) ON_ERROR = CONTINUE "
        "RETURN_FAILED_ONLY = TRUE"
    )
    assert result.column("file").to_pylist() == ["s/bad.csv.gz"]


def test_unterminated_enclosed_field_is_a_parse_error(emu: Emulator, staged: Stage) -> None:
    """A record that cannot be parsed (an enclosed field never closed) is an error row."""
    emu.sql("CREATE STAGE s")
    emu.sql("CREATE TABLE t (a INT, b STRING)")
    staged("a.csv", '1,ok\n2,"never closed\n')
    result = emu.sql(
        "COPY INTO t FROM @s FILE_FORMAT = (TYPE = CSV FIELD_OPTIONALLY_ENCLOSED_BY = '\"') "
        "ON_ERROR = CONTINUE"
    ).to_pylist()[0]
    assert (result["rows_parsed"], result["rows_loaded"], result["errors_seen"]) == (2, 1, 1)
    assert result["first_error_line"] == 2
