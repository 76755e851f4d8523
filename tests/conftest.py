"""Shared fixtures: a real SQLite home in a temporary folder, a fixed clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from hwcore.application import HwApplication
from hwcore.bootstrap import open_application

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty hw home folder."""
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def app(home: Path) -> Iterator[HwApplication]:
    """The application on a real SQLite file in ``home``."""
    application = open_application(home, today=lambda: TODAY)
    yield application
    application.close()
