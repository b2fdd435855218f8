"""Timestamps from epoch numbers, integer strings and text with a UTC offset.

https://docs.snowflake.com/en/sql-reference/functions/to_timestamp: a number is seconds
since the epoch; an integer (or a string holding one) is read by its magnitude as seconds,
milliseconds, microseconds or nanoseconds; ``scale`` names the unit. Casts convert as the
functions do. TIMESTAMP_TZ is stored as TIMESTAMP_LTZ (an instant) by the emulator.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from emulator import Emulator
from icebridge.errors import DataError


def one(emu: Emulator, sql: str) -> dict[str, object]:
    rows = emu.sql(sql).to_pylist()
    assert len(rows) == 1, rows
    return rows[0]


def test_an_integer_cast_to_timestamp_is_epoch_seconds(emu: Emulator) -> None:
    """``1748179630::timestamp`` is 2025-05-25 13:27:10 (seconds since 1970-01-01 UTC)."""
    row = one(
        emu,
        "SELECT 1748179630::TIMESTAMP AS s, CAST(1748179630 AS TIMESTAMP_NTZ) AS c, "
        "TO_TIMESTAMP(1748179630) AS f, 1748179630.5::TIMESTAMP AS half",
    )
    moment = datetime(2025, 5, 25, 13, 27, 10)
    assert row == {
        "S": moment,
        "C": moment,
        "F": moment,
        "HALF": moment.replace(microsecond=500000),
    }


def test_integer_magnitude_picks_the_unit(emu: Emulator) -> None:
    """The to_timestamp page's example: '31536000' (seconds), '31536000000' (ms),
    '31536000000000' (µs) and '31536000000000000' (ns) are all 1971-01-01 00:00:00, and
    TO_DATE of each is 1971-01-01."""
    emu.execute(
        "CREATE TABLE demo1 (description VARCHAR, value VARCHAR);"
        "INSERT INTO demo1 VALUES ('Seconds', '31536000'), ('Milliseconds', '31536000000'),"
        "('Microseconds', '31536000000000'), ('Nanoseconds', '31536000000000000')"
    )
    rows = emu.sql(
        "SELECT description, TO_TIMESTAMP(value) AS ts, TO_DATE(value) AS d, "
        "value::NUMBER::TIMESTAMP AS n "
        "FROM demo1 ORDER BY value"
    ).to_pylist()
    assert [r["DESCRIPTION"] for r in rows] == [
        "Seconds",
        "Milliseconds",
        "Microseconds",
        "Nanoseconds",
    ]
    assert {r["TS"] for r in rows} == {datetime(1971, 1, 1)}
    assert {r["N"] for r in rows} == {datetime(1971, 1, 1)}
    assert {r["D"] for r in rows} == {date(1971, 1, 1)}
    literals = one(
        emu,
        "SELECT TO_TIMESTAMP('31536000000') AS ms, 31536000000000::TIMESTAMP AS us, "
        "TO_TIMESTAMP(31536000000000000) AS ns",
    )
    assert set(literals.values()) == {datetime(1971, 1, 1)}


def test_scale_names_the_unit(emu: Emulator) -> None:
    """``TO_TIMESTAMP(n, 3)`` reads milliseconds, ``9`` nanoseconds; an LTZ from an epoch
    number is that instant (TO_TIMESTAMP_LTZ(0) is 1970-01-01 00:00:00 UTC, shown in the
    session time zone America/Los_Angeles)."""
    row = one(
        emu,
        "SELECT TO_TIMESTAMP(1748179630123, 3) AS ms, "
        "TO_TIMESTAMP_NTZ(1748179630123456789, 9) AS ns, "
        "TO_TIMESTAMP_LTZ(0) AS epoch, TO_TIMESTAMP_LTZ(0)::VARCHAR AS shown",
    )
    assert row == {
        "MS": datetime(2025, 5, 25, 13, 27, 10, 123000),
        "NS": datetime(2025, 5, 25, 13, 27, 10, 123456),
        "EPOCH": datetime(1970, 1, 1, tzinfo=UTC),
        "SHOWN": "1969-12-31 16:00:00-08",
    }


def test_text_with_a_spaced_utc_offset(emu: Emulator) -> None:
    """A timestamp text may end in a UTC offset after a space: TIMESTAMP_TZ and
    TIMESTAMP_LTZ apply it, TIMESTAMP_NTZ ignores it
    (https://docs.snowflake.com/en/sql-reference/data-types-datetime)."""
    row = one(
        emu,
        "SELECT '2026-01-01 10:00:00 +09:00'::TIMESTAMP_TZ AS tz, "
        "TO_TIMESTAMP_TZ('2026-01-01 10:00:00 +09:00') AS f, "
        "'2024-01-01 00:00:00 +00:00'::TIMESTAMP_LTZ AS ltz, "
        "'2026-01-01 10:00:00 +09:00'::TIMESTAMP_NTZ AS ntz",
    )
    assert row["TZ"] == row["F"] == datetime(2026, 1, 1, 1, 0, tzinfo=UTC)
    assert row["LTZ"] == datetime(2024, 1, 1, tzinfo=UTC)
    assert row["NTZ"] == datetime(2026, 1, 1, 10, 0)


def test_text_columns_convert_by_the_same_rules(emu: Emulator) -> None:
    """A VARCHAR column holding integers or offset timestamps converts row by row."""
    emu.execute(
        "CREATE TABLE raw (s VARCHAR);"
        "INSERT INTO raw VALUES ('1748179630'), ('2026-01-01 10:00:00 -05:00'), ('junk')"
    )
    rows = emu.sql("SELECT TRY_TO_TIMESTAMP_LTZ(s) AS t FROM raw").to_pylist()
    assert [r["T"] for r in rows] == [
        datetime(2025, 5, 25, 13, 27, 10, tzinfo=UTC),
        datetime(2026, 1, 1, 15, 0, tzinfo=UTC),
        None,
    ]
    with pytest.raises(DataError, match="is not recognized"):
        emu.sql("SELECT TO_TIMESTAMP(s) FROM raw")


def test_an_ltz_column_takes_an_offset_timestamp(emu: Emulator) -> None:
    """A TIMESTAMP_LTZ column stores the instant of an offset timestamp."""
    emu.execute(
        "CREATE TABLE events (at TIMESTAMP_LTZ);"
        "INSERT INTO events SELECT '2024-01-01 00:00:00 +00:00'::TIMESTAMP_LTZ"
    )
    assert emu.sql("SELECT at FROM events").to_pylist() == [
        {"AT": datetime(2024, 1, 1, tzinfo=UTC)}
    ]
