"""Finding the pipelines a CLI command works on: a .py file, ``MODULE[:ATTR]`` or a module.

A module's ``PIPELINES`` (a Pipeline or a list/tuple of them) is used as given; without it,
every public attribute holding a *complete* pipeline (one with a target) is collected, so
half-built definitions bound to names (``base = Pipeline(...).stage(...)``) are skipped.
"""

from __future__ import annotations

import importlib
import os
import runpy
from collections.abc import Iterable, Mapping
from typing import Any

from icebridge.errors import IcebridgeError
from icebridge.pipeline import Pipeline

DEFAULT_SOURCE = "icebridge.examples.orders"


class CliError(IcebridgeError):
    """A usage problem reported as ``icebridge: error: ...`` (exit status 2)."""


def _pipelines_in(value: object) -> list[Pipeline] | None:
    if isinstance(value, Pipeline):
        return [value]
    if isinstance(value, list | tuple) and value and all(isinstance(v, Pipeline) for v in value):
        return list(value)
    return None


def collect(namespace: Mapping[str, Any]) -> list[Pipeline]:
    """The pipelines a module defines: its ``PIPELINES`` if present, else every complete
    pipeline (with a target) bound to a public attribute, in order, without repeats."""
    if "PIPELINES" in namespace:
        found = _pipelines_in(namespace["PIPELINES"])
        if found is None:
            raise CliError("PIPELINES must be a Pipeline or a list/tuple of Pipelines")
        return found
    out: list[Pipeline] = []
    for key, value in namespace.items():
        if key.startswith("_"):
            continue
        for p in _pipelines_in(value) or []:
            if p.target is not None and p not in out:
                out.append(p)
    return out


def load(source: str | None) -> list[Pipeline]:
    """Load pipelines from a file path, ``module:attr`` or a module name."""
    source = source or DEFAULT_SOURCE
    if source.endswith(".py") or os.path.isfile(source):
        if not os.path.isfile(source):
            raise CliError(f"no such file: {source}")
        found = collect(runpy.run_path(source, run_name="__icebridge_plan__"))
    else:
        module_name, _, attr = source.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ImportError as err:
            raise CliError(f"cannot import {module_name}: {err}") from None
        if attr:
            value: Any = module
            for part in attr.split("."):
                if not hasattr(value, part):
                    raise CliError(f"{module_name} has no attribute {attr}")
                value = getattr(value, part)
            selected = _pipelines_in(value)
            if selected is None:
                raise CliError(f"{source} is not a Pipeline or a list/tuple of Pipelines")
            found = selected
        else:
            found = collect(vars(module))
    if not found:
        raise CliError(f"no Pipeline found in {source}")
    return found


def format_plan(statements: Iterable[str]) -> str:
    """Statements as text blocks, each ending in ``;``, separated by blank lines."""
    return "".join(f"{s};\n\n" for s in statements).rstrip("\n") + "\n"
