"""PostgreSQL as the shared store of a group practice (and SQLite not paying for it).

These tests need the suite's throwaway server; everything else that touches
the store already runs on both backends through the ``app``/``store_*`` fixtures.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hwcore.application import AssignmentSpec, StoreError
from hwcore.bootstrap import Settings, open_application
from tests.conftest import TODAY
from tests.integration.test_durability import history_csv
from tests.pgserver import PASSWORD, PgServer, free_port


def hw(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real ``hw`` CLI in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "hwcli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """A fresh database on the suite's server."""
    return pg_server.create_database()


def _clean_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("HW_")}


@pytest.mark.postgres
def test_cli_runs_on_postgres_with_database_url_option(pg_url: str, tmp_path: Path) -> None:
    csv = history_csv(tmp_path / "h.csv", clients=3, rows=5)
    base = ["--home", str(tmp_path / "home"), "--database-url", pg_url]
    imported = hw(*base, "import", str(csv), env=_clean_env())
    assert imported.returncode == 0, imported.stderr
    plan = hw(*base, "plan", "K0001", "--json", env=_clean_env())
    assert plan.returncode == 0, plan.stderr
    assert json.loads(plan.stdout)["client"] == "K0001"
    assert not (tmp_path / "home" / "events.sqlite").exists()  # the log is on the server
    with open_application(settings=Settings(tmp_path / "x", pg_url)) as app:
        assert app.client_names() == ["K0000", "K0001", "K0002"]


@pytest.mark.postgres
def test_two_homes_share_one_log_and_keep_local_read_models(pg_url: str, tmp_path: Path) -> None:
    """Two clinicians' machines: one server log, one local read model each."""
    alice = Settings(tmp_path / "alice", pg_url)
    bob = Settings(tmp_path / "bob", pg_url)
    with (
        open_application(settings=alice, today=lambda: TODAY) as a,
        open_application(settings=bob, today=lambda: TODAY) as b,
    ):
        a.register_client("G1")
        assert [c.client for c in b.caseload()] == ["G1"]
        b.assign(
            "G1",
            AssignmentSpec(title="Walk", format="behavioral", size="small", framing="experiment"),
            session=1,
            date="2026-01-05",
        )
        b.register_client("G2")
        assert [c.client for c in a.caseload()] == ["G1", "G2"]
        assert a.assignments("G1")[0].title == "Walk"
    assert alice.readmodel_path.exists()
    assert bob.readmodel_path.exists()
    assert not alice.events_path.exists()


@pytest.mark.postgres
def test_bad_urls_fail_fast_with_a_clear_reason(pg_server: PgServer, tmp_path: Path) -> None:
    good = pg_server.create_database()
    cases = {
        good.replace(PASSWORD, "wrong-password"): "refused the user or password",
        good.rsplit("/", 1)[0] + "/no_such_db": "does not exist",
        f"postgresql://hwtest:{PASSWORD}@127.0.0.1:{free_port()}/x": "cannot reach",
    }
    for url, expected in cases.items():
        with pytest.raises(StoreError, match=expected) as info:
            open_application(settings=Settings(tmp_path, url))
        assert PASSWORD not in str(info.value)
        assert "wrong-password" not in str(info.value)
    result = hw(
        "--home", str(tmp_path), "--database-url", "mysql://x@y/z", "clients", env=_clean_env()
    )
    assert result.returncode == 1
    assert "postgresql://user@host:port/dbname" in result.stderr


def test_sqlite_never_imports_psycopg(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from hwcore.bootstrap import Settings, open_application\n"
        f"app = open_application(settings=Settings(Path({str(tmp_path)!r})))\n"
        "app.register_client('AB'); app.caseload(); app.close()\n"
        "print(sorted(m for m in sys.modules if m.startswith(('psycopg', 'eventsourcing.postgres'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
