"""Finished statements kept by query id: query status, and results fetched again later.

Snowflake keeps a query's result for 24 hours and lets any session of the user read it
again by its id (``RESULT_SCAN``; the connector's ``get_results_from_sfqid`` and
``query_result``), and reports the state of a query by id (``get_query_status``)
(https://docs.snowflake.com/en/developer-guide/python-connector/python-connector-example#retrieving-the-snowflake-query-id
and #performing-an-asynchronous-query). The emulator runs every statement to completion at
once, so a kept entry is either a result (``SUCCESS``) or an error (``FAILED_WITH_ERROR``);
an id it never saw has no data (``NO_DATA``, what Snowflake reports for it too). The most
recent :data:`KEPT` statements of one emulator are kept.
"""

from __future__ import annotations

import threading
import uuid
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from enum import Enum
from typing import Any

import pyarrow as pa

from emulator.api.connector_errors import api_error, as_connector_error, connector_errors
from icebridge.errors import ProgrammingError, SqlError

#: Statements kept per emulator (oldest dropped first): bounded, since results are in memory.
KEPT = 128


class QueryStatus(Enum):
    """The connector's ``snowflake.connector.constants.QueryStatus`` (same names and values),
    used when the connector is not installed."""

    RUNNING = 0
    ABORTING = 1
    SUCCESS = 2
    FAILED_WITH_ERROR = 3
    ABORTED = 4
    QUEUED = 5
    FAILED_WITH_INCIDENT = 6
    DISCONNECTED = 7
    RESUMING_WAREHOUSE = 8
    QUEUED_REPARING_WAREHOUSE = 9  # the connector's spelling
    RESTARTED = 10
    BLOCKED = 11
    NO_DATA = 12


#: Statuses of a query still running / of one that ended in error (the connector's
#: ``is_still_running`` and ``is_an_error``).
STILL_RUNNING = frozenset(
    {
        "RUNNING",
        "QUEUED",
        "RESUMING_WAREHOUSE",
        "QUEUED_REPARING_WAREHOUSE",
        "BLOCKED",
        "NO_DATA",
    }
)
AN_ERROR = frozenset(
    {"ABORTING", "FAILED_WITH_ERROR", "ABORTED", "FAILED_WITH_INCIDENT", "DISCONNECTED"}
)


def status_enum() -> type[Enum]:
    """The connector's QueryStatus when it is installed (so ``status ==
    QueryStatus.SUCCESS`` holds for user code importing it), else :class:`QueryStatus`."""
    if connector_errors() is None:
        return QueryStatus
    from snowflake.connector.constants import QueryStatus as ConnectorStatus

    status: type[Enum] = ConnectorStatus
    return status


def status(name: str) -> Enum:
    """The status called ``name``."""
    return status_enum()[name]


class InvalidQueryIdError(ProgrammingError, ValueError):
    """A query id that is not a UUID: the connector raises ``ValueError("Invalid UUID")``;
    this is both that and an icebridge ProgrammingError."""


@dataclass(frozen=True)
class Finished:
    """One finished statement: its result or its error."""

    query: str
    table: pa.Table | None
    rowcount: int | None
    error: SqlError | None


class Results:
    """The finished statements of one emulator, by query id."""

    def __init__(self) -> None:
        self._kept: OrderedDict[str, Finished] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, sfqid: str, entry: Finished) -> None:
        with self._lock:
            self._kept[sfqid] = entry
            self._kept.move_to_end(sfqid)
            while len(self._kept) > KEPT:
                self._kept.popitem(last=False)

    def get(self, sfqid: str) -> Finished | None:
        """The statement ``sfqid`` (a UUID, else InvalidQueryIdError), None when unknown."""
        try:
            uuid.UUID(sfqid)
        except (ValueError, TypeError, AttributeError):
            err = InvalidQueryIdError(f"Invalid UUID: '{sfqid}'", errno=251007)
            raise as_connector_error(err, "ProgrammingError") from None
        with self._lock:
            return self._kept.get(sfqid)


_stores: weakref.WeakKeyDictionary[Any, Results] = weakref.WeakKeyDictionary()
_stores_lock = threading.Lock()


def results_of(owner: Any) -> Results:
    """The results kept for ``owner`` (an engine, or any connection target)."""
    with _stores_lock:
        store = _stores.get(owner)
        if store is None:
            store = Results()
            _stores[owner] = store
        return store


def no_data(sfqid: str) -> SqlError:
    """The connector's error for results of a query it has no information on."""
    return api_error(
        "Cannot retrieve data on the status of this query. No information returned from "
        f"server for query '{sfqid}'",
        errno=0,
        kind="DatabaseError",
    )
