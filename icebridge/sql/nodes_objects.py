"""Nodes for everyday DDL sqlglot leaves opaque: ALTER SEQUENCE and ALTER TABLE … DROP
CLUSTERING KEY.

A sequence reference ``<name>.NEXTVAL`` is sqlglot's :class:`sqlglot.exp.NextValueFor`
(parsed by :mod:`icebridge.sql.parser_objects`, written back as ``<name>.NEXTVAL``).

https://docs.snowflake.com/en/sql-reference/sql/alter-sequence
https://docs.snowflake.com/en/sql-reference/sql/alter-table (clusteringAction)
https://docs.snowflake.com/en/user-guide/querying-sequences
"""

from __future__ import annotations

import typing as t

from sqlglot import exp


class AlterSequence(exp.Expression):
    """``ALTER SEQUENCE [IF EXISTS] name RENAME TO new`` | ``[SET] [INCREMENT [BY] [=] n]``
    | ``SET [ORDER | NOORDER] [COMMENT = '…']`` | ``UNSET COMMENT``.

    Args: ``this`` (exp.Table), ``exists``, ``rename`` (exp.Table), ``increment`` (a number
    expression), ``order`` (True for ORDER, False for NOORDER), ``comment`` (a string
    literal) and ``unset_comment``.
    """

    arg_types: t.ClassVar[dict[str, bool]] = {
        "this": True,
        "exists": False,
        "rename": False,
        "increment": False,
        "order": False,
        "comment": False,
        "unset_comment": False,
    }


class DropClusteringKey(exp.Expression):
    """The ``DROP CLUSTERING KEY`` action of ALTER TABLE."""

    arg_types: t.ClassVar[dict[str, bool]] = {}


def sequence_of(node: exp.NextValueFor) -> exp.Table:
    """The sequence a ``<name>.NEXTVAL`` reference names."""
    table = node.this
    if isinstance(table, exp.Table):
        return table
    return exp.Table(this=exp.to_identifier(table.name))
