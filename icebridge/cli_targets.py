"""The targets the CLI opens: an emulator directory, or a Snowflake connection by name.

``--connection NAME`` reads the Snowflake CLI's ``connections.toml``
(https://docs.snowflake.com/en/developer-guide/snowflake-cli/connecting/configure-connections):
``$SNOWFLAKE_HOME/connections.toml`` if ``SNOWFLAKE_HOME`` is set, else
``~/.snowflake/connections.toml``. ``SNOWFLAKE_CONNECTIONS_<NAME>_<KEY>`` variables override
single keys of that connection, as in the Snowflake CLI. Values are passed to Snowpark and
never printed.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from icebridge.cli_load import CliError
from icebridge.targets.base import Target


def connections_file(env: Mapping[str, str] | None = None) -> Path:
    """Where connections.toml is looked up."""
    env = os.environ if env is None else env
    home = env.get("SNOWFLAKE_HOME")
    return (Path(home) if home else Path.home() / ".snowflake") / "connections.toml"


def connection_parameters(name: str, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The parameters of connection ``name``: its connections.toml table, overridden by
    ``SNOWFLAKE_CONNECTIONS_<NAME>_<KEY>`` variables."""
    env = os.environ if env is None else env
    path = connections_file(env)
    params: dict[str, Any] = {}
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as err:
            raise CliError(f"{path} is not valid TOML: {err}") from None
        table = data.get(name)
        if isinstance(table, dict):
            params.update(table)
    prefix = f"SNOWFLAKE_CONNECTIONS_{name.upper()}_"
    for key, value in env.items():
        if key.startswith(prefix) and len(key) > len(prefix):
            params[key[len(prefix) :].lower()] = value
    if not params:
        raise CliError(
            f"no connection named {name!r} in {path} or in {prefix}* environment variables"
        )
    return params


@contextmanager
def open_target(emulator: str | None, connection: str | None) -> Iterator[Target]:
    """The target named by ``--emulator DIR`` or ``--connection NAME`` (exactly one)."""
    if (emulator is None) == (connection is None):
        raise CliError("give exactly one target: --emulator DIR or --connection NAME")
    if emulator is not None:
        from emulator import Emulator

        with Emulator(path=Path(emulator).expanduser()) as emu:
            yield emu
        return
    from icebridge.targets.snowflake import SnowflakeTarget

    assert connection is not None
    yield SnowflakeTarget.connect(connection_parameters(connection))
