"""The session's access to the translation layer (:mod:`emulator.translate`).

Everything the session needs from translation goes through this module so that the rest
of the session does not depend on how translation is organised.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

from sqlglot import exp

from emulator.core.state import SessionState
from emulator.translate import TranslateContext, duckdb_type, output_name, to_duckdb

__all__ = [
    "TranslateContext",
    "Translations",
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


class Translations:
    """Translations kept for reuse: a statement that runs again unchanged (a poll, a task
    body) is copied, not translated again.

    The key must hold everything a translation depends on (the caller builds it: the
    statement, the catalog generation, the session state, the clock); only translations
    that resolved plain tables and views are kept, never those a feature took part in
    (stream reads register themselves, read checks raise).
    """

    def __init__(self, size: int = 128) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, exp.Expression] = OrderedDict()
        # Hashes of keys met once: a translation is kept from its second run on, so a
        # statement that never repeats (DML with new values) costs no copies.
        self._seen: OrderedDict[int, None] = OrderedDict()

    def worth_keeping(self, key: Hashable) -> bool:
        """Whether ``key`` was met before (and is now remembered as met)."""
        digest = hash(key)
        if digest in self._seen:
            return True
        self._seen[digest] = None
        if len(self._seen) > 4 * self.size:
            self._seen.popitem(last=False)
        return False

    def get(self, key: Hashable) -> exp.Expression | None:
        """A copy of the translation kept under ``key``, or None."""
        found = self._kept.get(key)
        if found is None:
            return None
        self._kept.move_to_end(key)
        return found.copy()

    def put(self, key: Hashable, tree: exp.Expression) -> None:
        """Keep a copy of ``tree`` under ``key`` (the oldest go first)."""
        self._kept[key] = tree.copy()
        if len(self._kept) > self.size:
            self._kept.popitem(last=False)
