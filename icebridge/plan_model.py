"""What a plan is made of: :class:`Change`, :class:`Refusal`, :class:`Plan`, and the
:class:`Builder` that collects them by execution phase (:mod:`icebridge.plan_changes`
decides them)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from sqlglot import exp

from icebridge.errors import DeployError
from icebridge.sql.dialect import generate
from icebridge.sql.identifiers import ObjectName

#: The phases a plan runs in, in order.
PHASES = ("database", "schema", "suspend", "drop", "table", "stream", "task", "resume")


@dataclass(frozen=True)
class Change:
    """One planned change: ``action`` (create, alter, replace, drop, suspend, resume) on
    the ``kind`` object ``name``, the statements it runs, and why."""

    action: str
    kind: str
    name: str
    sql: tuple[str, ...]
    reason: str

    def __str__(self) -> str:
        return f"{self.action} {self.kind} {self.name}: {self.reason}"


@dataclass(frozen=True)
class Refusal:
    """A change the plan will not make unless ``name`` may be rebuilt."""

    kind: str
    name: str
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = f" column {self.column}" if self.column else ""
        return f"{self.kind} {self.name}{where} {self.reason}"


@dataclass(frozen=True)
class Plan:
    """The ordered changes a deploy makes; empty when the target already matches."""

    changes: tuple[Change, ...] = ()
    refused: tuple[Refusal, ...] = ()

    def __iter__(self) -> Iterator[Change]:
        return iter(self.changes)

    def __len__(self) -> int:
        return len(self.changes)

    def __bool__(self) -> bool:
        return bool(self.changes or self.refused)

    def statements(self) -> list[str]:
        """Every statement of the plan, in execution order."""
        return [sql for change in self.changes for sql in change.sql]

    def check(self) -> None:
        """Raise :class:`DeployError` listing the refused changes (nothing has run)."""
        if self.refused:
            lines = "; ".join(str(r) for r in self.refused)
            names = sorted({r.name for r in self.refused})
            raise DeployError(
                f"refused, nothing was changed: {lines}. To rebuild (rebuilt objects lose "
                f"their rows), pass rebuild={names!r} or allow_rebuild=True"
            )

    def __str__(self) -> str:
        if not self:
            return "no changes"
        lines = [str(c) for c in self.changes]
        lines += [f"refused {r}" for r in self.refused]
        return "\n".join(lines)


@dataclass
class Builder:
    """Collects changes by execution phase, and refusals."""

    target_is_emulator: bool
    rebuild: set[ObjectName]
    allow_rebuild: bool
    phases: dict[str, list[Change]] = field(default_factory=lambda: {k: [] for k in PHASES})
    refused: list[Refusal] = field(default_factory=list)

    def add(
        self,
        phase: str,
        action: str,
        kind: str,
        name: object,
        nodes: Sequence[exp.Expression],
        reason: str,
    ) -> None:
        sql = tuple(generate(n) for n in nodes)
        self.phases[phase].append(Change(action, kind, str(name), sql, reason))

    def rebuilds(self, name: ObjectName) -> bool:
        return self.allow_rebuild or name in self.rebuild

    def refuse(self, kind: str, name: ObjectName, column: str | None, reason: str) -> None:
        self.refused.append(Refusal(kind, str(name), column, reason))

    def plan(self) -> Plan:
        changes = tuple(c for phase in self.phases.values() for c in phase)
        return Plan(changes=changes, refused=tuple(self.refused))
