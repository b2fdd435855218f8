"""Conditional expression functions, run through the translation on DuckDB."""

from __future__ import annotations

from decimal import Decimal

from conftest import Run
from translate_helpers import one


def test_decode(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/decode: the first matching search
    wins, NULL matches NULL, no match and no default is NULL."""
    rows = run(
        "SELECT column1, DECODE(column1, 1, 'one', 2, 'two', NULL, '-NULL-', 'other') AS d, "
        "DECODE(column1, 1, 'one') AS nodefault FROM VALUES (1), (2), (NULL), (4)"
    )
    assert [(r["D"], r["NODEFAULT"]) for r in rows] == [
        ("one", "one"),
        ("two", None),
        ("-NULL-", None),
        ("other", None),
    ]


def test_equal_null(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/equal_null: NULL equals NULL."""
    row = one(
        run(
            "SELECT EQUAL_NULL(NULL, NULL) AS nn, EQUAL_NULL(1, NULL) AS xn, "
            "EQUAL_NULL(1, 1) AS same, EQUAL_NULL(1, 2) AS other"
        )
    )
    assert row == {"NN": True, "XN": False, "SAME": True, "OTHER": False}


def test_nullifzero_zeroifnull(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/nullifzero,
    https://docs.snowflake.com/en/sql-reference/functions/zeroifnull"""
    row = one(
        run(
            "SELECT NULLIFZERO(0) AS a, NULLIFZERO(52) AS b, ZEROIFNULL(NULL) AS c, "
            "ZEROIFNULL(1.50) AS d"
        )
    )
    assert row == {"A": None, "B": 52, "C": 0, "D": Decimal("1.50")}


def test_iff_nvl_nvl2_coalesce(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/iff,
    https://docs.snowflake.com/en/sql-reference/functions/nvl,
    https://docs.snowflake.com/en/sql-reference/functions/nvl2,
    https://docs.snowflake.com/en/sql-reference/functions/ifnull,
    https://docs.snowflake.com/en/sql-reference/functions/coalesce"""
    row = one(
        run(
            "SELECT IFF(1 > 0, 'y', 'n') AS iff, NVL(NULL, 'x') AS nvl, "
            "NVL2(NULL, 'a', 'b') AS n2, "
            "NVL2(1, 'a', 'b') AS n2b, IFNULL(NULL, 2) AS ifn, COALESCE(NULL, NULL, 3) AS co"
        )
    )
    assert row == {"IFF": "y", "NVL": "x", "N2": "b", "N2B": "a", "IFN": 2, "CO": 3}


def test_greatest_least_and_their_ignore_nulls_forms(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/greatest (a NULL argument gives
    NULL), https://docs.snowflake.com/en/sql-reference/functions/greatest_ignore_nulls"""
    row = one(
        run(
            "SELECT GREATEST(1, 3, 2) AS g, GREATEST(1, NULL) AS gn, LEAST('b', 'a') AS l, "
            "GREATEST_IGNORE_NULLS(1, NULL, 3) AS gi, LEAST_IGNORE_NULLS(NULL, 2, 5) AS li"
        )
    )
    assert row == {"G": 3, "GN": None, "L": "a", "GI": 3, "LI": 2}


def test_boolean_functions(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/boolxor,
    https://docs.snowflake.com/en/sql-reference/functions/booland; IS DISTINCT FROM treats
    NULL as a value (https://docs.snowflake.com/en/sql-reference/functions/is-distinct-from)."""
    row = one(
        run(
            "SELECT BOOLXOR(2, 0) AS x, BOOLAND(1, 0) AS a, BOOLOR(0, NULL) AS o, "
            "1 IS DISTINCT FROM NULL AS d, NULL IS NOT DISTINCT FROM NULL AS nd"
        )
    )
    assert row == {"X": True, "A": False, "O": None, "D": True, "ND": True}
