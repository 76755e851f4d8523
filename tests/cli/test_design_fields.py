"""Revision 2's design fields through the CLI: why for the client, agreed days and time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import invoke, ok

BASE = ("--title", "Walk", "--format", "behavioral", "--size", "small", "--framing", "experiment")


def _client(home: Path) -> None:
    ok(invoke(home, "client", "add", "AB"))
    ok(invoke(home, "session", "AB", "1", "--date", "2026-01-05"))


def test_assign_records_client_why_days_and_time(home: Path) -> None:
    _client(home)
    result = ok(
        invoke(
            home,
            "assign",
            "AB",
            *BASE,
            "--client-why",
            "Moving a little lifts my mood",
            "--days",
            "thu, Mon,thu",
            "--at",
            "7:05",
            "--json",
        )
    )
    a = json.loads(result.stdout)["assignment"]
    assert (a["client_why"], a["days"], a["time"]) == (
        "Moving a little lifts my mood",
        ["mon", "thu"],
        "07:05",
    )
    listed = json.loads(ok(invoke(home, "history", "AB", "--json")).stdout)
    assert "Moving a little lifts my mood" in json.dumps(listed)


def test_assign_without_the_new_fields_leaves_them_empty(home: Path) -> None:
    _client(home)
    a = json.loads(ok(invoke(home, "assign", "AB", *BASE, "--json")).stdout)["assignment"]
    assert (a["client_why"], a["days"], a["time"]) == ("", [], "")


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--days", "mon,funday", "invalid day 'funday': allowed mon, tue, wed, thu, fri, sat, sun"),
        ("--at", "25:00", "invalid time '25:00': allowed a time HH:MM (24-hour), e.g. 17:30"),
        ("--at", "x" * 50, "invalid time '<50 characters>'"),
    ],
)
def test_a_bad_day_or_time_is_one_line_and_nothing_is_written(
    home: Path, option: str, value: str, expected: str
) -> None:
    _client(home)
    before = ok(invoke(home, "history", "AB", "--json")).stdout
    result = invoke(home, "assign", "AB", *BASE, option, value)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert expected in lines[0]
    assert ok(invoke(home, "history", "AB", "--json")).stdout == before
