"""build -> generate -> parse gives the same node, for every builder and many options."""

from __future__ import annotations

import pytest
from grammar_cases import BUILDERS, cases
from sqlglot import exp

from icebridge.sql.dialect import generate, parse_one


@pytest.mark.parametrize("builder", sorted(BUILDERS))
def test_builder_round_trip(builder: str) -> None:
    for node in cases(builder, 60):
        text = generate(node)
        parsed = parse_one(text)
        assert not isinstance(parsed, exp.Command), text
        assert parsed == node, text
        # The same text again: generation is stable.
        assert generate(parsed) == text
        pretty = parse_one(generate(node, pretty=True))
        assert pretty == node, generate(node, pretty=True)
