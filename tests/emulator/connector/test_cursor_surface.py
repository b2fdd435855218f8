"""The connector's cursor surface, used as snowflake-connector-python code uses it.

Each rule is the installed connector's (snowflakedb/snowflake-connector-python
``src/snowflake/connector/cursor.py`` and ``connection.py``) or the API reference
(https://docs.snowflake.com/en/developer-guide/python-connector/python-connector-api).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pyarrow as pa
import pytest
import snowflake.connector
from snowflake.connector import DictCursor
from snowflake.connector.constants import FIELD_NAME_TO_ID, QueryStatus
from snowflake.connector.cursor import ResultMetadata as ConnectorResultMetadata

from icebridge.testing import patch


@pytest.fixture
def conn() -> Iterator[snowflake.connector.SnowflakeConnection]:
    with patch() as emu:
        emu.execute(
            "CREATE DATABASE shop;"
            "CREATE TABLE shop.public.orders (id INT, customer VARCHAR, total NUMBER(10,2))"
        )
        connection = snowflake.connector.connect(account="acct", user="me", database="shop")
        connection.cursor().execute(
            "INSERT INTO orders VALUES (1, 'ann', 10.50), (2, 'bob', 3.25), (3, 'ann', 7.00)"
        )
        yield connection


def test_dict_cursor_rows_are_dicts(conn: snowflake.connector.SnowflakeConnection) -> None:
    """``conn.cursor(DictCursor)``: "Cursor returning results in a dictionary"."""
    cur = conn.cursor(DictCursor)
    cur.execute("SELECT id, customer FROM orders WHERE id = %s", (1,))
    assert cur.fetchone() == {"ID": 1, "CUSTOMER": "ann"}
    rows = cur.execute("SELECT id FROM orders ORDER BY id").fetchmany(2)
    assert rows == [{"ID": 1}, {"ID": 2}]
    assert cur.fetchall() == [{"ID": 3}]


def test_execute_string_and_stream_take_a_cursor_class(
    conn: snowflake.connector.SnowflakeConnection,
) -> None:
    """``execute_string(sql_text, remove_comments, return_cursors, cursor_class)`` returns one
    cursor per statement; ``execute_stream`` yields them."""
    cursors = conn.execute_string(
        "SELECT COUNT(*) AS n FROM orders; SELECT MAX(id) AS m FROM orders",
        cursor_class=DictCursor,
    )
    assert [c.fetchall() for c in cursors] == [[{"N": 3}], [{"M": 3}]]
    assert conn.execute_string("SELECT 1", return_cursors=False) == []
    streamed = conn.execute_stream(io.StringIO("SELECT 1 AS a;\nSELECT 2 AS b;"))
    assert [c.fetchone() for c in streamed] == [(1,), (2,)]


def test_execute_returns_the_cursor_and_none_for_empty_text(
    conn: snowflake.connector.SnowflakeConnection,
) -> None:
    cur = conn.cursor()
    assert cur.execute("SELECT 1") is cur
    assert cur.execute("  \n ") is None  # "execute: no query is given to execute"


def test_sqlstate_sfqid_and_rowcount(conn: snowflake.connector.SnowflakeConnection) -> None:
    """``sqlstate`` is the statement's SQLSTATE (00000 on success, the error's otherwise);
    ``sfqid`` is set for failed statements too."""
    cur = conn.cursor()
    cur.execute("UPDATE orders SET total = 0 WHERE customer = 'ann'")
    assert (cur.rowcount, cur.sqlstate) == (2, "00000")
    ok_id = cur.sfqid
    with pytest.raises(snowflake.connector.errors.ProgrammingError):
        cur.execute("SELECT * FROM nosuch")
    assert cur.sqlstate == "42S02"
    assert cur.sfqid is not None
    assert cur.sfqid != ok_id


def test_description_uses_the_connectors_type_codes(
    conn: snowflake.connector.SnowflakeConnection,
) -> None:
    """``description`` holds the connector's ResultMetadata 7-tuples whose type_code indexes
    its FIELD_TYPES (TIMESTAMP_LTZ 6, TIMESTAMP_TZ 7, TIMESTAMP_NTZ 8 …)."""
    cur = conn.cursor().execute(
        "SELECT 1::NUMBER(10,2) AS n, 'x' AS s, CURRENT_DATE() AS d, "
        "'2024-01-02 03:04:05+02:00'::TIMESTAMP_TZ AS tz, "
        "'2024-01-02 03:04:05'::TIMESTAMP_NTZ AS ntz, TRUE AS b"
    )
    description = cur.description
    codes = {d.name: d.type_code for d in description}
    assert codes == {
        "N": FIELD_NAME_TO_ID["FIXED"],
        "S": FIELD_NAME_TO_ID["TEXT"],
        "D": FIELD_NAME_TO_ID["DATE"],
        "TZ": FIELD_NAME_TO_ID["TIMESTAMP_TZ"],
        "NTZ": FIELD_NAME_TO_ID["TIMESTAMP_NTZ"],
        "B": FIELD_NAME_TO_ID["BOOLEAN"],
    }
    assert FIELD_NAME_TO_ID["TIMESTAMP_TZ"] == 7
    first = description[0]
    assert first == ConnectorResultMetadata(*first)  # the same 7 fields, in order
    assert (first.precision, first.scale) == (10, 2)


def test_describe_returns_the_metadata_without_changing_anything(
    conn: snowflake.connector.SnowflakeConnection,
) -> None:
    """``describe`` obtains "the schema of the result without executing the query"."""
    cur = conn.cursor()
    meta = cur.describe("SELECT id, customer FROM orders WHERE id = %s", (1,))
    assert [(m.name, m.type_code) for m in meta] == [
        ("ID", FIELD_NAME_TO_ID["FIXED"]),
        ("CUSTOMER", FIELD_NAME_TO_ID["TEXT"]),
    ]
    with pytest.raises(snowflake.connector.errors.NotSupportedError):
        cur.describe("DELETE FROM orders")
    assert conn.cursor().execute("SELECT COUNT(*) FROM orders").fetchone() == (3,)


def test_fetch_rules(conn: snowflake.connector.SnowflakeConnection) -> None:
    """fetchmany refuses a negative size (252003); rownumber is the index of the last row
    fetched; iteration goes on from where fetching stopped."""
    cur = conn.cursor().execute("SELECT id FROM orders ORDER BY id")
    assert cur.rownumber is None
    assert cur.fetchone() == (1,)
    assert cur.rownumber == 0
    with pytest.raises(snowflake.connector.errors.ProgrammingError) as info:
        cur.fetchmany(-1)
    assert info.value.errno == 252003
    assert list(cur) == [(2,), (3,)]
    assert cur.fetchone() is None


def test_arrow_and_pandas_fetches(conn: snowflake.connector.SnowflakeConnection) -> None:
    cur = conn.cursor().execute("SELECT id, customer FROM orders ORDER BY id")
    batches = list(cur.fetch_arrow_batches())
    assert pa.concat_tables(batches).column("ID").to_pylist() == [1, 2, 3]
    frames = list(conn.cursor().execute("SELECT id FROM orders").fetch_pandas_batches())
    assert sum(len(f) for f in frames) == 3
    empty = conn.cursor().execute("SELECT id FROM orders WHERE id < 0")
    assert empty.fetch_arrow_all() is None
    forced = conn.cursor().execute("SELECT id FROM orders WHERE id < 0")
    assert forced.fetch_arrow_all(force_return_table=True).num_rows == 0


def test_result_batches_read_on_their_own(conn: snowflake.connector.SnowflakeConnection) -> None:
    """``get_result_batches()``: ResultBatch objects with rowcount, schema, to_arrow,
    to_pandas and create_iter; None before anything ran."""
    cur = conn.cursor()
    assert cur.get_result_batches() is None
    cur.execute("SELECT id, customer FROM orders ORDER BY id")
    batches = cur.get_result_batches()
    assert sum(b.rowcount for b in batches) == 3
    assert [m.name for m in batches[0].schema] == ["ID", "CUSTOMER"]
    assert list(batches[0].create_iter()) == [(1, "ann"), (2, "bob"), (3, "ann")]
    assert batches[0].to_pandas()["CUSTOMER"].tolist() == ["ann", "bob", "ann"]
    assert batches[0].to_arrow().num_rows == 3


def test_async_queries_and_results_by_query_id(
    conn: snowflake.connector.SnowflakeConnection,
) -> None:
    """execute_async returns the query id; get_query_status gives the connector's
    QueryStatus; get_results_from_sfqid loads the rows; a failed query raises from
    get_query_status_throw_if_error (python-connector-example#performing-an-asynchronous-query)."""
    cur = conn.cursor()
    data = cur.execute_async("SELECT COUNT(*) FROM orders")
    query_id = data["queryId"]
    assert query_id == cur.sfqid
    status = conn.get_query_status(query_id)
    assert status == QueryStatus.SUCCESS
    assert not conn.is_still_running(status)
    assert not conn.is_an_error(status)
    reader = conn.cursor()
    reader.get_results_from_sfqid(query_id)
    assert reader.fetchall() == [(3,)]

    failed = conn.cursor().execute_async("SELECT * FROM nosuch")["queryId"]
    assert conn.get_query_status(failed) == QueryStatus.FAILED_WITH_ERROR
    assert conn.is_an_error(conn.get_query_status(failed))
    with pytest.raises(snowflake.connector.errors.ProgrammingError) as info:
        conn.get_query_status_throw_if_error(failed)
    assert (info.value.errno, info.value.sfqid) == (2003, failed)
    with pytest.raises(snowflake.connector.errors.ProgrammingError):
        conn.cursor().get_results_from_sfqid(failed)
    # An id nobody ran has no data; one that is not a UUID is a ValueError, as there.
    assert conn.get_query_status("6b8b4567-0000-0000-0000-000000000000") == QueryStatus.NO_DATA
    with pytest.raises(ValueError, match="Invalid UUID"):
        conn.get_query_status("not-a-uuid")


def test_multi_statement_execute_and_nextset(
    conn: snowflake.connector.SnowflakeConnection,
) -> None:
    """``num_statements`` runs a multi-statement request; nextset() moves through the
    results; a count that does not match is Snowflake's 000008 (0A000)."""
    cur = conn.cursor()
    cur.execute("SELECT 1; SELECT 2", num_statements=2)
    assert cur.fetchall() == [(1,)]
    assert cur.nextset() is cur
    assert cur.fetchall() == [(2,)]
    assert cur.nextset() is None
    with pytest.raises(snowflake.connector.errors.ProgrammingError) as info:
        cur.execute("SELECT 1; SELECT 2", num_statements=3)
    assert (info.value.errno, info.value.sqlstate) == (8, "0A000")


def test_close_and_is_closed(conn: snowflake.connector.SnowflakeConnection) -> None:
    """Cursor.close() returns whether this call closed it; is_closed() is a method on both;
    a closed cursor raises InterfaceError 252006, a closed connection DatabaseError 250002."""
    cur = conn.cursor()
    assert cur.close() is True
    assert cur.close() is False
    assert cur.is_closed()
    with pytest.raises(snowflake.connector.errors.InterfaceError) as info:
        cur.execute("SELECT 1")
    assert info.value.errno == 252006
    assert conn.is_closed() is False
    conn.close()
    assert conn.is_closed() is True
    with pytest.raises(snowflake.connector.errors.DatabaseError) as closed:
        conn.cursor()
    assert (closed.value.errno, closed.value.sqlstate) == (250002, "08003")


def test_context_managers_commit_without_autocommit() -> None:
    """``with connect(...) as conn`` commits on a clean exit when AUTOCOMMIT is off and
    rolls back on an error (SnowflakeConnection.__exit__)."""
    with patch() as emu:
        emu.execute("CREATE DATABASE d; CREATE TABLE d.public.t (id INT)")
        with (
            snowflake.connector.connect(database="d", autocommit=False) as conn,
            conn.cursor() as cur,
        ):
            cur.execute("INSERT INTO t VALUES (1)")
        assert conn.is_closed()

        def fail_inside() -> None:
            with snowflake.connector.connect(database="d", autocommit=False) as failing:
                failing.cursor().execute("INSERT INTO t VALUES (2)")
                raise RuntimeError("stop")

        with pytest.raises(RuntimeError):
            fail_inside()
        assert emu.sql("SELECT id FROM d.public.t").column(0).to_pylist() == [1]


def test_autocommit_method_and_connection_properties() -> None:
    """``autocommit(mode)`` takes a bool (else ProgrammingError 251007); database, schema,
    warehouse, role and session_id follow the session."""
    with patch() as emu:
        emu.execute("CREATE DATABASE d; CREATE TABLE d.public.t (id INT)")
        conn = snowflake.connector.connect(database="d", warehouse="wh", role="analyst")
        assert (conn.database, conn.schema, conn.warehouse, conn.role) == (
            "D",
            "PUBLIC",
            "WH",
            "ANALYST",
        )
        assert isinstance(conn.session_id, int)
        with pytest.raises(snowflake.connector.errors.ProgrammingError) as info:
            conn.autocommit("no")  # type: ignore[arg-type]
        assert info.value.errno == 251007
        conn.autocommit(False)
        conn.cursor().execute("INSERT INTO t VALUES (1)")
        conn.rollback()
        conn.autocommit(True)
        conn.cursor().execute("INSERT INTO t VALUES (2)")
        assert emu.sql("SELECT id FROM d.public.t").column(0).to_pylist() == [2]


def test_timestamps_come_back_as_the_connector_converts_them(
    conn: snowflake.connector.SnowflakeConnection,
) -> None:
    """TIMESTAMP_NTZ -> naive datetime, TIMESTAMP_TZ -> aware datetime (data type
    mappings, python-connector-api#data-type-mappings-for-qmark-and-numeric-bindings)."""
    row = (
        conn.cursor()
        .execute(
            "SELECT '2024-01-02 03:04:05'::TIMESTAMP_NTZ, '2024-01-02 03:04:05+00:00'::TIMESTAMP_TZ"
        )
        .fetchone()
    )
    assert row[0] == dt.datetime(2024, 1, 2, 3, 4, 5)
    assert row[1] == dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def test_table_columns_keep_timestamp_tz_and_ltz_apart(
    conn: snowflake.connector.SnowflakeConnection,
) -> None:
    """Both arrive time-zone aware, yet the connector reports TIMESTAMP_TZ as 7 and
    TIMESTAMP_LTZ (also CURRENT_TIMESTAMP()'s type) as 6 (its FIELD_TYPES)."""
    conn.cursor().execute("CREATE TABLE ev (at_tz TIMESTAMP_TZ, at_ltz TIMESTAMP_LTZ)")
    cur = conn.cursor().execute("SELECT at_tz, at_ltz AS l, CURRENT_TIMESTAMP() AS now FROM ev")
    assert [d.type_code for d in cur.description] == [7, 6, 6]


def test_callproc_binds_arguments_as_values(conn: snowflake.connector.SnowflakeConnection) -> None:
    """``callproc`` sends ``CALL name(args)`` with each argument a value, never SQL text; the
    emulator has no stored procedures, so the CALL is refused naming the procedure."""
    cur = conn.cursor()
    cur.execute("CREATE TABLE keep (a INT)")
    with pytest.raises(snowflake.connector.errors.NotSupportedError, match="CALL PROC"):
        cur.callproc("proc", ("x'); DROP TABLE keep; --", 1))
    assert cur.execute("SELECT COUNT(*) FROM keep").fetchone() == (0,)
