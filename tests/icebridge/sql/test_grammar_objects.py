"""Grammar of sequences, tags and clustering keys: real nodes, never an opaque Command, and
``parse(generate(node)) == node``.

Statements from https://docs.snowflake.com/en/sql-reference/sql/alter-sequence,
https://docs.snowflake.com/en/user-guide/querying-sequences,
https://docs.snowflake.com/en/sql-reference/sql/create-tag and
https://docs.snowflake.com/en/sql-reference/sql/alter-table (clusteringAction).
"""

from __future__ import annotations

import pytest
from sqlglot import exp

from icebridge.errors import ProgrammingError
from icebridge.sql.dialect import generate, parse_one
from icebridge.sql.nodes_objects import AlterSequence, DropClusteringKey, sequence_of

ROUND_TRIPS = [
    "ALTER SEQUENCE myseq RENAME TO newseq",
    "ALTER SEQUENCE IF EXISTS db.s.seq SET INCREMENT = -4",
    "ALTER SEQUENCE test_sequence_wraparound_low SET INCREMENT = -4",
    "ALTER SEQUENCE s INCREMENT BY 5",
    "ALTER SEQUENCE s SET NOORDER COMMENT = 'ids'",
    "ALTER SEQUENCE s UNSET COMMENT",
    "SELECT seq_01.nextval",
    "SELECT seq_5.nextval a, seq_5.nextval b FROM t",
    "CREATE OR REPLACE TABLE foo (k NUMBER DEFAULT seq1.NEXTVAL, v NUMBER)",
    "INSERT INTO foo VALUES (db.s.seq1.NEXTVAL, 101)",
    "CREATE TAG cost_center COMMENT = 'cost_center tag'",
    "CREATE TAG db.s.cost_center",
    "CREATE OR ALTER TAG cost_center ALLOWED_VALUES 'finance', 'engineering', 'sales'",
    "ALTER TABLE t1 DROP CLUSTERING KEY",
]


@pytest.mark.parametrize("text", ROUND_TRIPS)
def test_round_trip(text: str) -> None:
    node = parse_one(text)
    assert not isinstance(node, exp.Command)
    assert parse_one(generate(node)) == node


def test_alter_sequence_node_reads_its_parts() -> None:
    node = parse_one("ALTER SEQUENCE IF EXISTS s SET INCREMENT BY = -4 ORDER COMMENT = 'c'")
    assert isinstance(node, AlterSequence)
    assert node.args["exists"]
    assert node.args["order"] is True
    assert node.args["increment"].sql() == "-4"
    assert node.args["comment"].name == "c"
    assert generate(node) == "ALTER SEQUENCE IF EXISTS s SET INCREMENT = -4 ORDER COMMENT = 'c'"


def test_nextval_is_a_sequence_reference_and_a_quoted_column_is_not() -> None:
    """querying-sequences: ``seq_name.NEXTVAL``; a quoted "NEXTVAL" stays a column."""
    select = parse_one('SELECT db.s."Seq".nextval, t."NEXTVAL" FROM t')
    reference, column = select.expressions
    assert isinstance(reference, exp.NextValueFor)
    assert sequence_of(reference).sql("snowflake") == 'db.s."Seq"'
    assert isinstance(column, exp.Column)


def test_qualified_tag_name_is_kept() -> None:
    """create-tag: the name may be qualified (sqlglot alone keeps only its last part)."""
    node = parse_one("CREATE TAG db.s.cost_center")
    assert node.this.sql("snowflake") == "db.s.cost_center"


def test_drop_clustering_key_is_an_action() -> None:
    node = parse_one("ALTER TABLE t DROP CLUSTERING KEY")
    assert isinstance(node, exp.Alter)
    assert [type(a) for a in node.args["actions"]] == [DropClusteringKey]


@pytest.mark.parametrize(
    "text", ["ALTER SEQUENCE s", "ALTER SEQUENCE s SET", "ALTER SEQUENCE s SET INCREMENT 2 x"]
)
def test_incomplete_alter_sequence_is_a_syntax_error(text: str) -> None:
    with pytest.raises(ProgrammingError) as info:
        parse_one(text)
    assert info.value.errno == 1003
