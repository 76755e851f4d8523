"""Shared fixtures: a real home in a temporary folder, a fixed clock, both backends.

Store-touching fixtures (``app``, ``store_settings``, ``store_env``) run every
test twice, on SQLite and on PostgreSQL: ``backend`` is parametrised below.
The PostgreSQL half uses a throwaway cluster started once per test session
(per xdist worker, see tests/pgserver.py) with a fresh database per test. Mark
a test ``@pytest.mark.sqlite_only`` when it is about the SQLite file itself.
Set ``HW_TEST_POSTGRES=skip`` to skip the PostgreSQL half on a machine without
PostgreSQL (``make test`` and CI never do: .ci/run installs it).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from hwcore.application import HwApplication
from hwcore.bootstrap import Settings, open_application
from tests.pgserver import PgServer, PgServerError

TODAY = dt.date(2026, 3, 2)
CLINICIAN = "dr.test"
"""Who records and reads in the tests (``HW_CLINICIAN``), unless a test says otherwise."""


@pytest.fixture(autouse=True)
def clinician(monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs as one invented clinician (the OS user would vary by machine)."""
    monkeypatch.setenv("HW_CLINICIAN", CLINICIAN)
    return CLINICIAN


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty hw home folder."""
    path = tmp_path / "home"
    path.mkdir()
    return path


BACKENDS = ("sqlite", "postgres")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that uses a store fixture on each backend."""
    if "backend" in metafunc.fixturenames:
        sqlite_only = metafunc.definition.get_closest_marker("sqlite_only") is not None
        params = [
            pytest.param(b, marks=[pytest.mark.postgres] if b == "postgres" else [])
            for b in BACKENDS
            if not (sqlite_only and b == "postgres")
        ]
        metafunc.parametrize("backend", params)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how the PostgreSQL half went, so a run's output shows it ran."""
    counts = dict.fromkeys(("passed", "failed", "error", "skipped"), 0)
    for outcome in counts:
        for report in terminalreporter.stats.get(outcome, []):
            keywords = getattr(report, "keywords", {})
            if "postgres" in keywords and getattr(report, "when", "call") in ("call", "setup"):
                if outcome == "passed" and report.when != "call":
                    continue
                counts[outcome] += 1
    if any(counts.values()):
        terminalreporter.write_line(
            "PostgreSQL half (tests marked postgres): "
            + ", ".join(f"{n} {outcome}" for outcome, n in counts.items())
        )


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A throwaway PostgreSQL cluster for this test session (this xdist worker)."""
    if os.environ.get("HW_TEST_POSTGRES") == "skip":
        pytest.skip("HW_TEST_POSTGRES=skip: PostgreSQL half not run")
    try:
        server = PgServer().start()
    except PgServerError as e:
        pytest.fail(f"cannot start the test PostgreSQL server: {e}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest) -> Iterator[str | None]:
    """None on SQLite; on PostgreSQL the URL of a fresh database, dropped afterwards."""
    if backend == "sqlite":
        yield None
        return
    server: PgServer = request.getfixturevalue("pg_server")
    url = server.create_database()
    yield url
    server.drop_database(url)


@pytest.fixture
def store_settings(home: Path, database_url: str | None) -> Settings:
    """Settings for ``home`` on this test's backend (no cipher key)."""
    return Settings(home=home, database_url=database_url)


@pytest.fixture
def store_env(home: Path, database_url: str | None) -> dict[str, str]:
    """The environment for an ``hw`` subprocess on this test's home and backend."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HW_")}
    env["HW_HOME"] = str(home)
    if database_url:
        env["HW_DATABASE_URL"] = database_url
    return env


@pytest.fixture
def app(store_settings: Settings) -> Iterator[HwApplication]:
    """The application on this test's backend (SQLite file in ``home``, or PostgreSQL)."""
    application = open_application(settings=store_settings, today=lambda: TODAY)
    yield application
    application.close()
