"""ARRAY element access (0-based) and ARRAY_SIZE, on literals, constructors and columns."""

from __future__ import annotations

import json
from typing import Any

from emulator import Emulator


def values(emu: Emulator, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(row.values()) for row in emu.sql(sql).to_pylist()]


def test_array_column_subscripts_are_zero_based(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/data-types-semistructured (ARRAY): elements
    are numbered from 0, and an index past the end (or a negative one) gives NULL
    (https://docs.snowflake.com/en/sql-reference/functions/get)."""
    emu.execute(
        """
        CREATE TABLE contacts (emails ARRAY, v VARIANT);
        INSERT INTO contacts SELECT ARRAY_CONSTRUCT('A', 'B'), PARSE_JSON('{"a": ["x", "y"]}');
        """
    )
    assert values(
        emu,
        "SELECT emails[0], emails[1], emails[2], emails[-1], emails[0]::string, "
        "v:a[0], v['a'][1]::string, GET(emails, 0), GET(emails, -1), GET(emails, 9) "
        "FROM contacts",
    ) == [('"A"', '"B"', None, None, "A", '"x"', "y", '"A"', None, None)]


def test_constructed_and_parsed_arrays_are_zero_based(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/array_construct and
    https://docs.snowflake.com/en/user-guide/querying-semistructured (``src:customer[0]`` is
    the first customer)."""
    assert values(
        emu,
        "SELECT ARRAY_CONSTRUCT(10, 20, 30)[0], ARRAY_CONSTRUCT(10, 20, 30)[2], "
        "PARSE_JSON('[10, 20, 30]')[1], PARSE_JSON('[10, 20, 30]')[1 - 2], "
        "ARRAY_CONSTRUCT(10, 20, 30)[3], GET(PARSE_JSON('{\"a.b\": 1}'), 'a.b')",
    ) == [("10", "30", "20", None, None, "1")]


def test_get_last_element_docs_example(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/array_size: ``ARRAY_SIZE(v)`` of
    the colors arrays is 3 and ``GET(v, ARRAY_SIZE(v)-1)`` their last element. (The page
    writes the objects with unquoted keys; the emulator's PARSE_JSON needs them quoted.)"""
    emu.execute(
        """
        CREATE OR replace TABLE colors (v variant);
        INSERT INTO colors SELECT parse_json(column1) AS v FROM VALUES
          ('[{"r":255,"g":12,"b":0},{"r":0,"g":255,"b":0},{"r":0,"g":0,"b":255}]'),
          ('[{"c":0,"m":1,"y":1,"k":0},{"c":1,"m":0,"y":1,"k":0},{"c":1,"m":1,"y":0,"k":0}]') v;
        """
    )
    rows = values(emu, "SELECT ARRAY_SIZE(v), GET(v, ARRAY_SIZE(v)-1) FROM colors")
    assert sorted((n, json.dumps(json.loads(last), sort_keys=True)) for n, last in rows) == [
        (3, '{"b": 255, "g": 0, "r": 0}'),
        (3, '{"c": 1, "k": 0, "m": 1, "y": 0}'),
    ]


def test_array_size_of_a_non_array_is_null(emu: Emulator) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/array_size: "If the VARIANT value
    contains an array, the size of the array is returned; otherwise, NULL is returned"; a
    NULL argument gives NULL."""
    assert values(
        emu,
        "SELECT ARRAY_SIZE(ARRAY_CONSTRUCT(1, 2, 3)), ARRAY_SIZE(PARSE_JSON('{\"a\": 1}')), "
        "ARRAY_SIZE(PARSE_JSON('\"text\"')), ARRAY_SIZE(PARSE_JSON('7')), ARRAY_SIZE(NULL), "
        "ARRAY_SIZE(PARSE_JSON('[]'))",
    ) == [(3, None, None, None, None, 0)]
