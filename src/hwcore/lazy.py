"""Lazy public names for hwcore's packages (PEP 562), so importing a package stays cheap."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_attributes(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports each public name's module on first use.

    Args:
        package: the package's ``__name__``.
        where: public name -> the full name of the module defining it.

    Returns:
        The function to assign to the package's ``__getattr__``; each name it
        resolves is stored in the package, so it is imported once.
    """

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            msg = f"module {package!r} has no attribute {name!r}"
            raise AttributeError(msg)
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
