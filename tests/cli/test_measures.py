"""Outcome measures, consents and risk alerts through the CLI (real SQLite home)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import hw_subprocess, invoke, ok

PHQ9_15 = "2,2,1,2,1,2,2,2,1"  # total 15, item 9 = 1
PHQ9_11_SAFE = "2,2,1,2,1,1,1,1,0"  # total 11, item 9 = 0


@pytest.fixture
def client(home: Path) -> Path:
    ok(invoke(home, "client", "add", "MB-1"))
    ok(invoke(home, "session", "MB-1", "1", "--date", "2026-11-02"))
    return home


def test_measure_add_prints_total_band_and_change(client: Path) -> None:
    first = ok(invoke(client, "measure", "add", "MB-1", "phq9", "--items", PHQ9_11_SAFE))
    assert "PHQ-9 11 (moderate) at session 1" in first.stdout
    second = ok(
        invoke(
            client,
            "measure",
            "add",
            "MB-1",
            "phq9",
            "--items",
            "0,1,1,1,1,0,0,0,0",
            "--session",
            "2",
            "--date",
            "2026-11-09",
            "--json",
        )
    )
    doc = json.loads(second.stdout)
    assert (doc["total"], doc["severity"], doc["alert"]) == (4, "minimal", None)
    assert doc["series"]["change_since_first"] == -7
    assert doc["series"]["reliable_change"] == "improved"


def test_item9_alert_is_shown_and_stays_until_acknowledged(client: Path) -> None:
    added = ok(invoke(client, "measure", "add", "MB-1", "phq9", "--items", PHQ9_15))
    assert "RISK ALERT: PHQ-9 item 9 = 1 at session 1" in added.stderr
    listed = json.loads(ok(invoke(client, "alert", "list", "MB-1", "--json")).stdout)
    assert listed["alerts"] == [
        {"kind": "phq9_item9", "session": 1, "value": 1, "acknowledged": False}
    ]
    ok(invoke(client, "alert", "ack", "MB-1", "1", "--note", "safety plan reviewed"))
    listed = json.loads(ok(invoke(client, "alert", "list", "MB-1", "--json")).stdout)
    assert listed["alerts"][0]["acknowledged"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["phq9", "--items", "1,2,3"], "exactly 9 item scores"),
        (["phq9", "--items", "0,0,0,0,0,0,0,0,4"], "item 9 4: allowed 0-3"),
        (["gad7", "--score", "12"], "7 item scores"),
        (["bdi", "--score", "12"], "invalid measure 'bdi'"),
        (["phq9", "--items", "1,x,0"], "invalid item 'x'"),
        (["phq9", "--items", PHQ9_15, "--session", "7"], "invalid session 7"),
    ],
)
def test_bad_measure_input_is_one_line_exit_1_nothing_written(
    client: Path, args: list[str], message: str
) -> None:
    result = hw_subprocess(client, "measure", "add", "MB-1", *args)
    assert result.returncode == 1, result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    record = json.loads(ok(invoke(client, "measure", "list", "MB-1", "--json")).stdout)
    assert record["measures"] == []


def test_a_practice_measure_is_defined_then_used(client: Path) -> None:
    ok(invoke(client, "measure", "define", "mood", "--min", "0", "--max", "10", "--better", "high"))
    assert (client / "measures.json").stat().st_mode & 0o077 == 0
    ok(invoke(client, "measure", "add", "MB-1", "mood", "--score", "4"))
    out_of_range = hw_subprocess(client, "measure", "add", "MB-1", "mood", "--score", "11")
    assert out_of_range.returncode == 1
    assert "invalid mood score 11: allowed 0-10" in out_of_range.stderr
    listing = ok(invoke(client, "measure", "list")).stdout
    assert "mood: mood, one score, 0-10, high" in listing


def test_consent_without_boundaries_is_refused(client: Path) -> None:
    result = hw_subprocess(
        client,
        "consent",
        "MB-1",
        "--channel",
        "sms",
        "--boundaries",
        " ",
        "--privacy-risk",
        "SMS is not encrypted",
    )
    assert result.returncode == 1
    assert "boundaries" in result.stderr
    ok(
        invoke(
            client,
            "consent",
            "MB-1",
            "--channel",
            "sms",
            "--days",
            "tue,thu",
            "--boundaries",
            "not for crisis support",
            "--privacy-risk",
            "SMS is not encrypted",
        )
    )
    record = json.loads(ok(invoke(client, "measure", "list", "MB-1", "--json")).stdout)
    assert record["consents"][0]["days"] == ["tue", "thu"]
