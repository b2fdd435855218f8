"""The DB-API connection and cursor, against a small fake exposing ``run()``."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

import pyarrow as pa
import pytest

from emulator.api import connector
from emulator.api.connector import Connection
from emulator.api.types import TYPE_CODE
from icebridge import errors


@dataclass(frozen=True)
class Result:
    table: pa.Table
    rowcount: int | None
    query_id: str
    statement_kind: str


class FakeEmulator:
    """Answers from a queue of tables; records every statement it receives."""

    def __init__(self) -> None:
        self.log: list[str] = []
        self.answers: dict[str, pa.Table] = {}
        self.fail_on: str | None = None

    def run(self, sql: str) -> Result:
        self.log.append(sql)
        if self.fail_on is not None and self.fail_on in sql:
            raise errors.ProgrammingError("boom", errno=2003, sqlstate="42S02")
        kind = sql.split()[0].upper()
        kind = {"SELECT": "QUERY", "START": "BEGIN"}.get(kind, kind)
        if kind == "INSERT":
            count = sql.count("(") - 1  # one tuple per row after the column list
            table = pa.table({"number of rows inserted": [count]})
            return Result(table, count, f"q{len(self.log)}", kind)
        table = self.answers.get(sql, pa.table({"status": ["Statement executed successfully."]}))
        rowcount = table.num_rows if kind == "QUERY" else None
        return Result(table, rowcount, f"q{len(self.log)}", kind)


@pytest.fixture
def fake() -> FakeEmulator:
    return FakeEmulator()


TYPED = pa.table(
    {
        "N": pa.array([Decimal("7"), None], pa.decimal128(38, 0)),
        "D": pa.array([Decimal("1.50"), Decimal("2.25")], pa.decimal128(10, 2)),
        "F": pa.array([1.5, 2.0], pa.float64()),
        "S": pa.array(["a", "b"]),
        "DAY": pa.array([dt.date(2024, 1, 2), None], pa.date32()),
        "NTZ": pa.array([dt.datetime(2024, 1, 2, 3, 4, 5), None], pa.timestamp("us")),
        "LTZ": pa.array([dt.datetime(2024, 1, 2, 3, 4, 5), None], pa.timestamp("us", tz="UTC")),
        "B": pa.array([True, False]),
    }
).append_column(
    pa.field("V", pa.string(), metadata={b"snowflake_type": b"VARIANT"}),
    pa.array(['{"a":[1,2]}', None]),
)


def test_description_and_python_values(fake: FakeEmulator) -> None:
    fake.answers["SELECT * FROM typed"] = TYPED
    cur = Connection(fake).cursor().execute("SELECT * FROM typed")
    assert cur.description is not None
    assert [(d.name, d.type_code, d.precision, d.scale) for d in cur.description] == [
        ("N", TYPE_CODE["FIXED"], 38, 0),
        ("D", TYPE_CODE["FIXED"], 10, 2),
        ("F", TYPE_CODE["REAL"], None, None),
        ("S", TYPE_CODE["TEXT"], None, None),
        ("DAY", TYPE_CODE["DATE"], None, None),
        ("NTZ", TYPE_CODE["TIMESTAMP_NTZ"], 0, 9),
        ("LTZ", TYPE_CODE["TIMESTAMP_LTZ"], 0, 9),
        ("B", TYPE_CODE["BOOLEAN"], None, None),
        ("V", TYPE_CODE["VARIANT"], None, None),
    ]
    assert all(len(d) == 7 for d in cur.description)
    first, second = cur.fetchall()
    assert first[:6] == (
        7,
        Decimal("1.50"),
        1.5,
        "a",
        dt.date(2024, 1, 2),
        dt.datetime(2024, 1, 2, 3, 4, 5),
    )
    assert type(first[0]) is int
    assert first[6] == dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    assert first[7] is True
    assert first[8] == json.dumps({"a": [1, 2]}, indent=2)
    assert second == (None, Decimal("2.25"), 2.0, "b", None, None, None, False, None)
    assert cur.rowcount == 2
    assert cur.sfqid == "q1"


def test_fetch_styles_and_iteration(fake: FakeEmulator) -> None:
    fake.answers["SELECT n"] = pa.table({"N": pa.array(range(5), pa.int64())})
    cur = Connection(fake).cursor().execute("SELECT n")
    assert cur.fetchone() == (0,)
    assert cur.fetchmany() == [(1,)]
    cur.arraysize = 2
    assert cur.fetchmany() == [(2,), (3,)]
    assert list(cur) == [(4,)]
    assert cur.fetchone() is None
    assert cur.fetchall() == []


def test_arrow_and_pandas(fake: FakeEmulator) -> None:
    fake.answers["SELECT n"] = pa.table({"N": pa.array([1, 2, 3], pa.int64())})
    fake.answers["SELECT none"] = pa.table({"N": pa.array([], pa.int64())})
    conn = Connection(fake)
    cur = conn.cursor().execute("SELECT n")
    cur.fetchone()
    arrow = cur.fetch_arrow_all()
    assert arrow is not None
    assert arrow.column("N").to_pylist() == [2, 3]
    empty = conn.cursor().execute("SELECT none")
    assert empty.fetch_arrow_all() is None
    frame = conn.cursor().execute("SELECT n").fetch_pandas_all()
    assert list(frame["N"]) == [1, 2, 3]


def test_execute_binds_parameters(fake: FakeEmulator) -> None:
    cur = Connection(fake).cursor()
    cur.execute("SELECT %s", ("x'y",))
    assert fake.log[-1] == "SELECT 'x\\'y'"
    cur.execute("SELECT %s", None)  # no parameters: the text is sent untouched
    assert fake.log[-1] == "SELECT %s"
    cur.execute("SELECT '100%%'", ())  # nor with an empty sequence
    assert fake.log[-1] == "SELECT '100%%'"


def test_executemany_insert_runs_once_with_all_rows(fake: FakeEmulator) -> None:
    cur = Connection(fake).cursor()
    cur.executemany("INSERT INTO t (a, b) VALUES (%s, %s)", [(1, "a"), (2, "b"), (3, None)])
    assert fake.log == ["INSERT INTO t (a, b) VALUES (1, 'a'), (2, 'b'), (3, NULL)"]
    assert cur.rowcount == 3


def test_executemany_other_statements_run_per_parameter_set(fake: FakeEmulator) -> None:
    cur = Connection(fake).cursor()
    cur.executemany("DELETE FROM t WHERE a = %(a)s", [{"a": 1}, {"a": 2}])
    assert fake.log == ["DELETE FROM t WHERE a = 1", "DELETE FROM t WHERE a = 2"]


def test_execute_string_returns_one_cursor_per_statement(fake: FakeEmulator) -> None:
    fake.answers["SELECT 'a;b'"] = pa.table({"X": ["a;b"]})
    cursors = Connection(fake).execute_string("CREATE TABLE t (a INT);\n SELECT 'a;b' ; ")
    assert fake.log == ["CREATE TABLE t (a INT)", "SELECT 'a;b'"]
    assert [c.fetchall() for c in cursors] == [[("Statement executed successfully.",)], [("a;b",)]]


def test_execute_string_stops_at_the_first_error(fake: FakeEmulator) -> None:
    fake.fail_on = "nosuch"
    with pytest.raises(connector.ProgrammingError):
        Connection(fake).execute_string("SELECT 1; SELECT * FROM nosuch; SELECT 2")
    assert fake.log == ["SELECT 1", "SELECT * FROM nosuch"]


def test_autocommit_off_opens_a_transaction_until_commit(fake: FakeEmulator) -> None:
    conn = Connection(fake)
    conn.autocommit(False)
    cur = conn.cursor()
    cur.execute("INSERT INTO t VALUES (1)")
    cur.execute("INSERT INTO t VALUES (2)")
    conn.commit()
    cur.execute("INSERT INTO t VALUES (3)")
    conn.rollback()
    assert fake.log == [
        "BEGIN",
        "INSERT INTO t VALUES (1)",
        "INSERT INTO t VALUES (2)",
        "COMMIT",
        "BEGIN",
        "INSERT INTO t VALUES (3)",
        "ROLLBACK",
    ]


def test_context_manager_commits_or_rolls_back(fake: FakeEmulator) -> None:
    with Connection(fake, autocommit=False) as conn:
        conn.cursor().execute("INSERT INTO t VALUES (1)")
    assert fake.log[-1] == "COMMIT"
    conn = Connection(fake, autocommit=False)

    def fail_inside() -> None:
        with conn:
            conn.cursor().execute("INSERT INTO t VALUES (2)")
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        fail_inside()
    assert fake.log[-1] == "ROLLBACK"
    assert conn.is_closed()


def test_closed_objects_refuse_work(fake: FakeEmulator) -> None:
    conn = Connection(fake)
    cur = conn.cursor()
    with pytest.raises(connector.InterfaceError, match="run execute"):
        cur.fetchall()
    cur.close()
    with pytest.raises(connector.InterfaceError, match="Cursor is closed"):
        cur.execute("SELECT 1")
    conn.close()
    with pytest.raises(connector.InterfaceError, match="Connection is closed"):
        conn.cursor()


def test_module_level_names() -> None:
    assert (connector.apilevel, connector.paramstyle) == ("2.0", "pyformat")
    assert connector.threadsafety in (0, 1, 2, 3)
    assert connector.Error is errors.IcebridgeError
    assert connector.DatabaseError is errors.SqlError
    assert connector.ProgrammingError is errors.ProgrammingError
    assert connector.DataError is errors.DataError
    assert connector.NotSupportedError is errors.UnsupportedError
    for name in ("InterfaceError", "IntegrityError", "OperationalError", "InternalError"):
        assert issubclass(getattr(connector, name), connector.Error)
    assert issubclass(connector.Warning, Exception)


def test_pep249_type_objects_and_constructors(fake: FakeEmulator) -> None:
    fake.answers["SELECT typed"] = TYPED
    description = Connection(fake).cursor().execute("SELECT typed").description
    assert description is not None
    codes = {d.name: d.type_code for d in description}
    assert codes["N"] == connector.NUMBER
    assert codes["F"] == connector.NUMBER
    assert codes["S"] == connector.STRING
    assert codes["NTZ"] == connector.DATETIME
    assert codes["V"] == connector.BINARY
    assert codes["S"] != connector.NUMBER
    assert connector.Date(2024, 1, 2) == dt.date(2024, 1, 2)
    assert connector.TimestampFromTicks(0) == dt.datetime.fromtimestamp(0)
    assert connector.Binary(b"ab") == b"ab"
