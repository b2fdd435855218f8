"""The SCD Type 1 example of Snowflake's "Migrate from streams and tasks to dynamic
tables" page, run verbatim: a stream + task with a QUALIFY-deduplicated MERGE, and the
dynamic table that replaces it (https://docs.snowflake.com/en/user-guide/dynamic-tables/
migrate-streams-tasks).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from emulator import Emulator

SETUP = """
CREATE DATABASE docs;
CREATE WAREHOUSE transform_wh;
CREATE OR REPLACE TABLE customer_updates (
    customer_id    INT,
    customer_name  VARCHAR,
    region         VARCHAR,
    segment        VARCHAR,
    updated_at     TIMESTAMP_NTZ
);

INSERT INTO customer_updates VALUES
    (1, 'Acme Corp',      'US-West',  'Enterprise', '2025-01-10 09:00:00'),
    (2, 'Globex Inc',     'US-East',  'Mid-Market', '2025-01-10 09:00:00'),
    (1, 'Acme Corp',      'US-West',  'Strategic',  '2025-01-15 14:00:00'),
    (3, 'Initech LLC',    'EU-West',  'Startup',    '2025-01-12 11:00:00');
"""

BEFORE = """
CREATE OR REPLACE STREAM customer_updates_stream ON TABLE customer_updates;

CREATE OR REPLACE TABLE dim_customers_scd1 (
    customer_id    INT,
    customer_name  VARCHAR,
    region         VARCHAR,
    segment        VARCHAR,
    updated_at     TIMESTAMP_NTZ
);

CREATE OR REPLACE TASK merge_customers
    WAREHOUSE = transform_wh
    SCHEDULE = '10 MINUTE'
    WHEN SYSTEM$STREAM_HAS_DATA('customer_updates_stream')
AS
    MERGE INTO dim_customers_scd1 AS tgt
    USING (
        SELECT customer_id, customer_name, region, segment, updated_at
        FROM customer_updates_stream
        QUALIFY ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY updated_at DESC) = 1
    ) AS src
    ON tgt.customer_id = src.customer_id
    WHEN MATCHED THEN UPDATE SET
        tgt.customer_name = src.customer_name,
        tgt.region        = src.region,
        tgt.segment       = src.segment,
        tgt.updated_at    = src.updated_at
    WHEN NOT MATCHED THEN INSERT
        (customer_id, customer_name, region, segment, updated_at)
    VALUES
        (src.customer_id, src.customer_name, src.region, src.segment, src.updated_at);

ALTER TASK merge_customers RESUME;
"""

AFTER = """
CREATE OR REPLACE DYNAMIC TABLE dt_dim_customers_scd1
    TARGET_LAG = '10 minutes'
    WAREHOUSE = transform_wh
    REFRESH_MODE = INCREMENTAL
AS
    SELECT
        customer_id,
        customer_name,
        region,
        segment,
        updated_at
    FROM customer_updates
    QUALIFY ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY updated_at DESC) = 1;
"""

DOCUMENTED = [
    (1, "Acme Corp", "US-West", "Strategic", "2025-01-15 14:00:00"),
    (2, "Globex Inc", "US-East", "Mid-Market", "2025-01-10 09:00:00"),
    (3, "Initech LLC", "EU-West", "Startup", "2025-01-12 11:00:00"),
]


@pytest.fixture
def emu() -> Iterator[Emulator]:
    emulator = Emulator()
    emulator.execute(SETUP)
    yield emulator
    emulator.close()


def _rows(emu: Emulator, table: str) -> list[tuple[object, ...]]:
    result = emu.sql(f"SELECT * FROM {table} ORDER BY customer_id")
    return [
        (int(r["CUSTOMER_ID"]), r["CUSTOMER_NAME"], r["REGION"], r["SEGMENT"], str(r["UPDATED_AT"]))
        for r in result.to_pylist()
    ]


def test_dynamic_table_gives_the_documented_result(emu: Emulator) -> None:
    emu.execute(AFTER)
    assert _rows(emu, "dt_dim_customers_scd1") == DOCUMENTED


def test_task_merge_sees_only_rows_staged_after_the_stream(emu: Emulator) -> None:
    emu.execute(BEFORE)
    # The stream was created after the four rows: it starts empty, so the task skips.
    runs = emu.advance("10 minutes")
    assert [r.state for r in runs] == ["SKIPPED"]
    assert _rows(emu, "dim_customers_scd1") == []
    # Rows staged afterwards (two versions of customer 4, one of customer 2) are merged,
    # newest version per key.
    emu.execute(
        """
        INSERT INTO customer_updates VALUES
            (4, 'Hooli', 'US-West', 'Startup', '2025-02-01 09:00:00'),
            (4, 'Hooli', 'US-West', 'Enterprise', '2025-02-03 09:00:00'),
            (2, 'Globex Inc', 'US-East', 'Enterprise', '2025-02-02 09:00:00')
        """
    )
    runs = emu.advance("10 minutes")
    assert [r.state for r in runs] == ["SUCCEEDED"]
    assert _rows(emu, "dim_customers_scd1") == [
        (2, "Globex Inc", "US-East", "Enterprise", "2025-02-02 09:00:00"),
        (4, "Hooli", "US-West", "Enterprise", "2025-02-03 09:00:00"),
    ]
    # The MERGE consumed the stream: the next tick finds nothing.
    assert [r.state for r in emu.advance("10 minutes")] == ["SKIPPED"]
