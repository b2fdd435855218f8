"""HASH, HASH_AGG and the MD5 numbers.

Snowflake's HASH algorithm is not published, so its values cannot be reproduced: HASH here
is a deterministic signed 64-bit hash (DuckDB's, stable across runs and sessions) with
Snowflake's type and NULL handling, and values that differ from Snowflake's
(https://docs.snowflake.com/en/sql-reference/functions/hash). Compare hashes with each
other, never with values computed on Snowflake. MD5, SHA1 and SHA2 are the standard digests
and match Snowflake's values exactly.

Runs before :mod:`emulator.translate.number_functions`, whose RANDOM(seed) builds DuckDB
``hash()`` calls that must not be read as Snowflake's HASH.
"""

from __future__ import annotations

from sqlglot import exp

from emulator import errors
from emulator.translate.context import TranslateContext
from emulator.translate.types import duck_cast
from emulator.translate.walk import rewrite

_TWO_63 = 2**63
_TWO_64 = 2**64


def _signed(unsigned: exp.Expression) -> exp.Expression:
    """A UBIGINT hash as the signed 64-bit integer Snowflake's HASH returns."""
    shifted = exp.Sub(this=duck_cast(unsigned, "HUGEINT"), expression=exp.Literal.number(_TWO_63))
    return duck_cast(shifted, "BIGINT")


def _hash(node: exp.Anonymous) -> exp.Expression:
    if not node.expressions:
        raise errors.generic(
            "SQL compilation error:\nnot enough arguments for function [HASH()]",
            errno=938,
            sqlstate="22023",
        )
    if any(isinstance(arg, exp.Star) for arg in node.expressions):
        raise errors.unsupported("HASH(*)")
    return _signed(exp.Anonymous(this="hash", expressions=node.expressions))


def _hash_agg(node: exp.HashAgg) -> exp.Expression:
    # Order-independent: the sum of the rows' hashes modulo 2**64 (NULLs hash too); no
    # rows give 0.
    args = [node.this, *node.expressions]
    if any(isinstance(arg, exp.Star) for arg in args):
        raise errors.unsupported("HASH_AGG(*)")
    row_hash = duck_cast(exp.Anonymous(this="hash", expressions=args), "HUGEINT")
    total = exp.Mod(this=exp.Sum(this=row_hash), expression=exp.Literal.number(_TWO_64))
    signed = duck_cast(exp.Sub(this=total, expression=exp.Literal.number(_TWO_63)), "BIGINT")
    return exp.Coalesce(this=signed, expressions=[exp.Literal.number(0)])


def _md5_half(node: exp.Expression, start: int) -> exp.Expression:
    # 16 hex digits of the MD5 digest as an unsigned number (big-endian, as Snowflake).
    digits = exp.Substring(
        this=exp.MD5(this=node.this),
        start=exp.Literal.number(start),
        length=exp.Literal.number(16),
    )
    hexadecimal = exp.DPipe(this=exp.Literal.string("0x"), expression=digits)
    return duck_cast(duck_cast(hexadecimal, "UBIGINT"), "DECIMAL(38, 0)")


def hash_functions(tree: exp.Expression, ctx: TranslateContext) -> exp.Expression:
    """HASH(...) and HASH_AGG(...) (deterministic, values differ from Snowflake's: see the
    module docstring), MD5_NUMBER_LOWER64 / MD5_NUMBER_UPPER64.

    https://docs.snowflake.com/en/sql-reference/functions/hash,
    https://docs.snowflake.com/en/sql-reference/functions/hash_agg,
    https://docs.snowflake.com/en/sql-reference/functions/md5_number_lower64
    """

    def replace(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Anonymous) and node.name.upper() == "HASH":
            return _hash(node)
        if isinstance(node, exp.HashAgg):
            return _hash_agg(node)
        if isinstance(node, exp.MD5NumberLower64):
            return _md5_half(node, 17)
        if isinstance(node, exp.MD5NumberUpper64):
            return _md5_half(node, 1)
        return node

    return rewrite(tree, replace)
