"""The one function that turns a name into a DuckDB identifier.

Every name in DuckDB SQL the emulator builds itself goes through :func:`ident` (quoted, so
case, spaces, quotes and unicode survive). It lives at the bottom of the package so that
every layer — core's SQL builder, translation and the Iceberg store — uses the same one.
"""

from __future__ import annotations

from sqlglot import exp


def ident(name: str) -> exp.Identifier:
    """A quoted DuckDB identifier: the one way a name enters emulator-built SQL."""
    return exp.Identifier(this=name, quoted=True)
