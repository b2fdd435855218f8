"""The COMMENT that marks a task as created by icebridge.

``icebridge:{"pipeline": NAME, "sha": FINGERPRINT, "keys": [...]}``: the pipeline that owns
the task and a fingerprint of the task's statement without the comment. The planner drops
only tasks that carry the marker (objects icebridge did not create are never touched) and
replaces a task only when its fingerprint differs from the definition's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from sqlglot import exp

from icebridge.sql.dialect import generate

#: The prefix of an icebridge marker comment.
MARKER_PREFIX = "icebridge:"


def fingerprint(node: exp.Expression) -> str:
    """A short stable hash of a statement's Snowflake text."""
    return hashlib.sha256(generate(node).encode("utf-8")).hexdigest()[:16]


def encode_marker(pipeline: str, sha: str, keys: Sequence[str] | None = None) -> str:
    """The COMMENT text marking a task as owned by ``pipeline``; a load task also records
    its merge keys (``[]`` in insert mode), so a changed key is seen on the next plan."""
    value: dict[str, Any] = {"pipeline": pipeline, "sha": sha}
    if keys is not None:
        value["keys"] = list(keys)
    return MARKER_PREFIX + json.dumps(value, sort_keys=True)


def decode_marker(comment: object) -> dict[str, Any] | None:
    """The marker in ``comment``, or None when the object is not icebridge's."""
    if not isinstance(comment, str) or not comment.startswith(MARKER_PREFIX):
        return None
    try:
        value = json.loads(comment[len(MARKER_PREFIX) :])
    except ValueError:
        return None
    return value if isinstance(value, dict) and "pipeline" in value else None
