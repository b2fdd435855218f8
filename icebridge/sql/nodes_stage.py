"""Stage file statements sqlglot leaves opaque: ``REMOVE`` / ``RM``.

``PUT``, ``GET``, ``LIST`` / ``LS`` and ``COPY INTO`` are sqlglot nodes already
(``exp.Put``, ``exp.Get``, ``exp.ListStage``, ``exp.Copy``); the parser only adds the
unquoted ``GET @s file:///dir/`` form (:mod:`icebridge.sql.parser_stage`).

https://docs.snowflake.com/en/sql-reference/sql/remove
"""

from __future__ import annotations

import typing as t

from sqlglot import exp

from icebridge.sql.stage_location import StageLocation


class RemoveFiles(exp.Expression):
    """``REMOVE | RM <stage location> [PATTERN = '<regex>']``.

    Args: ``this`` (exp.Var, the location as written) and ``pattern`` (a string literal).
    """

    arg_types: t.ClassVar[dict[str, bool]] = {"this": True, "pattern": False}

    @property
    def location(self) -> StageLocation:
        """The stage location files are removed from."""
        return StageLocation.parse(self.this.name)

    @property
    def pattern(self) -> str | None:
        """The PATTERN regular expression, or None."""
        pattern = self.args.get("pattern")
        return pattern.name if isinstance(pattern, exp.Literal) else None
