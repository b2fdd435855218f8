"""GENERATOR, SEQ1/2/4/8, RANDOM and UNIFORM.

RANDOM's values cannot be Snowflake's: the tests check the rules (types, ranges, that a seed
repeats its sequence), never literal values.
"""

from __future__ import annotations

import pytest
from conftest import Run
from translate_helpers import one

from icebridge.errors import UnsupportedError


def test_generator_and_seq(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/generator (ROWCOUNT rows),
    https://docs.snowflake.com/en/sql-reference/functions/seq1 (0, 1, 2, ...)."""
    rows = run(
        "SELECT SEQ1() AS s1, SEQ2() AS s2, SEQ4() AS s4, SEQ8() AS s8 "
        "FROM TABLE(GENERATOR(ROWCOUNT => 4)) ORDER BY s8"
    )
    assert [list(r.values()) for r in rows] == [[i, i, i, i] for i in range(4)]


def test_random_is_a_64_bit_integer(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/random: a pseudo-random 64-bit
    integer, a new one per row."""
    rows = run("SELECT RANDOM() AS r FROM TABLE(GENERATOR(ROWCOUNT => 20))")
    values = [r["R"] for r in rows]
    assert all(isinstance(v, int) and -(2**63) <= v < 2**63 for v in values)
    assert len(set(values)) == 20


def test_random_with_a_seed_repeats_its_sequence(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/random: the same seed gives the
    same values on every run; rows still differ."""
    sql = "SELECT RANDOM(42) AS r FROM TABLE(GENERATOR(ROWCOUNT => 10))"
    first, second = run(sql), run(sql)
    assert first == second
    assert len({r["R"] for r in first}) == 10
    assert run("SELECT RANDOM(7) AS r FROM TABLE(GENERATOR(ROWCOUNT => 10))") != first
    # Where a row's position is not defined the emulator refuses the seed (differs).
    with pytest.raises(UnsupportedError, match="RANDOM with a seed"):
        run("SELECT COUNT(DISTINCT RANDOM(7)) FROM TABLE(GENERATOR(ROWCOUNT => 10))")


def test_uniform(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/uniform: integers in [min, max]
    for integer bounds, a float for float bounds, a constant generator gives one value."""
    rows = run(
        "SELECT UNIFORM(1, 10, RANDOM()) AS i, UNIFORM(0::FLOAT, 1::FLOAT, RANDOM()) AS f, "
        "UNIFORM(1, 10, 1234) AS c, UNIFORM(1, 10, RANDOM(5)) AS s "
        "FROM TABLE(GENERATOR(ROWCOUNT => 50))"
    )
    assert all(isinstance(r["I"], int) and 1 <= r["I"] <= 10 for r in rows)
    assert all(isinstance(r["F"], float) and 0 <= r["F"] <= 1 for r in rows)
    assert len({r["C"] for r in rows}) == 1
    assert all(1 <= r["S"] <= 10 for r in rows)
    again = run("SELECT UNIFORM(1, 10, RANDOM(5)) AS s FROM TABLE(GENERATOR(ROWCOUNT => 50))")
    assert [r["S"] for r in again] == [r["S"] for r in rows]


def test_one_row_generator(run: Run) -> None:
    assert one(run("SELECT COUNT(*) AS n FROM TABLE(GENERATOR(ROWCOUNT => 5))")) == {"N": 5}
