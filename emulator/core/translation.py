"""The session's access to the translation layer (:mod:`emulator.translate`).

Everything the session needs from translation goes through this module so that the rest
of the session does not depend on how translation is organised.
"""

from __future__ import annotations

from sqlglot import exp

from emulator.core.state import SessionState
from emulator.translate import TranslateContext, duckdb_type, output_name, to_duckdb

__all__ = [
    "TranslateContext",
    "duckdb_type",
    "output_name",
    "to_duckdb",
    "with_session_functions",
]


def with_session_functions(node: exp.Expression, state: SessionState) -> exp.Expression:
    """Session values for CURRENT_DATABASE() & co.; fully qualified columns shortened."""

    def value(text: str | None) -> exp.Expression:
        return exp.Null() if text is None else exp.Literal.string(text)

    def fix(n: exp.Expression) -> exp.Expression:
        if isinstance(n, exp.Column) and (n.args.get("db") or n.args.get("catalog")):
            # db.schema.t.col -> t.col: relations keep the written table name as alias.
            n.set("db", None)
            n.set("catalog", None)
            return n
        if isinstance(n, exp.CurrentDatabase):
            return value(state.database)
        if isinstance(n, exp.CurrentSchema):
            return value(state.schema)
        if isinstance(n, exp.Anonymous):
            name = str(n.name).upper()
            if name == "CURRENT_WAREHOUSE":
                return value(state.warehouse)
            if name == "CURRENT_ROLE":
                return value(state.role)
        return n

    return node.copy().transform(fix, copy=False)
