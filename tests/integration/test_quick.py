"""The quick read path: answers from a current read model, never a stale one.

Every test compares the quick answer with the full application's on the same
real SQLite home, and checks the cases where the quick path must decline.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from hwcli.demo import seed
from hwcore.application import HwApplication, to_dict
from hwcore.application.caseload import caseload_data
from hwcore.application.quick import quick_caseload, quick_planner, rounded
from hwcore.bootstrap import open_application
from hwcore.domain import AssignmentSpec
from hwcore.planner import assess_fit, build_planner
from tests.conftest import TODAY

DEMO_CLIENTS = ("AB", "C-017", "DK", "EM", "FR")


def opened(home: Path) -> HwApplication:
    """The application on ``home`` with the tests' fixed clock."""
    return open_application(home, today=lambda: TODAY)


@pytest.fixture
def demo(home: Path) -> Path:
    """A home holding the invented demo caseload, its read model current."""
    with opened(home) as app:
        assert seed(app)
        assert sorted(app.client_names()) == sorted(DEMO_CLIENTS)
    return home


def test_quick_caseload_is_the_applications(demo: Path) -> None:
    files = sorted(os.listdir(demo))
    quick = quick_caseload(demo)
    due = quick_caseload(demo, due_only=True)
    assert sorted(os.listdir(demo)) == files  # reading leaves no -wal/-shm files behind
    with opened(demo) as app:
        assert quick == app.caseload()
        assert due == app.caseload(due_only=True)
    assert quick is not None
    assert [e.client for e in quick if e.due] == [e.client for e in due or []]
    assert caseload_data(quick) == to_dict(quick)  # `hw caseload --json` without the planner
    assert {e.client for e in quick} == set(DEMO_CLIENTS)


def test_plan_caches_the_planner_the_quick_path_returns(demo: Path) -> None:
    for name in DEMO_CLIENTS:
        assert quick_planner(name, demo) is None  # nothing asked yet: nothing cached
        with opened(demo) as app:
            planner = app.plan(name)
        document = quick_planner(name, demo)
        assert document == to_dict(planner, digits=None)
        assert rounded(document) == to_dict(planner)  # what `hw plan --json` prints
    assert quick_planner("NOPE", demo) is None
    assert quick_planner("  ", demo) is None


def test_a_write_refreshes_a_cached_planner_and_leaves_others_uncached(demo: Path) -> None:
    with opened(demo) as app:
        app.plan("AB")
        before = quick_planner("AB", demo)
        pending = app.assignments("AB", pending_only=True)
        assert pending, "the demo's AB has a pending assignment"
        app.complete("AB", pending[0].assignment_id, experience="It went fine.")
        after = quick_planner("AB", demo)
        assert after is not None
        assert after != before
        assert after == to_dict(app.plan("AB"), digits=None)
        app.hold_session("C-017", 99, "2026-03-01")
        assert quick_planner("C-017", demo) is None  # never asked for: not computed on writes


def test_a_read_model_behind_the_log_is_not_used(demo: Path, tmp_path: Path) -> None:
    with opened(demo) as app:
        app.plan("AB")
    # Another writer whose read model lives elsewhere: the home's falls behind.
    writer = opened(demo)
    writer.attach_readmodel(tmp_path / "elsewhere.sqlite")
    writer.register_client("GH")
    writer.close()
    assert quick_caseload(demo) is None
    assert quick_planner("AB", demo) is None
    with opened(demo) as app:
        caught_up = app.caseload()
    assert "GH" in {e.client for e in caught_up}
    assert quick_caseload(demo) == caught_up


def test_declined_with_a_database_url_a_cipher_key_or_an_old_schema(demo: Path) -> None:
    assert quick_caseload(demo) is not None
    assert quick_caseload(demo, "postgresql://hw@localhost/hw") is None
    assert quick_caseload(demo, environ={"HW_CIPHER_KEY": "c2VjcmV0c2VjcmV0c2VjcmV0"}) is None
    path = demo / "readmodel.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm002_plans'")
    conn.close()
    assert quick_caseload(demo) is None
    path.unlink()
    assert quick_caseload(demo) is None
    assert not path.exists()  # declining creates nothing


def test_an_event_store_replaced_by_another_log_is_noticed(demo: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    with opened(other) as app:
        app.register_client("ZZ")
    os.replace(other / "events.sqlite", demo / "events.sqlite")
    assert quick_caseload(demo) is None
    with opened(demo) as app:
        assert [e.client for e in app.caseload()] == ["ZZ"]


def run_hw(home: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HW_")}
    env["HW_HOME"] = str(home)
    result = subprocess.run(
        [sys.executable, "-m", "hwcli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_cli_prints_the_same_from_either_path(demo: Path) -> None:
    for name in ("AB", "EM"):
        for extra in ((), ("--json",)):
            first = run_hw(demo, "plan", name, *extra)  # computes and caches
            assert quick_planner(name, demo) is not None
            assert run_hw(demo, "plan", name, *extra) == first  # from the cache
    quick = run_hw(demo, "caseload")
    (demo / "readmodel.sqlite").unlink()
    assert run_hw(demo, "caseload") == quick  # caught up by the application


def test_only_the_embedded_store_caches_planners(app: HwApplication, backend: str) -> None:
    app.register_client("AB")
    app.hold_session("AB", 1, "2026-01-05")
    app.plan("AB")
    readmodel = app.readmodel
    assert readmodel is not None
    assert readmodel.path is not None
    with sqlite3.connect(readmodel.path) as conn:
        cached = conn.execute("SELECT client FROM plans").fetchall()
    conn.close()
    # PostgreSQL is never read by the quick path: no planner text on the local disk.
    assert cached == ([("AB",)] if backend == "sqlite" else [])


def test_names_differing_only_in_case_sort_the_same_on_both_paths(home: Path) -> None:
    with opened(home) as app:
        for name in ("ab", "Ac", "AB", "aa"):  # registered out of order on purpose
            app.register_client(name)
        expected = ["aa", "AB", "ab", "Ac"]  # casefold, then exactly ("AB" < "ab")
        assert [e.client for e in app.caseload()] == expected
    quick = quick_caseload(home)
    assert quick is not None
    assert [e.client for e in quick] == expected
    # The entry is a named tuple: JSON by field name, the triggers as a list.
    data = to_dict(quick[0])
    assert isinstance(data, dict)
    assert data["client"] == "aa"
    assert data["triggers"] == []
    assert caseload_data(quick) == to_dict(quick)


def _fit_now(app: HwApplication, client: str, design: AssignmentSpec) -> object:
    """The fit ``assign`` would give, with the planner built from the case as stored."""
    case = app._load(client)
    return assess_fit(
        case, design, build_planner(case), confidence_threshold=app.confidence_threshold
    )


DESIGN = AssignmentSpec(title="walk", format="visual", size="large", framing="challenge")


def test_assign_weighs_the_design_against_the_same_planner_cached_or_not(demo: Path) -> None:
    for name in DEMO_CLIENTS:
        with opened(demo) as app:
            app.plan(name)  # cached
            expected = _fit_now(app, name, DESIGN)
            assert app.assign(name, DESIGN).fit == expected


def test_assign_uses_the_cached_planner_only_at_the_cases_version(demo: Path) -> None:
    with opened(demo) as app:
        app.plan("AB")
        app.plan("EM")
        expected = _fit_now(app, "AB", DESIGN)
    # The file altered by hand: AB's cached planner replaced by EM's, at AB's version.
    with closing(sqlite3.connect(demo / "readmodel.sqlite")) as conn, conn:
        (other,) = conn.execute("SELECT planner FROM plans WHERE client = 'EM'").fetchone()
        conn.execute("UPDATE plans SET planner = ? WHERE client = 'AB'", (other,))
        (version,) = conn.execute("SELECT version FROM plans WHERE client = 'AB'").fetchone()
    # Another writer whose read model lives elsewhere: the home's falls behind.
    writer = opened(demo)
    writer.attach_readmodel(demo.parent / "elsewhere.sqlite")
    writer.register_client("GH")
    writer.close()
    with opened(demo) as app:
        assert app.readmodel is not None
        assert app.readmodel.cached_plan(app.event_source, "AB", version) is None  # behind
        app.caseload()  # caught up
        used = app.assign("AB", DESIGN).fit  # the cached one is read: it is EM's
        assert used != expected
    with closing(sqlite3.connect(demo / "readmodel.sqlite")) as conn, conn:
        conn.execute("UPDATE plans SET planner = ?, version = ? WHERE client = 'AB'", (other, 1))
    with opened(demo) as app:
        expected = _fit_now(app, "AB", DESIGN)
        assert app.assign("AB", DESIGN).fit == expected  # of another version: built
    assert version > 1
