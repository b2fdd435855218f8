"""Rich renderings for the CLI: a plan, pipeline statuses, a query result.

rich is imported here only, when a command prints, so ``import icebridge`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa
    from rich.console import RenderableType

    from icebridge.plan_model import Plan

_STYLE = {
    "create": "green",
    "alter": "cyan",
    "replace": "yellow",
    "drop": "red",
    "suspend": "magenta",
    "resume": "magenta",
}


def plan_renderable(plan: Plan, *, show_sql: bool = True) -> RenderableType:
    """A table of the plan's changes (and refusals), with their SQL."""
    from rich.table import Table
    from rich.text import Text

    if not plan:
        return Text("No changes: the target matches the definitions.")
    table = Table(title="Plan", show_lines=show_sql)
    for column in ("action", "object", "why", *(["SQL"] if show_sql else [])):
        table.add_column(column, overflow="fold")
    for change in plan:
        cells: list[RenderableType] = [
            Text(change.action, style=_STYLE.get(change.action, "")),
            f"{change.kind} {change.name}",
            change.reason,
        ]
        if show_sql:
            cells.append(";\n".join(change.sql) + ";")
        table.add_row(*cells)
    for refusal in plan.refused:
        where = f" column {refusal.column}" if refusal.column else ""
        refused: list[RenderableType] = [
            Text("REFUSED", style="bold red"),
            f"{refusal.kind} {refusal.name}{where}",
            refusal.reason,
        ]
        table.add_row(*refused, *([""] if show_sql else []))
    return table


def result_renderable(result: pa.Table) -> RenderableType:
    """A query result as a table."""
    from rich.table import Table

    table = Table(show_header=True)
    for name in result.column_names:
        table.add_column(name, overflow="fold")
    for row in result.to_pylist():
        table.add_row(*("NULL" if v is None else str(v) for v in row.values()))
    return table


def jsonable(value: Any) -> Any:
    """``value`` with dates, decimals and the like as text, for ``--json``."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
