"""Result column names, identifier case, table resolution and input immutability."""

from __future__ import annotations

import duckdb
import pytest
from conftest import Run
from sqlglot import exp
from translate_helpers import make_context, one, run_sql, table_named

from emulator.translate import output_name, to_duckdb
from emulator.translate.names import check_distinct_columns
from icebridge.errors import UnsupportedError
from icebridge.sql.dialect import parse_one


def projection(sql: str) -> exp.Expression:
    select = parse_one(sql)
    assert isinstance(select, exp.Select)
    first = select.expressions[0]
    assert isinstance(first, exp.Expression)
    return first


@pytest.mark.parametrize(
    ("sql", "name"),
    [
        ("SELECT a AS total", "TOTAL"),
        ('SELECT a AS "Total"', "Total"),
        ("SELECT t.order_id FROM t", "ORDER_ID"),
        ('SELECT "Mixed" FROM t', "Mixed"),
        ("SELECT count(*) FROM t", "COUNT(*)"),
        ("SELECT a + 1 FROM t", "A + 1"),
        ("SELECT sum(x) FROM t", "SUM(X)"),
        ("SELECT n1 * n2 FROM t", "N1 * N2"),
    ],
)
def test_output_name(sql: str, name: str) -> None:
    assert output_name(projection(sql)) == name


def test_result_columns_carry_snowflake_names(run: Run) -> None:
    row = one(run('SELECT 1 + 1, x, x AS "lower", x AS upper, abs(x) FROM (SELECT 5 x)'))
    assert list(row) == ["1 + 1", "X", "lower", "UPPER", "ABS(X)"]
    assert list(one(run("SELECT count(*) FROM (SELECT 1)"))) == ["COUNT(*)"]


def test_identifier_case_rules(con: duckdb.DuckDBPyConnection) -> None:
    # Unquoted names are stored upper-case; quoted names exactly.
    con.execute('CREATE TABLE "ORDERS" ("ORDER_ID" INT, "Note" VARCHAR)')
    con.execute("INSERT INTO \"ORDERS\" VALUES (1, 'n')")
    rows = run_sql(con, 'SELECT order_id, ORDER_ID AS again, "Note" FROM orders')
    assert rows == [{"ORDER_ID": 1, "AGAIN": 1, "Note": "n"}]


def test_columns_differing_only_in_case_are_rejected_clearly() -> None:
    check_distinct_columns(["A", "B", "a_b"], table="T")
    with pytest.raises(UnsupportedError, match="'a' and 'A'"):
        check_distinct_columns(["a", "A"], table="DB.S.T")


def test_tables_are_resolved_but_not_ctes(con: duckdb.DuckDBPyConnection) -> None:
    con.execute('CREATE TABLE "STORE" ("ID" INT)')
    con.execute('INSERT INTO "STORE" VALUES (7)')
    seen: list[str] = []

    def resolve(table: exp.Table) -> exp.Expression:
        seen.append(".".join(p.name for p in table.parts))
        return table_named("STORE")(table)

    rows = run_sql(
        con,
        "WITH c AS (SELECT id FROM db.s.src) SELECT src.id, c.id AS cid FROM db.s.src, c",
        resolve_table=resolve,
    )
    assert rows == [{"ID": 7, "CID": 7}]
    # Identifiers reach the resolver in stored (upper-case) form.
    assert seen == ["DB.S.SRC", "DB.S.SRC"]


def test_input_is_not_mutated() -> None:
    tree = parse_one(
        "SELECT IFF(a > 0, 1 / a, 0), CURRENT_TIMESTAMP() FROM t, LATERAL FLATTEN(input => t.v) f"
    )
    before = tree.sql()
    to_duckdb(tree, make_context())
    assert tree.sql() == before


def test_bare_expression_translates(con: duckdb.DuckDBPyConnection) -> None:
    # A DEFAULT expression or a WHEN condition arrives without a SELECT.
    node = to_duckdb(parse_one("SELECT CURRENT_TIMESTAMP()").expressions[0], make_context())
    value = con.execute(f"SELECT ({node.sql(dialect='duckdb')})::TIMESTAMP").fetchone()
    assert value is not None
    assert str(value[0]) == "2024-01-31 10:30:00.123456"


def test_context_requires_an_aware_clock() -> None:
    from datetime import datetime

    with pytest.raises(ValueError, match="timezone-aware"):
        make_context(now=datetime(2024, 1, 1))
