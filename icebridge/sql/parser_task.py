"""Grammar for streams, tasks, Scripting blocks and ALTER DYNAMIC TABLE.

https://docs.snowflake.com/en/sql-reference/sql/create-stream
https://docs.snowflake.com/en/sql-reference/sql/create-task
https://docs.snowflake.com/en/sql-reference/sql/alter-task
https://docs.snowflake.com/en/sql-reference/sql/execute-task
https://docs.snowflake.com/en/sql-reference/sql/alter-dynamic-table
https://docs.snowflake.com/en/sql-reference/snowflake-scripting/declare
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.parsers.snowflake import SnowflakeParser
from sqlglot.tokenizer_core import TokenType

from icebridge.sql.nodes_common import option
from icebridge.sql.nodes_stream import CreateStream
from icebridge.sql.nodes_table import AlterDynamicTable
from icebridge.sql.nodes_task import (
    TASK_NAME_OPTIONS,
    AlterTask,
    CreateTask,
    ExecuteTask,
    ScriptBlock,
    ScriptVariable,
)
from icebridge.sql.script_split import opens_block, statement_end

_STREAM_OPTIONS = frozenset({"APPEND_ONLY", "INSERT_ONLY", "SHOW_INITIAL_ROWS", "COMMENT"})
_STREAM_KINDS: tuple[tuple[str, ...], ...] = (
    ("EXTERNAL", "TABLE"),
    ("DYNAMIC", "TABLE"),
    ("TABLE",),
    ("VIEW",),
    ("STAGE",),
)


class TaskGrammar(SnowflakeParser):
    """Parsing methods for the stream, task and dynamic-table statements."""

    _block_depth: int = 0

    def _parse_name(self) -> exp.Table:
        """An object name, ``[db.][schema.]name``."""
        table = self._parse_table_parts()
        if not isinstance(table, exp.Table) or not table.this:
            self.raise_error("Expected an object name")
            return exp.Table(this=exp.to_identifier("?"))
        return table

    # --- options ---------------------------------------------------------------------

    def _at_option(self) -> bool:
        curr, nxt = self._curr, self._next
        return (
            bool(curr)
            and bool(nxt)
            and nxt.token_type == TokenType.EQ
            and curr.token_type not in (TokenType.STRING, TokenType.IDENTIFIER)
        )

    def _parse_set_options(self) -> list[exp.Expression]:
        """The ``NAME = value`` list after ALTER … SET (at least one)."""
        options = self._parse_options()
        if not options:
            self.raise_error("Expected NAME = value after SET")
        return options

    def _parse_options(self, allowed: frozenset[str] | None = None) -> list[exp.Expression]:
        """``NAME = value`` pairs, separated by blanks or commas, until something else."""
        props: list[exp.Expression] = []
        while True:
            index = self._index
            comma = self._match(TokenType.COMMA)
            if not self._at_option():
                if comma:
                    self._retreat(index)
                break
            name_token = self._curr
            name = name_token.text.upper()
            if allowed is not None and name not in allowed:
                self.raise_error(f"Unknown option {name}", name_token)
            self._advance(2)
            props.append(option(name, self._parse_option_value(name)))
        return props

    def _parse_option_value(self, name: str) -> exp.Expression:
        curr = self._curr
        if not curr:
            self.raise_error(f"Expected a value for {name}")
            return exp.Null()
        kind = curr.token_type
        if name == "FINALIZE":
            table = self._parse_name()
            return table
        if kind in (TokenType.STRING, TokenType.RAW_STRING, TokenType.HEREDOC_STRING):
            self._advance()
            return exp.Literal.string(curr.text)
        if kind == TokenType.NUMBER:
            self._advance()
            return exp.Literal.number(curr.text)
        if kind == TokenType.DASH and self._next and self._next.token_type == TokenType.NUMBER:
            self._advance(2)
            return exp.Neg(this=exp.Literal.number(self._prev.text))
        if kind in (TokenType.TRUE, TokenType.FALSE):
            self._advance()
            return exp.Boolean(this=kind == TokenType.TRUE)
        if kind == TokenType.NULL:
            self._advance()
            return exp.Null()
        if kind == TokenType.IDENTIFIER or name in TASK_NAME_OPTIONS:
            ident = self._parse_id_var(any_token=True)
            if isinstance(ident, exp.Expression):
                return ident
        if kind in (TokenType.SEMICOLON, TokenType.L_PAREN, TokenType.R_PAREN, TokenType.COMMA):
            self.raise_error(f"Expected a value for {name}")
        self._advance()
        return exp.Var(this=curr.text.upper())

    # --- CREATE STREAM ----------------------------------------------------------------

    def _parse_create_stream(self, replace: bool) -> CreateStream:
        exists = self._parse_exists(not_=True)
        name = self._parse_name()
        copy_grants = self._match_text_seq("COPY", "GRANTS")
        if not self._match(TokenType.ON):
            self.raise_error("Expected ON after the stream name")
        kind = None
        for words in _STREAM_KINDS:
            if self._match_text_seq(*words):
                kind = " ".join(words)
                break
        if kind is None:
            self.raise_error("Expected TABLE, VIEW, EXTERNAL TABLE, STAGE or DYNAMIC TABLE")
        source = self._parse_name()
        # sqlglot reads AT|BEFORE (...) as part of the table reference: move it to the stream.
        at = source.args.get("when") or self._parse_historical_data()
        source.set("when", None)
        if at is None and self._curr and self._curr.text.upper() in ("AT", "BEFORE"):
            self.raise_error("Expected AT|BEFORE (TIMESTAMP|OFFSET|STATEMENT|STREAM => ...)")
        props = self._parse_options(_STREAM_OPTIONS)
        return self.expression(
            CreateStream(
                this=name,
                replace=replace,
                exists=exists,
                copy_grants=copy_grants,
                kind=kind,
                on=source,
                at=at,
                properties=props,
            )
        )

    # --- CREATE / ALTER / EXECUTE TASK ----------------------------------------------

    def _parse_create_task(self, replace: bool) -> CreateTask:
        exists = self._parse_exists(not_=True)
        name = self._parse_name()
        props = self._parse_options()
        after: list[exp.Expression] = []
        if self._match_text_seq("AFTER"):
            after = self._parse_csv(self._parse_name)
        execute_as = None
        if self._match_text_seq("EXECUTE", "AS", "USER"):
            execute_as = self._parse_id_var(any_token=False)
            if execute_as is None:
                self.raise_error("Expected a user name after EXECUTE AS USER")
        when = self._parse_assignment() if self._match(TokenType.WHEN) else None
        if not self._match(TokenType.ALIAS):
            self.raise_error("Expected AS and the task body")
        body = self._parse_task_body()
        return self.expression(
            CreateTask(
                this=name,
                replace=replace,
                exists=exists,
                properties=props,
                after=after,
                execute_as=execute_as,
                when=when,
                body=body,
            )
        )

    def _parse_task_body(self) -> exp.Expression:
        curr = self._curr
        if not curr:
            self.raise_error("Expected the task body")
            return exp.Null()
        if curr.token_type == TokenType.BEGIN and opens_block(self._next):
            self._advance()
            return self._parse_script_body([])
        if curr.token_type == TokenType.VAR and curr.text.upper() == "DECLARE":
            self._advance()
            return self._parse_declare_block()
        return self._parse_block_statement()

    def _parse_alter_task(self) -> AlterTask:
        exists = self._parse_exists()
        name = self._parse_name()
        args: dict[str, object] = {"this": name, "exists": exists}
        if self._match_texts(("RESUME", "SUSPEND")):
            args["action"] = self._prev.text.upper()
        elif self._match(TokenType.SET):
            args["action"] = "SET"
            args["properties"] = self._parse_set_options()
        elif self._match_text_seq("UNSET"):
            args["action"] = "UNSET"
            args["expressions"] = self._parse_csv(self._parse_unset_name)
        elif self._match_text_seq("ADD", "AFTER") or self._match_text_seq("REMOVE", "AFTER"):
            args["action"] = f"{self._tokens[self._index - 2].text.upper()} AFTER"
            args["expressions"] = self._parse_csv(self._parse_name)
        elif self._match_text_seq("MODIFY", "AS"):
            args["action"] = "MODIFY AS"
            args["body"] = self._parse_task_body()
        elif self._match_text_seq("MODIFY", "WHEN"):
            args["action"] = "MODIFY WHEN"
            args["when"] = self._parse_assignment()
        elif self._match_text_seq("REMOVE", "WHEN"):
            args["action"] = "REMOVE WHEN"
        else:
            self.raise_error(
                "Expected RESUME, SUSPEND, SET, UNSET, ADD AFTER, REMOVE AFTER, MODIFY AS, "
                "MODIFY WHEN or REMOVE WHEN"
            )
        return self.expression(AlterTask(**args))

    def _parse_unset_name(self) -> exp.Expression:
        curr = self._curr
        if not curr or curr.token_type in (TokenType.STRING, TokenType.SEMICOLON):
            self.raise_error("Expected an option name after UNSET")
            return exp.Null()
        self._advance()
        return exp.Var(this=curr.text.upper())

    def _parse_execute_task(self) -> ExecuteTask:
        name = self._parse_name()
        config = None
        retry_last = False
        if self._match_text_seq("USING", "CONFIG"):
            self._match(TokenType.EQ)
            if not self._match_set(
                (TokenType.STRING, TokenType.RAW_STRING, TokenType.HEREDOC_STRING)
            ):
                self.raise_error("Expected a JSON string after USING CONFIG =")
            config = exp.Literal.string(self._prev.text)
        elif self._match_text_seq("RETRY", "LAST"):
            retry_last = True
        return self.expression(ExecuteTask(this=name, config=config, retry_last=retry_last))

    # --- Scripting blocks -------------------------------------------------------------

    def _parse_begin(self) -> exp.Expression:
        """BEGIN starts a Scripting block unless it is BEGIN [TRANSACTION|WORK] [NAME n]."""
        if opens_block(self._curr):
            return self._parse_script_body([])
        return self._parse_transaction()

    def _parse_declare_block(self) -> ScriptBlock:
        declare: list[exp.Expression] = []
        while not self._match(TokenType.BEGIN):
            if not self._curr:
                self.raise_error("Expected BEGIN after the DECLARE section")
            name = self._parse_id_var(any_token=False)
            if name is None:
                self.raise_error("Expected a variable name in the DECLARE section")
            kind = None
            default = None
            if not self._match_set((TokenType.DEFAULT, TokenType.COLON_EQ)):
                kind = self._parse_types(check_func=False, allow_identifiers=False)
                if kind is None:
                    self.raise_error("Expected a data type, DEFAULT or := in DECLARE")
                if self._match_set((TokenType.DEFAULT, TokenType.COLON_EQ)):
                    default = self._parse_assignment()
            else:
                default = self._parse_assignment()
            if not self._match(TokenType.SEMICOLON):
                self.raise_error("Expected ';' after a DECLARE item")
            declare.append(self.expression(ScriptVariable(this=name, kind=kind, default=default)))
        return self._parse_script_body(declare)

    def _parse_script_body(self, declare: list[exp.Expression]) -> ScriptBlock:
        """The statements after BEGIN, each ending with ';', up to END."""
        statements: list[exp.Expression] = []
        while not self._match(TokenType.END):
            if not self._curr:
                self.raise_error("Expected END to close the BEGIN block")
                break
            statements.append(self._parse_block_statement())
            if not self._match(TokenType.SEMICOLON):
                self.raise_error("Expected ';' after a statement inside BEGIN ... END")
        if not statements:
            self.raise_error("A BEGIN ... END block needs at least one statement")
        return self.expression(ScriptBlock(expressions=statements, declare=declare))

    def _parse_block_statement(self) -> exp.Expression:
        # Parse the statement as if it were alone: hide the tokens from its ';' on, since
        # several sqlglot statement parsers only succeed when they reach the end.
        start = self._curr
        end = statement_end(self._tokens, self._index, self._tokens_size)
        saved_size = self._tokens_size
        self._block_depth += 1
        self._tokens_size = end
        self._advance(0)
        try:
            statement = self._parse_statement()
            if self._index < end:
                self.raise_error("Unexpected token")
        finally:
            self._block_depth -= 1
            self._tokens_size = saved_size
            self._advance(0)
        if not _is_statement(statement):
            self.raise_error("Unsupported statement", start)
            return exp.Null()
        assert isinstance(statement, exp.Expression)
        return statement

    # --- ALTER DYNAMIC TABLE ----------------------------------------------------------

    def _parse_alter_dynamic_table(self) -> AlterDynamicTable:
        exists = self._parse_exists()
        tables = self._parse_csv(self._parse_name)
        args: dict[str, object] = {"expressions": tables, "exists": exists}
        if self._match_text_seq("REFRESH"):
            args["action"] = "REFRESH"
            args["copy_session"] = self._match_text_seq("COPY", "SESSION")
        elif self._match_texts(("SUSPEND", "RESUME")):
            args["action"] = self._prev.text.upper()
        elif self._match(TokenType.SET):
            args["action"] = "SET"
            args["properties"] = self._parse_set_options()
        elif self._match_text_seq("UNSET"):
            args["action"] = "UNSET"
            args["unset"] = self._parse_csv(self._parse_unset_name)
        else:
            self.raise_error("Expected REFRESH, SUSPEND, RESUME, SET or UNSET")
        return self.expression(AlterDynamicTable(**args))


def _is_statement(node: exp.Expr | None) -> bool:
    """False for what is no statement: nothing, an opaque Command, or a bare expression."""
    if node is None or isinstance(node, exp.Command):
        return False
    if isinstance(node, exp.Query):
        return True
    return not isinstance(node, exp.Condition | exp.Alias | exp.Identifier | exp.Literal)
