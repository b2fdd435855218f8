"""Result column headers of unaliased expressions: the expression as written, upper-cased."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import snowflake.connector
from snowflake.connector import DictCursor

from emulator import Emulator
from icebridge.testing import patch

CAR_SALES = """
CREATE OR REPLACE TABLE car_sales (src VARIANT) AS
SELECT PARSE_JSON(column1) AS src FROM VALUES
('{"dealership": "Valley View Auto Sales", "salesperson": {"id": "55", "name": "Frank Beasley"},
   "customer": [{"name": "Joyce Ridgely"}], "vehicle": [{"make": "Honda", "price": "20275"}]}'),
('{"dealership": "Tindel Toyota", "salesperson": {"id": "274", "name": "Greg Northrup"},
   "customer": [{"name": "Bradley Greenbloom"}],
   "vehicle": [{"make": "Toyota", "price": "23500"}]}')
v
"""

BASIC_EXAMPLE = """
CREATE TABLE basic_example (i_col INTEGER, j_col INTEGER);
INSERT INTO basic_example VALUES
    (11,101), (11,102), (11,NULL), (12,101), (NULL,101), (NULL,102);
"""


def headers(emu: Emulator, sql: str) -> list[str]:
    return emu.sql(sql).column_names


def test_semi_structured_paths_are_headed_as_written(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/user-guide/querying-semistructured: the headers
    ``SRC:DEALERSHIP::VARCHAR``, ``SRC['SALESPERSON']['NAME']`` (string literals upper-cased
    too), ``SRC:CUSTOMER[0].NAME`` and ``SRC:VEHICLE[0].PRICE``; a quoted path element is
    upper-cased as well (``SRC:"$"[0]."@COUNT"``)."""
    emu.sql(CAR_SALES)
    assert headers(emu, "SELECT src:dealership, src:dealership::VARCHAR FROM car_sales") == [
        "SRC:DEALERSHIP",
        "SRC:DEALERSHIP::VARCHAR",
    ]
    assert headers(
        emu, "SELECT src['salesperson']['name']\n    FROM car_sales\n    ORDER BY 1"
    ) == ["SRC['SALESPERSON']['NAME']"]
    assert headers(emu, "SELECT src:customer[0].name, src:vehicle[0].price FROM car_sales") == [
        "SRC:CUSTOMER[0].NAME",
        "SRC:VEHICLE[0].PRICE",
    ]
    quoted = headers(emu, """SELECT src:"$"[0]."@count" FROM (SELECT PARSE_JSON('{}') src)""")
    assert quoted == ['SRC:"$"[0]."@COUNT"']


def test_function_calls_are_headed_as_written(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/array_size: ``SELECT ARRAY_SIZE(v)
    from colors`` is headed ``ARRAY_SIZE(V)`` and ``GET(v, ARRAY_SIZE(v)-1)``
    ``GET(V, ARRAY_SIZE(V)-1)`` (whitespace as written: no spaces added around ``-``);
    https://docs.snowflake.com/en/sql-reference/functions/count: ``SELECT i_col, COUNT(*),
    COUNT(j_col) ... GROUP BY i_col`` is headed ``I_COL | COUNT(*) | COUNT(J_COL)``, and
    aliased columns keep their alias (``"All"``)."""
    emu.sql("CREATE OR replace TABLE colors (v variant)")
    assert headers(emu, "SELECT ARRAY_SIZE(v) from colors") == ["ARRAY_SIZE(V)"]
    assert headers(emu, "SELECT *, GET(v, ARRAY_SIZE(v)-1) FROM colors") == [
        "V",
        "GET(V, ARRAY_SIZE(V)-1)",
    ]
    emu.execute(BASIC_EXAMPLE)
    table = emu.sql(
        "SELECT i_col, COUNT(*), COUNT(j_col)\n    FROM basic_example\n"
        "    GROUP BY i_col\n    ORDER BY i_col"
    )
    assert table.column_names == ["I_COL", "COUNT(*)", "COUNT(J_COL)"]
    assert [tuple(r.values()) for r in table.to_pylist()] == [
        (11, 3, 2),
        (12, 1, 1),
        (None, 2, 2),
    ]
    assert headers(emu, 'SELECT COUNT(*) AS "All", COUNT(i_col) AS "i_col" FROM basic_example') == [
        "All",
        "i_col",
    ]


def test_expressions_of_a_union_and_a_subquery(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/operators-query: a set operation takes the
    column names of its first query; each is that query's expression as written."""
    emu.execute(BASIC_EXAMPLE)
    assert headers(
        emu, "SELECT i_col+1, j_col::varchar FROM basic_example UNION ALL SELECT 1, 'x'"
    ) == ["I_COL+1", "J_COL::VARCHAR"]
    assert headers(emu, "SELECT n*2 FROM (SELECT COUNT(*) n FROM basic_example)") == ["N*2"]


@pytest.fixture
def conn() -> Iterator[snowflake.connector.SnowflakeConnection]:
    with patch() as emu:
        emu.execute(f"CREATE DATABASE db; {BASIC_EXAMPLE}")
        yield snowflake.connector.connect(account="acct", user="me", database="db")


def test_dict_cursor_keys_are_the_written_expressions(
    conn: snowflake.connector.SnowflakeConnection,
) -> None:
    """https://docs.snowflake.com/en/developer-guide/python-connector/python-connector-api
    (DictCursor: rows keyed by column name) with the names of
    https://docs.snowflake.com/en/sql-reference/functions/count: ``row["COUNT(*)"]``."""
    cur = conn.cursor(DictCursor)
    row = cur.execute("SELECT COUNT(*), MAX(j_col)-MIN(j_col) FROM basic_example").fetchone()
    assert row == {"COUNT(*)": 6, "MAX(J_COL)-MIN(J_COL)": 1}
    assert [d.name for d in cur.description] == ["COUNT(*)", "MAX(J_COL)-MIN(J_COL)"]
