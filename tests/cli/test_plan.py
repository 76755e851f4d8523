"""`hw import` of a multi-client CSV, then `hw plan --json`: the values of spec section 4."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import export_text, invoke, ok, plan_json

SPEC_KEYS = {
    "client",
    "ready",
    "completed",
    "missed",
    "completed_in_common",
    "missed_in_common",
    "system",
    "followup",
    "review",
}


def test_plan_json_has_the_keys_the_spec_requires(imported: Path) -> None:
    data = plan_json(imported, "A1")
    assert set(data) >= SPEC_KEYS
    assert {"format", "size", "frequency", "framing"} <= set(data["system"])
    for field in ("format", "size", "frequency", "framing"):
        assert data["system"][field] is None or isinstance(data["system"][field], str)
    assert {"last_review_session", "next_review_session", "due", "triggers"} <= set(data["review"])
    assert isinstance(data["review"]["triggers"], list)


def test_clear_case_recommends_what_gets_done(imported: Path) -> None:
    data = plan_json(imported, "A1")
    assert data["client"] == "A1"
    assert data["ready"] is True  # sessions 1-5 have known outcomes
    assert data["system"]["format"] == "behavioral"
    assert data["system"]["size"] == "small"
    assert data["system"]["frequency"] == "weekly"
    # 'experiment', 'Experiment' and 'EXPERIMENT ' are one label
    assert data["system"]["framing"] == "experiment"
    evidence = data["system"]["evidence"]["format"]
    assert (evidence["n"], evidence["rate"]) == (3, 1.0)
    assert evidence["smoothed"] == pytest.approx(0.8)


def test_tables_show_partial_doses_and_miss_explanations(imported: Path) -> None:
    data = plan_json(imported, "A1")
    assert [r["session"] for r in data["completed"]] == [1, 3, 4, 5]
    partial = next(r for r in data["completed"] if r["session"] == 4)
    assert (partial["outcome"], partial["done"], partial["planned"]) == ("partial", 2, 7)
    assert partial["score"] == pytest.approx(2 / 7, abs=1e-4)
    assert partial["framing"] == "challenge"
    (missed,) = data["missed"]
    assert missed["session"] == 2
    assert missed["explanation"] == "Too tired after work, honestly"
    assert missed["reasons"] == ["too-complex", "wrong-timing"]
    assert [r["session"] for r in data["pending"]] == [6]


def test_in_common_groups(imported: Path) -> None:
    data = plan_json(imported, "A1")
    assert data["completed_in_common"]["format"]["values"] == ["behavioral"]
    assert data["completed_in_common"]["framing"]["values"] == ["experiment"]
    assert data["missed_in_common"]["format"]["values"] == ["written"]
    assert data["missed_in_common"]["reasons"]["values"] == ["too-complex", "wrong-timing"]


def test_first_review_is_due_once_ready(imported: Path) -> None:
    review = plan_json(imported, "A1")["review"]
    # the 4th distinct session's outcome became known at session 5 (outcome = session + 1)
    assert review["last_review_session"] is None
    assert review["next_review_session"] == 5
    assert review["due"] is True
    assert review["triggers"] == []


def test_fewer_than_four_sessions_is_not_ready(imported: Path) -> None:
    data = plan_json(imported, "B2")
    assert data["ready"] is False
    assert all(data["system"][f] is None for f in ("format", "size", "frequency", "framing"))
    assert len(data["completed"]) == 3  # the tables are still shown
    assert data["review"]["next_review_session"] is None
    assert data["review"]["due"] is False


def test_one_assignment_per_value_no_size_managed_three_misses(imported: Path) -> None:
    data = plan_json(imported, "C3")
    assert data["ready"] is True
    system = data["system"]
    for field in ("format", "framing", "frequency"):
        assert system[field] is None
        assert system["evidence"][field]["reason"] == "not enough evidence"
    # small 1 of 2, medium 1 of 3: none at 0.75; small's raw rate 0.5 -> best so far (r2)
    assert system["size"] == "small"
    assert system["evidence"]["size"]["basis"] == "best so far, not yet consistent"
    assert data["review"]["triggers"] == ["three_consecutive_misses"]
    assert data["review"]["due"] is True


def test_as_of_an_earlier_session(imported: Path) -> None:
    data = plan_json(imported, "A1", "--as-of", "3")
    assert data["as_of_session"] == 3
    assert data["ready"] is False
    assert [r["session"] for r in data["completed"]] == [1]
    assert [r["session"] for r in data["missed"]] == [2]
    assert [r["session"] for r in data["pending"]] == [3]
    by_date = plan_json(imported, "A1", "--as-of", "2026-01-20")
    assert by_date["completed"] == data["completed"]
    assert by_date["as_of_session"] == 3


def test_change_noted_after_last_review_triggers_review(imported: Path) -> None:
    ok(invoke(imported, "review", "A1", "--session", "6", "--json"))
    review = plan_json(imported, "A1")["review"]
    assert (review["last_review_session"], review["next_review_session"]) == (6, 14)
    assert review["due"] is False
    assert review["triggers"] == []
    ok(invoke(imported, "change", "A1", "--kind", "life", "--note", "moved house"))
    review = plan_json(imported, "A1")["review"]
    assert review["triggers"] == ["life_change"]
    assert review["due"] is True


def test_import_twice_changes_nothing(imported: Path, history_csv: Path) -> None:
    before = export_text(imported)
    result = ok(invoke(imported, "import", str(history_csv), "--json"))
    report = json.loads(result.stdout)
    assert report["events_written"] == 0
    assert export_text(imported) == before


def test_export_then_import_into_empty_home_gives_identical_plans(
    imported: Path, tmp_path: Path
) -> None:
    dump = tmp_path / "dump.json"
    ok(invoke(imported, "export", "-o", str(dump)))
    assert dump.stat().st_mode & 0o777 == 0o600
    other = tmp_path / "other"
    ok(invoke(other, "import", str(dump)))
    for client in ("A1", "B2", "C3"):
        assert plan_json(other, client) == plan_json(imported, client)
        assert plan_json(other, client, "--as-of", "3") == plan_json(
            imported, client, "--as-of", "3"
        )
    assert export_text(other) == export_text(imported)
    # and importing the export again is a no-op too
    ok(invoke(other, "import", str(dump)))
    assert export_text(other) == export_text(imported)


def test_human_plan_shows_the_paper_planner_sections(imported: Path) -> None:
    text = ok(invoke(imported, "plan", "C3")).stdout
    for section in (
        "Compliance history",
        "What completed assignments had in common",
        "What missed assignments had in common",
        "The system for this client",
        "Follow-up protocol",
        "Review schedule",
    ):
        assert section in text
    assert "not enough evidence" in text
    assert "three_consecutive_misses" in text
    not_ready = ok(invoke(imported, "plan", "B2")).stdout
    assert "Ready: NO" in not_ready
