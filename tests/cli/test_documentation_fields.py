"""Seed 003's assignment note: the client's understanding and agreement, accommodations."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import Result

from tests.cli.conftest import export_text, invoke, ok


def test_understanding_and_accommodations_are_recorded_and_exported(home: Path) -> None:
    ok(invoke(home, "client", "add", "MB-1"))
    ok(invoke(home, "session", "MB-1", "1", "--date", "2026-11-02"))
    result = ok(
        invoke(
            home, "assign", "MB-1", "--title", "Walk", "--format", "behavioral",
            "--size", "small", "--framing", "experiment",
            "--understanding", "agreed; restated it in her own words",
            "--accommodations", "large print; Spanish handout",
            "--json",
        )
    )  # fmt: skip
    doc = json.loads(result.stdout)
    assignment = doc["assignment"]
    assert assignment["understanding"] == "agreed; restated it in her own words"
    assert assignment["accommodations"] == "large print; Spanish handout"
    assert "large print; Spanish handout" in export_text(home)


def test_an_assignment_without_them_records_empty_fields(home: Path) -> None:
    ok(invoke(home, "client", "add", "MB-1"))
    ok(invoke(home, "session", "MB-1", "1", "--date", "2026-11-02"))
    result = ok(
        invoke(
            home, "assign", "MB-1", "--title", "Walk", "--format", "behavioral",
            "--size", "small", "--framing", "experiment", "--json",
        )
    )  # fmt: skip
    assignment = json.loads(result.stdout)["assignment"]
    assert (assignment["understanding"], assignment["accommodations"]) == ("", "")


def test_an_over_long_accommodation_is_refused_unechoed_and_nothing_written(home: Path) -> None:
    ok(invoke(home, "client", "add", "MB-1"))
    ok(invoke(home, "session", "MB-1", "1", "--date", "2026-11-02"))
    before = export_text(home)
    result = invoke(
        home, "assign", "MB-1", "--title", "Walk", "--format", "behavioral",
        "--size", "small", "--framing", "experiment", "--accommodations", "large print " * 400,
    )  # fmt: skip
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "accommodations" in result.stderr
    assert "large print" not in result.stderr
    assert export_text(home) == before


def test_an_accommodation_naming_a_handout_hw_cannot_print_is_warned_at_once(home: Path) -> None:
    """Not only when the handout is printed: the therapist can still correct it."""
    ok(invoke(home, "client", "add", "MB-1"))
    ok(invoke(home, "session", "MB-1", "1", "--date", "2026-11-02"))
    result = _assign_walk(home, "--accommodations", "large print; language: pt")
    warnings = [line for line in result.stderr.splitlines() if "handout language" in line]
    assert len(warnings) == 1
    assert "'pt'" in warnings[0]
    assert "allowed en, es, fr, de" in warnings[0]
    assert "the assignment is recorded" in warnings[0]
    assert "assigned #1" in result.stdout
    # A language hw prints: no such warning.
    fine = _assign_walk(home, "--accommodations", "Spanish handout")
    assert "handout language" not in fine.stderr


def _assign_walk(home: Path, *extra: str) -> Result:
    """``hw assign MB-1`` of a small behavioural walk, with ``extra`` options."""
    return ok(
        invoke(
            home, "assign", "MB-1", "--title", "Walk", "--format", "behavioral",
            "--size", "small", "--framing", "experiment", *extra,
        )
    )  # fmt: skip
