"""The WHEN condition of a task: validation at CREATE / ALTER and evaluation per run.

https://docs.snowflake.com/en/sql-reference/sql/create-task (WHEN): only
SYSTEM$STREAM_HAS_DATA, SYSTEM$GET_PREDECESSOR_RETURN_VALUE, AND / OR / NOT, comparison
operators and casts between numeric, string and boolean types are supported; it is
evaluated without a warehouse (no body runs, no transaction).

Evaluation is done in Python on the cached parsed condition, so a skipped tick costs no
SQL parsing and no DuckDB transaction. SYSTEM$STREAM_HAS_DATA calls
``emulator.features.streams.has_data`` when that module exists; otherwise the condition is run as a
``SELECT`` through the session, so the SQL function is used once it is registered.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from emulator import errors
from icebridge.sql.dialect import generate, parse_expression
from icebridge.sql.identifiers import ObjectName

if TYPE_CHECKING:
    from emulator.core.engine import Engine

STREAM_HAS_DATA = "SYSTEM$STREAM_HAS_DATA"
GET_PREDECESSOR_RETURN_VALUE = "SYSTEM$GET_PREDECESSOR_RETURN_VALUE"
_FUNCTIONS = (STREAM_HAS_DATA, GET_PREDECESSOR_RETURN_VALUE)
_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)
_ALLOWED = (
    exp.And,
    exp.Or,
    exp.Not,
    exp.Paren,
    exp.Literal,
    exp.Boolean,
    exp.Null,
    exp.Cast,
    exp.TryCast,
    exp.DataType,
    exp.Anonymous,
    exp.Is,
    exp.Neg,
    exp.Var,
    *_COMPARISONS,
)


def invalid_when(text: str) -> Exception:
    return errors.generic(
        f"SQL compilation error:\nInvalid expression [{text}] in the WHEN clause of a task; "
        "only SYSTEM$STREAM_HAS_DATA, SYSTEM$GET_PREDECESSOR_RETURN_VALUE, boolean "
        "operators, comparisons and casts are supported.",
        errno=2212,
        sqlstate="42601",
    )


def validate(condition: exp.Expression) -> str:
    """Check a WHEN condition; returns its text as stored (and shown as CONDITION_TEXT)."""
    for node in condition.walk():
        bad = not isinstance(node, _ALLOWED) or (
            isinstance(node, exp.Anonymous) and node.name.upper() not in _FUNCTIONS
        )
        if bad or (isinstance(node, exp.Var) and not isinstance(node.parent, exp.DataType)):
            raise invalid_when(node.sql(dialect="snowflake"))
    return generate(condition)


@lru_cache(maxsize=512)
def parsed(text: str) -> exp.Expression:
    """The condition's AST, parsed once per distinct text."""
    return parse_expression(text)


class Evaluator:
    """Evaluates a condition for one run (return values of the predecessors given)."""

    def __init__(self, emu: Engine, task: ObjectName, predecessor_values: dict[str, str]):
        self.emu = emu
        self.task = task
        self.values = predecessor_values

    def truth(self, text: str) -> bool:
        node = parsed(text)
        try:
            value = self.eval(node)
        except _NeedsSession:
            return self._through_session(node)
        return value is True

    def _through_session(self, node: exp.Expression) -> bool:
        select = exp.Select(expressions=[node.copy()])
        saved = (self.emu.state.database, self.emu.state.schema)
        self.emu.state.database, self.emu.state.schema = self.task.database, self.task.schema
        try:
            table = self.emu.run_parsed(select, generate(select)).table
        finally:
            self.emu.state.database, self.emu.state.schema = saved
        return bool(table.column(0)[0].as_py())

    def eval(self, node: exp.Expression) -> Any:
        handler = _HANDLERS.get(type(node))
        if handler is None:
            raise invalid_when(generate(node))
        return handler(self, node)

    def call(self, node: exp.Anonymous) -> Any:
        name = node.name.upper()
        args = [self.eval(a) for a in node.expressions]
        if name == GET_PREDECESSOR_RETURN_VALUE:
            return predecessor_value(self.values, args[0] if args else None)
        has_data = _stream_has_data()
        if has_data is None:
            raise _NeedsSession
        if len(args) != 1 or not isinstance(args[0], str):
            raise invalid_when(generate(node))
        stream = ObjectName.parse(args[0], database=self.task.database, schema=self.task.schema)
        return bool(has_data(self.emu, stream))


def predecessor_value(values: dict[str, str], name: Any) -> str | None:
    """SYSTEM$GET_PREDECESSOR_RETURN_VALUE: the one predecessor's value, or the named one
    (case-sensitive; stored names are upper case unless quoted)."""
    if name is None:
        if len(values) > 1:
            raise errors.generic(
                "SYSTEM$GET_PREDECESSOR_RETURN_VALUE needs a task name when the task has "
                "several predecessors.",
                errno=91091,
                sqlstate="22023",
            )
        return next(iter(values.values()), None)
    return values.get(str(name))


class _NeedsSession(Exception):
    pass


def _stream_has_data() -> Callable[..., bool] | None:
    try:
        module = importlib.import_module("emulator.features.streams")
    except ImportError:
        return None
    fn = getattr(module, "has_data", None)
    return fn if callable(fn) else None


def _literal(ev: Evaluator, node: exp.Expression) -> Any:
    assert isinstance(node, exp.Literal)
    if node.is_string:
        return node.this
    return Decimal(node.this)


def _compare(ev: Evaluator, node: exp.Expression) -> Any:
    left, right = ev.eval(node.this), ev.eval(node.expression)
    if left is None or right is None:
        return None
    if isinstance(left, Decimal) != isinstance(right, Decimal):
        left, right = _coerce_number(left), _coerce_number(right)
    ops: dict[type[exp.Expression], Callable[[Any, Any], bool]] = {
        exp.EQ: lambda a, b: a == b,
        exp.NEQ: lambda a, b: a != b,
        exp.GT: lambda a, b: a > b,
        exp.GTE: lambda a, b: a >= b,
        exp.LT: lambda a, b: a < b,
        exp.LTE: lambda a, b: a <= b,
    }
    return ops[type(node)](left, right)


def _coerce_number(value: Any) -> Any:
    if isinstance(value, bool):
        return Decimal(int(value))
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise errors.numeric_not_recognized(str(value)) from None


def _cast(ev: Evaluator, node: exp.Expression) -> Any:
    value = ev.eval(node.this)
    to = node.args["to"]
    if value is None:
        return None
    if to.is_type(*exp.DataType.TEXT_TYPES):
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)
    if to.is_type(exp.DataType.Type.BOOLEAN):
        return _to_bool(value)
    return _coerce_number(value)


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return value != 0
    text = str(value).strip().lower()
    if text in ("true", "t", "yes", "y", "on", "1"):
        return True
    if text in ("false", "f", "no", "n", "off", "0"):
        return False
    raise errors.generic(f"Boolean value '{value}' is not recognized", errno=100037)


def _and(ev: Evaluator, node: exp.Expression) -> Any:
    left = ev.eval(node.this)
    if left is False:
        return False
    right = ev.eval(node.expression)
    if right is False:
        return False
    return None if left is None or right is None else _to_bool(left) and _to_bool(right)


def _or(ev: Evaluator, node: exp.Expression) -> Any:
    left = ev.eval(node.this)
    if left is True:
        return True
    right = ev.eval(node.expression)
    if right is True:
        return True
    return None if left is None or right is None else _to_bool(left) or _to_bool(right)


def _not(ev: Evaluator, node: exp.Expression) -> Any:
    value = ev.eval(node.this)
    return None if value is None else not _to_bool(value)


def _is(ev: Evaluator, node: exp.Expression) -> Any:
    value = ev.eval(node.this)
    target = node.expression
    if isinstance(target, exp.Null):
        return value is None
    return value is ev.eval(target)


_HANDLERS: dict[type[exp.Expression], Callable[[Evaluator, Any], Any]] = {
    exp.Literal: _literal,
    exp.Boolean: lambda ev, n: bool(n.this),
    exp.Null: lambda ev, n: None,
    exp.Paren: lambda ev, n: ev.eval(n.this),
    exp.Neg: lambda ev, n: -_coerce_number(ev.eval(n.this)),
    exp.And: _and,
    exp.Or: _or,
    exp.Not: _not,
    exp.Is: _is,
    exp.Cast: _cast,
    exp.TryCast: _cast,
    exp.Anonymous: lambda ev, n: ev.call(n),
    **dict.fromkeys(_COMPARISONS, _compare),
}
