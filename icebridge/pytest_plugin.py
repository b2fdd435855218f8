"""icebridge's pytest plugin (registered through the ``pytest11`` entry point).

Fixtures:

* ``icebridge_emulator``: a fresh :class:`~emulator.Emulator` per test, closed after it;
* ``icebridge_connection``: a DB-API connection (snowflake-connector-python's shape) with a
  session of its own on that emulator;
* ``icebridge_patch``: the test runs inside :func:`icebridge.testing.patch` on that emulator,
  so ``snowflake.connector.connect(...)`` reaches it; the fixture's value is the emulator.

Options (command line, or the ini key in ``pytest.ini`` / ``[tool.pytest.ini_options]``):

* ``--icebridge-lake PATH`` / ``icebridge_lake``: open the persistent lake at PATH instead of
  an in-memory emulator (what one test leaves there, the next one sees);
* ``--icebridge-start ISO-8601`` / ``icebridge_start``: the virtual clock's starting instant
  (e.g. ``2024-01-01T00:00:00+00:00``; a naive value is UTC).

Loaded for every pytest run of everyone who installs icebridge, so this module imports
only pytest and the standard library: the emulator loads when a fixture is first used.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from emulator import Emulator
    from emulator.api.connector import Connection

LAKE = "icebridge_lake"
START = "icebridge_start"


def pytest_addoption(parser: pytest.Parser) -> None:
    """The lake and clock options."""
    group = parser.getgroup("icebridge", "icebridge emulator fixtures")
    group.addoption(
        "--icebridge-lake",
        dest=LAKE,
        default=None,
        metavar="PATH",
        help="open the persistent lake at PATH for the icebridge fixtures (default: memory)",
    )
    group.addoption(
        "--icebridge-start",
        dest=START,
        default=None,
        metavar="ISO-8601",
        help="start the icebridge fixtures' virtual clock at this instant",
    )
    parser.addini(LAKE, "persistent lake path for the icebridge fixtures", default=None)
    parser.addini(START, "virtual clock start (ISO 8601) for the icebridge fixtures", default=None)


def _option(config: pytest.Config, name: str) -> str | None:
    value = config.getoption(name, default=None) or config.getini(name)
    return str(value) if value else None


def _start(text: str) -> datetime:
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise pytest.UsageError(
            f"{START}: {text!r} is not an ISO 8601 instant (e.g. 2024-01-01T00:00:00+00:00)"
        ) from None
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


@pytest.fixture
def icebridge_emulator(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """A fresh emulator (in memory unless ``--icebridge-lake`` names a lake), closed after
    the test."""
    from emulator import Emulator, VirtualClock

    config = request.config
    start = _option(config, START)
    clock = VirtualClock(_start(start)) if start is not None else None
    emulator = Emulator(_option(config, LAKE), clock=clock)
    try:
        yield emulator
    finally:
        emulator.close()


@pytest.fixture
def icebridge_connection(icebridge_emulator: Emulator) -> Iterator[Connection]:
    """A connector-shaped connection with its own session on ``icebridge_emulator``."""
    from icebridge.testing import connect

    connection = connect(icebridge_emulator)
    try:
        yield connection
    finally:
        connection.close()


@pytest.fixture
def icebridge_patch(icebridge_emulator: Emulator) -> Iterator[Emulator]:
    """Run the test inside ``icebridge.testing.patch()`` on ``icebridge_emulator``."""
    from icebridge.testing import patch

    with patch(emulator=icebridge_emulator) as emulator:
        yield emulator
