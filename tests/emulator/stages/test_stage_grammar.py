"""The stage statements parse into real nodes (never an opaque Command) and read back equal."""

from __future__ import annotations

import pytest
from sqlglot import exp

from icebridge.errors import ProgrammingError
from icebridge.sql.dialect import generate, parse_one
from icebridge.sql.nodes_stage import RemoveFiles
from icebridge.sql.stage_location import StageLocation

# Statements from the docs pages of PUT, GET, LIST, REMOVE, COPY INTO and CREATE STAGE /
# FILE FORMAT (https://docs.snowflake.com/en/sql-reference/sql/<page>).
DOC_STATEMENTS = [
    "PUT file:///tmp/data/mydata.csv @my_int_stage",
    "PUT file:///tmp/data/orders_001.csv @%orderstiny_ext AUTO_COMPRESS = FALSE",
    "PUT 'file:///tmp/data/orders 001.csv' @my_int_stage AUTO_COMPRESS = FALSE",
    "GET @%mytable file:///tmp/data/",
    "GET @~/myfiles file:///tmp/data/",
    "LIST @%mytable",
    "LIST @my_csv_stage/analysis/ PATTERN='.*data_0.*'",
    "LS @~",
    "REMOVE @mystage/path1/subpath2",
    "REMOVE @%orders",
    "RM @~ pattern='.*jun.*'",
    "COPY INTO mytable FROM @my_int_stage",
    "COPY INTO mytable FILE_FORMAT = (TYPE = CSV)",
    "COPY INTO mytable from @~/staged FILE_FORMAT = (FORMAT_NAME = 'mycsv')",
    "COPY INTO load1 FROM @%load1/data1/ FILES=('test1.csv', 'test2.csv') FORCE=TRUE",
    "COPY INTO mytable FILE_FORMAT = (TYPE = 'CSV') PATTERN='.*/.*/.*[.]csv[.]gz'",
    "COPY INTO mytable VALIDATION_MODE = 'RETURN_ERRORS'",
    "COPY INTO t1 (c1) FROM (SELECT d.$1 FROM @mystage/file1.csv.gz d)",
    "COPY INTO @my_stage/result/data_ FROM (SELECT * FROM orderstiny) "
    "file_format=(format_name='myformat' compression='gzip')",
    "copy into @~ from HOME_SALES single = true",
    "CREATE OR REPLACE FILE FORMAT json_format TYPE = 'JSON' STRIP_OUTER_ARRAY = TRUE",
    "CREATE OR REPLACE STAGE mystage FILE_FORMAT = json_format",
]


@pytest.mark.parametrize("text", DOC_STATEMENTS)
def test_doc_statements_parse_to_nodes_and_round_trip(text: str) -> None:
    """Every documented form is a real node whose generated text parses back equal."""
    node = parse_one(text)
    assert not isinstance(node, exp.Command)
    assert parse_one(generate(node)) == node


def test_remove_reads_location_and_pattern() -> None:
    """REMOVE (abbreviated RM) takes a stage location and an optional PATTERN.
    https://docs.snowflake.com/en/sql-reference/sql/remove"""
    node = parse_one("RM @~ pattern='.*jun.*'")
    assert isinstance(node, RemoveFiles)
    assert node.location == StageLocation("USER", (), "")
    assert node.pattern == ".*jun.*"


def test_get_with_an_unquoted_local_path() -> None:
    """``GET @%mytable file:///tmp/data/`` names its local directory unquoted.
    https://docs.snowflake.com/en/sql-reference/sql/get"""
    node = parse_one("GET @%mytable file:///tmp/data/")
    assert isinstance(node, exp.Get)
    assert node.this.name == "file:///tmp/data/"


def test_remove_without_a_location_is_a_syntax_error() -> None:
    """A statement that starts like REMOVE but is not one is an error, not a Command."""
    with pytest.raises(ProgrammingError) as caught:
        parse_one("REMOVE")
    assert caught.value.errno == 1003


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@my_int_stage", StageLocation("NAMED", ("MY_INT_STAGE",), "")),
        ("@db.sch.s/path1/subpath2", StageLocation("NAMED", ("DB", "SCH", "S"), "path1/subpath2")),
        ("@%mytable/myobject/", StageLocation("TABLE", ("MYTABLE",), "myobject/")),
        ('@sch.%"My T"/x', StageLocation("TABLE", ("SCH", "My T"), "x")),
        ("@~/staged", StageLocation("USER", (), "staged")),
        ("'@\"my stage\"/a b'", StageLocation("NAMED", ("my stage",), "a b")),
    ],
)
def test_stage_locations(text: str, expected: StageLocation) -> None:
    """``@[namespace.]stage[/path]``, ``@[namespace.]%table[/path]``, ``@~[/path]``; a name
    with spaces is quoted, the whole location in single quotes; the path keeps its case.
    https://docs.snowflake.com/en/sql-reference/sql/list"""
    found = StageLocation.parse(text)
    assert found == expected
    assert StageLocation.parse(found.sql()) == found
