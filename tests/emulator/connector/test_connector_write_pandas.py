"""The connector's own ``write_pandas`` against the emulator, through the patch.

snowflakedb/snowflake-connector-python ``src/snowflake/connector/pandas_tools.py``: each
chunk is written as Parquet to a temporary stage (``cursor._upload``, i.e. PUT), then one
``COPY INTO t (cols) FROM (SELECT $1:"c" … FROM @stage)`` loads them; it returns
``(success, nchunks, nrows, output)``. ``quote_identifiers=True`` (the default) quotes the
DataFrame's column names, so they are case-sensitive; columns left out take their DEFAULT
(https://docs.snowflake.com/en/sql-reference/sql/copy-into-table). SNOWFLAKE_SEMANTICS §7.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest
import snowflake.connector
import snowflake.connector.errors as sf_errors
from snowflake.connector.pandas_tools import write_pandas

from emulator import Emulator
from icebridge.testing import patch

# The connector's own check of the frame calls a pandas function pandas 3 deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:is_datetime64tz_dtype is deprecated")


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with patch() as emulator:
        emulator.execute(
            "CREATE DATABASE d;"
            "CREATE TABLE d.public.orders (ID NUMBER, STATUS STRING, NOTE STRING DEFAULT 'none')"
        )
        yield emulator


def test_write_pandas_loads_every_chunk(emu: Emulator) -> None:
    conn = snowflake.connector.connect(database="d", schema="public")
    frame = pd.DataFrame({"ID": [1, 2, 3], "STATUS": ["new", "paid", "new"]})
    success, nchunks, nrows, output = write_pandas(conn, frame, "ORDERS", chunk_size=2)
    assert (success, nchunks, nrows) == (True, 2, 3)
    assert [row[1] for row in output] == ["LOADED", "LOADED"]
    rows = emu.sql("SELECT ID, STATUS, NOTE FROM d.public.orders ORDER BY ID").to_pylist()
    assert [(int(r["ID"]), r["STATUS"], r["NOTE"]) for r in rows] == [
        (1, "new", "none"),
        (2, "paid", "none"),
        (3, "new", "none"),
    ]


def test_quoted_identifiers_are_case_sensitive(emu: Emulator) -> None:
    conn = snowflake.connector.connect(database="d", schema="public")
    with pytest.raises(sf_errors.ProgrammingError, match="invalid identifier 'id'"):
        write_pandas(conn, pd.DataFrame({"id": [4]}), "ORDERS")
    assert write_pandas(conn, pd.DataFrame({"id": [4]}), "ORDERS", quote_identifiers=False)[0]
    assert emu.sql("SELECT COUNT(*) FROM d.public.orders").column(0).to_pylist() == [1]


def test_auto_create_table_infers_the_columns(emu: Emulator) -> None:
    conn = snowflake.connector.connect(database="d", schema="public")
    frame = pd.DataFrame({"A": [1, 2], "b": ["x", "y"]})
    assert write_pandas(conn, frame, "FRESH", auto_create_table=True)[:3] == (True, 1, 2)
    cursor = conn.cursor().execute('SELECT "A", "b" FROM fresh ORDER BY "A"')
    assert cursor.fetchall() == [(1, "x"), (2, "y")]
