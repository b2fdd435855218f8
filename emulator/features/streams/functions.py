"""SYSTEM$STREAM_HAS_DATA: the function, its cached probe for task ticks, and the rewriter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from emulator import errors
from emulator.features.streams.consume import tracker_of
from icebridge.sql.identifiers import ObjectName

if TYPE_CHECKING:
    from emulator.core.engine import Engine

__all__ = ["has_data", "rewrite_stream_functions", "stream_has_data_function"]


def has_data(emu: Engine, name: ObjectName) -> bool:
    """SYSTEM$STREAM_HAS_DATA for a stream name: never a false negative; FALSE keeps an
    empty stream from going stale
    (https://docs.snowflake.com/en/sql-reference/functions/system_stream_has_data).
    Cheap enough for every task tick (:mod:`emulator.features.streams.probe`)."""
    return tracker_of(emu).probe.has_data(name)  # cached metadata: task ticks call this often


def stream_has_data_function(emu: Engine, call: exp.Expression) -> exp.Expression:
    """Evaluate ``SYSTEM$STREAM_HAS_DATA('<name>')`` in a statement to a BOOLEAN literal.

    The argument is a string literal; a fully qualified or quoted name goes inside it.
    """
    from emulator.features.streams.staleness import has_data as check
    from emulator.features.streams.time_travel import stream_by_text

    args = call.expressions if isinstance(call, exp.Func) else []
    if len(args) != 1 or not isinstance(args[0], exp.Literal) or not args[0].is_string:
        raise errors.generic(
            "SQL compilation error:\nSYSTEM$STREAM_HAS_DATA needs one string literal argument "
            "(the stream name).",
            errno=1044,
            sqlstate="42P13",
        )
    stream = stream_by_text(emu, args[0].name)
    return exp.Boolean(this=check(emu, stream))


def rewrite_stream_functions(emu: Engine, node: exp.Expression) -> exp.Expression:
    """Statement rewriter: SYSTEM$STREAM_HAS_DATA calls in queries, DML and CTAS become their
    value. Other statements (a task's WHEN clause, a view or dynamic table definition) keep
    the call for later evaluation."""
    ctas = (
        type(node) is exp.Create
        and str(node.args.get("kind") or "").upper() == "TABLE"
        and node.args.get("expression") is not None
    )
    if not ctas and not isinstance(
        node, exp.Query | exp.Insert | exp.Update | exp.Delete | exp.Merge
    ):
        return node
    calls = [
        call
        for call in node.find_all(exp.Anonymous)
        if str(call.name).upper() == "SYSTEM$STREAM_HAS_DATA"
    ]
    if not calls:
        return node
    node = node.copy()
    from emulator.core.translation import output_name

    for call in list(node.find_all(exp.Anonymous)):
        if str(call.name).upper() == "SYSTEM$STREAM_HAS_DATA":
            value = stream_has_data_function(emu, call)
            if isinstance(call.parent, exp.Select) and call.arg_key == "expressions":
                # Keep the column name Snowflake reports for the call.
                name = exp.to_identifier(output_name(call), quoted=True)
                call.replace(exp.Alias(this=value, alias=name))
            else:
                call.replace(value)
    return node
