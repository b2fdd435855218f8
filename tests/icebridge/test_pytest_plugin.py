"""The pytest plugin (entry point ``pytest11``): its fixtures in a user's own test file.

https://docs.pytest.org/en/stable/how-to/writing_plugins.html#making-your-plugin-installable-by-others:
a ``pytest11`` entry point makes pytest load the plugin in every run, so the module must be
cheap to import.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas  # noqa: F401
import pytest
import snowflake.connector  # noqa: F401

# Loaded here so the in-process runs below share them: pytester drops the modules a run
# imported, and a C extension (duckdb) cannot be imported a second time.
import emulator.api.sessions  # noqa: F401

pytest_plugins = ["pytester"]

USER_TESTS = """
import warnings

import pandas as pd
import pytest
import snowflake.connector
from snowflake.connector import DictCursor


def test_patch_fixture(icebridge_patch):
    icebridge_patch.execute("CREATE DATABASE shop; CREATE TABLE shop.public.o (id INT)")
    conn = snowflake.connector.connect(account="a", user="u", password="p", database="shop")
    conn.cursor().execute("INSERT INTO o VALUES (%s), (%s)", (1, 2))
    rows = conn.cursor(DictCursor).execute("SELECT id FROM o ORDER BY id").fetchall()
    assert rows == [{"ID": 1}, {"ID": 2}]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        frame = pd.read_sql("SELECT COUNT(*) AS n FROM o", conn)
    assert frame["N"].tolist() == [2]
    try:
        conn.cursor().execute("SELECT * FROM missing")
    except snowflake.connector.errors.ProgrammingError as err:
        assert err.errno == 2003
    else:
        pytest.fail("expected ProgrammingError")


def test_connection_fixture(icebridge_connection, icebridge_emulator):
    icebridge_connection.cursor().execute("CREATE DATABASE d")
    assert icebridge_connection.database == "D"
    assert icebridge_emulator.sql("SHOW DATABASES").num_rows == 1


def test_each_test_gets_a_fresh_emulator(icebridge_emulator):
    assert icebridge_emulator.sql("SHOW DATABASES").num_rows == 0
"""


def test_fixtures_in_a_users_test_file(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


def test_start_option_sets_the_clock(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_clock="""
import datetime as dt

def test_now(icebridge_emulator):
    assert icebridge_emulator.now == dt.datetime(2030, 5, 1, 12, 0, tzinfo=dt.timezone.utc)
"""
    )
    result = pytester.runpytest("--icebridge-start", "2030-05-01T12:00:00")
    result.assert_outcomes(passed=1)


def test_lake_ini_option_keeps_objects_between_tests(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    lake = tmp_path / "lake"
    pytester.makeini(f"[pytest]\nicebridge_lake = {lake}\n")
    pytester.makepyfile(
        test_lake="""
def test_first(icebridge_emulator):
    icebridge_emulator.execute("CREATE DATABASE kept")

def test_second(icebridge_emulator):
    assert icebridge_emulator.sql("SHOW DATABASES").column("name").to_pylist() == ["KEPT"]
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=2)
    assert (lake / "native.duckdb").is_file()


def test_a_bad_start_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_bad="def test_x(icebridge_emulator):\n    pass\n")
    result = pytester.runpytest("--icebridge-start", "yesterday")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*not an ISO 8601 instant*"])


def test_the_plugin_imports_nothing_heavy() -> None:
    code = (
        "import json, sys\n"
        "import icebridge.pytest_plugin, icebridge.testing\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    heavy = {"duckdb", "pyiceberg", "pandas", "pyarrow", "snowflake.connector", "emulator.api"}
    assert heavy & loaded == set()
