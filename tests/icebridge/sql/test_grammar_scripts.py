"""Scripts: a ';' inside BEGIN ... END does not end the statement; blocks hold real
statement nodes; BEGIN alone is a transaction."""

from __future__ import annotations

import pytest
from sqlglot import exp

from icebridge.errors import ProgrammingError
from icebridge.sql.dialect import generate, parse, parse_one, split
from icebridge.sql.nodes_task import Call, CreateTask, ScriptBlock


def test_task_block_then_next_statement() -> None:
    statements = parse(
        "CREATE TASK t WAREHOUSE = w SCHEDULE = '1 MINUTE' AS BEGIN INSERT INTO a SELECT 1; "
        "DELETE FROM b; END; SELECT 1"
    )
    assert [type(s) for s in statements] == [CreateTask, exp.Select]
    task = statements[0]
    assert isinstance(task, CreateTask)
    assert [type(s) for s in task.body_statements] == [exp.Insert, exp.Delete]


def test_transaction_inside_block_and_case_expression() -> None:
    (task,) = parse(
        "CREATE TASK t AS BEGIN BEGIN TRANSACTION; "
        "UPDATE a SET x = CASE WHEN y THEN 1 ELSE 2 END; COMMIT; END"
    )
    assert isinstance(task, CreateTask)
    assert [type(s) for s in task.body_statements] == [exp.Transaction, exp.Update, exp.Commit]
    assert "BEGIN TRANSACTION; UPDATE" in generate(task)


def test_nested_and_declare_blocks() -> None:
    statements = parse(
        "DECLARE n INT DEFAULT 1; m := 'x'; BEGIN BEGIN CALL p(n); END; "
        "DECLARE k INT; BEGIN SELECT 1; END; END; COMMIT"
    )
    assert [type(s) for s in statements] == [ScriptBlock, exp.Commit]
    block = statements[0]
    assert isinstance(block, ScriptBlock)
    assert [v.name for v in block.declarations] == ["n", "m"]
    inner = block.statements
    assert all(isinstance(s, ScriptBlock) for s in inner)
    first = inner[0]
    assert isinstance(first, ScriptBlock)
    assert isinstance(first.statements[0], Call)


def test_begin_alone_is_a_transaction() -> None:
    statements = parse("BEGIN; INSERT INTO a VALUES (1); COMMIT; BEGIN WORK; ROLLBACK")
    assert [type(s) for s in statements] == [
        exp.Transaction,
        exp.Insert,
        exp.Commit,
        exp.Transaction,
        exp.Rollback,
    ]
    # Rendered with TRANSACTION so that inside a block it cannot open a nested block.
    assert generate(statements[0]) == "BEGIN TRANSACTION"


def test_block_statements_are_nodes_not_commands() -> None:
    (task,) = parse(
        "CREATE TASK t AS BEGIN ALTER SESSION SET TIMEZONE = 'UTC'; "
        "MERGE INTO a USING b ON a.k = b.k WHEN MATCHED THEN DELETE; END"
    )
    assert isinstance(task, CreateTask)
    assert not any(isinstance(s, exp.Command) for s in task.body_statements)
    assert isinstance(task.body_statements[1], exp.Merge)


def test_pretty_block_round_trips() -> None:
    node = parse_one(
        "CREATE TASK t AS DECLARE x INT; BEGIN SELECT 1; INSERT INTO a VALUES (1); END"
    )
    pretty = generate(node, pretty=True)
    assert "\n" in pretty
    assert parse_one(pretty) == node


def test_split_keeps_blocks_strings_and_comments_together() -> None:
    script = (
        "SELECT 1; -- trailing comment\n"
        "CREATE TASK t AS BEGIN INSERT INTO a VALUES (';'); DELETE FROM a; END;\n"
        ";  SELECT $$a;b$$ ; BEGIN; COMMIT;  "
    )
    assert split(script) == [
        "SELECT 1",
        "CREATE TASK t AS BEGIN INSERT INTO a VALUES (';'); DELETE FROM a; END",
        "SELECT $$a;b$$",
        "BEGIN",
        "COMMIT",
    ]
    assert [type(parse_one(s)) for s in split(script)][1] is CreateTask


def test_split_reports_unterminated_text() -> None:
    with pytest.raises(ProgrammingError) as info:
        split("SELECT 1;\nSELECT 'open")
    assert info.value.errno == 1003
    assert "line 2 at position 12 unexpected '<EOF>'" in info.value.msg


def test_or_alter_is_kept_for_tables() -> None:
    node = parse_one("CREATE OR ALTER TABLE t (a INT)")
    assert generate(node) == "CREATE OR ALTER TABLE t (a INT)"
    assert parse_one(generate(node)) == node


def test_transaction_spellings() -> None:
    for sql in ("BEGIN", "BEGIN WORK", "BEGIN TRANSACTION", "START TRANSACTION"):
        node = parse_one(sql)
        assert type(node) is exp.Transaction, sql
        assert generate(node) == "BEGIN TRANSACTION"
    named = parse_one("START TRANSACTION NAME t1")
    assert generate(named) == "BEGIN TRANSACTION NAME t1"
    assert parse_one(generate(named)) == named
    (task,) = parse("CREATE TASK t AS BEGIN START TRANSACTION; SELECT 1; COMMIT; END")
    assert isinstance(task, CreateTask)
    assert type(task.body_statements[0]) is exp.Transaction
