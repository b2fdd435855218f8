"""Without snowflake-connector-python the emulator's connection works alone: its errors are
icebridge's own classes, query statuses the emulator's own enum, and ``patch()`` says the
connector is missing (icebridge never needs the connector at run time)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = r"""
import importlib.abc, sys

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "snowflake" or name.startswith("snowflake."):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return None

sys.meta_path.insert(0, Block())

from emulator import Emulator
from icebridge.errors import ProgrammingError
import icebridge.testing

with Emulator() as emu:
    conn = icebridge.testing.connect(emu)
    cur = conn.cursor()
    try:
        cur.execute("SELECT * FROM nosuch")
    except ProgrammingError as err:
        assert type(err) is ProgrammingError, type(err)
        assert err.query == "SELECT * FROM nosuch"
    status = conn.get_query_status(cur.sfqid)
    assert type(status).__module__ == "emulator.api.results", type(status)
    assert status.name == "FAILED_WITH_ERROR"
    try:
        with icebridge.testing.patch():
            pass
    except icebridge.testing.ConnectorMissingError as err:
        assert "not installed" in str(err)
    else:
        raise AssertionError("patch() without the connector")
assert "snowflake.connector" not in sys.modules
print("ok")
"""


def test_the_connection_needs_no_connector() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
    assert out.stderr == ""
