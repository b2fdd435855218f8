"""Shared pieces of icebridge's statement nodes: ``NAME = value`` options and their reading.

Options are stored as a list of :class:`sqlglot.exp.Property` nodes, each with a
:class:`sqlglot.exp.Var` name (upper case) and a value node, in the order they are
written. The helpers here read them back as Python values.
"""

from __future__ import annotations

import typing as t
from collections.abc import Sequence

from sqlglot import exp

from icebridge.sql.identifiers import identifier


def option(name: str, value: exp.Expression) -> exp.Property:
    """One ``NAME = value`` option node."""
    return exp.Property(this=exp.Var(this=name.upper()), value=value)


def option_name(prop: exp.Expression) -> str:
    """The upper-case name of an option node."""
    return prop.this.name.upper() if isinstance(prop.this, exp.Expression) else str(prop.this)


def find_option(props: Sequence[exp.Expression] | None, name: str) -> exp.Expression | None:
    """The value node of option ``name`` (last one wins), or None."""
    found: exp.Expression | None = None
    for prop in props or ():
        if isinstance(prop, exp.Property) and option_name(prop) == name.upper():
            found = prop.args.get("value")
    return found


def stored_name(value: exp.Expression | None) -> str | None:
    """The stored form of an identifier-valued option (``wh`` -> ``WH``, ``"a b"`` -> ``a b``)."""
    if value is None:
        return None
    if isinstance(value, exp.Identifier):
        return value.name if value.quoted else value.name.upper()
    if isinstance(value, exp.Literal) and value.is_string:
        return value.name
    return value.name.upper()


def string_value(value: exp.Expression | None) -> str | None:
    """The text of a string, keyword or number option value."""
    if value is None:
        return None
    if isinstance(value, exp.Literal):
        return value.name
    if isinstance(value, exp.Boolean):
        return "TRUE" if value.this else "FALSE"
    if isinstance(value, exp.Var | exp.Identifier):
        return value.name
    return value.sql(dialect="snowflake")


def bool_value(value: exp.Expression | None) -> bool | None:
    """A TRUE/FALSE option value as a Python bool (None when absent)."""
    if value is None:
        return None
    if isinstance(value, exp.Boolean):
        return bool(value.this)
    text = string_value(value)
    return None if text is None else text.upper() == "TRUE"


def int_value(value: exp.Expression | None) -> int | None:
    """A numeric option value as an int (None when absent)."""
    if value is None:
        return None
    if isinstance(value, exp.Neg):
        inner = int_value(value.this)
        return None if inner is None else -inner
    text = string_value(value)
    return None if text is None else int(text)


def boolean(value: bool) -> exp.Boolean:
    """A TRUE/FALSE literal node."""
    return exp.Boolean(this=value)


def number(value: int) -> exp.Expression:
    """A numeric literal node (negative values are a Neg of a literal, as parsed)."""
    if value < 0:
        return exp.Neg(this=exp.Literal.number(-value))
    return exp.Literal.number(value)


def name_value(value: str) -> exp.Identifier:
    """An identifier-valued option (warehouse, integration) from a stored name."""
    return identifier(value)


class CreateFlagsMixin:
    """``OR REPLACE`` and ``IF NOT EXISTS`` of a CREATE node (args ``replace``, ``exists``)."""

    args: dict[str, t.Any]

    @property
    def or_replace(self) -> bool:
        """True for CREATE OR REPLACE."""
        return bool(self.args.get("replace"))

    @property
    def if_not_exists(self) -> bool:
        """True for IF NOT EXISTS."""
        return bool(self.args.get("exists"))


class OptionsMixin:
    """Reading of ``NAME = value`` options held in a node's ``properties`` list."""

    args: dict[str, t.Any]

    @property
    def options(self) -> list[exp.Property]:
        """All ``NAME = value`` options, in the order written."""
        props = self.args.get("properties") or []
        return [p for p in props if isinstance(p, exp.Property)]

    def option(self, name: str) -> exp.Expression | None:
        """The value node of option ``name`` (case-insensitive), or None when absent."""
        return find_option(self.options, name)

    def option_names(self) -> list[str]:
        """The upper-case names of the options given, in order."""
        return [option_name(p) for p in self.options]
