"""The full record flow through the CLI (in-process, real SQLite home)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import invoke, ok, plan_json


def _assign(home: Path, title: str, fmt: str, size: str, framing: str, *extra: str) -> dict:  # type: ignore[type-arg]
    result = ok(
        invoke(
            home,
            "assign",
            "AB",
            "--title",
            title,
            "--format",
            fmt,
            "--size",
            size,
            "--framing",
            framing,
            "--json",
            *extra,
        )
    )
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_full_record_flow(home: Path) -> None:
    assert ok(invoke(home, "client", "add", "AB")).stdout.strip() == "registered client AB"
    ok(invoke(home, "session", "AB", "1", "--date", "2026-01-05"))
    first = _assign(
        home,
        "Mood log",
        "written",
        "medium",
        "challenge",
        "--task",
        "Write three lines about your mood each evening.",
        "--rationale",
        "Notice patterns",
        "--method",
        "paper",
        "--barriers",
        "tired evenings",
        "--followup-plan",
        "look at it together",
        "--when-where",
        "after dinner",
        "--started-in-session",
        "--confidence",
        "9",
        "--doses",
        "7",
        "--frequency",
        "daily",
        "--framing-wording",
        "a small challenge",
        "--notes",
        "first try",
    )
    a = first["assignment"]
    assert (a["assignment_id"], a["session"], a["planned_doses"], a["confidence"]) == (1, 1, 7, 9)
    assert a["started_in_session"] is True
    assert (a["method"], a["when_where"], a["frequency"]) == ("paper", "after dinner", "daily")

    # session 2: partly done, new assignment
    ok(invoke(home, "session", "AB", "2", "--date", "2026-01-12"))
    partial = json.loads(ok(invoke(home, "partial", "AB", "1", "--done", "3", "--json")).stdout)
    assert (partial["outcome"], partial["session"]) == ("partial", 2)
    _assign(home, "Walk", "behavioral", "small", "experiment")

    # session 3 (held by --date): missed with explanation and reasons
    out = ok(
        invoke(
            home,
            "missed",
            "AB",
            "2",
            "--explanation",
            "It rained all week",
            "--reason",
            "practical-obstacle",
            "--reason",
            "wrong-timing;forgotten",
            "--date",
            "2026-01-19",
        )
    ).stdout
    assert "#2 recorded as missed at session 3" in out
    _assign(home, "Walk again", "behavioral", "small", "Experiment ")
    ok(invoke(home, "framing", "AB", "experiment", "--wording", "let's see", "--reason", "x"))

    # session 4: completed; note a change; review overriding the framing
    ok(invoke(home, "done", "AB", "latest", "--session", "4", "--date", "2026-01-26"))
    ok(invoke(home, "change", "AB", "--kind", "relationship", "--note", "rupture repaired"))
    _assign(home, "Text a friend", "behavioral", "tiny", "experiment")
    ok(
        invoke(
            home, "done", "AB", "4", "--session", "5", "--date", "2026-02-02", "--experience", "ok"
        )
    )
    review = json.loads(
        ok(
            invoke(
                home,
                "review",
                "AB",
                "--framing",
                "curiosity",
                "--framing-wording",
                "just notice",
                "--completed-opening",
                "How was it?",
                "--listen-for",
                "ease",
                "--missed-opening",
                "No problem.",
                "--diagnostic",
                "What got in the way?",
                "--notes",
                "ok",
                "--json",
            )
        ).stdout
    )
    assert review["session"] == 5
    assert review["framing"] == "curiosity"
    assert review["next_review_session"] == 13
    assert review["trigger"] == "relationship_change"

    # correct an earlier entry: the miss was really a partial
    corrected = json.loads(
        ok(
            invoke(
                home,
                "correct",
                "AB",
                "2",
                "--set",
                "outcome=partial",
                "--set",
                "done=1",
                "--set",
                "planned=3",
                "--reason",
                "client remembered one walk",
                "--json",
            )
        ).stdout
    )
    assert (corrected["outcome"], corrected["done"], corrected["planned"]) == ("partial", 1, 3)

    data = plan_json(home, "AB")
    assert data["ready"] is True
    assert data["followup"]["completed_opening"] == "How was it?"
    assert data["review"]["last_review_session"] == 5
    assert data["framing_approach"] == "experiment"
    assert len(data["completed"]) == 4

    history = json.loads(ok(invoke(home, "history", "AB", "--json")).stdout)
    events = [e["event"] for e in history]
    assert events[0] == "Registered"
    assert {"HomeworkMissed", "FramingChanged", "ChangeNoted", "SystemReviewed"} <= set(events)
    assert events[-1] == "EntryCorrected"
    assert [e["position"] for e in history] == list(range(1, len(history) + 1))
    text = ok(invoke(home, "history", "AB")).stdout
    assert "corrected" in text

    clients = json.loads(ok(invoke(home, "clients", "--json")).stdout)
    assert [(c["client"], c["sessions"], c["assignments"]) for c in clients] == [("AB", 5, 4)]
    assert "AB" in ok(invoke(home, "clients")).stdout
    shown = ok(invoke(home, "client", "show", "AB")).stdout
    assert "Text a friend" in shown


def test_assign_prints_fit_warning_with_numbers_and_records_anyway(home: Path) -> None:
    ok(invoke(home, "client", "add", "AB"))
    for n in range(1, 6):
        ok(invoke(home, "session", "AB", str(n), "--date", f"2026-01-{n + 10:02d}"))
        if n > 1:
            if n == 2:
                ok(invoke(home, "done", "AB", "latest"))
            else:
                ok(invoke(home, "missed", "AB", "latest"))
        _assign(home, f"Journal {n}", "written", "small", "practice")
    # written: 1 completed of 4 resolved
    result = ok(
        invoke(
            home,
            "assign",
            "AB",
            "--title",
            "Another journal",
            "--format",
            "written",
            "--size",
            "small",
            "--framing",
            "practice",
        )
    )
    assert "hw: warning: format written: 1 of 4 completed (25%)" in result.stderr
    assert "assigned #6" in result.stdout
    listing = json.loads(ok(invoke(home, "client", "show", "AB", "--json")).stdout)
    assert [a["title"] for a in listing["assignments"]][-1] == "Another journal"


def test_vocab_lists_allowed_values(home: Path) -> None:
    text = ok(invoke(home, "vocab")).stdout
    for value in ("behavioral", "several-weekly", "framing-pressure", "three_consecutive_misses"):
        assert value in text
    data = json.loads(ok(invoke(home, "vocab", "--json")).stdout)
    assert data["size"] == ["tiny", "small", "medium", "large"]
    assert data["kind"] == ["life", "relationship", "other"]


def test_export_to_stdout_and_one_client(home: Path) -> None:
    ok(invoke(home, "client", "add", "AB"))
    ok(invoke(home, "client", "add", "CD"))
    everything = json.loads(ok(invoke(home, "export")).stdout)
    assert [c["client"] for c in everything["clients"]] == ["AB", "CD"]
    one = json.loads(ok(invoke(home, "export", "CD")).stdout)
    assert [c["client"] for c in one["clients"]] == ["CD"]


def test_latest_is_the_newest_assignment_and_a_repeat_is_refused(home: Path) -> None:
    """Run twice, ``done AB latest`` must not move on to older homework still pending."""
    ok(invoke(home, "client", "add", "AB"))
    ok(invoke(home, "session", "AB", "1", "--date", "2026-01-05"))
    _assign(home, "Walk", "behavioral", "small", "experiment")
    _assign(home, "Journal", "written", "small", "practice")
    ok(invoke(home, "done", "AB", "latest", "--session", "2", "--date", "2026-01-12"))
    for command in ("done", "missed"):
        again = invoke(home, command, "AB", "latest", "--session", "2")
        assert again.exit_code == 1
        assert again.stderr.splitlines() == [
            "hw: error: assignment #2 is already resolved as completed:"
            " use 'hw correct' to change a recorded outcome"
        ]
    shown = json.loads(ok(invoke(home, "client", "show", "AB", "--json")).stdout)
    outcomes = {a["assignment_id"]: a["outcome"] for a in shown["assignments"]}
    assert outcomes == {1: "pending", 2: "completed"}
    ok(invoke(home, "missed", "AB", "1", "--session", "2"))  # the older one, by its number


def test_reasons_repeat_or_come_in_one_value_with_a_comma_or_semicolon(home: Path) -> None:
    ok(invoke(home, "client", "add", "AB"))
    ok(invoke(home, "session", "AB", "1", "--date", "2026-01-05"))
    for _ in range(3):
        _assign(home, "Walk", "behavioral", "small", "experiment")
    given = (
        ["--reason", "too-complex,wrong-timing"],
        ["--reason", "forgotten;relational"],
        ["--reason", "other", "--reason", "wrong-format, forgotten"],
    )
    for n, reasons in enumerate(given, start=1):
        ok(invoke(home, "missed", "AB", str(n), "--session", "2", "--date", "2026-01-12", *reasons))
    missed = {r["assignment_id"]: r["reasons"] for r in plan_json(home, "AB")["missed"]}
    assert missed == {
        1: ["too-complex", "wrong-timing"],
        2: ["forgotten", "relational"],
        3: ["other", "wrong-format", "forgotten"],
    }
