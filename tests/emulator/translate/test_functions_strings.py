"""String functions, run through the translation on DuckDB.

Each test cites the function page its data and expected values come from.
"""

from __future__ import annotations

import json

from conftest import Run
from translate_helpers import one


def test_split(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/split: an ARRAY of strings;
    empty parts are kept; an empty separator gives the whole string."""
    row = one(
        run(
            "SELECT SPLIT('127.0.0.1', '.')::VARCHAR AS ip, SPLIT('|a||', '|')::VARCHAR AS p, "
            "SPLIT('abc', '')::VARCHAR AS whole, SPLIT('a', NULL) AS n, "
            "ARRAY_SIZE(SPLIT('a,b,c', ',')) AS size"
        )
    )
    assert json.loads(row["IP"]) == ["127", "0", "0", "1"]
    assert json.loads(row["P"]) == ["", "a", "", ""]
    assert json.loads(row["WHOLE"]) == ["abc"]
    assert row["N"] is None
    assert row["SIZE"] == 3


def test_split_part(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/split_part: parts count from 1
    (0 is read as 1), negative parts from the end, past the end is ''."""
    row = one(
        run(
            "SELECT SPLIT_PART('11.22.33', '.', 0) AS p0, SPLIT_PART('11.22.33', '.', 2) AS p2, "
            "SPLIT_PART('11.22.33', '.', 4) AS p4, SPLIT_PART('11.22.33', '.', -1) AS m1, "
            "SPLIT_PART('aaa--bbb-BBB--ccc', '--', 2) AS multi"
        )
    )
    assert row == {"P0": "11", "P2": "22", "P4": "", "M1": "33", "MULTI": "bbb-BBB"}


def test_strtok_and_strtok_to_array(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/strtok_to_array: every character
    of the delimiter string separates tokens, empty tokens are dropped; STRTOK picks one.
    https://docs.snowflake.com/en/sql-reference/functions/strtok"""
    row = one(
        run(
            "SELECT STRTOK_TO_ARRAY('a,b,c', ',')::VARCHAR AS abc, "
            "STRTOK_TO_ARRAY('user@snowflake.com', '.@')::VARCHAR AS mail, "
            "STRTOK_TO_ARRAY('a  b')::VARCHAR AS spaces, "
            "STRTOK('user@snowflake.com', '@.', 3) AS third"
        )
    )
    assert json.loads(row["ABC"]) == ["a", "b", "c"]
    assert json.loads(row["MAIL"]) == ["user", "snowflake", "com"]
    assert json.loads(row["SPACES"]) == ["a", "b"]
    assert row["THIRD"] == "com"


def test_regexp_substr_extract_parameter(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/regexp_substr: with ``e`` and no
    group number the first group is returned."""
    text = "'It was the best of times, it was the worst of times.'"
    row = one(
        run(
            f"SELECT REGEXP_SUBSTR({text}, 'the\\\\W+\\\\w+') AS whole, "
            f"REGEXP_SUBSTR({text}, 'the\\\\W+(\\\\w+)', 1, 2, 'e') AS second_e, "
            f"REGEXP_SUBSTR({text}, 'the\\\\W+(\\\\w+)', 1, 1, 'e', 1) AS first_group, "
            f"REGEXP_SUBSTR({text}, 'the\\\\W+(\\\\w+)', 1, 1) AS no_e"
        )
    )
    assert row == {
        "WHOLE": "the best",
        "SECOND_E": "worst",
        "FIRST_GROUP": "best",
        "NO_E": "the best",
    }


def test_regexp_substr_all_is_an_array(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/regexp_substr_all"""
    row = one(
        run(
            "SELECT REGEXP_SUBSTR_ALL('a1_a2a3_a4A5a6', 'a[[:digit:]]')::VARCHAR AS c, "
            "REGEXP_SUBSTR_ALL('a1_a2a3_a4A5a6', 'a[[:digit:]]', 1, 1, 'i')::VARCHAR AS i"
        )
    )
    assert json.loads(row["C"]) == ["a1", "a2", "a3", "a4", "a6"]
    assert json.loads(row["I"]) == ["a1", "a2", "a3", "a4", "A5", "a6"]


def test_trim_family_with_characters(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/trim,
    https://docs.snowflake.com/en/sql-reference/functions/ltrim,
    https://docs.snowflake.com/en/sql-reference/functions/rtrim"""
    row = one(
        run(
            "SELECT TRIM('❄-❄ABC-❄-', '❄-') AS t, LTRIM('#000000123', '0#') AS l, "
            "RTRIM('$125.00', '0.') AS r"
        )
    )
    assert row == {"T": "ABC", "L": "123", "R": "$125"}


def test_everyday_string_functions(run: Run) -> None:
    """Values from the function pages: https://docs.snowflake.com/en/sql-reference/functions/
    (charindex, position, contains, startswith, endswith, initcap, lpad, rpad, repeat,
    reverse, translate, insert, left, right, concat_ws, replace, substr, len,
    base64_encode, hex_encode)."""
    row = one(
        run(
            "SELECT CHARINDEX('an', 'banana', 3) AS ci, POSITION('an', 'banana') AS pos, "
            "CONTAINS('ice tea', 'te') AS has, STARTSWITH('coffee', 'co') AS sw, "
            "ENDSWITH('coffee', 'ee') AS ew, INITCAP('hello world-foo') AS cap, "
            "LPAD('123.50', 19, '*') AS lp, RPAD('ab', 5, 'xy') AS rp, REPEAT('xy', 3) AS rep, "
            "REVERSE('Hello') AS rev, TRANSLATE('peña', 'ñ', 'n') AS tr, "
            "INSERT('abc', 1, 2, 'Z') AS ins, LEFT('ABCDEF', 3) AS lft, RIGHT('ABCDEF', 3) AS rgt, "
            "CONCAT_WS(',', 'one', 'two', 'three') AS ws, REPLACE('abcd', 'bc') AS rpl, "
            "SUBSTR('testing', -3) AS sub, LEN('abc') AS ln, "
            "BASE64_ENCODE('Snowflake') AS b64, HEX_ENCODE('Snowflake') AS hx"
        )
    )
    assert row == {
        "CI": 4,
        "POS": 2,
        "HAS": True,
        "SW": True,
        "EW": True,
        "CAP": "Hello World-Foo",
        "LP": "*************123.50",
        "RP": "abxyx",
        "REP": "xyxyxy",
        "REV": "olleH",
        "TR": "pena",
        "INS": "Zc",
        "LFT": "ABC",
        "RGT": "DEF",
        "WS": "one,two,three",
        "RPL": "ad",
        "SUB": "ing",
        "LN": 3,
        "B64": "U25vd2ZsYWtl",
        "HX": "536E6F77666C616B65",
    }


def test_octet_length_counts_utf8_bytes(run: Run) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/octet_length: bytes, not
    characters ('é' is two bytes in UTF-8)."""
    row = one(
        run("SELECT OCTET_LENGTH('abc') AS a, OCTET_LENGTH('héllo') AS b, LENGTH('héllo') AS c")
    )
    assert row == {"A": 3, "B": 6, "C": 5}
