"""TUI fixtures: a seeded real SQLite home and the app built on it."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest

from hwcore.application import HwApplication
from hwcore.bootstrap import open_application
from tests.tui.seed import TODAY, seed


@pytest.fixture
def seeded(home: Path) -> Iterator[HwApplication]:
    """The application on a real SQLite home holding the invented caseload."""
    application = open_application(home, today=lambda: TODAY)
    seed(application)
    yield application
    application.close()


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests (Textual pilots) in a fresh event loop, no plugin needed."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True
