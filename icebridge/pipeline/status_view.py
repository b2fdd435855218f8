"""How a :class:`~icebridge.pipeline.status.PipelineStatus` reads: a one-line summary and
a rich table (rich is imported only when the table is drawn)."""

from __future__ import annotations

from typing import Any, Protocol


class PipelineStatus(Protocol):
    """What this module reads of :class:`icebridge.pipeline.status.PipelineStatus` (a
    Protocol, so the status module can import this one without a cycle)."""

    @property
    def pipeline(self) -> str: ...
    @property
    def mode(self) -> str: ...
    @property
    def staged_rows(self) -> int | None: ...
    @property
    def pending_rows(self) -> int | None: ...
    @property
    def target_rows(self) -> int | None: ...
    @property
    def lag_seconds(self) -> int | None: ...
    @property
    def stream_has_data(self) -> bool | None: ...
    @property
    def stream_stale(self) -> bool | None: ...
    @property
    def runs_by_state(self) -> dict[str, int] | None: ...
    @property
    def next_run(self) -> Any: ...
    @property
    def last_error(self) -> str | None: ...
    @property
    def scheduling_state(self) -> str | None: ...
    @property
    def data_timestamp(self) -> Any: ...
    @property
    def last_refresh(self) -> Any: ...


def _n(value: int | None) -> str:
    return "?" if value is None else str(value)


def _lag(seconds: int | None) -> str:
    if seconds is None:
        return "?"
    minutes, sec = divmod(seconds, 60)
    return f"{minutes}m{sec:02d}s" if minutes else f"{sec}s"


def _stream(status: PipelineStatus) -> str | None:
    if status.mode == "dynamic":
        return None
    if status.stream_stale:
        return "STALE"
    if status.stream_has_data is None and status.stream_stale is None:
        return "?"
    return "has data" if status.stream_has_data else "empty"


def _runs(status: PipelineStatus) -> str:
    if not status.runs_by_state:
        return "none"
    return ", ".join(f"{state} {n}" for state, n in sorted(status.runs_by_state.items()))


def rows(status: PipelineStatus) -> list[tuple[str, str]]:
    """(label, value) pairs, in display order."""
    out = [
        ("mode", status.mode),
        ("staged rows", _n(status.staged_rows)),
    ]
    if status.mode == "task":
        out.append(("pending in stream", _n(status.pending_rows)))
    out += [("loaded rows", _n(status.target_rows)), ("lag", _lag(status.lag_seconds))]
    stream = _stream(status)
    if stream is not None:
        out.append(("stream", stream))
    if status.mode == "task":
        out += [("task runs", _runs(status)), ("next run", str(status.next_run or "-"))]
    if status.mode == "dynamic":
        refresh = status.last_refresh
        out += [
            ("scheduling", status.scheduling_state or "?"),
            ("data timestamp", str(status.data_timestamp or "-")),
            (
                "last refresh",
                "-"
                if refresh is None
                else f"{refresh.state} at {refresh.refresh_end_time or refresh.refresh_start_time}",
            ),
        ]
    out.append(("last error", status.last_error or "-"))
    return out


def summary(status: PipelineStatus) -> str:
    """One line: ``ORDERS (task): staged 5, pending 0, loaded 3, lag 0s, ...``."""
    parts = [f"{label} {value}" for label, value in rows(status)[1:] if value not in ("-",)]
    return f"{status.pipeline} ({status.mode}): " + ", ".join(parts)


def rich_table(status: PipelineStatus) -> Any:
    """The status as a two-column rich table titled with the pipeline name."""
    from rich.table import Table

    table = Table(title=f"pipeline {status.pipeline}", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value", overflow="fold")
    for label, value in rows(status):
        style = "red" if (label == "last error" and value != "-") or value == "STALE" else ""
        table.add_row(label, value, style=style)
    return table
