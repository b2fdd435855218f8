"""Hostile names (quotes, semicolons, spaces, unicode, reserved words) render quoted and
parse back to the same names."""

from __future__ import annotations

from sqlglot import exp

from icebridge import Column, Pipeline
from icebridge.sql.dialect import parse
from icebridge.sql.identifiers import ObjectName

DB = 'my "db"'
STAGING = ObjectName(DB, "land; ing", 'Tab"le ü')
TARGET = ObjectName(DB, "select", "Ordérs 📦")
STREAM = ObjectName(DB, "land; ing", 'Tab"le ü_STREAM')
KEY = "id; DROP TABLE x --"
COLUMN = "ñame 'quoted'"


def hostile() -> Pipeline:
    return (
        Pipeline('"pipe line"', database='"my ""db"""', warehouse='"wh; 2"')
        .stage(
            '"land; ing"."Tab""le ü"',
            columns=[
                Column('"id; DROP TABLE x --"', "NUMBER"),
                Column("\"ñame 'quoted'\"", "STRING"),
            ],
        )
        .stream()
        .to_iceberg('"select"."Ordérs 📦"', merge_on='"id; DROP TABLE x --"')
        .cleanup()
    )


def _names(node: exp.Expression) -> set[ObjectName]:
    out = set()
    for table in node.find_all(exp.Table):
        if table.args.get("catalog") is not None:
            out.add(ObjectName(table.catalog, table.db, table.name))
    return out


def test_hostile_names_round_trip() -> None:
    p = hostile()
    assert p.staging is not None
    assert p.staging.table == STAGING
    statements = p.sql()
    seen: set[ObjectName] = set()
    columns: set[str] = set()
    for sql in statements:
        nodes = parse(sql)
        assert len(nodes) == 1, sql  # a ';' inside a name never splits a statement
        assert not isinstance(nodes[0], exp.Command), sql
        seen |= _names(nodes[0])
        columns |= {c.name for c in nodes[0].find_all(exp.Column)}
        columns |= {d.name for d in nodes[0].find_all(exp.ColumnDef)}
    tasks = {
        ObjectName(DB, "land; ing", "pipe line_LOAD_TASK"),
        ObjectName(DB, "land; ing", "pipe line_CLEANUP_TASK"),
    }
    assert {STAGING, TARGET, STREAM} | tasks <= seen
    assert {KEY, COLUMN, "_INGESTED_AT"} <= columns


def test_quoted_parts_inside_system_function_literals() -> None:
    root = next(s for s in hostile().sql() if "STREAM_HAS_DATA" in s)
    literal = STREAM.sql().replace("'", "''")
    assert f"SYSTEM$STREAM_HAS_DATA('{literal}')" in root
    assert STREAM.sql() == '"my ""db"""."land; ing"."Tab""le ü_STREAM"'


def test_warehouse_is_quoted() -> None:
    root = next(s for s in hostile().sql() if '_LOAD_TASK" WAREHOUSE' in s)
    assert 'WAREHOUSE="wh; 2"' in root
