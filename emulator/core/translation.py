"""The session's access to the translation layer (:mod:`emulator.translate`).

Everything the session needs from translation goes through this module so that the rest
of the session does not depend on how translation is organised.
"""

from __future__ import annotations

from emulator.translate import TranslateContext, duckdb_type, output_name, to_duckdb

__all__ = ["TranslateContext", "duckdb_type", "output_name", "to_duckdb"]
