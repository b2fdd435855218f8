"""The rendered load bodies, executed on the emulator's native tables.

Streams come in their own work; here a plain table named like the stream stands in for
the stream's contents, so the MERGE/INSERT text the task would run is executed verbatim
and its Snowflake semantics (dedup, late arrivals, no nondeterministic-merge error) checked.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlglot import exp

from emulator.api.emulator import Emulator
from icebridge import Pipeline
from icebridge.sql.dialect import generate
from icebridge.sql.nodes_task import CreateTask

COLUMNS = {"ORDER_ID": "NUMBER(38,0)", "STATUS": "VARCHAR(20)", "UPDATED_AT": "NUMBER(10,0)"}


def _pipeline(**target: object) -> Pipeline:
    return (
        Pipeline("orders", database="SHOP", warehouse="WH")
        .stage("STAGING.ORDERS_STAGING", columns=COLUMNS, ingested_at=False)
        .stream()
        .to_iceberg("ANALYTICS.ORDERS", **target)  # type: ignore[arg-type]
    )


def _load_body(pipeline: Pipeline) -> str:
    tasks = [s for s in pipeline.statements() if isinstance(s, CreateTask)]
    body = tasks[0].body
    assert isinstance(body, exp.Expression)
    return generate(body)


@pytest.fixture
def emu() -> Iterator[Emulator]:
    emulator = Emulator()
    emulator.execute(
        """
        CREATE DATABASE SHOP;
        CREATE SCHEMA SHOP.STAGING;
        CREATE SCHEMA SHOP.ANALYTICS;
        CREATE TABLE SHOP.ANALYTICS.ORDERS (ORDER_ID NUMBER, STATUS STRING, UPDATED_AT NUMBER);
        CREATE TABLE SHOP.STAGING.ORDERS_STAGING_STREAM
          (ORDER_ID NUMBER, STATUS STRING, UPDATED_AT NUMBER);
        """
    )
    yield emulator
    emulator.close()


def _batch(emu: Emulator, rows: list[tuple[int, str, int]]) -> None:
    emu.execute("TRUNCATE TABLE SHOP.STAGING.ORDERS_STAGING_STREAM")
    cursor = emu.connect().cursor()
    cursor.executemany("INSERT INTO SHOP.STAGING.ORDERS_STAGING_STREAM VALUES (%s, %s, %s)", rows)


def _target(emu: Emulator) -> list[tuple[int, str, int]]:
    table = emu.sql("SELECT ORDER_ID, STATUS, UPDATED_AT FROM SHOP.ANALYTICS.ORDERS ORDER BY 1")
    return [(int(k), s, int(t)) for k, s, t in zip(*table.to_pydict().values(), strict=True)]


def test_merge_keeps_latest_version_per_key_and_ignores_late_arrivals(emu: Emulator) -> None:
    body = _load_body(_pipeline(merge_on="ORDER_ID", latest_by="UPDATED_AT"))
    # Duplicates of one key in one batch: the newest wins, no nondeterministic-merge error.
    _batch(emu, [(1, "NEW", 1), (1, "PAID", 2), (1, "PAID", 2), (2, "NEW", 1)])
    result = emu.sql(body)
    assert result.column("number of rows inserted").to_pylist() == [2]
    assert _target(emu) == [(1, "PAID", 2), (2, "NEW", 1)]
    # A later batch updates key 2; a late, older version of key 1 must not win.
    _batch(emu, [(1, "NEW", 1), (2, "SHIPPED", 3), (3, "NEW", 1)])
    emu.sql(body)
    assert _target(emu) == [(1, "PAID", 2), (2, "SHIPPED", 3), (3, "NEW", 1)]


def test_insert_mode_appends_every_stream_row(emu: Emulator) -> None:
    body = _load_body(_pipeline())
    _batch(emu, [(1, "NEW", 1), (1, "PAID", 2)])
    emu.sql(body)
    assert _target(emu) == [(1, "NEW", 1), (1, "PAID", 2)]
