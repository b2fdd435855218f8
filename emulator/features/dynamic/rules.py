"""Which queries a dynamic table accepts, and which refresh mode AUTO resolves to.

Rules from https://docs.snowflake.com/en/user-guide/dynamic-tables/supported-queries and
https://docs.snowflake.com/en/user-guide/dynamic-tables/refresh-modes:

* never supported, in any mode: ANY_VALUE, SAMPLE / TABLESAMPLE, CURRENT_USER-dependent
  functions; CURRENT_TIMESTAMP, CURRENT_DATE and CURRENT_TIME only inside WHERE, HAVING or
  QUALIFY;
* not incrementalizable (AUTO resolves to FULL with a reason; INCREMENTAL fails CREATE):
  EXCEPT / MINUS / INTERSECT, LIMIT / TOP / FETCH, CONNECT BY, WITH RECURSIVE, subqueries
  outside FROM, non-equi outer joins, LATERAL other than FLATTEN, ROLLUP / CUBE / GROUPING
  SETS, UNPIVOT, sequences, CURRENT_ACCOUNT / ROLE / REGION / WAREHOUSE, RANDOM and other
  non-deterministic functions, exact percentiles.

Only the EXCEPT reason text ("Unsupported query operator type: SetOperation[EXCEPT]") is
quoted in the docs; the other reason texts follow its pattern.
"""

from __future__ import annotations

from sqlglot import exp

from emulator import errors

_NEVER: dict[type[exp.Expr], str] = {
    exp.AnyValue: "ANY_VALUE",
    exp.TableSample: "SAMPLE",
    exp.CurrentUser: "CURRENT_USER",
}
_CURRENT_TIME: dict[type[exp.Expr], str] = {
    exp.CurrentTimestamp: "CURRENT_TIMESTAMP",
    exp.CurrentDate: "CURRENT_DATE",
    exp.CurrentTime: "CURRENT_TIME",
}
_NON_INCREMENTAL: dict[type[exp.Expr], str] = {
    exp.Connect: "ConnectBy",
    exp.Rollup: "GroupingSets[ROLLUP]",
    exp.Cube: "GroupingSets[CUBE]",
    exp.GroupingSets: "GroupingSets",
    exp.Rand: "Function[RANDOM]",
    exp.Uuid: "Function[UUID_STRING]",
    exp.CurrentRole: "Function[CURRENT_ROLE]",
    exp.CurrentWarehouse: "Function[CURRENT_WAREHOUSE]",
    exp.CurrentAccount: "Function[CURRENT_ACCOUNT]",
    exp.Median: "Function[MEDIAN]",
    exp.PercentileCont: "Function[PERCENTILE_CONT]",
    exp.PercentileDisc: "Function[PERCENTILE_DISC]",
}
_ALLOWED_TIME_CLAUSES = ("where", "having", "qualify")


def check_never_supported(query: exp.Expr, name: str) -> None:
    """Reject the constructs no dynamic table may use, naming the table and the construct."""
    for node in query.walk():
        label = _NEVER.get(type(node))
        if label is None and isinstance(node, exp.Anonymous):
            upper = node.name.upper()
            if upper in ("CURRENT_USER", "IS_ROLE_IN_SESSION", "CURRENT_SESSION"):
                label = upper
        if label is None and type(node) in _CURRENT_TIME and not _in_filter(node):
            label = f"{_CURRENT_TIME[type(node)]} outside WHERE, HAVING and QUALIFY"
        if label is not None:
            raise errors.generic(
                f"SQL compilation error:\nDynamic table '{name}' cannot use {label}: "
                "it is not supported in the definition of a dynamic table.",
                errno=2212,
                sqlstate="0A000",
            )


def _in_filter(node: exp.Expr) -> bool:
    child: exp.Expr = node
    parent = node.parent
    while parent is not None:
        if isinstance(parent, exp.Where | exp.Having | exp.Qualify):
            return True
        if isinstance(parent, exp.Select):
            return any(parent.args.get(k) is child for k in _ALLOWED_TIME_CLAUSES)
        child, parent = parent, parent.parent
    return False


def incremental_blocker(query: exp.Expr) -> str | None:
    """Why Snowflake cannot refresh ``query`` incrementally, or None when it can."""
    for node in query.walk():
        if isinstance(node, exp.Except):
            return "Unsupported query operator type: SetOperation[EXCEPT]"
        if isinstance(node, exp.Intersect):
            return "Unsupported query operator type: SetOperation[INTERSECT]"
        if isinstance(node, exp.Limit | exp.Fetch):
            return "Unsupported query operator type: Limit"
        if isinstance(node, exp.With) and node.args.get("recursive"):
            return "Unsupported query operator type: RecursiveCTE"
        label = _NON_INCREMENTAL.get(type(node))
        if label is not None:
            return f"Unsupported query operator type: {label}"
        if isinstance(node, exp.Anonymous) and node.name.upper() == "CURRENT_REGION":
            return "Unsupported query operator type: Function[CURRENT_REGION]"
        if isinstance(node, exp.Column) and node.name.upper() == "NEXTVAL":
            return "Unsupported query operator type: Sequence"
        if isinstance(node, exp.Pivot) and node.args.get("unpivot"):
            return "Unsupported query operator type: Unpivot"
        if isinstance(node, exp.Lateral) and not _is_flatten(node):
            return "Unsupported query operator type: Lateral"
        if isinstance(node, exp.Query) and _subquery_outside_from(node):
            return "Unsupported query operator type: Subquery outside FROM"
        if isinstance(node, exp.Join) and _non_equi_outer(node):
            return "Unsupported query operator type: OuterJoin with a non-equality condition"
    return None


def _is_flatten(node: exp.Lateral) -> bool:
    inner = node.this
    return isinstance(inner, exp.Explode) or (
        isinstance(inner, exp.Anonymous) and inner.name.upper() == "FLATTEN"
    )


def _subquery_outside_from(node: exp.Query) -> bool:
    parent = node.parent
    if parent is None or isinstance(parent, exp.SetOperation | exp.CTE | exp.From | exp.Join):
        return False
    if isinstance(parent, exp.Subquery):
        return not isinstance(parent.parent, exp.From | exp.Join | exp.SetOperation)
    return isinstance(parent, exp.Exists | exp.In | exp.Expression) and not isinstance(
        parent, exp.Create | exp.With
    )


def _non_equi_outer(join: exp.Join) -> bool:
    if str(join.args.get("side") or "").upper() not in ("LEFT", "RIGHT", "FULL"):
        return False
    on = join.args.get("on")
    if on is None:
        return False
    conditions = list(on.flatten()) if isinstance(on, exp.And) else [on]
    return not all(isinstance(c, exp.EQ) for c in conditions)
