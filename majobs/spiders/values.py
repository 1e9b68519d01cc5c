"""Type-guarded readers for decoded JSON: spiders map fields, they never trust shapes.

Sources send nulls, numbers where strings belong, objects where lists belong. These
helpers return ``None`` or ``[]`` for the wrong shape instead of raising, so one odd
record cannot stop a crawl. They do not clean values (no stripping, no parsing).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# Nesting allowed for values passed through as they are (pay objects, places). Deeper
# values come from broken or hostile documents and would choke later stages.
MAX_PASS_DEPTH = 8


def text(value: Any) -> str | None:
    """A string as is; a number as its text; anything else None."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def integer(value: Any) -> int | None:
    """A count sent as a number or as text ("3", 3, 3.0); anything else None."""
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


def first_text(value: Any) -> str | None:
    """Like :func:`text`, but takes the first usable entry of a list."""
    for entry in as_list(value):
        found = text(entry)
        if found is not None and found.strip():
            return found
    return None


def as_list(value: Any) -> list[Any]:
    """None -> [], a list as is, anything else -> [value]."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def dig(value: Any, *keys: str) -> Any:
    """``value[k1][k2]...`` through dicts only; None when a step is missing."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def dicts(value: Any) -> list[dict[str, Any]]:
    """The dict entries of a value that should be a list of objects."""
    return [v for v in as_list(value) if isinstance(v, dict)]


def unique(values: Iterable[Any]) -> list[Any]:
    """Drop None, empty strings and repeats, keeping the first order."""
    out: list[Any] = []
    for v in values:
        if v is None or (isinstance(v, str) and not v.strip()) or v in out:
            continue
        out.append(v)
    return out


def shallow(value: Any, limit: int = MAX_PASS_DEPTH) -> bool:
    """True when ``value`` nests no deeper than ``limit`` (checked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return True


def passable(value: Any) -> Any:
    """``value`` when it is JSON-like and shallow enough to hand on; else None."""
    if value is None or not shallow(value):
        return None
    return value
