"""Outcomes at a later session, and correcting a session's date, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import invoke, ok

WALK = ("--title", "Walk", "--format", "behavioral", "--size", "small", "--framing", "x")


def test_missed_latest_on_the_day_it_was_assigned_is_refused(home: Path) -> None:
    ok(invoke(home, "client", "add", "AB"))
    ok(invoke(home, "session", "AB", "1"))  # today
    ok(invoke(home, "assign", "AB", *WALK))
    before = ok(invoke(home, "history", "AB", "--json")).stdout
    result = invoke(home, "missed", "AB", "latest", "--explanation", "I forgot")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "hw: error: outcome session 1 is assignment #1's session 1:"
        " an outcome belongs to a later session"
    ]
    assert ok(invoke(home, "history", "AB", "--json")).stdout == before
    ok(invoke(home, "done", "AB", "latest", "--session", "2"))


def test_a_session_date_is_corrected_by_a_new_event(home: Path) -> None:
    ok(invoke(home, "client", "add", "AB"))
    ok(invoke(home, "session", "AB", "1", "--date", "2026-01-05"))
    ok(invoke(home, "assign", "AB", *WALK))
    refused = invoke(home, "session", "AB", "1", "--date", "2026-01-06")
    assert refused.exit_code == 1
    out = ok(invoke(home, "session", "AB", "1", "--date", "2026-01-06", "--correct", "typo"))
    assert out.stdout.strip() == "AB: session 1's date corrected to 2026-01-06"
    history = json.loads(ok(invoke(home, "history", "AB", "--json")).stdout)
    assert history[-1]["event"] == "SessionDateCorrected"
    assignment = json.loads(ok(invoke(home, "assign", "AB", *WALK, "--json")).stdout)
    assert assignment["assignment"]["date"] == "2026-01-06"
    usage = invoke(home, "session", "AB", "1", "--correct", "typo")
    assert usage.exit_code == 2


def test_next_review_0_is_refused_not_taken_for_the_default(home: Path) -> None:
    """Issue 14 item 15: `--next-review 0` silently meant the default."""
    ok(invoke(home, "client", "add", "AB"))
    ok(invoke(home, "session", "AB", "1", "--date", "2026-01-05"))
    result = invoke(home, "review", "AB", "--next-review", "0")
    assert result.exit_code == 1
    assert "invalid next review session 0" in result.stderr
    out = json.loads(ok(invoke(home, "review", "AB", "--json")).stdout)
    assert out["next_review_session"] == 9
