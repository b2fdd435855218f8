"""IDENTIFIER() names an object with a string literal, a session variable or a bind variable.

https://docs.snowflake.com/en/sql-reference/identifier-literal (examples: a table created
with ``IDENTIFIER('my_db.my_schema.my_table')``, a case-sensitive name in double quotes
inside the string, and ``$table_name`` in INSERT, SELECT and DROP).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from emulator import Emulator
from icebridge.errors import ProgrammingError


def names(emu: Emulator) -> list[str]:
    return sorted(emu.sql("SHOW TABLES").column("name").to_pylist())


def test_string_literal_names_a_qualified_table(emu: Emulator) -> None:
    emu.execute(
        "CREATE SCHEMA my_schema;"
        "CREATE TABLE IDENTIFIER('db.my_schema.my_table') (c1 NUMBER);"
        'CREATE TABLE IDENTIFIER(\'"DB"."MY_SCHEMA"."MyTable"\') (c1 NUMBER)'
    )
    emu.sql("USE SCHEMA my_schema")
    assert names(emu) == ["MY_TABLE", "MyTable"]
    emu.sql("INSERT INTO IDENTIFIER('my_table') VALUES (1)")
    emu.sql("INSERT INTO IDENTIFIER('\"MyTable\"') VALUES (2)")
    assert emu.sql("SELECT c1 FROM IDENTIFIER('db.my_schema.my_table')").to_pylist() == [{"C1": 1}]
    assert emu.sql("SELECT c1 FROM IDENTIFIER('\"MyTable\"')").to_pylist() == [{"C1": 2}]
    # A column may be named the same way.
    assert emu.sql("SELECT IDENTIFIER('c1') AS x FROM my_table").to_pylist() == [{"X": 1}]


def test_session_variable_names_the_table(emu: Emulator) -> None:
    emu.execute(
        "SET table_name = 'my_table';"
        "CREATE TABLE IDENTIFIER($table_name) (c1 NUMBER);"
        "INSERT INTO IDENTIFIER($table_name) VALUES (1), (2), (3)"
    )
    assert names(emu) == ["MY_TABLE"]
    rows = emu.sql("SELECT * FROM IDENTIFIER($table_name) ORDER BY 1").to_pylist()
    assert rows == [{"C1": 1}, {"C1": 2}, {"C1": 3}]
    emu.sql("DROP TABLE IDENTIFIER($table_name)")
    assert names(emu) == []


def test_bind_variable_names_the_table(emu: Emulator) -> None:
    emu.execute("CREATE TABLE t (a INT); INSERT INTO t VALUES (7)")
    cursor = emu.connect().cursor()
    assert cursor.execute("SELECT a FROM IDENTIFIER(?) WHERE a = ?", ["t", 7]).fetchall() == [(7,)]


def test_a_string_that_is_no_name_is_an_invalid_identifier(emu: Emulator, tmp_path: Path) -> None:
    """A path is not an identifier: an error, and nothing is read from the file."""
    data = tmp_path / "x.csv"
    data.write_text("a\n1\n")
    with pytest.raises(ProgrammingError) as info:
        emu.sql(f"SELECT * FROM IDENTIFIER('{data}')")
    assert info.value.errno == 904
    assert str(data) in str(info.value)


def test_an_unknown_name_is_does_not_exist(emu: Emulator) -> None:
    with pytest.raises(ProgrammingError) as info:
        emu.sql("SELECT * FROM IDENTIFIER('nope')")
    assert info.value.errno == 2003
    assert "NOPE" in str(info.value)
