"""A bottom-up tree rewrite: children are rewritten before their parent sees them."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from sqlglot import exp


def rewrite(tree: exp.Expression, fn: Callable[[exp.Expression], exp.Expression]) -> exp.Expression:
    """Apply ``fn`` to every node, innermost first, replacing nodes it returns anew.

    Unlike sqlglot's ``transform`` (which does not descend into a replacement), nested
    calls such as ``DATEADD(day, 1, DATEADD(month, 1, d))`` are all rewritten.
    """
    root = tree
    for node in reversed(list(tree.dfs())):
        # Remember the slot first: ``fn`` may wrap ``node`` inside its replacement.
        parent, arg_key, index = node.parent, node.arg_key, node.index
        new = fn(cast(exp.Expression, node))
        if new is node:
            continue
        if node is root:
            root = new
        elif parent is not None and arg_key:
            parent.set(arg_key, new, index)
    return root
