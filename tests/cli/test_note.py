"""``hw done/partial/missed --insights --modification``, ``hw note`` and ``hw assign``'s defaults.

Seed 003's next-session checklist (completion, the client's experience, the
clinical insights gained, the modifications for the next assignment) and the
progress note it belongs in; issue 13's last item: ``hw assign`` takes its
vocabulary defaults from the client's current system (spec section 4, r2).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import export_text, hw_subprocess, invoke, ok
from tests.oldstore import text_guard_lifted

INSIGHTS = "Evening fatigue, not motivation, is the barrier"
MODIFICATION = "Morning practice; phone notes instead of paper"
EXPERIENCE = "easy on workdays, forgot at the weekend"


def _assign(home: Path, client: str, *extra: str) -> None:
    ok(
        invoke(
            home, "assign", client, "--title", "Mood log", "--format", "written",
            "--size", "tiny", "--framing", "experiment", "--frequency", "daily",
            "--doses", "7", *extra,
        )
    )  # fmt: skip


@pytest.fixture
def reviewed(home: Path) -> Path:
    """TR-22: a mood log at session 1, 5 of 7 done at session 2 with insights and a modification."""
    ok(invoke(home, "client", "add", "TR-22"))
    ok(invoke(home, "session", "TR-22", "1", "--date", "2026-03-02"))
    _assign(
        home, "TR-22", "--task", "Mood rating 1-10 at bedtime", "--rationale", "sleep and mood",
        "--method", "paper journal", "--understanding", "agreed", "--barriers", "forgetting",
        "--followup-plan", "review it first",
    )  # fmt: skip
    ok(invoke(home, "measure", "add", "TR-22", "phq9", "--items", "2,2,2,2,2,1,2,2,0"))
    ok(
        invoke(
            home, "partial", "TR-22", "latest", "--done", "5", "--session", "2",
            "--date", "2026-03-09", "--experience", EXPERIENCE,
            "--insights", INSIGHTS, "--modification", MODIFICATION,
        )
    )  # fmt: skip
    ok(invoke(home, "measure", "add", "TR-22", "phq9", "--items", "1,1,2,1,2,1,1,1,0"))
    return home


def test_an_outcome_records_insights_and_modification_in_history_and_audit(
    reviewed: Path,
) -> None:
    history = ok(invoke(reviewed, "history", "TR-22", "--json")).stdout
    [event] = [e for e in json.loads(history) if e["event"] == "HomeworkCompleted"]
    assert (event["data"]["insights"], event["data"]["modification"]) == (INSIGHTS, MODIFICATION)
    assert f"insights: {INSIGHTS}" in event["summary"]
    text = ok(invoke(reviewed, "history", "TR-22")).stdout
    assert INSIGHTS in " ".join(text.split())

    ok(invoke(reviewed, "review", "TR-22", "--size", "tiny", "--next-review", "10"))
    audit = json.loads(ok(invoke(reviewed, "audit", "TR-22", "--json")).stdout)
    noted = {(n["kind"], n["label"], n["text"]) for n in audit["reviews"][0]["noted"]}
    assert ("insights", "#1", INSIGHTS) in noted
    assert ("modification", "#1", MODIFICATION) in noted
    assert f"modification #1: {MODIFICATION}" in ok(invoke(reviewed, "audit", "TR-22")).stdout


def test_a_miss_records_them_too_and_json_output_reports_the_outcome(home: Path) -> None:
    ok(invoke(home, "client", "add", "MB-1"))
    ok(invoke(home, "session", "MB-1", "1", "--date", "2026-03-02"))
    _assign(home, "MB-1")
    result = ok(
        invoke(
            home, "missed", "MB-1", "latest", "--session", "2", "--date", "2026-03-09",
            "--reason", "wrong-timing", "--insights", INSIGHTS, "--modification", MODIFICATION,
            "--json",
        )
    )  # fmt: skip
    assert json.loads(result.stdout)["outcome"] == "missed"
    [info] = json.loads(ok(invoke(home, "history", "MB-1", "--json")).stdout)[-1:]
    assert info["data"]["modification"] == MODIFICATION


def test_over_long_insights_are_refused_in_one_line_and_nothing_is_written(home: Path) -> None:
    ok(invoke(home, "client", "add", "MB-1"))
    ok(invoke(home, "session", "MB-1", "1", "--date", "2026-03-02"))
    _assign(home, "MB-1")
    before = export_text(home)
    result = invoke(
        home, "done", "MB-1", "latest", "--session", "2", "--date", "2026-03-09",
        "--insights", "tired " * 1000,
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "insights" in result.stderr
    assert "tired" not in result.stderr
    assert export_text(home) == before


def test_the_json_export_round_trips_them_into_a_new_home(reviewed: Path, tmp_path: Path) -> None:
    exported = export_text(reviewed)
    doc = json.loads(exported)
    assert doc["version"] == 2
    path = tmp_path / "export.json"
    path.write_text(exported, encoding="utf-8")
    other = tmp_path / "other"
    ok(invoke(other, "import", str(path)))
    assert export_text(other) == exported
    ok(invoke(reviewed, "import", str(path)))  # the same store: nothing changes
    assert export_text(reviewed) == exported


def test_an_export_of_version_1_still_imports_its_outcomes_without_them(
    reviewed: Path, tmp_path: Path
) -> None:
    doc: dict[str, Any] = json.loads(export_text(reviewed))
    doc["version"] = 1
    for event in doc["clients"][0]["events"]:
        event["state"].pop("insights", None)
        event["state"].pop("modification", None)
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    other = tmp_path / "other"
    ok(invoke(other, "import", str(path)))
    note = json.loads(ok(invoke(other, "note", "TR-22", "--json")).stdout)
    assert (note["reviewed"][0]["insights"], note["reviewed"][0]["experience"]) == ("", EXPERIENCE)


def test_the_csv_export_round_trips_them(reviewed: Path, tmp_path: Path) -> None:
    text = ok(invoke(reviewed, "export", "--format", "csv")).stdout
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert (row["insights"], row["modification"]) == (INSIGHTS, MODIFICATION)
    path = tmp_path / "history.csv"
    path.write_text(text, encoding="utf-8")
    other = tmp_path / "other"
    ok(invoke(other, "import", str(path)))
    reviewed_again = json.loads(ok(invoke(other, "note", "TR-22", "--json")).stdout)["reviewed"]
    assert (reviewed_again[0]["insights"], reviewed_again[0]["modification"]) == (
        INSIGHTS,
        MODIFICATION,
    )


def test_hw_note_in_a_subprocess_text_markdown_json(reviewed: Path) -> None:
    text = hw_subprocess(reviewed, "note", "TR-22")
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("Homework: TR-22, session 2 (2026-03-09)\n")
    flat = " ".join(text.stdout.split())
    assert "Completion rate: 5/7 (71%), partly completed" in flat
    assert f'Client\'s experience: "{EXPERIENCE}"' in flat
    assert f"Clinical insights gained: {INSIGHTS}" in flat
    assert f"Modification for the next assignment: {MODIFICATION}" in flat
    assert "PHQ-9: 10 (moderate); since session 1: 15 to 10 (-5 points)" in flat
    assert all(len(line) <= 78 for line in text.stdout.splitlines())

    first = hw_subprocess(reviewed, "note", "TR-22", "--session", "1", "--markdown")
    assert first.returncode == 0, first.stderr
    assert "- #1 Mood log" in first.stdout
    assert "  - Clinical rationale: sleep and mood" in first.stdout
    assert "  - Accommodations: not recorded" in first.stdout

    data = json.loads(hw_subprocess(reviewed, "note", "TR-22", "--json").stdout)
    assert data["session"] == 2
    assert data["reviewed"][0]["completion"] == "5/7 (71%), partly completed"


def test_hw_note_refuses_an_unknown_session_in_one_line(reviewed: Path) -> None:
    before = export_text(reviewed)
    result = hw_subprocess(reviewed, "note", "TR-22", "--session", "7")
    assert result.returncode == 1
    assert result.stderr == "hw: error: invalid session 7: allowed a held session (1-2)\n"
    assert result.stdout == ""
    assert export_text(reviewed) == before
    both = invoke(reviewed, "note", "TR-22", "--json", "--markdown")
    assert both.exit_code == 2


def test_hw_note_on_a_missing_home_creates_nothing(tmp_path: Path) -> None:
    home = tmp_path / "nowhere"
    result = invoke(home, "note", "TR-22")
    assert result.exit_code == 1
    assert not home.exists()


# ------------------------------------------------- hw assign's defaults


def _review(home: Path, *extra: str) -> None:
    ok(
        invoke(
            home, "review", "TR-22", "--format", "behavioral", "--size", "small",
            "--frequency", "several-weekly", "--framing", "curiosity",
            "--framing-wording", "let's see what happens", "--next-review", "10", *extra,
        )
    )  # fmt: skip


def test_hw_assign_takes_the_current_system_and_says_so(reviewed: Path) -> None:
    _review(reviewed)
    result = ok(invoke(reviewed, "assign", "TR-22", "--title", "Walk after lunch", "--doses", "3"))
    assert "(behavioral, small, several-weekly, framed as 'curiosity')" in result.stdout
    assert (
        "from the current system (the review at session 2): format behavioral, size small,"
        " frequency several-weekly, framing 'curiosity', framing wording 'let's see what happens'"
    ) in result.stdout


def test_hw_assign_is_a_write_not_a_read_of_the_plan(reviewed: Path) -> None:
    """Its defaults come from the decided system: no planner read lands in the access log."""
    _review(reviewed)
    before = json.loads(ok(invoke(reviewed, "access-log", "--json")).stdout)
    ok(invoke(reviewed, "assign", "TR-22", "--title", "Walk after lunch"))
    after = json.loads(ok(invoke(reviewed, "access-log", "--json")).stdout)
    assert after == before


def test_a_value_given_overrides_the_current_system_and_the_json_names_the_rest(
    reviewed: Path,
) -> None:
    _review(reviewed)
    result = ok(invoke(reviewed, "assign", "TR-22", "--title", "Walk", "--size", "tiny", "--json"))
    data = json.loads(result.stdout)
    assert data["assignment"]["size"] == "tiny"
    assert data["from_current_system"] == {
        "format": "behavioral",
        "frequency": "several-weekly",
        "framing": "curiosity",
        "framing_wording": "let's see what happens",
    }


def test_a_framing_change_after_the_review_is_the_default_framing(reviewed: Path) -> None:
    _review(reviewed)
    ok(invoke(reviewed, "framing", "TR-22", "values", "--reason", "fits better"))
    data = json.loads(ok(invoke(reviewed, "assign", "TR-22", "--title", "W", "--json")).stdout)
    assert data["assignment"]["framing"] == "values"


def test_without_a_current_system_the_missing_options_are_named_in_one_line(
    reviewed: Path,
) -> None:
    before = export_text(reviewed)
    result = invoke(reviewed, "assign", "TR-22", "--title", "Walk", "--format", "behavioral")
    assert result.exit_code == 1
    assert result.stderr == (
        "hw: error: missing --size, --framing: the client has no current system yet"
        " (the first review sets one)\n"
    )
    assert export_text(reviewed) == before


def test_a_value_the_review_left_open_is_still_required(reviewed: Path) -> None:
    ok(invoke(reviewed, "review", "TR-22", "--no-accept", "--format", "written",
              "--framing", "experiment", "--next-review", "10"))  # fmt: skip
    result = invoke(reviewed, "assign", "TR-22", "--title", "Walk")
    assert result.exit_code == 1
    assert "missing --size: the review at session 2 left it open" in result.stderr
    ok(invoke(reviewed, "assign", "TR-22", "--title", "Walk", "--size", "tiny"))


def test_without_a_current_system_every_option_given_still_assigns(reviewed: Path) -> None:
    result = ok(
        invoke(
            reviewed, "assign", "TR-22", "--title", "Walk", "--format", "behavioral",
            "--size", "small", "--framing", "experiment",
        )
    )  # fmt: skip
    assert "from the current system" not in result.stdout


def test_the_fhir_task_carries_them_as_notes(reviewed: Path) -> None:
    bundle = json.loads(ok(invoke(reviewed, "export", "TR-22", "--format", "fhir")).stdout)
    [task] = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Task"]
    assert [n["text"] for n in task["note"]] == [
        EXPERIENCE,
        f"Insights gained: {INSIGHTS}",
        f"Modification planned: {MODIFICATION}",
    ]


def test_hw_note_never_passes_an_escape_sequence_to_the_terminal(home: Path) -> None:
    ok(invoke(home, "client", "add", "MB-1"))
    ok(invoke(home, "session", "MB-1", "1", "--date", "2026-03-02"))
    _assign(home, "MB-1")
    with text_guard_lifted():  # a store written before hw refused control characters
        ok(
            invoke(
                home, "done", "MB-1", "latest", "--session", "2", "--date", "2026-03-09",
                "--insights", "calm\x1b[2J now",
            )
        )  # fmt: skip
    for extra in ((), ("--markdown",)):
        shown = hw_subprocess(home, "note", "MB-1", *extra)
        assert shown.returncode == 0, shown.stderr
        assert "\x1b" not in shown.stdout
        assert "calm" in shown.stdout
    data = json.loads(hw_subprocess(home, "note", "MB-1", "--json").stdout)
    assert data["reviewed"][0]["insights"] == "calm\x1b[2J now"  # JSON keeps the exact text
