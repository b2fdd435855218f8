"""Object tags: TAG catalog rows and the tag values set on tables and views.

https://docs.snowflake.com/en/sql-reference/sql/create-tag: a tag is a schema object
(``CREATE [OR REPLACE] TAG [IF NOT EXISTS] t [ALLOWED_VALUES 'a', …] [COMMENT = '…']``);
``CREATE TABLE … [WITH] TAG (t = 'v', …)`` and ``ALTER TABLE | VIEW … SET TAG t = 'v', …``
/ ``UNSET TAG t, …`` set and remove values, which
https://docs.snowflake.com/en/sql-reference/functions/system_get_tag returns (NULL when
the tag is not set on the object). A value is kept in the object's ``tags`` property under
the tag's catalog id, so it follows the object through renames and goes with it on DROP.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlglot import exp

from emulator import errors
from emulator.core.catalog_objects import TAG, CatalogObject
from icebridge.errors import IcebridgeError
from icebridge.sql.identifiers import split_name

if TYPE_CHECKING:
    from emulator.core.engine import Engine

#: Object property: tag id -> value.
TAGS = "tags"


def written_name(node: exp.Expression) -> exp.Table:
    """A tag name as the grammar leaves it (``t``, ``s.t``, ``db.s.t``: a Var, Column or
    Dot) as a table-like name node."""
    if isinstance(node, exp.Table):
        return node
    if isinstance(node, exp.Column):
        return exp.Table(this=node.this, db=node.args.get("table"), catalog=node.args.get("db"))
    parts: list[exp.Expression] = []
    while isinstance(node, exp.Dot):
        parts.insert(0, node.expression)
        node = node.this
    parts.insert(0, node)
    idents = [p if isinstance(p, exp.Identifier) else exp.to_identifier(p.name) for p in parts]
    if not 1 <= len(idents) <= 3:
        raise errors.invalid_identifier(".".join(i.name for i in idents))
    return exp.Table(
        this=idents[-1],
        db=idents[-2] if len(idents) > 1 else None,
        catalog=idents[-3] if len(idents) > 2 else None,
    )


def name_parts(text: str) -> list[str]:
    """The stored parts of a name written inside a string ('t', 'db.s.t', '"Quoted"')."""
    try:
        return split_name(text, what="name")
    except IcebridgeError:
        raise errors.invalid_identifier(text) from None


def table_of(parts: list[str]) -> exp.Table:
    """A name node of one to three stored parts (quoted: they are exact)."""
    if not 1 <= len(parts) <= 3:
        raise errors.invalid_identifier(".".join(parts))
    idents = [exp.to_identifier(p, quoted=True) for p in parts]
    return exp.Table(
        this=idents[-1],
        db=idents[-2] if len(idents) > 1 else None,
        catalog=idents[-3] if len(idents) > 2 else None,
    )


def from_text(text: str) -> exp.Table:
    """A tag or object name written inside a string, as a name node."""
    return table_of(name_parts(text))


def require_tag(emu: Engine, name: exp.Table, action: str) -> CatalogObject:
    """The tag ``name`` refers to, or Snowflake's does-not-exist error."""
    found = emu.resolver.lookup(name, action, (TAG,), label="Tag")
    assert found is not None
    return found


def key(tag: CatalogObject) -> str:
    """The key a tag's value is kept under on a tagged object: the tag's id, so a tag
    dropped and made again under its name does not inherit the old one's values."""
    return str(tag.id)


def allowed_values(tag: CatalogObject) -> list[str] | None:
    """The tag's ALLOWED_VALUES, None when any value is allowed."""
    found = tag.properties.get("allowed_values")
    return [str(v) for v in found] if isinstance(found, list) else None


def with_values(
    emu: Engine, obj: CatalogObject, assignments: list[tuple[exp.Expression, exp.Expression]]
) -> dict[str, Any]:
    """``obj``'s properties with the tag values ``(tag name, value)`` set."""
    tags = dict(obj.properties.get(TAGS) or {})
    for written, value in assignments:
        tag = require_tag(emu, written_name(written), "SET TAG")
        if not isinstance(value, exp.Literal) or not value.is_string:
            raise errors.invalid_value(tag.name.name, value.sql("snowflake"))
        allowed = allowed_values(tag)
        if allowed is not None and value.name not in allowed:
            raise errors.generic(
                f"SQL compilation error:\nTag '{tag.name.name}' does not allow the value "
                f"'{value.name}'; its allowed values are {', '.join(allowed)}.",
                errno=2005,
                sqlstate="22023",
            )
        tags[key(tag)] = value.name
    return {**obj.properties, TAGS: tags}


def without_values(emu: Engine, obj: CatalogObject, names: list[exp.Expression]) -> dict[str, Any]:
    """``obj``'s properties with the tags ``names`` unset (unset tags are ignored)."""
    tags = dict(obj.properties.get(TAGS) or {})
    for written in names:
        tag = require_tag(emu, written_name(written), "UNSET TAG")
        tags.pop(key(tag), None)
    return {**obj.properties, TAGS: tags}


def value_on(obj: CatalogObject, tag: CatalogObject) -> str | None:
    """The value of ``tag`` set on ``obj``, or None."""
    found = (obj.properties.get(TAGS) or {}).get(key(tag))
    return None if found is None else str(found)
