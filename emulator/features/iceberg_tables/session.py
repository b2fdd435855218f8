"""Per-emulator state of the Iceberg-tables feature while statements run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlglot import exp

if TYPE_CHECKING:
    from emulator.core.engine import Engine


@dataclass
class IcebergSession:
    """What a running Iceberg DML statement shares with reads and the commit hook."""

    #: object id -> relation a statement reads instead of the current snapshot (the DML
    #: working set with its file-path column).
    read_overrides: dict[int, exp.Expression] = field(default_factory=dict)
    #: True between a statement's Iceberg commit and the end of its DuckDB COMMIT.
    committed: bool = False


def iceberg_session(emu: Engine) -> IcebergSession:
    """The feature's state in ``emu`` (:mod:`emulator.features.iceberg_tables.feature`)."""
    found = emu.registry.service(IcebergSession)
    assert found is not None, "the Iceberg-tables feature is not installed"
    return found
