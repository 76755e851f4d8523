"""Outcome measures, consents and risk alerts through the CLI (real SQLite home)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import hw_subprocess, invoke, ok, plan_json

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


def _measured(home: Path) -> None:
    """MB-1: a completed and a missed assignment between a PHQ-9 at 1 (item 9 = 1) and at 3."""
    ok(invoke(home, "measure", "add", "MB-1", "phq9", "--items", PHQ9_15))
    for n, (outcome, extra) in enumerate([("done", ()), ("missed", ("--explanation", "busy"))]):
        ok(
            invoke(
                home,
                "assign",
                "MB-1",
                "--title",
                f"walk {n}",
                "--format",
                "behavioral",
                "--size",
                "small",
                "--framing",
                "experiment",
            )
        )
        ok(invoke(home, "session", "MB-1", str(n + 2), "--date", f"2026-11-{9 + 7 * n:02d}"))
        ok(invoke(home, outcome, "MB-1", "latest", *extra))
    ok(invoke(home, "measure", "add", "MB-1", "phq9", "--items", PHQ9_11_SAFE))


def test_plan_json_has_measures_beside_completion_and_the_alert(client: Path) -> None:
    _measured(client)
    doc = plan_json(client, "MB-1")
    assert doc["alerts"] == [
        {"kind": "phq9_item9", "session": 1, "value": 1, "acknowledged": False}
    ]
    [phq9] = doc["measures"]
    assert phq9["instrument"] == "phq9"
    assert [(p["session"], p["total"], p["severity"]) for p in phq9["points"]] == [
        (1, 15, "moderately severe"),
        (3, 11, "moderate"),
    ]
    assert (phq9["change_since_first"], phq9["reliable_change"]) == (-4, "no reliable change")
    assert (phq9["completion_rate"], phq9["completion_n"]) == (0.5, 2)


def test_plan_text_shows_an_open_alert_first_until_acknowledged(client: Path) -> None:
    _measured(client)
    out = ok(invoke(client, "plan", "MB-1")).stdout.splitlines()
    assert out[1].startswith("!! RISK ALERT: PHQ-9 item 9")
    assert "at session 1, not yet acknowledged" in out[1]
    assert "hw alert ack MB-1 1 --note" in out[2]
    text = "\n".join(out)
    assert "PHQ-9: s1 15 (moderately severe), s3 11 (moderate)" in text
    assert "homework completion 50% (2 resolved, assigned at sessions 1-2)" in text
    ok(invoke(client, "alert", "ack", "MB-1", "1", "--note", "safety plan reviewed"))
    out = ok(invoke(client, "plan", "MB-1")).stdout.splitlines()
    assert not any("RISK ALERT" in line for line in out)
    assert any("risk alert acknowledged: PHQ-9 item 9" in line for line in out)


def test_caseload_puts_an_open_alert_first_and_flags_it(client: Path) -> None:
    for name in ("AA-1", "AB-2"):
        ok(invoke(client, "client", "add", name))
    ok(invoke(client, "measure", "add", "MB-1", "phq9", "--items", PHQ9_15))
    data = json.loads(ok(invoke(client, "caseload", "--json")).stdout)["clients"]
    assert [e["client"] for e in data] == ["MB-1", "AA-1", "AB-2"]
    assert data[0]["alerts"][0]["acknowledged"] is False
    assert data[1]["alerts"] == []
    done = hw_subprocess(client, "caseload")  # the fast read on a current file
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert out[0].startswith("RISK ALERT not yet acknowledged: MB-1")
    assert out[3].split()[:3] == ["MB-1", "RISK", "ALERT"]
    ok(invoke(client, "alert", "ack", "MB-1", "1", "--note", "safety plan reviewed"))
    done = hw_subprocess(client, "caseload", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)["clients"]
    assert [e["client"] for e in data] == ["AA-1", "AB-2", "MB-1"]
    assert data[2]["alerts"][0]["acknowledged"] is True
