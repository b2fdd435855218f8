"""Stage locations: ``@[namespace.]stage[/path]``, ``@[namespace.]%table[/path]``, ``@~[/path]``.

sqlglot keeps a stage location as the text it was written as (a ``Var`` such as
``@my.stage/path/``, or a string ``'@"my stage"/x'`` when it holds spaces); this module reads
that text into a :class:`StageLocation` with its name parts in stored form (unquoted
identifiers upper-cased, quoted ones exact) and its path as written (paths are
case-sensitive prefixes).

https://docs.snowflake.com/en/sql-reference/sql/put (internalStage),
https://docs.snowflake.com/en/sql-reference/sql/list, .../sql/copy-into-table
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlglot import exp

from icebridge.errors import IcebridgeError, ProgrammingError
from icebridge.sql.identifiers import join_parts, normalize

#: A named stage, a table's stage (``@%t``) or the current user's stage (``@~``).
StageKind = Literal["NAMED", "TABLE", "USER"]


@dataclass(frozen=True)
class StageLocation:
    """One stage location: ``kind``, the name ``parts`` (stored form, namespace first;
    empty for the user stage) and the ``path`` inside the stage (``''`` for the root)."""

    kind: StageKind
    parts: tuple[str, ...]
    path: str = ""

    @classmethod
    def parse(cls, text: str) -> StageLocation:
        """Read a location as written; a malformed one is Snowflake's syntax error."""
        written = text.strip()
        if len(written) >= 2 and written[0] == written[-1] == "'":
            written = written[1:-1].replace("\\'", "'").replace("''", "'")
        if not written.startswith("@"):
            raise _bad(text)
        body = written[1:]
        if body.startswith("~"):
            rest = body[1:]
            if rest and not rest.startswith("/"):
                raise _bad(text)
            return cls("USER", (), rest[1:])
        name, path = _split_path(body)
        if not name:
            raise _bad(text)
        raw = _split_parts(name)
        kind: StageKind = "NAMED"
        if raw[-1].startswith("%"):
            kind = "TABLE"
            raw[-1] = raw[-1][1:]
        if len(raw) > 3:
            raise _bad(text)
        try:
            parts = [normalize(p.strip(), what="stage") for p in raw]
        except IcebridgeError:
            raise _bad(text) from None
        return cls(kind, tuple(parts), path)

    def with_path(self, path: str) -> StageLocation:
        """The same stage, another path."""
        return StageLocation(self.kind, self.parts, path)

    def sql(self) -> str:
        """The location as Snowflake text (quoted when it needs to be)."""
        if self.kind == "USER":
            head = "@~"
        elif self.kind == "TABLE":
            *namespace, table = self.parts
            prefix = join_parts(namespace) + "." if namespace else ""
            head = "@" + prefix + "%" + join_parts([table])
        else:
            head = "@" + join_parts(self.parts)
        text = f"{head}/{self.path}" if self.path else head
        if any(ch.isspace() or ch == "'" for ch in text):
            return "'" + text.replace("'", "\\'") + "'"
        return text


def _split_path(body: str) -> tuple[str, str]:
    """``name/path`` -> (name, path): the first ``/`` outside double quotes."""
    quoted = False
    for i, ch in enumerate(body):
        if ch == '"':
            quoted = not quoted
        elif ch == "/" and not quoted:
            return body[:i], body[i + 1 :]
    return body, ""


def _split_parts(name: str) -> list[str]:
    """The dotted parts of a name as written (``db."a.b"`` -> ``['db', '"a.b"']``)."""
    parts: list[str] = []
    start = 0
    quoted = False
    for i, ch in enumerate(name):
        if ch == '"':
            quoted = not quoted  # a doubled quote toggles twice
        elif ch == "." and not quoted:
            parts.append(name[start:i])
            start = i + 1
    parts.append(name[start:])
    return parts


def _bad(text: str) -> ProgrammingError:
    return ProgrammingError(
        f"SQL compilation error:\nsyntax error line 1 at position 0 unexpected '{text}'.",
        errno=1003,
        sqlstate="42000",
    )


def location_text(node: exp.Expression | None) -> str | None:
    """The written text of a stage location node (a ``Var``, a string, or a table whose
    name is one of them), or None when ``node`` is no stage location."""
    if isinstance(node, exp.Table) and not node.args.get("db"):
        node = node.this
    if isinstance(node, exp.Var) or (isinstance(node, exp.Literal) and node.is_string):
        text = node.name
    else:
        return None
    stripped = text.strip().strip("'")
    return text if stripped.startswith("@") else None


def stage_location(node: exp.Expression | None) -> StageLocation | None:
    """The :class:`StageLocation` a node names, or None when it names none."""
    text = location_text(node)
    return StageLocation.parse(text) if text is not None else None
