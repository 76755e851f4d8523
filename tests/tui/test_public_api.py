"""The TUI uses only Textual's public API: no private modules, no private methods overridden."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import hwtui

SOURCE = Path(hwtui.__file__).parent


def private_module(name: str) -> bool:
    """True for a module path with a private part, e.g. ``textual._types``."""
    return name.split(".")[0] in ("textual", "rich") and any(
        part.startswith("_") for part in name.split(".")[1:]
    )


def test_no_private_textual_module_is_imported() -> None:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            found += [f"{path.name}: {n}" for n in names if private_module(n)]
    assert found == []


def test_no_private_textual_method_is_overridden() -> None:
    overridden = []
    for info in pkgutil.walk_packages(hwtui.__path__, "hwtui."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != info.name:
                continue
            bases = [b for b in cls.__mro__[1:] if b.__module__.startswith(("textual", "rich"))]
            for name, value in vars(cls).items():
                if not name.startswith("_") or name.startswith("__") or not callable(value):
                    continue
                if any(name in vars(base) for base in bases):
                    overridden.append(f"{cls.__name__}.{name}")
    assert overridden == []


def test_the_check_finds_a_private_override() -> None:
    """The check above can fail: a class overriding Textual's ``_display`` is caught."""
    from textual.app import App

    class Peeking(App[None]):
        def _display(self, *args: object) -> None:  # the kind of override it forbids
            return None

    assert "_display" in vars(Peeking)
    assert any("_display" in vars(base) for base in Peeking.__mro__[1:])
    assert private_module("textual._types")
    assert not private_module("textual.widgets")


def test_no_thread_worker_is_exclusive() -> None:
    """A thread cannot be stopped: an exclusive worker's cancelled predecessor ran on untracked,
    and ``workers.wait_for_complete`` raised WorkerCancelled (the flaky parallel runs)."""
    exclusive = []
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "exclusive" and not (
                        isinstance(keyword.value, ast.Constant) and keyword.value.value is False
                    ):
                        exclusive.append(f"{path.name}:{node.lineno}")
    assert exclusive == []
