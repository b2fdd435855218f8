"""Grammar for sequences, tags and clustering keys: ``<seq>.NEXTVAL``, ALTER SEQUENCE, a
qualified CREATE TAG name and ALTER TABLE … DROP CLUSTERING KEY.

https://docs.snowflake.com/en/user-guide/querying-sequences (Sequences as expressions)
https://docs.snowflake.com/en/sql-reference/sql/alter-sequence
https://docs.snowflake.com/en/sql-reference/sql/create-tag
https://docs.snowflake.com/en/sql-reference/sql/alter-table (clusteringAction)
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.parsers.snowflake import SnowflakeParser
from sqlglot.tokenizer_core import TokenType

from icebridge.sql.nodes_objects import AlterSequence, DropClusteringKey


def _sequence_reference(node: exp.Expr | None) -> exp.Expr | None:
    """``name.NEXTVAL`` (NEXTVAL unquoted, the name qualified or not) as a NextValueFor."""
    if not isinstance(node, exp.Column) or not node.args.get("table"):
        return node
    word = node.this
    if not isinstance(word, exp.Identifier) or word.quoted or word.name.upper() != "NEXTVAL":
        return node
    sequence = exp.Table(this=node.args["table"], db=node.args.get("db"))
    if node.args.get("catalog") is not None:
        sequence.set("catalog", node.args["catalog"])
    return exp.NextValueFor(this=sequence)


class ObjectGrammar(SnowflakeParser):
    """Parsing methods for sequences and clustering keys."""

    def _parse_create(self) -> exp.Create | exp.Command:
        # sqlglot keeps only the last part of a qualified tag name: read it whole.
        # https://docs.snowflake.com/en/sql-reference/sql/create-tag
        index = self._index
        replace = self._match_pair(TokenType.OR, TokenType.REPLACE)
        or_alter = not replace and self._match_pair(TokenType.OR, TokenType.ALTER)
        if not self._match_text_seq("TAG"):
            self._retreat(index)
            return super()._parse_create()
        exists = self._parse_exists(not_=True)
        name = self._parse_table_parts()
        properties = self._parse_properties()
        node = self.expression(
            exp.Create(
                this=name,
                kind="TAG",
                replace=replace or or_alter or None,  # as sqlglot reads OR ALTER elsewhere
                exists=exists or None,
                properties=properties,
            )
        )
        if or_alter:  # set after validation, as the parser does for CREATE OR ALTER TABLE
            node.set("or_alter", True)
        return node

    def _parse_column(self) -> exp.Expr | None:
        return _sequence_reference(super()._parse_column())

    def _parse_alter(self) -> exp.Alter | exp.Command:
        if self._match_text_seq("SEQUENCE"):
            return self._parse_alter_sequence()  # type: ignore[return-value]
        return super()._parse_alter()

    def _parse_alter_table_drop(self) -> list[exp.Expr]:
        if self._match_text_seq("CLUSTERING", "KEY"):
            return [self.expression(DropClusteringKey())]
        return super()._parse_alter_table_drop()

    def _parse_alter_sequence(self) -> AlterSequence:
        """After ``ALTER SEQUENCE``: the forms of the alter-sequence page."""
        exists = self._parse_exists()
        name = self._parse_table_parts()
        node = AlterSequence(this=name, exists=exists or None)
        if self._match_text_seq("RENAME", "TO"):
            node.set("rename", self._parse_table_parts())
        elif self._match_text_seq("UNSET", "COMMENT"):
            node.set("unset_comment", True)
        else:
            self._match(TokenType.SET)
            if self._match_text_seq("INCREMENT"):
                self._match_text_seq("BY")
                self._match(TokenType.EQ)
                increment = self._parse_unary()
                if increment is None:
                    self.raise_error("Expected a number after INCREMENT")
                node.set("increment", increment)
            if self._match_texts(("ORDER", "NOORDER")):
                node.set("order", self._prev.text.upper() == "ORDER")
            if self._match_text_seq("COMMENT"):
                self._match(TokenType.EQ)
                comment = self._parse_string()
                if comment is None:
                    self.raise_error("Expected a string after COMMENT =")
                node.set("comment", comment)
            if not any(node.args.get(k) is not None for k in ("increment", "order", "comment")):
                self.raise_error("Expected RENAME TO, SET or UNSET COMMENT")
        if self._curr:
            self.raise_error("Unexpected text after ALTER SEQUENCE")
        return self.expression(node)
