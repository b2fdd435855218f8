"""COPY INTO: loading into a table (:mod:`.load`) or unloading into a stage (:mod:`.unload`).

https://docs.snowflake.com/en/sql-reference/sql/copy-into-table and
https://docs.snowflake.com/en/sql-reference/sql/copy-into-location. External locations
(``'s3://…'``, ``'gcs://…'``, ``'azure://…'``) are not emulated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from emulator import errors
from emulator.core.engine import Outcome
from emulator.features.stages.load import run_load
from emulator.features.stages.unload import run_unload
from icebridge.sql.stage_location import StageLocation, location_text

if TYPE_CHECKING:
    from emulator.core.engine import Engine


def run_copy(emu: Engine, node: exp.Expression, sql: str) -> Outcome:
    """COPY INTO <table> | <location>."""
    assert isinstance(node, exp.Copy)
    if not node.args.get("kind"):
        raise errors.unsupported("COPY … TO (Snowflake unloads with COPY INTO <location>)")
    target = node.this
    text = location_text(target)
    if text is not None:
        return run_unload(emu, node, StageLocation.parse(text))
    inner = target.this if isinstance(target, exp.Table) else None
    if isinstance(inner, exp.Literal) and inner.is_string:
        raise errors.unsupported("COPY INTO an external location (use a stage)")
    return run_load(emu, node)
