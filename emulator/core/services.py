"""Interfaces one feature offers another through the registry (``registry.service``).

Features never import each other: what one needs of another is a Protocol here, and the
feature that implements it registers the implementation when it installs.
"""

from __future__ import annotations

from typing import Protocol


class StreamReads(Protocol):
    """The streams a running statement has read (offered by the streams feature)."""

    def statement_reads(self) -> dict[int, int]:
        """Stream id -> source version the running statement's reads ended at."""
        ...
