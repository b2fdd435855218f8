"""The parser of icebridge's Snowflake dialect.

It extends sqlglot's Snowflake parser with CREATE STREAM, CREATE/ALTER/EXECUTE TASK,
Snowflake Scripting blocks, CALL, ALTER DYNAMIC TABLE, SHOW/DESCRIBE/DROP for streams,
tasks and dynamic tables, and turns CREATE DYNAMIC / ICEBERG TABLE into their own node
kinds. A statement that starts like one of these but does not follow the grammar is a
syntax error, never an opaque exp.Command.
"""

from __future__ import annotations

import typing as t

from sqlglot import exp
from sqlglot.errors import ParseError
from sqlglot.parsers.snowflake import SnowflakeParser
from sqlglot.tokenizer_core import Token, TokenType
from sqlglot.trie import new_trie

from icebridge.sql.nodes_table import CreateDynamicTable, CreateIcebergTable
from icebridge.sql.nodes_task import Call
from icebridge.sql.parser_objects import ObjectGrammar
from icebridge.sql.parser_stage import REMOVE_WORDS, StageGrammar
from icebridge.sql.parser_task import TaskGrammar
from icebridge.sql.script_split import split_statements

_OBJECT_KINDS = ("STREAM", "TASK", "DYNAMIC", "ICEBERG", "TABLE")
_SHOW_OWNED = ("STREAMS", "TASKS", "DYNAMIC", "ICEBERG", "TABLES", "SCHEMAS", "DATABASES")

# Statement prefixes this grammar owns: a statement starting so never becomes a Command.
_OWNED_PREFIXES: tuple[tuple[str, ...], ...] = (
    ("CREATE", "STREAM"),
    ("CREATE", "TASK"),
    ("CREATE", "DYNAMIC"),
    ("CREATE", "ICEBERG"),
    ("CREATE", "TRANSIENT", "DYNAMIC"),
    ("CREATE", "TRANSIENT", "ICEBERG"),
    ("ALTER", "TASK"),
    ("ALTER", "DYNAMIC"),
    ("EXECUTE", "TASK"),
    *((verb, kind) for verb in ("DROP", "DESC", "DESCRIBE") for kind in _OBJECT_KINDS),
    *(("SHOW", kind) for kind in _SHOW_OWNED),
    *(("SHOW", "TERSE", kind) for kind in _SHOW_OWNED),
)

_SHOW_KINDS = ("STREAMS", "TASKS", "DYNAMIC TABLES")


def _show(kind: str, terse: bool = False) -> t.Callable[[SnowflakeParser], exp.Show]:
    """SHOW [TERSE] <kind> [LIKE ...] [IN ...] [STARTS WITH ...] [LIMIT ...], as sqlglot
    reads its other SHOW statements."""
    return lambda self: self._parse_show_snowflake(kind, terse=terse)


class IcebridgeParser(ObjectGrammar, StageGrammar, TaskGrammar, SnowflakeParser):
    """sqlglot's Snowflake parser plus the statements icebridge models."""

    SHOW_PARSERS: t.ClassVar[dict[str, t.Callable[..., t.Any]]] = {
        **SnowflakeParser.SHOW_PARSERS,
        **{kind: _show(kind) for kind in _SHOW_KINDS},
        **{f"TERSE {kind}": _show(kind, terse=True) for kind in _SHOW_KINDS},
    }
    SHOW_TRIE: t.ClassVar[dict[str, t.Any]] = new_trie(key.split(" ") for key in SHOW_PARSERS)
    # ``SHOW TASKS IN db.schema`` names a schema, not a table.
    SCHEMA_KINDS: t.ClassVar[set[str]] = {*SnowflakeParser.SCHEMA_KINDS, *_SHOW_KINDS}

    # A table constraint on its own (``[CONSTRAINT n] PRIMARY KEY (a, b)``), as recorded in
    # the catalog: read back with ``parse_into(exp.Constraint, text)``.
    EXPRESSION_PARSERS: t.ClassVar[dict[type[exp.Expr], t.Callable[..., t.Any]]] = {
        **SnowflakeParser.EXPRESSION_PARSERS,
        exp.Constraint: lambda self: self._parse_constraint(),
    }

    STATEMENT_PARSERS: t.ClassVar[dict[TokenType, t.Callable[..., t.Any]]] = {
        **SnowflakeParser.STATEMENT_PARSERS,
        TokenType.BEGIN: lambda self: self._parse_begin(),
    }

    PROPERTY_PARSERS: t.ClassVar[dict[str, t.Callable[..., t.Any]]] = {
        **SnowflakeParser.PROPERTY_PARSERS,
        # Warehouse names are identifiers: keep their quoting (sqlglot reads a Var).
        "WAREHOUSE": lambda self: self._parse_name_property("WAREHOUSE"),
        "INITIALIZATION_WAREHOUSE": lambda self: self._parse_name_property(
            "INITIALIZATION_WAREHOUSE"
        ),
    }

    def _parse(
        self,
        parse_method: t.Callable[[t.Any], exp.Expr | None],
        raw_tokens: list[Token],
        sql: str | None = None,
    ) -> list[exp.Expr | None]:
        # Same as sqlglot's, but a ';' inside BEGIN ... END does not end the statement.
        self.reset()
        self.sql = sql or ""
        self._block_depth = 0
        self._chunks = split_statements(raw_tokens)
        return self._parse_batch_statements(parse_method=parse_method, sep_first_statement=False)

    def raise_error(self, message: str, token: Token | None = None) -> None:
        """Raise (or record) a ParseError that also carries Snowflake's ``position`` (0-based
        column of the offending token) and ``near`` (its text, or ``<EOF>``)."""
        at_end = not token and not self._curr
        tok = token or self._curr or self._prev or Token.string("")
        try:
            super().raise_error(message, tok)
        except ParseError as error:
            _annotate(error, self.sql, tok, at_end)
            raise
        if self.errors:
            _annotate(self.errors[-1], self.sql, tok, at_end)

    # --- statement dispatch ---------------------------------------------------------

    def _parse_statement(self) -> exp.Expr | None:
        curr = self._curr
        if not curr:
            return None
        text = curr.text.upper()
        quoted = curr.token_type in (TokenType.IDENTIFIER, TokenType.STRING)
        if not quoted and text == "DECLARE":
            self._advance()
            return self._parse_declare_block()
        if not quoted and text == "CALL":
            self._advance()
            return self._parse_call()
        if not quoted and text in REMOVE_WORDS:
            self._advance()
            return self._parse_remove()
        if not quoted and text == "START" and self._next.text.upper() == "TRANSACTION":
            # START TRANSACTION is BEGIN TRANSACTION.
            # https://docs.snowflake.com/en/sql-reference/sql/begin
            self._advance()
            return self._parse_transaction()
        if curr.token_type == TokenType.EXECUTE:
            self._advance()
            if self._match_text_seq("TASK"):
                return self._parse_execute_task()
            return self._parse_as_command(self._prev)
        return super()._parse_statement()

    def _parse_call(self) -> Call:
        parts: list[exp.Expr | None] = [None, None]
        while True:
            part = self._parse_id_var(any_token=False)
            if part is None:
                self.raise_error("Expected a procedure name after CALL")
                break
            parts.append(part)
            if not self._match(TokenType.DOT):
                break
        catalog, db, this = parts[-3:]
        name = exp.Table(this=this, db=db, catalog=catalog)
        if not self._match(TokenType.L_PAREN, advance=False):
            self.raise_error("Expected '(' after the procedure name")
        args = self._parse_wrapped_csv(self._parse_assignment, optional=True)
        return self.expression(Call(this=name, expressions=args))

    def _parse_create(self) -> exp.Create | exp.Command:
        index = self._index
        replace = self._match_pair(TokenType.OR, TokenType.REPLACE)
        or_alter = not replace and self._match_pair(TokenType.OR, TokenType.ALTER)
        if self._match_text_seq("STREAM"):
            return self._parse_create_stream(replace=replace)  # type: ignore[return-value]
        if self._match_text_seq("TASK"):
            return self._parse_create_task(replace=replace)  # type: ignore[return-value]
        self._retreat(index)
        node = super()._parse_create()
        if not isinstance(node, exp.Create) or node.kind != "TABLE":
            return node
        props = node.args.get("properties")
        kinds = {type(p) for p in (props.expressions if props else [])}
        klass: type[exp.Create] | None = None
        if exp.DynamicProperty in kinds:
            klass = CreateDynamicTable
        elif exp.IcebergProperty in kinds:
            klass = CreateIcebergTable
        if klass is None:
            if or_alter:
                node.set("or_alter", True)
            return node
        if klass is CreateDynamicTable and not isinstance(node.expression, exp.Query):
            self.raise_error("Expected AS and the dynamic table's query")
        converted = klass(**node.args)
        if or_alter:
            converted.set("or_alter", True)
        converted.add_comments(node.comments)
        return converted

    def _parse_alter(self) -> exp.Alter | exp.Command:
        if self._match_text_seq("TASK"):
            return self._parse_alter_task()  # type: ignore[return-value]
        if self._match_text_seq("DYNAMIC", "TABLE"):
            return self._parse_alter_dynamic_table()  # type: ignore[return-value]
        return super()._parse_alter()

    def _parse_drop(self, exists: bool = False, kind: str | None = None) -> exp.Drop | exp.Command:
        if kind is None:
            for words in (("STREAM",), ("TASK",), ("DYNAMIC", "TABLE")):
                if self._match_text_seq(*words):
                    if_exists = self._parse_exists()
                    name = self._parse_name()
                    return self.expression(
                        exp.Drop(kind=" ".join(words), tables=[name], exists=if_exists)
                    )
        return super()._parse_drop(exists=exists, kind=kind)

    def _parse_describe(self) -> exp.Describe:
        for kind in ("STREAM", "TASK"):
            if self._match_text_seq(kind):
                return self.expression(exp.Describe(this=self._parse_name(), kind=kind))
        return super()._parse_describe()

    def _parse_name_property(self, name: str) -> exp.Property:
        self._match(TokenType.EQ)
        value = self._parse_id_var(any_token=True)
        if value is None:
            self.raise_error(f"Expected a name after {name} =")
        return self.expression(exp.Property(this=exp.Var(this=name), value=value))

    def _parse_as_command(self, start: Token) -> exp.Command:
        words = _leading_words(self._tokens, start)
        owned = any(words[: len(p)] == p for p in _OWNED_PREFIXES)
        if owned or self._block_depth:
            tok = self._curr if self._curr and self._curr is not start else None
            self.raise_error("Unsupported or invalid syntax", tok or self._next or start)
        return super()._parse_as_command(start)


def _leading_words(tokens: list[Token], start: Token) -> tuple[str, ...]:
    index = next((i for i, tok in enumerate(tokens) if tok is start), 0)
    texts = [tok.text.upper() for tok in tokens[index : index + 6]]
    if texts[:1] == ["CREATE"]:
        rest = texts[1:]
        if rest[:2] in (["OR", "REPLACE"], ["OR", "ALTER"]):
            rest = rest[2:]
        return ("CREATE", *rest[:2])
    return tuple(texts[:3])


def _annotate(error: ParseError, sql: str, tok: Token, at_end: bool) -> None:
    line_start = sql.rfind("\n", 0, tok.start) + 1 if tok.start else 0
    info = error.errors[0] if error.errors else {}
    # At the end of the text Snowflake points just past the last token.
    offset = tok.end + 1 if at_end else tok.start
    info["position"] = max(offset - line_start, 0)
    info["near"] = "<EOF>" if at_end else tok.text
    info["line"] = tok.line
