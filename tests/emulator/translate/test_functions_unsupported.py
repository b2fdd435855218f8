"""Snowflake functions the emulator has no translation for are refused by name (990001),
names Snowflake does not have are its "Unknown function" (002140), never a DuckDB error."""

from __future__ import annotations

import re

import duckdb
import pytest
from conftest import Run
from translate_helpers import translate

from emulator.translate.snowflake_functions import SNOWFLAKE_FUNCTIONS
from icebridge.errors import ProgrammingError, SqlError, UnsupportedError


@pytest.mark.parametrize(
    ("sql", "name"),
    [
        ("SELECT CONDITIONAL_CHANGE_EVENT(1) OVER (ORDER BY 1)", "CONDITIONAL_CHANGE_EVENT"),
        ("SELECT SOUNDEX('Robert')", "SOUNDEX"),
        ("SELECT PARSE_URL('https://snowflake.com')", "PARSE_URL"),
        ("SELECT IS_DATE(PARSE_JSON('1'))", "IS_DATE"),
        ("SELECT H3_LATLNG_TO_CELL(1, 2, 3)", "H3_LATLNG_TO_CELL"),
    ],
)
def test_snowflake_functions_without_a_translation_are_unsupported(
    run: Run, sql: str, name: str
) -> None:
    """Documented Snowflake functions (https://docs.snowflake.com/en/sql-reference/functions-all)
    the emulator does not translate raise UnsupportedError naming the function."""
    with pytest.raises(UnsupportedError) as info:
        run(sql)
    assert info.value.errno == 990001
    assert name in str(info.value)


def test_a_name_snowflake_does_not_have_is_an_unknown_function(run: Run) -> None:
    with pytest.raises(ProgrammingError) as info:
        run("SELECT LIST_SORT([1])")
    assert info.value.errno == 2140
    assert "LIST_SORT" in str(info.value)


def _called(name: str) -> str | None:
    """DuckDB SQL of ``SELECT name(<simple arguments>)`` (the first argument list that
    parses), or None when the emulator refuses the call with a Snowflake error."""
    for args in ("'x'", "1", "1, 2", "'a', 'b'", "1, 2, 3", ""):
        try:
            return translate(f"SELECT {name}({args})")
        except SqlError:
            return None
        except Exception:  # a parse failure: try other arguments
            continue
    return None


def test_no_documented_function_reaches_duckdb_as_a_missing_function() -> None:
    """Every name of https://docs.snowflake.com/en/sql-reference/functions-all either
    translates to DuckDB functions that exist or is refused with a Snowflake error: DuckDB's
    own "function does not exist" never reaches the user."""
    con = duckdb.connect()
    rows = con.execute("SELECT function_name FROM duckdb_functions()").fetchall()
    known = {str(r[0]).upper() for r in rows}
    con.close()
    # SQL words that look like calls in generated text, and type names with parameters.
    words = {"CAST", "TRY_CAST", "IF", "COALESCE", "EXTRACT", "EXISTS", "DECIMAL", "TABLE"}
    words |= {"GROUPING", "GROUPING_ID"}  # valid with GROUP BY
    missing = {}
    for name in sorted(SNOWFLAKE_FUNCTIONS):
        sql = _called(name)
        if sql is None:
            continue
        bare = re.sub(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"", "", sql)
        calls = {c.upper() for c in re.findall(r"\b([A-Za-z][A-Za-z_0-9]+)\(", bare)}
        unknown = calls - known - words
        if unknown:
            missing[name] = sorted(unknown)
    assert missing == {}
