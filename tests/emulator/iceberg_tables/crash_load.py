"""Run in a subprocess by test_exactly_once.py: load staged orders into Iceberg, crashing
at the commit point named by the ICEBRIDGE_FAULT environment variable.

The crash is a test hook on the lake's commit path (``emu.engine.lake.hooks``) that exits
the process at once (``os._exit``) at that point; the emulator itself never exits.

Usage: python crash_load.py <emulator path> <pipeline: merge|append> <setup|load>
"""

from __future__ import annotations

import datetime as dt
import os
import sys

from emulator import Emulator
from emulator.core.lake import COMMIT_POINTS, CommitHook
from icebridge.examples import orders
from icebridge.pipeline import Pipeline
from icebridge.sql.dialect import generate, parse_one

ROWS = 20
#: The environment variable naming the commit point to crash at (read by this script only).
FAULT_ENV = "ICEBRIDGE_FAULT"
FAULT_POINTS = COMMIT_POINTS
#: Exit status of a process stopped at a commit point.
FAULT_EXIT = 97


def crash_at(point: str) -> CommitHook:
    """A commit hook that stops the process when the write reaches ``point``."""

    def hook(reached: str, _table: object) -> None:
        if reached == point:
            os._exit(FAULT_EXIT)

    return hook


def pipeline(kind: str) -> Pipeline:
    return orders.orders if kind == "merge" else orders.orders_append


def load_statement(kind: str) -> str:
    """The body of the rendered load task (the MERGE or INSERT … SELECT FROM stream)."""
    for text in pipeline(kind).sql():
        node = parse_one(text)
        if type(node).__name__ == "CreateTask" and "LOAD_TASK" in text.split(" AS ")[0]:
            return generate(node.args["body"])
    raise AssertionError("no load task rendered")


def staged(start: int) -> list[dict[str, object]]:
    return [
        {
            "ORDER_ID": i,
            "CUSTOMER_ID": i % 7,
            "ORDER_TS": dt.datetime(2026, 1, 1) + dt.timedelta(minutes=i),
            "STATUS": "NEW",
            "TOTAL_AMOUNT": i + 0.5,
        }
        for i in range(start, start + ROWS)
    ]


def main(path: str, kind: str, phase: str) -> None:
    fault = os.environ.pop(FAULT_ENV, None)
    emu = Emulator(path)
    if phase == "setup":
        emu.execute(
            "CREATE DATABASE AUTOMATED_INTELLIGENCE; CREATE WAREHOUSE AUTOMATED_INTELLIGENCE_WH"
        )
        pipeline(kind).deploy(emu)
        pipeline(kind).ingest(emu, staged(0))
        emu.execute(load_statement(kind))  # a first, clean load
        pipeline(kind).ingest(emu, staged(ROWS))
    else:
        if fault is not None:
            emu.engine.lake.hooks.add(crash_at(fault))  # armed for the load statement only
        emu.execute(load_statement(kind))
    emu.close()


if __name__ == "__main__":
    main(*sys.argv[1:4])
