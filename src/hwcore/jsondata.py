"""How hw writes numbers in JSON (light: the quick read path uses it too)."""

from __future__ import annotations

from typing import Any

FLOAT_DIGITS = 4
"""Decimal places of every float in hw's JSON output (rates, scores)."""


def rounded(data: Any, digits: int = FLOAT_DIGITS) -> Any:
    """``data`` (JSON-ready dicts, lists and scalars) with every float rounded."""
    if isinstance(data, float):
        return round(data, digits)
    if isinstance(data, dict):
        return {k: rounded(v, digits) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [rounded(v, digits) for v in data]
    return data
