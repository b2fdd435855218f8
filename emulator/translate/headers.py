"""Result column headers of unaliased expressions, taken from the statement text.

Snowflake heads the column of an unaliased expression with the expression as written,
whitespace included, upper-cased: ``GET(v, ARRAY_SIZE(v)-1)`` is headed
``GET(V, ARRAY_SIZE(V)-1)`` (https://docs.snowflake.com/en/sql-reference/functions/array_size),
``src['salesperson']['name']`` is ``SRC['SALESPERSON']['NAME']``, ``src:dealership::VARCHAR``
is ``SRC:DEALERSHIP::VARCHAR`` and ``src:"$"[0]."@count"`` is ``SRC:"$"[0]."@COUNT"``
(https://docs.snowflake.com/en/user-guide/querying-semistructured). The parsed tree has
lost the spelling, so :func:`written_names` finds each projection's text again: the
tokens of its SELECT list, split on the commas at the list's own nesting depth, matched
one to one with the parsed projections and checked against the positions the parser
recorded on the projection's identifiers and literals.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp
from sqlglot.errors import TokenError
from sqlglot.tokenizer_core import Token, TokenType

from icebridge.sql.dialect import DIALECT

_OPEN = frozenset({TokenType.L_PAREN, TokenType.L_BRACKET, TokenType.L_BRACE})
_CLOSE = frozenset({TokenType.R_PAREN, TokenType.R_BRACKET, TokenType.R_BRACE})
#: Tokens that end a SELECT list at its own depth.
_LIST_END = frozenset(
    {
        TokenType.FROM,
        TokenType.WHERE,
        TokenType.GROUP_BY,
        TokenType.HAVING,
        TokenType.QUALIFY,
        TokenType.ORDER_BY,
        TokenType.LIMIT,
        TokenType.FETCH,
        TokenType.OFFSET,
        TokenType.UNION,
        TokenType.EXCEPT,
        TokenType.INTERSECT,
        TokenType.WINDOW,
        TokenType.INTO,
        TokenType.SEMICOLON,
        TokenType.CONNECT_BY,
        TokenType.START_WITH,
    }
)
#: Words between SELECT and its first projection.
_MODIFIERS = frozenset({TokenType.DISTINCT, TokenType.ALL})


def needs_header(projection: exp.Expression) -> bool:
    """Whether a projection is headed by its text (not aliased, a star or a column)."""
    if isinstance(projection, exp.Alias | exp.Star):
        return False
    if isinstance(projection, exp.Column):
        return not isinstance(projection.this, exp.Identifier | exp.Star)
    return True


class _Tokens:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.depth: list[int] = []
        level = 0
        for token in tokens:
            if token.token_type in _CLOSE:
                level = max(level - 1, 0)
            self.depth.append(level)  # brackets count at the level outside them
            if token.token_type in _OPEN:
                level += 1
        self.at = {token.start: i for i, token in enumerate(tokens)}

    def real(self, position: tuple[int, int]) -> bool:
        """Whether a recorded (start, end) is a token of the text (sqlglot also records
        positions on nodes it makes up, such as the default precision of NUMBER)."""
        i = self.at.get(position[0])
        return i is not None and self.tokens[i].end == position[1]

    def select_keyword(self, anchor: int) -> int | None:
        """The SELECT token whose list holds the token ``anchor``: the nearest one before
        it that is not inside a bracket closed before ``anchor``."""
        lowest = self.depth[anchor]
        for i in range(anchor - 1, -1, -1):
            lowest = min(lowest, self.depth[i])
            if self.tokens[i].token_type == TokenType.SELECT and self.depth[i] <= lowest:
                return i
        return None

    def projection_spans(self, keyword: int) -> list[tuple[int, int]]:
        """(first, last) token of each item of the SELECT list that starts after
        ``keyword``."""
        tokens, depth = self.tokens, self.depth
        level = depth[keyword]
        i = keyword + 1
        while i < len(tokens) and tokens[i].token_type in _MODIFIERS:
            i += 1
        if i + 1 < len(tokens) and tokens[i].token_type == TokenType.TOP:
            i += 2  # TOP n
        spans: list[tuple[int, int]] = []
        start = i
        while i < len(tokens):
            kind = tokens[i].token_type
            if depth[i] < level or (depth[i] == level and self._ends_list(i)):
                break
            if depth[i] == level and kind == TokenType.COMMA:
                spans.append((start, i - 1))
                start = i + 1
            i += 1
        spans.append((start, i - 1))
        return spans

    def _ends_list(self, i: int) -> bool:
        kind = self.tokens[i].token_type
        if kind not in _LIST_END:
            return False
        # ``a IS [NOT] DISTINCT FROM b`` is an operator, not the FROM clause.
        return not (
            kind == TokenType.FROM and i > 0 and self.tokens[i - 1].token_type == TokenType.DISTINCT
        )


def _own_positions(node: exp.Expression) -> Iterator[tuple[int, int]]:
    """(start, end) of the tokens the parser recorded in ``node``, outside nested SELECTs."""
    stack: list[exp.Expression] = [node]
    while stack:
        current = stack.pop()
        if current is not node and isinstance(current, exp.Select | exp.With):
            continue  # a nested query's tokens (or a WITH before the SELECT keyword)
        start, end = current.meta.get("start"), current.meta.get("end")
        if isinstance(start, int) and isinstance(end, int):
            yield start, end
        stack.extend(child for child in current.iter_expressions())


#: Headers found per (statement text, SELECT shapes): a statement that runs again (a poll,
#: a task body) is not tokenized again. Each entry holds, per SELECT of the tree in
#: ``find_all`` order, the header of each projection (None: not headed by its text).
_KEPT: dict[tuple[str, tuple[int, ...]], tuple[tuple[str | None, ...], ...]] = {}
_KEEP_AT_MOST = 512


def written_names(tree: exp.Expression, text: str) -> dict[int, str]:
    """Headers of the unaliased expression projections of every SELECT in ``tree``
    (parsed from ``text``), keyed by ``id(projection)``.

    A projection whose text cannot be told for sure (no recorded position, a SELECT list
    the tokens do not match) is left out: its header falls back to the generated SQL
    (:func:`emulator.translate.names.output_name`).
    """
    selects = list(tree.find_all(exp.Select))
    if not any(needs_header(p) for select in selects for p in select.expressions):
        return {}
    key = (text, tuple(len(select.expressions) for select in selects))
    kept = _KEPT.get(key)
    if kept is None:
        kept = _headers(selects, text)
        if len(_KEPT) >= _KEEP_AT_MOST:
            _KEPT.clear()
        _KEPT[key] = kept
    return {
        id(projection): name
        for select, names in zip(selects, kept, strict=True)
        for projection, name in zip(select.expressions, names, strict=True)
        if name is not None
    }


def _headers(selects: list[exp.Select], text: str) -> tuple[tuple[str | None, ...], ...]:
    empty = tuple(tuple(None for _ in s.expressions) for s in selects)
    try:
        tokens = _Tokens(DIALECT.tokenize(text))
    except TokenError:
        return empty
    found: list[tuple[str | None, ...]] = []
    for select in selects:
        names = (
            _select_names(select, text, tokens)
            if any(map(needs_header, select.expressions))
            else {}
        )
        found.append(tuple(names.get(id(p)) for p in select.expressions))
    return tuple(found)


def _select_names(select: exp.Select, text: str, tokens: _Tokens) -> dict[int, str]:
    own = [p for p in _own_positions(select) if tokens.real(p)]
    if not own:
        return {}
    keyword = tokens.select_keyword(tokens.at[min(own)[0]])
    if keyword is None:
        return {}
    spans = tokens.projection_spans(keyword)
    projections = select.expressions
    if len(spans) != len(projections):
        return {}
    names: dict[int, str] = {}
    for projection, (first, last) in zip(projections, spans, strict=True):
        if not needs_header(projection) or first > last:
            continue
        begin, end = tokens.tokens[first].start, tokens.tokens[last].end
        positions = [p for p in _own_positions(projection) if tokens.real(p)]
        if all(begin <= s and e <= end for s, e in positions):
            names[id(projection)] = text[begin : end + 1].upper()
    return names
