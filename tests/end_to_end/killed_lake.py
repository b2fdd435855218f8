"""Run in a subprocess by test_reopen_after_kill.py: deploy the merge-mode orders pipeline on
a persistent lake, move time on, ingest and load a first version of some orders, then print
the emulator's time and wait to be killed (SIGKILL: no close, no flush, no clean-up).

Usage: python killed_lake.py <lake path> <orders>
"""

from __future__ import annotations

import datetime as dt
import sys
import time

from emulator import Emulator
from icebridge.demo import setup_statements
from icebridge.examples import orders as example

#: The line printed when the lake is loaded and the process waits for its SIGKILL.
READY = "READY"


def first_version(count: int) -> list[dict[str, object]]:
    """Orders 1..count as first ingested: status NEW."""
    return [
        {
            "ORDER_ID": i,
            "CUSTOMER_ID": i % 7,
            "ORDER_TS": dt.datetime(2026, 1, 1, 12, 0) + dt.timedelta(minutes=i),
            "STATUS": "NEW",
            "TOTAL_AMOUNT": f"{i}.50",
        }
        for i in range(1, count + 1)
    ]


def main(path: str, count: int) -> None:
    emu = Emulator(path)
    emu.execute_script(setup_statements(example.PIPELINES) + example.render_all(example.PIPELINES))
    # Time passes before the first rows arrive, so a rewound clock would stamp the next
    # rows earlier than these ones.
    emu.advance("30 minutes")
    example.orders.ingest(emu, first_version(count))
    emu.advance("2 minutes")  # the load task merges them into Iceberg
    print(READY, emu.now.isoformat(), flush=True)
    while True:  # the lake stays open until the test kills this process
        time.sleep(60)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
