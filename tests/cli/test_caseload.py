"""`hw caseload`, `hw audit` and `hw readmodel` on the invented demo caseload."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hwcli.demo import seed
from hwcore.bootstrap import open_application
from tests.cli.conftest import hw_subprocess, invoke, ok
from tests.conftest import TODAY
from tests.integration.test_readmodel import DEMO_DUE, dump


@pytest.fixture
def demo(home: Path) -> Path:
    """A home seeded with the demo caseload (AB, C-017, DK, EM, FR)."""
    with open_application(home, today=lambda: TODAY) as app:
        seed(app)
    return home


def test_caseload_json_shows_the_due_clients_and_their_triggers(demo: Path) -> None:
    document = json.loads(ok(invoke(demo, "caseload", "--json")).stdout)
    assert set(document) == {"clients", "due_only"}  # one JSON object, as its help says
    assert document["due_only"] is False
    data = document["clients"]
    assert [e["client"] for e in data] == ["DK", "EM", "FR", "AB", "C-017"]
    assert {e["client"]: e["triggers"] for e in data if e["due"]} == DEMO_DUE
    dk = data[0]
    assert (dk["last_session"], dk["next_review_session"], dk["trend"]) == (11, 13, "down")
    assert set(dk) >= {
        "client",
        "last_session",
        "last_session_date",
        "completion_rate",
        "recent_rate",
        "trend",
        "next_review_session",
        "due",
        "triggers",
        "alerts",
    }
    assert dk["alerts"] == []
    due = json.loads(ok(invoke(demo, "caseload", "--due", "--json")).stdout)
    assert due["due_only"] is True
    assert [e["client"] for e in due["clients"]] == ["DK", "EM", "FR"]


def test_caseload_text_is_one_line_per_client(demo: Path) -> None:
    out = ok(invoke(demo, "caseload")).stdout.splitlines()
    assert out[0].split()[:4] == ["client", "alert", "last", "session"]
    rows = out[2:]
    assert [r.split()[0] for r in rows] == ["DK", "EM", "FR", "AB", "C-017"]
    assert "DUE" in rows[0]
    assert rows[0].rstrip().endswith("three_consecutive_misses")
    assert "11 (2025-11-12)" in rows[0]
    assert "DUE" not in rows[3]


def test_caseload_of_an_empty_home(home: Path) -> None:
    assert ok(invoke(home, "caseload")).stdout.strip() == "no clients yet"
    assert json.loads(ok(invoke(home, "caseload", "--json")).stdout) == {
        "clients": [],
        "due_only": False,
    }
    assert "no client is due" in ok(invoke(home, "caseload", "--due")).stdout


def test_audit_shows_three_reviews_and_what_changed(demo: Path) -> None:
    data = json.loads(ok(invoke(demo, "audit", "C-017", "--json")).stdout)
    assert data["client"] == "C-017"
    reviews = data["reviews"]
    assert [r["session"] for r in reviews] == [5, 10, 18]
    # The first review accepted the planner's size small (r2: best so far, not tiny).
    assert reviews[1]["changes"] == [
        {"field": "framing", "old": "practice", "new": "values"},
    ]
    assert reviews[1]["trigger"] == "life_change"
    assert reviews[1]["noted"][0]["text"] == "Started a new job with longer hours."
    assert reviews[0]["completion_rate_after"] == 0.8

    text = ok(invoke(demo, "audit", "C-017")).stdout
    assert text.startswith("C-017: 3 reviews")
    assert text.count("\nReview ") == 3
    assert "changed:     framing practice -> values (since session 5)" in text
    assert "size small -> tiny; frequency daily -> weekly (since session 10)" in text
    assert "overridden: framing" in text
    assert "session 9, life: Started a new job with longer hours." in text


def test_audit_errors_are_one_line(demo: Path) -> None:
    result = invoke(demo, "audit", "NOPE")
    assert result.exit_code == 1
    assert "NOPE" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert invoke(demo, "audit").exit_code == 2
    empty = ok(invoke(demo, "audit", "FR")).stdout
    assert "no review recorded yet" in empty


@pytest.mark.slow
def test_rebuild_and_a_deleted_file_give_identical_tables(demo: Path) -> None:
    path = demo / "readmodel.sqlite"
    before = dump(path)
    result = hw_subprocess(demo, "readmodel", "rebuild")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("read model rebuilt: 198 events, 5 clients")
    assert "Rebuilding" not in result.stderr  # no progress bar without a terminal
    assert dump(path) == before

    path.unlink()
    result = hw_subprocess(demo, "caseload", "--json")
    assert result.returncode == 0, result.stderr
    assert [e["client"] for e in json.loads(result.stdout)["clients"]][:3] == ["DK", "EM", "FR"]
    assert dump(path) == before

    path.unlink()
    result = hw_subprocess(demo, "plan", "AB", "--json")  # closing never re-creates it
    assert result.returncode == 0, result.stderr
    assert not path.exists()
    result = hw_subprocess(demo, "caseload")  # the next command that reads it builds it
    assert result.returncode == 0, result.stderr
    assert dump(path) == before

    status = json.loads(ok(invoke(demo, "readmodel", "status", "--json")).stdout)
    assert status == {"path": str(path), "position": 198, "log_position": 198, "clients": 5}


def test_a_recording_command_updates_the_caseload(demo: Path) -> None:
    ok(invoke(demo, "change", "AB", "--kind", "life", "--note", "Moved house"))
    data = json.loads(ok(invoke(demo, "caseload", "--due", "--json")).stdout)["clients"]
    assert {e["client"]: e["triggers"] for e in data}["AB"] == ["life_change"]
