"""MERGE statements the planner must reject, each with an error naming the problem."""

from __future__ import annotations

import duckdb
import pytest
from sqlglot import exp

from emulator.statements.merge import MergePlan, MergeTarget, execute_plan, plan_merge
from icebridge.errors import ProgrammingError
from icebridge.sql.dialect import parse_one

TARGET = MergeTarget(
    relation=exp.to_table("main.tgt"),
    alias=None,
    columns=("K", "V"),
    row_id="__RID",
    defaults={},
)


def plan(sql: str, source_columns: tuple[str, ...] | None = None) -> MergePlan:
    merge = parse_one(sql)
    assert isinstance(merge, exp.Merge)
    return plan_merge(merge, TARGET, lambda node: node, source_columns=source_columns)


@pytest.mark.parametrize(
    ("whens", "kind"),
    [
        ("WHEN MATCHED THEN DELETE WHEN MATCHED AND s.v = 1 THEN UPDATE SET v = 1", "MATCHED"),
        ("WHEN MATCHED THEN DELETE WHEN MATCHED THEN UPDATE SET v = 1", "MATCHED"),
        (
            "WHEN NOT MATCHED THEN INSERT (k) VALUES (1) "
            "WHEN MATCHED THEN DELETE "
            "WHEN NOT MATCHED AND s.k > 0 THEN INSERT (k) VALUES (2)",
            "NOT MATCHED",
        ),
    ],
)
def test_clause_without_and_must_be_last_of_its_kind(whens: str, kind: str) -> None:
    with pytest.raises(ProgrammingError, match=f"Unreachable WHEN {kind} clause"):
        plan(f"MERGE INTO tgt USING s ON tgt.k = s.k {whens}")


def test_unconditional_clauses_last_of_each_kind_are_fine() -> None:
    result = plan(
        "MERGE INTO tgt USING s ON tgt.k = s.k WHEN MATCHED THEN DELETE "
        "WHEN NOT MATCHED AND s.k > 0 THEN INSERT (k) VALUES (1) "
        "WHEN NOT MATCHED THEN INSERT (k) VALUES (2)"
    )
    assert result.count_columns == ("number of rows inserted", "number of rows deleted")


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("WHEN MATCHED THEN UPDATE SET nope = 1", "invalid identifier 'NOPE'"),
        ("WHEN MATCHED THEN UPDATE SET s.v = 1", "invalid identifier 'S.V'"),
        ("WHEN NOT MATCHED THEN INSERT (k, nope) VALUES (1, 2)", "invalid identifier 'NOPE'"),
        ("WHEN MATCHED THEN UPDATE SET v = 1, V = 2", "assigns column 'V' more than once"),
        (
            "WHEN NOT MATCHED THEN INSERT (k, v) VALUES (1)",
            "Insert value list does not match column list expecting 2 but got 1",
        ),
        (
            "WHEN NOT MATCHED THEN INSERT VALUES (1, 2, 3)",
            "Insert value list does not match column list expecting 2 but got 3",
        ),
        ("WHEN NOT MATCHED BY SOURCE THEN DELETE", "NOT MATCHED BY SOURCE"),
        ("WHEN MATCHED THEN INSERT (k) VALUES (1)", "cannot INSERT"),
        ("WHEN NOT MATCHED THEN DELETE", "cannot DELETE"),
    ],
)
def test_bad_clauses(sql: str, expected: str) -> None:
    with pytest.raises(ProgrammingError) as info:
        plan(f"MERGE INTO tgt t USING s ON t.k = s.k {sql}")
    assert expected in str(info.value)


def test_insert_arity_error_has_snowflake_number() -> None:
    with pytest.raises(ProgrammingError) as info:
        plan("MERGE INTO tgt USING s ON tgt.k = s.k WHEN NOT MATCHED THEN INSERT (k) VALUES (1, 2)")
    assert (info.value.errno, info.value.sqlstate) == (2020, "21S01")


def test_all_by_name_checks_known_source_columns() -> None:
    sql = "MERGE INTO tgt USING s ON tgt.k = s.k WHEN MATCHED THEN UPDATE ALL BY NAME"
    with pytest.raises(ProgrammingError, match=r"invalid identifier 'S\.V'"):
        plan(sql, source_columns=("K", "W"))
    with pytest.raises(ProgrammingError, match="no column 'EXTRA'"):
        plan(sql, source_columns=("K", "V", "EXTRA"))
    assert plan(sql, source_columns=("V", "K")).update is not None


def test_all_by_name_missing_source_column_is_named_by_duckdb() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE tgt (__RID BIGINT, K INTEGER, V VARCHAR)")
    con.execute("CREATE TABLE s (k INTEGER, w VARCHAR)")
    result = plan("MERGE INTO tgt USING s ON tgt.k = s.k WHEN NOT MATCHED THEN INSERT ALL BY NAME")
    with pytest.raises(duckdb.BinderException, match='"V"'):
        execute_plan(con, result)
