"""Grammar for the stage file statements: ``REMOVE`` / ``RM`` and the unquoted ``GET``.

https://docs.snowflake.com/en/sql-reference/sql/remove
https://docs.snowflake.com/en/sql-reference/sql/get (``GET @s file:///tmp/data/``)
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.parsers.snowflake import SnowflakeParser
from sqlglot.tokenizer_core import TokenType

from icebridge.sql.nodes_stage import RemoveFiles

#: First words of REMOVE (``RM`` is its abbreviation).
REMOVE_WORDS = frozenset({"REMOVE", "RM"})


class StageGrammar(SnowflakeParser):
    """Parsing methods for the stage file statements."""

    def _parse_remove(self) -> RemoveFiles:
        """After ``REMOVE`` / ``RM``: ``<location> [PATTERN = '<regex>']``."""
        if not self._curr:
            self.raise_error("Expected a stage location after REMOVE")
        this = self._parse_location_path()
        pattern = None
        if self._match_text_seq("PATTERN"):
            self._match(TokenType.EQ)
            pattern = self._parse_string()
            if pattern is None:
                self.raise_error("Expected a string after PATTERN =")
        return self.expression(RemoveFiles(this=this, pattern=pattern))

    def _parse_get(self) -> exp.Expr | None:
        # sqlglot falls back to a Command for an unquoted ``file://`` target: read it as
        # the string it stands for, as PUT does.
        index = self._index
        if self._match(TokenType.L_PAREN, advance=False) or not self._curr:
            return super()._parse_get()
        target = self._parse_location_path()
        if not self._curr or self._curr.token_type != TokenType.URI_START:
            self._retreat(index)
            return super()._parse_get()
        local = exp.Literal.string(self._parse_location_path().name)
        return self.expression(
            exp.Get(this=local, target=target, properties=self._parse_properties())
        )
