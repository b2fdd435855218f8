"""Hash functions. MD5/SHA1/SHA2 are standard digests (checked against hashlib); Snowflake's
HASH values cannot be reproduced, so HASH and HASH_AGG are checked for their rules only."""

from __future__ import annotations

import hashlib

import pytest
from conftest import Run
from translate_helpers import one

from emulator import Emulator
from icebridge.errors import UnsupportedError


def test_md5_sha1_sha2_are_the_standard_digests(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/md5 ('Snowflake' ->
    edf1439075a83a447fb8b630ddc9c8de), https://docs.snowflake.com/en/sql-reference/functions/sha1,
    https://docs.snowflake.com/en/sql-reference/functions/sha2 (256 bits by default)."""
    row = one(
        run(
            "SELECT MD5('Snowflake') AS md5, MD5_HEX('Snowflake') AS md5_hex, "
            "SHA1('Snowflake') AS sha1, SHA2('Snowflake') AS sha2, SHA2('Snowflake', 256) AS s256"
        )
    )
    assert row["MD5"] == row["MD5_HEX"] == "edf1439075a83a447fb8b630ddc9c8de"
    assert row["SHA1"] == hashlib.sha1(b"Snowflake").hexdigest()
    assert row["SHA2"] == row["S256"] == hashlib.sha256(b"Snowflake").hexdigest()


def test_md5_numbers_are_the_digest_halves(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/md5_number_lower64 and
    md5_number_upper64: the low and high 64 bits of the MD5 digest."""
    digest = hashlib.md5(b"Snowflake").digest()
    row = one(
        run("SELECT MD5_NUMBER_LOWER64('Snowflake') AS lo, MD5_NUMBER_UPPER64('Snowflake') AS hi")
    )
    assert row == {
        "LO": int.from_bytes(digest[8:], "big"),
        "HI": int.from_bytes(digest[:8], "big"),
    }


def test_hash_is_a_deterministic_signed_64_bit_integer(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/hash: a signed 64-bit number,
    equal for equal arguments; several arguments hash together; NULL arguments hash too.
    (The values differ from Snowflake's: the emulator documents this.)"""
    row = one(
        run(
            "SELECT HASH(1) AS a, HASH(1) AS b, HASH(2) AS c, HASH(1, 'x') AS d, "
            "HASH(1, 'y') AS e, HASH(NULL) AS n"
        )
    )
    assert row["A"] == row["B"] != row["C"]
    assert row["D"] != row["E"]
    assert row["N"] is not None
    assert all(-(2**63) <= v < 2**63 for v in row.values())


def test_hash_agg_is_order_independent(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/hash_agg: one value for a set of
    rows, whatever their order; a different set gives another value."""
    emu.execute("CREATE TABLE t (a INT); INSERT INTO t VALUES (1), (2), (3)")
    up = emu.sql("SELECT HASH_AGG(a) AS h FROM (SELECT a FROM t ORDER BY a)").to_pylist()
    down = emu.sql("SELECT HASH_AGG(a) AS h FROM (SELECT a FROM t ORDER BY a DESC)").to_pylist()
    fewer = emu.sql("SELECT HASH_AGG(a) AS h FROM t WHERE a < 3").to_pylist()
    assert up == down != fewer


def test_sha2_lengths_duckdb_lacks_are_unsupported(run: Run) -> None:
    """SHA2 with 224, 384 or 512 bits is not available in the emulator: unsupported."""
    with pytest.raises(UnsupportedError):
        run("SELECT SHA2('Snowflake', 224)")
