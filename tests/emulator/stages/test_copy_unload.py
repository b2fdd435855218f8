"""COPY INTO <location>: unloading a table or a query into stage files.

https://docs.snowflake.com/en/sql-reference/sql/copy-into-location
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from stage_helpers import rows

from emulator import Emulator
from icebridge.errors import SqlError


@pytest.fixture
def home(emu: Emulator) -> Emulator:
    """HOME_SALES of the docs' "Retaining NULL/empty field data" example."""
    emu.sql("CREATE TABLE home_sales (city STRING, state STRING, zip STRING, price INT)")
    emu.sql(
        "INSERT INTO home_sales VALUES ('Lexington', 'MA', '95815', 268880), "
        "('Belmont', 'MA', '95815', NULL), ('Winchester', 'MA', NULL, NULL)"
    )
    return emu


def _read(emu: Emulator, tmp_path: Path, location: str) -> dict[str, bytes]:
    """The stage files below ``location`` as downloaded by GET (decompressed)."""
    folder = tmp_path / "get"
    emu.sql(f"GET {location} file://{folder}/")
    out = {}
    for path in folder.iterdir():
        data = path.read_bytes()
        out[path.name] = gzip.decompress(data) if path.name.endswith(".gz") else data
    return out


def test_unload_to_the_user_stage_gzip_csv(home: Emulator, tmp_path: Path) -> None:
    """Unloading the table into ``@~`` writes gzipped CSV (COMPRESSION AUTO is gzip) named
    data_0_0_0.csv.gz; NULL_IF's first value stands for NULL; the result reports the rows
    and bytes unloaded."""
    result = home.sql(
        "COPY INTO @~ FROM HOME_SALES "
        "FILE_FORMAT = (TYPE = csv NULL_IF = ('NULL', 'null') EMPTY_FIELD_AS_NULL = false)"
    )
    assert result.column_names == ["rows_unloaded", "input_bytes", "output_bytes"]
    summary = result.to_pylist()[0]
    assert summary["rows_unloaded"] == 3
    assert home.sql("LIST @~").column("name").to_pylist() == ["data_0_0_0.csv.gz"]
    text = _read(home, tmp_path, "@~")["data_0_0_0.csv.gz"].decode()
    assert text.splitlines() == [
        "Lexington,MA,95815,268880",
        "Belmont,MA,95815,NULL",
        "Winchester,MA,NULL,NULL",
    ]
    assert summary["input_bytes"] == len(text.encode())


def test_prefix_header_and_no_compression(home: Emulator, tmp_path: Path) -> None:
    """A path not ending in ``/`` is a file name prefix (``result/data_`` gives
    result/data_0_0_0.csv); HEADER = TRUE writes the column names."""
    home.sql("CREATE STAGE my_stage")
    home.sql(
        "COPY INTO @my_stage/result/data_ FROM (SELECT city, price FROM home_sales "
        "WHERE price IS NOT NULL) FILE_FORMAT = (TYPE = CSV COMPRESSION = NONE) HEADER = TRUE"
    )
    assert home.sql("LIST @my_stage").column("name").to_pylist() == [
        "my_stage/result/data_0_0_0.csv"
    ]
    content = _read(home, tmp_path, "@my_stage/result/")["data_0_0_0.csv"]
    assert content.decode().splitlines() == ["CITY,PRICE", "Lexington,268880"]


def test_single_file_and_overwrite(home: Emulator) -> None:
    """SINGLE = TRUE writes one file named by the path; the same unload again fails unless
    OVERWRITE = TRUE."""
    home.sql("CREATE STAGE mystage")
    home.sql(
        "COPY INTO @mystage/data.csv FROM home_sales SINGLE = TRUE "
        "FILE_FORMAT = (COMPRESSION = NONE)"
    )
    assert home.sql("LIST @mystage").column("name").to_pylist() == ["mystage/data.csv"]
    with pytest.raises(SqlError) as caught:
        home.sql("COPY INTO @mystage/data.csv FROM home_sales SINGLE = TRUE")
    assert "Use overwrite option" in str(caught.value)
    home.sql("COPY INTO @mystage/data.csv FROM home_sales SINGLE = TRUE OVERWRITE = TRUE")
    assert home.sql("LIST @mystage").num_rows == 1


def test_parquet_unload_loads_back(home: Emulator) -> None:
    """Unloaded Parquet files (snappy) keep the column names with HEADER = TRUE and load back
    with MATCH_BY_COLUMN_NAME."""
    home.sql("CREATE STAGE p")
    home.sql("COPY INTO @p/out/ FROM home_sales FILE_FORMAT = (TYPE = PARQUET) HEADER = TRUE")
    assert home.sql("LIST @p").column("name").to_pylist() == ["p/out/data_0_0_0.snappy.parquet"]
    home.sql("CREATE TABLE copy_back (price INT, city STRING)")
    home.sql(
        "COPY INTO copy_back FROM @p/out/ FILE_FORMAT = (TYPE = PARQUET) "
        "MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE"
    )
    assert rows(home, "SELECT city, price FROM copy_back ORDER BY city") == [
        {"CITY": "Belmont", "PRICE": None},
        {"CITY": "Lexington", "PRICE": 268880},
        {"CITY": "Winchester", "PRICE": None},
    ]


def test_parquet_without_header_has_generic_names(home: Emulator, tmp_path: Path) -> None:
    """ "Parquet: Include generic column headings (e.g. col1, col2, etc.)" when HEADER is
    FALSE (the default)."""
    home.sql("CREATE STAGE p")
    home.sql("COPY INTO @p/ FROM (SELECT city, zip FROM home_sales) FILE_FORMAT = (TYPE = PARQUET)")
    data = _read(home, tmp_path, "@p/")["data_0_0_0.snappy.parquet"]
    assert pq.read_schema(io.BytesIO(data)).names == ["col1", "col2"]


def test_json_unload_of_a_variant_column(emu: Emulator, tmp_path: Path) -> None:
    """JSON unloads a VARIANT column, one document per line."""
    emu.sql("CREATE TABLE docs (v VARIANT)")
    emu.sql("INSERT INTO docs SELECT PARSE_JSON('{\"a\": 1}')")
    emu.sql("COPY INTO @~/j/ FROM docs FILE_FORMAT = (TYPE = JSON)")
    text = _read(emu, tmp_path, "@~/j/")["data_0_0_0.json.gz"].decode()
    assert text == '{"a":1}\n'


def test_no_rows_no_file_and_validation_mode(home: Emulator) -> None:
    """ "If the source table contains 0 rows, then the COPY operation does not unload a data
    file"; VALIDATION_MODE = RETURN_ROWS returns the query's rows instead of unloading."""
    home.sql("CREATE STAGE s")
    empty = home.sql("COPY INTO @s FROM (SELECT * FROM home_sales WHERE 1 = 0)")
    assert empty.to_pylist() == [{"rows_unloaded": 0, "input_bytes": 0, "output_bytes": 0}]
    assert home.sql("LIST @s").num_rows == 0
    shown = home.sql(
        "COPY INTO @s FROM (SELECT city FROM home_sales LIMIT 2) VALIDATION_MODE='RETURN_ROWS'"
    )
    assert shown.column("CITY").to_pylist() == ["Lexington", "Belmont"]
    assert home.sql("LIST @s").num_rows == 0


def test_max_file_size_splits_the_rows(emu: Emulator) -> None:
    """MAX_FILE_SIZE bounds the size of each file: more rows go to more files."""
    emu.sql("CREATE TABLE wide (v STRING)")
    emu.sql("INSERT INTO wide SELECT REPEAT('x', 100) FROM TABLE(GENERATOR(ROWCOUNT => 50))")
    emu.sql("COPY INTO @~/big/ FROM wide FILE_FORMAT = (COMPRESSION = NONE) MAX_FILE_SIZE = 1000")
    names = emu.sql("LIST @~/big/").column("name").to_pylist()
    assert len(names) > 1
    assert names[0] == "big/data_0_0_0.csv"


def test_unload_from_a_stream_consumes_it(emu: Emulator) -> None:
    """A committed COPY INTO <location> that reads a stream consumes it (SNOWFLAKE_SEMANTICS
    §1.4). https://docs.snowflake.com/en/user-guide/streams-intro"""
    emu.sql("CREATE TABLE src (id INT)")
    emu.sql("CREATE STREAM st ON TABLE src")
    emu.sql("INSERT INTO src VALUES (1), (2)")
    result = emu.sql("COPY INTO @~/changes/ FROM (SELECT id FROM st)")
    assert result.column("rows_unloaded").to_pylist() == [2]
    assert rows(emu, "SELECT count(*) AS n FROM st") == [{"N": 0}]
    emu.sql("INSERT INTO src VALUES (3)")
    emu.sql("BEGIN")
    emu.sql("COPY INTO @~/more/ FROM (SELECT id FROM st)")
    emu.sql("ROLLBACK")
    assert rows(emu, "SELECT id FROM st") == [{"ID": 3}]  # a rollback consumes nothing
