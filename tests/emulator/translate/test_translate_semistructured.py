"""VARIANT / OBJECT / ARRAY as DuckDB JSON, checked against the Snowflake docs' examples."""

from __future__ import annotations

import json

import pytest
from conftest import Run
from translate_helpers import one, translate

from icebridge.errors import DataError, UnsupportedError


def test_path_access_returns_variant_and_string_cast_unquotes(run: Run) -> None:
    # https://docs.snowflake.com/en/user-guide/querying-semistructured
    row = one(
        run(
            "SELECT v:a.b[0] AS raw, v:a.b[0]::string AS s, v:n::NUMBER(10,2) AS n, "
            "v:a.missing AS missing, v['a']['c'] AS bracket, GET(v, 'n') AS g, "
            "GET_PATH(v, 'a.b[1]') AS gp, v:a.b[1]::INT AS i "
            'FROM (SELECT PARSE_JSON(\'{"a": {"b": ["x", 7], "c": true}, "n": 1.5}\') v)'
        )
    )
    assert row["RAW"] == '"x"'
    assert row["S"] == "x"
    assert str(row["N"]) == "1.50"
    assert row["MISSING"] is None
    assert row["BRACKET"] == "true"
    assert row["G"] == "1.5"
    assert row["GP"] == "7"
    assert row["I"] == 7


def test_object_construct_skips_null_values(run: Run) -> None:
    # https://docs.snowflake.com/en/sql-reference/functions/object_construct
    row = one(run("SELECT OBJECT_CONSTRUCT('a', 1, 'b', 'BBBB', 'c', NULL) AS o"))
    assert json.loads(row["O"]) == {"a": 1, "b": "BBBB"}


def test_array_construct_size_and_to_variant(run: Run) -> None:
    # https://docs.snowflake.com/en/sql-reference/functions/array_construct
    row = one(
        run(
            "SELECT ARRAY_CONSTRUCT(1, 2, 3) a, ARRAY_SIZE(ARRAY_CONSTRUCT(1, 2, 3)) n, "
            "ARRAY_SIZE(PARSE_JSON('[]')) e, TO_VARIANT('text') t, 5::VARIANT v"
        )
    )
    assert json.loads(row["A"]) == [1, 2, 3]
    assert row["N"] == 3
    assert row["E"] == 0
    assert row["T"] == '"text"'
    assert json.loads(row["V"]) == 5


def test_array_agg_skips_nulls_and_orders(run: Run) -> None:
    # https://docs.snowflake.com/en/sql-reference/functions/array_agg
    rows = run(
        "SELECT ARRAY_AGG(x) WITHIN GROUP (ORDER BY x DESC) a FROM "
        "(SELECT column1 x FROM VALUES (1), (NULL), (3))"
    )
    assert json.loads(one(rows)["A"]) == [3, 1]
    empty = run("SELECT ARRAY_AGG(x) a FROM (SELECT 1 x) WHERE x > 5")
    assert json.loads(one(empty)["A"]) == []


def test_parse_json_invalid_is_snowflakes_error(run: Run) -> None:
    with pytest.raises(DataError) as info:
        run("SELECT PARSE_JSON('{bad') j")
    assert info.value.errno == 100069
    assert one(run("SELECT TRY_PARSE_JSON('{bad') j"))["J"] is None


def test_flatten_table_docs_example(run: Run) -> None:
    # https://docs.snowflake.com/en/sql-reference/functions/flatten
    rows = run(
        'SELECT * FROM TABLE(FLATTEN(INPUT => PARSE_JSON(\'{"a":1, "b":[77,88]}\'), '
        "PATH => 'b')) f"
    )
    assert [(r["SEQ"], r["KEY"], r["PATH"], r["INDEX"], r["VALUE"]) for r in rows] == [
        (1, None, "b[0]", 0, "77"),
        (1, None, "b[1]", 1, "88"),
    ]
    assert all(json.loads(r["THIS"]) == [77, 88] for r in rows)


def test_flatten_object_keys_and_outer(run: Run) -> None:
    rows = run(
        "SELECT f.key, f.path, f.index, f.value FROM "
        'TABLE(FLATTEN(INPUT => PARSE_JSON(\'{"a":1, "c": {"d":"X"}}\'))) f ORDER BY f.key'
    )
    assert [tuple(r.values()) for r in rows] == [
        ("a", "a", None, "1"),
        ("c", "c", None, '{"d":"X"}'),
    ]
    assert run("SELECT * FROM TABLE(FLATTEN(INPUT => PARSE_JSON('[]'))) f") == []
    outer = one(run("SELECT * FROM TABLE(FLATTEN(INPUT => PARSE_JSON('[]'), OUTER => TRUE)) f"))
    assert outer["VALUE"] is None
    assert outer["THIS"] == "[]"


def test_lateral_flatten_chained_docs_example(run: Run) -> None:
    # https://docs.snowflake.com/en/sql-reference/functions/flatten (persons example)
    rows = run(
        'SELECT p.id AS "ID", f1.value:type::string AS "Type", '
        'f1.value:content::string AS "Details" '
        'FROM (SELECT 12712555 id, PARSE_JSON(\'{"contact": [{"business": ['
        '{"type": "phone", "content": "555-1234"}, '
        '{"type": "email", "content": "j.smith@example.com"}]}]}\') c) p, '
        "LATERAL FLATTEN(INPUT => p.c, PATH => 'contact') f, "
        "LATERAL FLATTEN(INPUT => f.value:business) f1 ORDER BY 2 DESC"
    )
    assert rows == [
        {"ID": 12712555, "Type": "phone", "Details": "555-1234"},
        {"ID": 12712555, "Type": "email", "Details": "j.smith@example.com"},
    ]


def test_lateral_flatten_outer_keeps_rows_without_elements(run: Run) -> None:
    rows = run(
        "SELECT t.x, f.value::INT v FROM (SELECT column1 x, PARSE_JSON(column2) arr "
        "FROM VALUES (1, '[]'), (2, '[5, 6]')) t, "
        "LATERAL FLATTEN(input => t.arr, outer => true) f ORDER BY 1, 2"
    )
    assert [(r["X"], r["V"]) for r in rows] == [(1, None), (2, 5), (2, 6)]
    inner = run(
        "SELECT t.x FROM (SELECT column1 x, PARSE_JSON(column2) arr "
        "FROM VALUES (1, '[]'), (2, '[5]')) t, LATERAL FLATTEN(input => t.arr) f"
    )
    assert inner == [{"X": 2}]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT f.seq FROM t, LATERAL FLATTEN(input => t.v) f",
        "SELECT * FROM TABLE(FLATTEN(input => PARSE_JSON('[1]'), recursive => true))",
        "SELECT OBJECT_CONSTRUCT(*) FROM t",
    ],
)
def test_unsupported_semistructured_forms_are_named(sql: str) -> None:
    with pytest.raises(UnsupportedError):
        translate(sql)


def test_variant_compared_with_scalars(run: Run) -> None:
    row = one(
        run(
            "SELECT v:type = 'order' s, 'order' <> v:type ne, v:n > 1 g, v:n = 2 e, "
            "v:ok = TRUE b, v:type IN ('x', 'order') i "
            'FROM (SELECT PARSE_JSON(\'{"type": "order", "n": 2, "ok": true}\') v)'
        )
    )
    assert row == {"S": True, "NE": False, "G": True, "E": True, "B": True, "I": True}
