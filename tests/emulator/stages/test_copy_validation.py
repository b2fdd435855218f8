"""VALIDATION_MODE: check staged files without loading them.

https://docs.snowflake.com/en/sql-reference/sql/copy-into-table (VALIDATION_MODE, and the
"Validating staged files" examples on MYTABLE)
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from stage_helpers import rows

from emulator import Emulator
from icebridge.errors import DataError, SqlError

Stage = Callable[..., None]

ERROR_COLUMNS = [
    "ERROR",
    "FILE",
    "LINE",
    "CHARACTER",
    "BYTE_OFFSET",
    "CATEGORY",
    "CODE",
    "SQL_STATE",
    "COLUMN_NAME",
    "ROW_NUMBER",
    "ROW_START_LINE",
]


@pytest.fixture
def mytable(emu: Emulator, staged: Stage) -> Emulator:
    """MYTABLE (NAME NOT NULL, ID, QUOTA) with data1.csv (good) and data3.csv (a NULL name on
    line 3) on its table stage."""
    emu.sql("CREATE TABLE mytable (name STRING NOT NULL, id INT, quota INT)")
    staged("data1.csv", "Joe Smith,456111,0\nTom Jones,111111,3400\n", stage="@%mytable")
    staged("data3.csv", "Ann,1,2\nBo,2,3\n,3,4\n", stage="@%mytable")
    return emu


def test_return_errors_lists_every_error(mytable: Emulator) -> None:
    """RETURN_ERRORS returns the errors of all files (ERROR, FILE, LINE, CHARACTER, …,
    COLUMN_NAME, ROW_NUMBER) and loads nothing — the docs' "NULL result in a non-nullable
    column" row of data3.csv."""
    result = mytable.sql("COPY INTO mytable VALIDATION_MODE = 'RETURN_ERRORS'")
    assert result.column_names == ERROR_COLUMNS
    found = result.to_pylist()
    assert len(found) == 1
    error = found[0]
    assert error["ERROR"].startswith("NULL result in a non-nullable column")
    assert error["FILE"] == "@MYTABLE/data3.csv.gz"
    assert (error["LINE"], error["ROW_NUMBER"]) == (3, 3)
    assert error["COLUMN_NAME"] == '"MYTABLE"["NAME":1]'
    assert rows(mytable, "SELECT count(*) AS n FROM mytable") == [{"N": 0}]
    # Nothing was loaded, so nothing is recorded as loaded either.
    assert mytable.sql("COPY INTO mytable FILES = ('data1.csv.gz')").num_rows == 1


def test_return_n_rows(mytable: Emulator) -> None:
    """RETURN_2_ROWS returns the first rows as they would load; RETURN_n_ROWS that reaches a
    bad row fails with its error (the docs' RETURN_3_ROWS FAILURE)."""
    sample = mytable.sql(
        "COPY INTO mytable FILES = ('data1.csv.gz') VALIDATION_MODE = 'RETURN_2_ROWS'"
    )
    assert sample.to_pylist() == [
        {"NAME": "Joe Smith", "ID": 456111, "QUOTA": 0},
        {"NAME": "Tom Jones", "ID": 111111, "QUOTA": 3400},
    ]
    with pytest.raises(DataError) as caught:
        mytable.sql("COPY INTO mytable FILES = ('data3.csv.gz') VALIDATION_MODE = 'RETURN_3_ROWS'")
    assert "NULL result in a non-nullable column" in str(caught.value)
    assert rows(mytable, "SELECT count(*) AS n FROM mytable") == [{"N": 0}]


def test_validation_mode_with_match_by_column_name_is_an_error(mytable: Emulator) -> None:
    """ "MATCH_BY_COLUMN_NAME can't be used with the VALIDATION_MODE parameter"."""
    with pytest.raises(SqlError):
        mytable.sql(
            "COPY INTO mytable VALIDATION_MODE = RETURN_ERRORS "
            "MATCH_BY_COLUMN_NAME = CASE_SENSITIVE"
        )
