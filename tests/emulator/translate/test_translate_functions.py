"""Conditional, string, hash and query-shape functions; unknown/unsupported functions."""

from __future__ import annotations

import re

import pytest
from conftest import Run
from translate_helpers import one, translate

from icebridge.errors import ProgrammingError, UnsupportedError


def test_conditional_functions(run: Run) -> None:
    # Examples from the IFF, NVL2, DECODE, ZEROIFNULL, NULLIFZERO, EQUAL_NULL pages.
    row = one(
        run(
            "SELECT IFF(TRUE, 'true', 'false') iff, NVL(NULL, 'x') nvl, "
            "NVL2(NULL, 'a', 'b') nvl2, ZEROIFNULL(NULL) z, NULLIFZERO(0) nz, "
            "COALESCE(NULL, NULL, 3) c, IFNULL(NULL, 4) i, "
            "DECODE(2, 1, 'one', 2, 'two', 'other') d, DECODE(NULL, NULL, 'null') dn, "
            "EQUAL_NULL(NULL, NULL) en, EQUAL_NULL(1, NULL) en2, "
            "NULL IS NOT DISTINCT FROM NULL nd"
        )
    )
    assert row == {
        "IFF": "true",
        "NVL": "x",
        "NVL2": "b",
        "Z": 0,
        "NZ": None,
        "C": 3,
        "I": 4,
        "D": "two",
        "DN": "null",
        "EN": True,
        "EN2": False,
        "ND": True,
    }


def test_boolean_functions_take_numbers_and_booleans(run: Run) -> None:
    # https://docs.snowflake.com/en/sql-reference/functions/booland
    row = one(
        run(
            "SELECT BOOLAND(1, -2) a, BOOLAND(0, 2.35) b, BOOLOR(0, 0) c, "
            "BOOLAND(TRUE, TRUE) d, BOOLOR(NULL, 1) e, BOOLNOT(0) f, BOOLXOR(2, 0) g"
        )
    )
    assert row == {"A": True, "B": False, "C": False, "D": True, "E": True, "F": True, "G": True}


def test_string_functions(run: Run) -> None:
    row = one(
        run(
            "SELECT 'Abc' ILIKE 'a%' il, RLIKE('abc', 'a.c') rl, REGEXP_LIKE('abcd', 'a.c') rl2, "
            "SPLIT_PART('a,b,c', ',', 2) sp, CONCAT('a', 'b', 'c') cc, 'x' || 'y' pipe, "
            "MD5('Snowflake') md5, SHA2('Snowflake') sha2, TRY_CAST('x' AS INT) tc"
        )
    )
    assert row["IL"] is True
    assert row["RL"] is True
    assert row["RL2"] is False  # REGEXP_LIKE matches the whole string
    assert row["SP"] == "b"
    assert (row["CC"], row["PIPE"]) == ("abc", "xy")
    # https://docs.snowflake.com/en/sql-reference/functions/md5
    assert row["MD5"] == "edf1439075a83a447fb8b630ddc9c8de"
    assert len(row["SHA2"]) == 64
    assert row["TC"] is None


def test_listagg_and_group_by_all(run: Run) -> None:
    rows = run(
        "SELECT g, LISTAGG(v, '|') WITHIN GROUP (ORDER BY v) l, COUNT(*) FROM "
        "(SELECT column1 g, column2 v FROM VALUES (1, 'b'), (1, 'a'), (2, 'c')) "
        "GROUP BY ALL ORDER BY g"
    )
    assert rows == [{"G": 1, "L": "a|b", "COUNT(*)": 2}, {"G": 2, "L": "c", "COUNT(*)": 1}]


def test_qualify_exclude_rename(run: Run) -> None:
    rows = run(
        "SELECT * EXCLUDE (ts) RENAME (v AS val) FROM "
        "(SELECT column1 id, column2 v, column3 ts FROM VALUES (1, 'old', 1), (1, 'new', 2), "
        "(2, 'only', 1)) QUALIFY ROW_NUMBER() OVER (PARTITION BY id ORDER BY ts DESC) = 1 "
        "ORDER BY id"
    )
    assert rows == [{"ID": 1, "VAL": "new"}, {"ID": 2, "VAL": "only"}]


def test_uuid_and_hash(run: Run) -> None:
    row = one(run("SELECT UUID_STRING() u, HASH(1, 'a') h1, HASH(1, 'a') h2, HASH(2) h3"))
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", row["U"])
    # Deterministic signed 64-bit values (they differ from Snowflake's own).
    assert row["H1"] == row["H2"] != row["H3"]
    assert -(2**63) <= row["H1"] < 2**63


def test_session_variables_become_literals(run: Run) -> None:
    row = one(run("SELECT $x + 1 a, $Name n", variables={"X": 41, "NAME": "it's"}))
    assert row == {"A": 42, "N": "it's"}


def test_unset_variable_is_snowflakes_error() -> None:
    with pytest.raises(ProgrammingError) as info:
        translate("SELECT $missing")
    assert info.value.errno == 2211
    assert "$MISSING" in info.value.msg


def test_unknown_function_is_snowflakes_error() -> None:
    with pytest.raises(ProgrammingError) as info:
        translate("SELECT no_such_fn(1)")
    assert (info.value.errno, info.value.sqlstate) == (2140, "42601")
    assert "Unknown function NO_SUCH_FN" in info.value.msg


@pytest.mark.parametrize(
    ("sql", "name"),
    [
        ("SELECT ARRAY_SLICE(v, 0, 1) FROM t", "ARRAY_SLICE"),
        ("SELECT SYSTEM$CLUSTERING_INFORMATION('t')", "SYSTEM$CLUSTERING_INFORMATION"),
        ("SELECT OBJECT_INSERT(v, 'k', 1) FROM t", "OBJECT_INSERT"),
        ("SELECT SHA2('x', 512)", "SHA"),
        ("SELECT * FROM TABLE(INFORMATION_SCHEMA.TASK_HISTORY())", "TASK_HISTORY"),
        ("SELECT TYPEOF(v) FROM t", "TYPEOF"),
    ],
)
def test_snowflake_functions_without_translation_are_unsupported(sql: str, name: str) -> None:
    with pytest.raises(UnsupportedError, match=re.escape(name)):
        translate(sql)


def test_duckdb_only_functions_are_unknown() -> None:
    # strftime is DuckDB's, not Snowflake's: it must not slip through.
    with pytest.raises(ProgrammingError, match="Unknown function STRFTIME"):
        translate("SELECT strftime(CURRENT_DATE, '%Y')")


def test_nulls_sort_as_largest_value(run: Run) -> None:
    # https://docs.snowflake.com/en/sql-reference/constructs/order-by: NULLs sort last
    # ascending and first descending by default.
    values = "FROM VALUES (1), (NULL), (3)"
    assert [r["COLUMN1"] for r in run(f"SELECT column1 {values} ORDER BY 1")] == [1, 3, None]
    assert [r["COLUMN1"] for r in run(f"SELECT column1 {values} ORDER BY 1 DESC")] == [
        None,
        3,
        1,
    ]
