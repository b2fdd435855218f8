"""Real-time mode: a background thread that keeps the scheduler up with the wall clock.

``emu.start()`` starts it and ``emu.stop()`` stops it. With a
:class:`~emulator.core.clock.RealClock` the thread fires what is due at the real time; with a
:class:`~emulator.core.clock.VirtualClock` it advances the virtual clock by the wall time
elapsed. Every statement, ingest and scheduled run holds ``emu.lock``, so other threads
can ingest and query while tasks run. USER_TASK_TIMEOUT_MS is enforced in this mode only.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import TYPE_CHECKING

from emulator.core.clock import RealClock
from emulator.core.scheduler import RunRecord

if TYPE_CHECKING:
    from emulator.api.engine import EmulatorEngine


class RealtimeDriver:
    """The background thread of one emulator."""

    def __init__(self, emu: EmulatorEngine, tick_seconds: float = 0.05) -> None:
        self.emu = emu
        self.tick = tick_seconds
        self.records: list[RunRecord] = []
        self.errors: list[BaseException] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="icebridge-scheduler", daemon=True)
        self.emu.realtime_running = True
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread; re-raise the first unexpected error it met (task errors are
        FAILED runs, not errors)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._thread = None
        self.emu.realtime_running = False
        if self.errors:
            first, self.errors = self.errors[0], []
            raise first

    def _loop(self) -> None:
        last = time.monotonic()
        while not self._stop.wait(self.tick):
            now = time.monotonic()
            elapsed, last = now - last, now
            with self.emu.lock:
                if self.emu.closed:
                    return
                clock = self.emu.clock
                until = clock.now()
                if not isinstance(clock, RealClock):
                    until += timedelta(seconds=elapsed)
                try:
                    self.records.extend(self.emu.scheduler.advance_to(until))
                except Exception as err:  # keep the thread alive; surfaced by stop()
                    self.errors.append(err)
