"""Reading Iceberg tables: joins, AT time travel, SYSTEM$GET_ICEBERG_TABLE_INFORMATION and
DuckDB's own Iceberg extension reading exactly what the emulator returns."""

from __future__ import annotations

import json

import duckdb
import pyarrow as pa
import pytest

from emulator import Emulator
from emulator.iceberg import load_iceberg_extension
from icebridge.errors import SqlError


def _info(emu: Emulator, name: str) -> dict[str, str]:
    result = emu.sql(f"SELECT SYSTEM$GET_ICEBERG_TABLE_INFORMATION('{name}')")
    # Snowflake names the column after the expression, upper-cased.
    assert result.column_names == [f"SYSTEM$GET_ICEBERG_TABLE_INFORMATION('{name.upper()}')"]
    parsed: dict[str, str] = json.loads(result.column(0)[0].as_py())
    return parsed


def _external(location: str) -> pa.Table:
    con = duckdb.connect()
    try:
        load_iceberg_extension(con)
        return con.execute("SELECT * FROM iceberg_scan(?) ORDER BY 1", [location]).to_arrow_table()
    finally:
        con.close()


def test_join_native_and_iceberg(emu: Emulator) -> None:
    emu.sql("CREATE ICEBERG TABLE t (id INT, v STRING)")
    emu.sql("CREATE TABLE n (id INT, w STRING)")
    emu.sql("INSERT INTO t VALUES (1, 'a'), (2, 'b')")
    emu.sql("INSERT INTO n VALUES (2, 'x'), (3, 'y')")
    rows = emu.sql("SELECT t.id, t.v, n.w FROM t JOIN db.public.n AS n ON n.id = t.id")
    assert rows.to_pylist() == [{"ID": 2, "V": "b", "W": "x"}]


def test_at_offset_and_timestamp_read_older_snapshots(emu: Emulator) -> None:
    emu.sql("CREATE ICEBERG TABLE t (a INT)")
    emu.advance("1 minute")
    emu.sql("INSERT INTO t VALUES (1)")
    emu.advance("1 hour")
    emu.sql("INSERT INTO t VALUES (2)")
    emu.advance("1 hour")
    emu.sql("DELETE FROM t WHERE a = 1")
    assert emu.sql("SELECT a FROM t").to_pylist() == [{"A": 2}]
    assert emu.sql("SELECT SUM(a) AS s FROM t AT(OFFSET => -1800)").to_pylist() == [{"S": 3}]
    assert emu.sql("SELECT SUM(a) AS s FROM t AT(OFFSET => -5400)").to_pylist() == [{"S": 1}]
    # Between creation and the first write: the table existed, empty.
    created = emu.sql("SELECT COUNT(*) AS c FROM t AT(OFFSET => -7230)")
    assert created.to_pylist() == [{"C": 0}]
    ts = emu.now.isoformat(sep=" ")  # with its +00:00 offset
    at_now = emu.sql(f"SELECT COUNT(*) AS c FROM t AT(TIMESTAMP => '{ts}'::TIMESTAMP_LTZ)")
    assert at_now.to_pylist() == [{"C": 1}]
    with pytest.raises(SqlError, match="Time travel data is not available"):
        emu.sql("SELECT * FROM t AT(OFFSET => -86400 * 3)")


def test_table_information_reports_the_current_metadata(emu: Emulator) -> None:
    emu.sql("CREATE ICEBERG TABLE t (a INT)")
    first = _info(emu, "DB.PUBLIC.T")
    assert first["status"] == "success"
    assert first["metadataLocation"].endswith(".metadata.json")
    assert _info(emu, "DB.PUBLIC.T") == first  # nothing changed, nothing written
    emu.sql("INSERT INTO t VALUES (1)")
    assert _info(emu, "db.public.t")["metadataLocation"] != first["metadataLocation"]
    with pytest.raises(SqlError, match="does not exist"):
        emu.sql("SELECT SYSTEM$GET_ICEBERG_TABLE_INFORMATION('DB.PUBLIC.NOPE')")


def test_duckdb_iceberg_extension_reads_what_the_emulator_returns(emu: Emulator) -> None:
    emu.sql(
        "CREATE ICEBERG TABLE t (id INT PRIMARY KEY, amount NUMBER(10,2), name STRING, "
        "ts TIMESTAMP_NTZ, big NUMBER(38,0), f FLOAT, d DATE) PARTITION BY (BUCKET(2, id))"
    )
    emu.sql(
        "INSERT INTO t SELECT seq4() + 1, (seq4() * 1.25)::NUMBER(10,2), 'n' || seq4(), "
        "'2026-01-01'::TIMESTAMP_NTZ + INTERVAL '1 minute' * seq4(), seq4() * 1000000, "
        "seq4() / 3, '2026-02-01'::DATE FROM TABLE(GENERATOR(ROWCOUNT => 50))"
    )

    def check() -> None:
        ours = emu.sql("SELECT * FROM t ORDER BY id")
        theirs = _external(_info(emu, "DB.PUBLIC.T")["metadataLocation"])
        assert theirs.schema.types == ours.schema.types
        assert theirs.to_pylist() == [
            dict(zip(theirs.column_names, r.values(), strict=True)) for r in ours.to_pylist()
        ]

    check()
    emu.sql(
        "MERGE INTO t USING (SELECT 3 AS id, 9.99 AS amount UNION ALL SELECT 500, 1) s "
        "ON t.id = s.id WHEN MATCHED THEN UPDATE SET amount = s.amount "
        "WHEN NOT MATCHED THEN INSERT (id, amount) VALUES (s.id, s.amount)"
    )
    check()
    emu.sql("DELETE FROM t WHERE id % 4 = 0")
    check()
    # 50 generated + 1 merged row, minus the 13 ids divisible by 4 (500 included)
    assert emu.sql("SELECT COUNT(*) AS c FROM t").to_pylist() == [{"C": 38}]
