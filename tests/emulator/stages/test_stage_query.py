"""Querying staged files directly: ``SELECT $1, … FROM @stage``.

https://docs.snowflake.com/en/user-guide/querying-stage,
https://docs.snowflake.com/en/user-guide/querying-metadata
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from stage_helpers import rows

from emulator import Emulator
from icebridge.errors import DataError

Stage = Callable[..., None]


@pytest.fixture
def s(emu: Emulator, staged: Stage) -> Emulator:
    """The docs' example: a pipe-delimited CSV format and two data files on stage MYSTAGE1."""
    emu.sql("CREATE OR REPLACE FILE FORMAT myformat TYPE = 'csv' FIELD_DELIMITER = '|'")
    emu.sql("CREATE OR REPLACE STAGE mystage1")
    staged("data1.csv", "a|b\nc|d\n", stage="@mystage1")
    staged("data2.csv", "e|f\n", stage="@mystage1")
    return emu


def test_positional_columns_and_metadata(s: Emulator) -> None:
    """``SELECT t.$1, t.$2 FROM @mystage1 (file_format => 'myformat') t`` reads the fields;
    METADATA$FILENAME and METADATA$FILE_ROW_NUMBER name the file and the row in it."""
    found = rows(
        s,
        "SELECT METADATA$FILENAME, METADATA$FILE_ROW_NUMBER, t.$1, t.$2 "
        "FROM @mystage1 (file_format => 'myformat') t ORDER BY 1, 2",
    )
    assert found == [
        {
            "METADATA$FILENAME": "mystage1/data1.csv.gz",
            "METADATA$FILE_ROW_NUMBER": 1,
            "$1": "a",
            "$2": "b",
        },
        {
            "METADATA$FILENAME": "mystage1/data1.csv.gz",
            "METADATA$FILE_ROW_NUMBER": 2,
            "$1": "c",
            "$2": "d",
        },
        {
            "METADATA$FILENAME": "mystage1/data2.csv.gz",
            "METADATA$FILE_ROW_NUMBER": 1,
            "$1": "e",
            "$2": "f",
        },
    ]


def test_pattern_filters_and_aggregates(s: Emulator) -> None:
    """PATTERN => '…' picks the files read; the rest of the query works as on any table."""
    found = rows(
        s,
        "SELECT count(*) AS n, max($1) AS top FROM @mystage1 "
        "(file_format => 'myformat', pattern => '.*data2.*')",
    )
    assert found == [{"N": 1, "TOP": "e"}]


def test_json_documents(emu: Emulator, staged: Stage) -> None:
    """``$1`` of a JSON file is the document; paths and casts read it."""
    emu.sql("CREATE STAGE js FILE_FORMAT = (TYPE = JSON)")
    staged("a.json", '{"id": 1, "tags": ["x"]}\n{"id": 2}\n', stage="@js")
    found = rows(emu, "SELECT $1:id::INT AS id, $1:tags[0]::STRING AS tag FROM @js ORDER BY id")
    assert found == [{"ID": 1, "TAG": "x"}, {"ID": 2, "TAG": None}]


def test_a_file_that_does_not_parse_fails_the_query(emu: Emulator, staged: Stage) -> None:
    """A staged file with a record that does not parse fails the query, naming the file."""
    emu.sql("CREATE STAGE s")
    emu.sql("CREATE FILE FORMAT q TYPE = CSV FIELD_OPTIONALLY_ENCLOSED_BY = '\"'")
    staged("a.csv", '"open\n')
    with pytest.raises(DataError) as caught:
        emu.sql("SELECT $1 FROM @s (FILE_FORMAT => 'q')")
    assert "File 's/a.csv.gz'" in str(caught.value)
