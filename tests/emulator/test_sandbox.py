"""The sandbox: Snowflake SQL run on the emulator cannot reach DuckDB's file access or its
configuration.

Snowflake has no READ_CSV, GLOB or GETENV: calling a function Snowflake does not have is
its ``002140 (42601) Unknown function`` (the list of functions:
https://docs.snowflake.com/en/sql-reference/functions-all). DuckDB-only statements are
Snowflake errors too, and Snowflake's ``SET x = 1`` sets a session variable
(https://docs.snowflake.com/en/sql-reference/sql/set), never a DuckDB setting. Beneath
that, the emulator's DuckDB connection may touch the lake's own directories only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from sqlglot.dialects.snowflake import Snowflake
from sqlglot.parser import Parser

from emulator import Emulator
from emulator.core.sandbox import lake_directories, restrict
from emulator.iceberg import load_iceberg_extension
from emulator.translate.snowflake_functions import SNOWFLAKE_FUNCTIONS
from icebridge.errors import SqlError

SECRET = "sentinel-secret-9f3a"

Run = Callable[[str], Any]


@pytest.fixture
def sentinel(tmp_path: Path) -> Path:
    """A CSV file outside every directory of the emulator."""
    path = tmp_path / "outside" / "secret.csv"
    path.parent.mkdir()
    path.write_text(f"word\n{SECRET}\n")
    return path


@pytest.fixture(params=["execute", "cursor"])
def run(request: pytest.FixtureRequest, emu: Emulator) -> Iterator[Run]:
    """Runs one statement through ``emu.execute`` or through a DB-API cursor."""
    emu.sql("CREATE TABLE t (a INT)")
    emu.sql("INSERT INTO t VALUES (1)")
    if request.param == "execute":
        yield emu.execute
        return
    with emu.connect() as connection:
        cursor = connection.cursor()
        yield cursor.execute


def refused(run: Run, sql: str) -> SqlError:
    """The Snowflake-shaped error ``sql`` raises (nothing else may escape)."""
    with pytest.raises(SqlError) as caught:
        run(sql)
    assert SECRET not in str(caught.value)
    return caught.value


# -- DuckDB's functions are unknown functions ------------------------------------------------


@pytest.mark.parametrize(
    ("template", "name"),
    [
        ("SELECT * FROM read_csv('{p}')", "READ_CSV"),
        ("SELECT * FROM read_csv(['{p}'], header = true)", "READ_CSV"),
        ("SELECT * FROM read_csv_auto('{p}')", "READ_CSV_AUTO"),
        ("SELECT * FROM read_parquet('{p}')", "READ_PARQUET"),
        ("SELECT * FROM parquet_scan('{p}')", "PARQUET_SCAN"),
        ("SELECT * FROM read_json('{p}')", "READ_JSON"),
        ("SELECT * FROM read_text('{p}')", "READ_TEXT"),
        ("SELECT * FROM read_blob('{p}')", "READ_BLOB"),
        ("SELECT * FROM sniff_csv('{p}')", "SNIFF_CSV"),
        ("SELECT * FROM iceberg_scan('{p}')", "ICEBERG_SCAN"),
        ("SELECT glob('{p}', '*')", "GLOB"),
        ("SELECT * FROM duckdb_settings()", "DUCKDB_SETTINGS"),
        ("SELECT current_setting('threads')", "CURRENT_SETTING"),
        ("SELECT getenv('HOME')", "GETENV"),
        ("SELECT * FROM pragma_database_list()", "PRAGMA_DATABASE_LIST"),
        ("SELECT * FROM unnest([1, 2])", "UNNEST"),
        ("SELECT * FROM TABLE(read_csv('{p}'))", "READ_CSV"),
        ("SELECT * FROM t, LATERAL read_csv('{p}')", "READ_CSV"),
        ("SELECT * FROM t JOIN read_csv('{p}') AS r ON TRUE", "READ_CSV"),
        ("SELECT (SELECT COUNT(*) FROM read_csv('{p}'))", "READ_CSV"),
        ("WITH c AS (SELECT * FROM read_csv('{p}')) SELECT * FROM c", "READ_CSV"),
        ("SELECT * FROM t WHERE a IN (SELECT 1 FROM read_parquet('{p}'))", "READ_PARQUET"),
        ("INSERT INTO t SELECT COUNT(*) FROM read_csv('{p}')", "READ_CSV"),
        ("DELETE FROM t WHERE a IN (SELECT 1 FROM read_csv('{p}'))", "READ_CSV"),
        ("CREATE TABLE c AS SELECT * FROM read_csv('{p}')", "READ_CSV"),
        ("CREATE VIEW v AS SELECT * FROM read_csv('{p}')", "READ_CSV"),
        ("CREATE TABLE d (w VARCHAR DEFAULT getenv('HOME'))", "GETENV"),
        (
            "CREATE TASK k SCHEDULE = '1 minute' AS INSERT INTO t SELECT 1 FROM read_csv('{p}')",
            "READ_CSV",
        ),
    ],
)
def test_duckdb_functions_are_unknown_functions(
    run: Run, emu: Emulator, sentinel: Path, template: str, name: str
) -> None:
    """Snowflake answers a call of a function it does not have with 002140 (42601); the
    emulator does so before DuckDB sees the statement, wherever the call stands
    (https://docs.snowflake.com/en/sql-reference/functions-all)."""
    err = refused(run, template.format(p=sentinel))
    assert (err.errno, err.sqlstate) == (2140, "42601")
    assert str(err.msg) == f"SQL compilation error:\nUnknown function {name}"
    # Nothing was created or written either.
    assert emu.sql("SELECT a FROM t").column(0).to_pylist() == [1]
    assert emu.sql("SHOW TABLES").num_rows == 1
    assert emu.sql("SHOW VIEWS").num_rows == 0


def test_a_quoted_duckdb_function_name_is_unknown_too(run: Run, sentinel: Path) -> None:
    """A double-quoted function name is the name as written
    (https://docs.snowflake.com/en/sql-reference/identifiers-syntax)."""
    err = refused(run, f"SELECT * FROM \"READ_CSV\"('{sentinel}')")
    assert (err.errno, str(err.msg)) == (2140, "SQL compilation error:\nUnknown function READ_CSV")


def test_a_repeated_statement_is_refused_again(run: Run, sentinel: Path) -> None:
    """From its second run on a statement's parsed tree is reused: still refused."""
    for _ in range(3):
        assert refused(run, f"SELECT glob('{sentinel}', '*')").errno == 2140
        assert refused(run, f"SELECT * FROM '{sentinel}'").errno == 1003


def test_snowflake_functions_keep_working(run: Run, emu: Emulator) -> None:
    """Snowflake's own functions still run, also those sqlglot reads into a node of another
    name (IFF, NVL, TO_VARCHAR) and table functions (GENERATOR): IFF and NVL as documented
    (https://docs.snowflake.com/en/sql-reference/functions/iff,
    https://docs.snowflake.com/en/sql-reference/functions/nvl). A Snowflake function the
    emulator lacks is still "unsupported", not unknown."""
    run("SELECT IFF(TRUE, 1, 2), NVL(NULL, 3), TO_VARCHAR(4), DATEADD(day, 1, CURRENT_DATE())")
    row = emu.sql("SELECT IFF(FALSE, 1, 2) AS i, NVL(NULL, 3) AS n, TO_VARCHAR(4) AS v")
    assert row.to_pylist() == [{"I": 2, "N": 3, "V": "4"}]
    count = emu.sql("SELECT COUNT(*) AS n FROM TABLE(GENERATOR(ROWCOUNT => 3))")
    assert count.to_pylist() == [{"N": 3}]
    err = refused(run, "SELECT ARRAY_SLICE(ARRAY_CONSTRUCT(1, 2, 3), 0, 1)")
    assert (err.errno, err.sqlstate) == (990001, "0A000")


# -- a string is not a table --------------------------------------------------------------


def test_a_string_in_from_is_a_syntax_error(run: Run, sentinel: Path) -> None:
    """DuckDB reads the file a string in FROM names; in Snowflake it is a syntax error at
    the string (https://docs.snowflake.com/en/sql-reference/constructs/from)."""
    err = refused(run, f"SELECT * FROM '{sentinel}'")
    assert (err.errno, err.sqlstate) == (1003, "42000")
    assert str(err.msg) == (
        f"SQL compilation error:\nsyntax error line 1 at position 14 unexpected ''{sentinel}''."
    )
    nested = refused(run, f"SELECT * FROM t WHERE a = (SELECT COUNT(*) FROM '{sentinel}')")
    assert nested.errno == 1003


def test_a_variable_in_from_is_refused(run: Run, sentinel: Path) -> None:
    """A session variable names a table only through IDENTIFIER($v)
    (https://docs.snowflake.com/en/sql-reference/identifier-literal); ``FROM $v`` is not a
    way to hand DuckDB a file name."""
    run(f"SET f = '{sentinel}'")
    err = refused(run, "SELECT * FROM $f")
    assert (err.errno, err.sqlstate) == (990001, "0A000")


# -- DuckDB's statements ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "errnos"),
    [
        ("COPY t TO '{d}/copy.csv'", {990001}),
        ("COPY (SELECT 1) TO '{d}/copy.csv'", {990001}),
        ("ATTACH '{d}/attached.db' AS other", {1003}),
        ("EXPORT DATABASE '{d}/export'", {1003}),
        ("INSTALL httpfs", {1003, 990001}),
        ("LOAD '{d}/x.duckdb_extension'", {1003, 990001}),
        ("PRAGMA database_list", {1003, 990001}),
        ("CHECKPOINT", {1003, 990001}),
        ("CALL pragma_version()", {990001, 2140}),
    ],
)
def test_duckdb_statements_are_snowflake_errors(
    run: Run, tmp_path: Path, template: str, errnos: set[int]
) -> None:
    """None of these is a Snowflake statement of that form
    (https://docs.snowflake.com/en/sql-reference/sql-all): each is a Snowflake-shaped error
    and writes nothing."""
    out = tmp_path / "out"
    out.mkdir()
    err = refused(run, template.format(d=out))
    assert err.errno in errnos
    assert list(out.iterdir()) == []


def test_set_is_a_session_variable_not_a_duckdb_setting(run: Run, emu: Emulator) -> None:
    """``SET threads = 1`` sets the session variable THREADS
    (https://docs.snowflake.com/en/sql-reference/sql/set); DuckDB's settings stay."""
    con = emu.engine.con
    before = con.execute("SELECT current_setting('threads'), current_setting('memory_limit')")
    settings = before.fetchone()
    run("SET threads = 1")
    run("SET memory_limit = '1GB'")
    assert emu.sql("SELECT $threads AS t, $memory_limit AS m").to_pylist() == [{"T": 1, "M": "1GB"}]
    after = con.execute("SELECT current_setting('threads'), current_setting('memory_limit')")
    assert after.fetchone() == settings
    err = refused(run, "ALTER SESSION SET threads = 1")
    assert err.errno == 1006  # not a session parameter


# -- the DuckDB lock-down ------------------------------------------------------------------


def test_the_lock_down_holds_on_a_raw_connection(tmp_path: Path, sentinel: Path) -> None:
    """Even SQL that reached DuckDB could not read or write outside the allowed directory,
    nor undo the restriction."""
    inside = tmp_path / "inside"
    inside.mkdir()
    (inside / "ok.csv").write_text("x\n1\n")
    con = duckdb.connect()
    restrict(con, [inside])
    assert con.execute("SELECT * FROM read_csv(?)", [str(inside / "ok.csv")]).fetchall() == [(1,)]
    for sql, params in [
        ("SELECT * FROM read_csv(?)", [str(sentinel)]),
        (f"SELECT * FROM '{sentinel}'", []),
        ("SELECT * FROM glob(?)", [f"{sentinel.parent}/*"]),
        (f"COPY (SELECT 1) TO '{tmp_path}/copied.csv'", []),
        (f"ATTACH '{tmp_path}/attached.db' AS other", []),
        (f"EXPORT DATABASE '{tmp_path}/export'", []),
        ("SET enable_external_access = true", []),
        ("SET allowed_directories = ['/']", []),
        ("SET allowed_paths = ?", [[str(sentinel)]]),
        ("RESET allowed_directories", []),
        ("INSTALL httpfs", []),
    ]:
        with pytest.raises(duckdb.Error):
            con.execute(sql, params).fetchall()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inside", "outside"]
    with pytest.raises(duckdb.Error, match="disabled"):
        load_iceberg_extension(con)  # loading an extension is file access too
    assert con.execute("SELECT current_setting('enable_external_access')").fetchone() == (False,)


def test_the_emulators_connection_is_locked_down(emu: Emulator, sentinel: Path) -> None:
    """The emulator's own DuckDB connection refuses files outside the lake."""
    con = emu.engine.con
    with pytest.raises(duckdb.Error, match="disabled by configuration"):
        con.execute("SELECT * FROM read_csv(?)", [str(sentinel)]).fetchall()
    with pytest.raises(duckdb.Error):
        con.execute("SET enable_external_access = true")


def test_iceberg_tables_still_work_inside_the_lake(tmp_path: Path, sentinel: Path) -> None:
    """The lake's directories stay readable: an Iceberg table on the default volume and one
    on an external volume (given as a file:// URI) are written and read back, also after a
    reopen, while a file beside them is not."""
    lake, volume = tmp_path / "lake", tmp_path / "volume"
    tables = "CREATE DATABASE db; CREATE SCHEMA db.s; USE SCHEMA db.s"
    ddl = "CREATE ICEBERG TABLE {n} (a INT) EXTERNAL_VOLUME = '{v}' CATALOG = 'SNOWFLAKE' "
    with Emulator(path=lake, external_volumes={"VOL": volume.as_uri()}) as emu:
        emu.execute(tables)
        emu.execute(ddl.format(n="m", v="SNOWFLAKE_MANAGED") + "BASE_LOCATION = 'm'")
        emu.execute(ddl.format(n="x", v="VOL") + "BASE_LOCATION = 'x'")
        emu.execute("INSERT INTO m VALUES (1); INSERT INTO x VALUES (2)")
        assert emu.sql("SELECT a FROM m UNION ALL SELECT a FROM x ORDER BY a").num_rows == 2
        allowed = {str(d) for d in lake_directories(emu.engine.lake)}
        assert {str(lake.resolve()), str(volume.resolve())} <= allowed
        with pytest.raises(duckdb.Error):
            emu.engine.con.execute("SELECT * FROM read_csv(?)", [str(sentinel)]).fetchall()
    with Emulator(path=lake, external_volumes={"VOL": volume.as_uri()}) as emu:
        emu.execute("USE SCHEMA db.s")
        rows = emu.sql("SELECT a FROM m UNION ALL SELECT a FROM x ORDER BY a").to_pylist()
        assert rows == [{"A": 1}, {"A": 2}]


def test_an_in_memory_lake_allows_its_own_temporary_directory() -> None:
    """In memory, the Iceberg store's temporary directory exists from the start (so DuckDB
    may read it) and is removed on close."""
    emu = Emulator()
    (root,) = [d for d in lake_directories(emu.engine.lake) if d.name.startswith("icebridge-")]
    assert root.is_dir()
    emu.execute("CREATE DATABASE db; CREATE ICEBERG TABLE t (a INT) CATALOG = 'SNOWFLAKE'")
    emu.execute("INSERT INTO t VALUES (7)")
    assert emu.sql("SELECT a FROM t").to_pylist() == [{"A": 7}]
    assert any(root.rglob("*.parquet"))
    emu.close()
    assert not root.exists()


# -- the list of Snowflake's functions -------------------------------------------------------


def test_the_list_has_every_name_sqlglots_snowflake_dialect_adds() -> None:
    """Each function name sqlglot's Snowflake parser adds to (or builds differently from)
    its dialect-neutral parser is a Snowflake function, so the list misses none of them."""
    own, base = Snowflake.Parser.FUNCTIONS, Parser.FUNCTIONS
    added = {name for name, build in own.items() if base.get(name) is not build}
    assert {"IFF", "DATEADD", "ZEROIFNULL"} <= added
    assert sorted(added - SNOWFLAKE_FUNCTIONS) == []
