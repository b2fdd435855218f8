"""Hostile identifiers survive a round trip through the builders unchanged."""

from __future__ import annotations

import pytest
from sqlglot import exp

from icebridge.sql import build
from icebridge.sql.dialect import generate, parse_one
from icebridge.sql.identifiers import ObjectName
from icebridge.sql.nodes_stream import CreateStream
from icebridge.sql.nodes_table import CreateDynamicTable
from icebridge.sql.nodes_task import CreateTask

HOSTILE = [
    'double"quote',
    '""',
    "semi;colon",
    "with space",
    " lead and trail ",
    "ünïcödé 表 🧊",
    "SELECT",
    "TABLE",
    "lower",
    "Mixed",
    "dot.ted",
    "it's",
    "--comment",
    "/* c */",
    "$$dollar$$",
    "back\\slash",
    "END",
    "BEGIN",
]


def _parts(table: exp.Table) -> tuple[str, str, str]:
    return (table.catalog, table.db, table.name)


@pytest.mark.parametrize("name", HOSTILE)
def test_names_survive_create_task(name: str) -> None:
    obj = ObjectName(name, name, name)
    node = build.create_task(
        obj.table(),
        body=build.script_block([exp.delete(obj.table())]),
        warehouse=name,
        after=[obj.table()],
        when=build.stream_has_data(obj),
    )
    parsed = parse_one(generate(node))
    assert isinstance(parsed, CreateTask)
    assert parsed == node
    assert _parts(parsed.task) == (name, name, name)
    assert parsed.warehouse == name
    assert _parts(parsed.after[0]) == (name, name, name)
    when = parsed.when
    assert isinstance(when, exp.Anonymous)
    # The literal holds the name rendered through identifiers; it parses back to it.
    assert ObjectName.parse(when.expressions[0].name) == obj


@pytest.mark.parametrize("name", HOSTILE)
def test_names_survive_stream_and_dynamic_table(name: str) -> None:
    obj = ObjectName("DB", name, name)
    stream = build.create_stream(obj.table(), on=obj.table(), comment=name)
    parsed = parse_one(generate(stream))
    assert isinstance(parsed, CreateStream)
    assert parsed == stream
    assert _parts(parsed.stream) == ("DB", name, name)
    assert parsed.comment == name
    dyn = build.create_dynamic_table(
        obj.table(),
        query=exp.select(exp.column(name, quoted=True)).from_(obj.table()),
        target_lag="1 minute",
        warehouse=name,
        columns=[build.column_def(name, exp.DataType.build("INT"))],
    )
    parsed_dyn = parse_one(generate(dyn))
    assert isinstance(parsed_dyn, CreateDynamicTable)
    assert parsed_dyn == dyn
    assert parsed_dyn.warehouse == name
    assert parsed_dyn.columns[0].name == name


def test_case_is_kept_exactly() -> None:
    # Node equality ignores the case of some strings; compare the stored names directly.
    node = build.drop("TABLE", ObjectName("db", "Sc", "t").table())
    parsed = parse_one(generate(node))
    assert isinstance(parsed, exp.Drop)
    table = parsed.args["tables"][0]
    assert [p.name for p in table.parts] == ["db", "Sc", "t"]
    assert all(p.quoted for p in table.parts)
