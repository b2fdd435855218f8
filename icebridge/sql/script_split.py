"""Splitting a token stream into statements, keeping Snowflake Scripting blocks whole.

sqlglot splits a script at every ``;``. A block such as
``CREATE TASK t AS BEGIN INSERT ...; DELETE ...; END;`` has ``;`` inside it that do not
end the statement; this splitter tracks ``[DECLARE ...] BEGIN ... END`` and ``CASE ...
END`` nesting and splits only at top-level ``;``.
https://docs.snowflake.com/en/sql-reference/snowflake-scripting/begin
"""

from __future__ import annotations

from sqlglot.tokenizer_core import Token, TokenType

# BEGIN followed by one of these (or by ';' / the end) starts a transaction, not a block.
# https://docs.snowflake.com/en/sql-reference/sql/begin
_TRANSACTION_WORDS = frozenset({"TRANSACTION", "WORK", "NAME"})

# END followed by one of these closes a construct that is not tracked here.
_OTHER_ENDS = frozenset({"IF", "FOR", "LOOP", "WHILE", "REPEAT"})

# After BEGIN, these mean BEGIN is a name (or the end of a transaction statement).
_NOT_A_BLOCK = frozenset(
    {TokenType.SEMICOLON, TokenType.DOT, TokenType.L_PAREN, TokenType.COMMA, TokenType.EQ}
)

# Tokens after which a DECLARE (or a block's BEGIN) starts a block.
_DECLARE_AFTER = frozenset({TokenType.SEMICOLON, TokenType.ALIAS, TokenType.BEGIN})


def opens_block(next_token: Token | None) -> bool:
    """True when a BEGIN followed by ``next_token`` starts a Scripting block."""
    if not next_token or next_token.token_type in _NOT_A_BLOCK:
        return False
    return next_token.text.upper() not in _TRANSACTION_WORDS


class _Nesting:
    """Tracks ``[DECLARE] BEGIN ... END`` and ``CASE ... END`` nesting over a token list."""

    def __init__(self) -> None:
        self.stack: list[str] = []

    def feed(self, tokens: list[Token], i: int) -> None:
        tok = tokens[i]
        kind = tok.token_type
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        prev = tokens[i - 1] if i > 0 else None
        stack = self.stack
        at_start = prev is None or prev.token_type in _DECLARE_AFTER
        if kind == TokenType.BEGIN and at_start and opens_block(nxt):
            if stack and stack[-1] == "DECLARE":
                stack[-1] = "BLOCK"
            else:
                stack.append("BLOCK")
        elif kind == TokenType.CASE:
            stack.append("CASE")
        elif kind == TokenType.VAR and tok.text.upper() == "DECLARE" and at_start:
            stack.append("DECLARE")
        elif kind == TokenType.END and stack and self._closes(stack[-1], prev, nxt):
            stack.pop()

    @staticmethod
    def _closes(top: str, prev: Token | None, nxt: Token | None) -> bool:
        # END followed by '.' or '(' is a name; a block's END follows a statement's ';'.
        if nxt is not None and nxt.token_type in (TokenType.DOT, TokenType.L_PAREN):
            return False
        if nxt is not None and nxt.text.upper() in _OTHER_ENDS:
            return False
        return top == "CASE" or (prev is not None and prev.token_type == TokenType.SEMICOLON)


def split_statements(tokens: list[Token]) -> list[list[Token]]:
    """Group ``tokens`` into statements at top-level ``;`` (sqlglot's chunk format)."""
    chunks: list[list[Token]] = [[]]
    nesting = _Nesting()
    total = len(tokens)
    for i, tok in enumerate(tokens):
        if tok.token_type == TokenType.SEMICOLON and not nesting.stack:
            if tok.comments:
                chunks.append([tok])
            if i < total - 1:
                chunks.append([])
            continue
        chunks[-1].append(tok)
        nesting.feed(tokens, i)
    return chunks


def statement_end(tokens: list[Token], start: int, stop: int) -> int:
    """Index of the ``;`` that ends the statement starting at ``start`` (or ``stop``)."""
    nesting = _Nesting()
    for i in range(start, stop):
        if tokens[i].token_type == TokenType.SEMICOLON and not nesting.stack:
            return i
        nesting.feed(tokens, i)
    return stop
