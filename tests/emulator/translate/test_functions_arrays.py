"""ARRAY_CAT, ARRAY_CONSTRUCT_COMPACT, ARRAY_CONTAINS and TRY_PARSE_JSON (ARRAY and VARIANT
values are JSON here)."""

from __future__ import annotations

import json

from conftest import Run
from translate_helpers import one


def test_array_cat(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/array_cat: [1,2] + [3,4] is
    [1,2,3,4]; a NULL array gives NULL."""
    row = one(
        run(
            "SELECT ARRAY_CAT(ARRAY_CONSTRUCT(1, 2), ARRAY_CONSTRUCT(3, 4))::VARCHAR AS a, "
            "ARRAY_CAT([1], ['x'])::VARCHAR AS b, ARRAY_CAT([1], NULL) AS n"
        )
    )
    assert json.loads(row["A"]) == [1, 2, 3, 4]
    assert json.loads(row["B"]) == [1, "x"]
    assert row["N"] is None


def test_array_construct_compact(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/array_construct_compact: NULL
    arguments are left out."""
    row = one(
        run(
            "SELECT ARRAY_CONSTRUCT_COMPACT(NULL, 'hello', 4, 5)::VARCHAR AS a, "
            "ARRAY_CONSTRUCT_COMPACT(NULL)::VARCHAR AS e"
        )
    )
    assert json.loads(row["A"]) == ["hello", 4, 5]
    assert json.loads(row["E"]) == []


def test_array_contains(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/array_contains: 'hello' is in
    ['hello', 'hi'], not in ['hola', 'bonjour']; a NULL value gives NULL."""
    row = one(
        run(
            "SELECT ARRAY_CONTAINS('hello'::VARIANT, ARRAY_CONSTRUCT('hello', 'hi')) AS yes, "
            "ARRAY_CONTAINS('hello'::VARIANT, ARRAY_CONSTRUCT('hola', 'bonjour')) AS no, "
            "ARRAY_CONTAINS(NULL, ARRAY_CONSTRUCT('hola', 'bonjour')) AS n, "
            "ARRAY_CONTAINS(2, [1, 2, 3]) AS num"
        )
    )
    assert row == {"YES": True, "NO": False, "N": None, "NUM": True}


def test_try_parse_json(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/try_parse_json: NULL for text
    that is not JSON."""
    row = one(run("SELECT TRY_PARSE_JSON('{\"a\": 1}'):a::INT AS a, TRY_PARSE_JSON('{') AS bad"))
    assert row == {"A": 1, "BAD": None}
