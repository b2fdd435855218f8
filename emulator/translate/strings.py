"""String functions whose DuckDB forms differ from Snowflake's: SPLIT, STRTOK_TO_ARRAY,
REGEXP_SUBSTR's ``e`` parameter, REGEXP_SUBSTR_ALL and OCTET_LENGTH.

Functions returning an ARRAY give JSON arrays, as every ARRAY is held here.
"""

from __future__ import annotations

from sqlglot import exp

from emulator.translate.context import TranslateContext
from emulator.translate.types import duck_cast
from emulator.translate.walk import rewrite


def _to_json(value: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this="to_json", expressions=[value])


def _null_if_null(guard: exp.Expression, value: exp.Expression) -> exp.Expression:
    if isinstance(guard, exp.Literal):
        return value
    is_null = exp.Is(this=guard.copy(), expression=exp.Null())
    return exp.Case(ifs=[exp.If(this=is_null, true=exp.Null())], default=value)


def _split(node: exp.Split) -> exp.Expression:
    # SPLIT(s, '') is [s] (DuckDB would split into characters); a NULL separator is NULL.
    text, separator = node.this, node.expression
    parts = exp.Anonymous(this="string_split", expressions=[text, separator])
    whole = exp.Anonymous(this="json_array", expressions=[text.copy()])
    empty = exp.EQ(this=separator.copy(), expression=exp.Literal.string(""))
    split = exp.Case(ifs=[exp.If(this=empty, true=whole)], default=_to_json(parts))
    return _null_if_null(separator, split)


def _strtok_to_array(node: exp.StrtokToArray) -> exp.Expression:
    # Every character of the delimiters separates tokens; empty tokens are dropped.
    text = node.this
    delimiters = node.args.get("expression") or exp.Literal.string(" ")
    escaped = exp.Anonymous(this="regexp_escape", expressions=[delimiters])
    pattern = exp.DPipe(
        this=exp.DPipe(this=exp.Literal.string("["), expression=escaped),
        expression=exp.Literal.string("]"),
    )
    tokens = exp.Anonymous(this="regexp_split_to_array", expressions=[text, pattern])
    token = exp.to_identifier("token")
    kept = exp.Lambda(
        this=exp.NEQ(this=exp.column(token.copy()), expression=exp.Literal.string("")),
        expressions=[token],
    )
    filtered = exp.Anonymous(this="list_filter", expressions=[tokens, kept])
    return _null_if_null(delimiters, _to_json(filtered))


def _regexp_substr(node: exp.RegexpExtract | exp.RegexpExtractAll) -> exp.Expression:
    # With the 'e' (extract) parameter and no group number, the group is 1. The parser
    # fills a missing group number with 0, so an explicit 0 with 'e' reads as 1 too.
    parameters = node.args.get("parameters")
    group = node.args.get("group")
    if (
        (group is None or (isinstance(group, exp.Literal) and str(group.this) == "0"))
        and isinstance(parameters, exp.Literal)
        and parameters.is_string
        and "e" in parameters.this
    ):
        node.set("group", exp.Literal.number(1))
    return node


def string_functions(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """SPLIT, STRTOK_TO_ARRAY, REGEXP_SUBSTR(..., 'e'), REGEXP_SUBSTR_ALL, OCTET_LENGTH.

    - SPLIT(s, sep) is an ARRAY of strings; ``SPLIT(s, '')`` is ``[s]``.
      https://docs.snowflake.com/en/sql-reference/functions/split
    - STRTOK_TO_ARRAY(s [, delimiters]) splits on any delimiter character (default a
      space) and drops empty tokens.
      https://docs.snowflake.com/en/sql-reference/functions/strtok_to_array
    - REGEXP_SUBSTR with the ``e`` parameter and no group number returns group 1.
      https://docs.snowflake.com/en/sql-reference/functions/regexp_substr
    - REGEXP_SUBSTR_ALL returns an ARRAY (group 1 with ``e`` too).
      https://docs.snowflake.com/en/sql-reference/functions/regexp_substr_all
    - OCTET_LENGTH of a string counts its UTF-8 bytes.
      https://docs.snowflake.com/en/sql-reference/functions/octet_length
    """

    def replace(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Split):
            return _split(node)
        if isinstance(node, exp.StrtokToArray):
            return _strtok_to_array(node)
        if isinstance(node, exp.RegexpExtract):
            return _regexp_substr(node)
        if isinstance(node, exp.RegexpExtractAll):
            return _to_json(_regexp_substr(node))
        if isinstance(node, exp.ByteLength):
            # DuckDB's octet_length takes bytes: a string is encoded (UTF-8) first.
            encoded = exp.Anonymous(this="encode", expressions=[duck_cast(node.this, "VARCHAR")])
            return exp.Anonymous(this="octet_length", expressions=[encoded])
        return node

    return rewrite(tree, replace)
