"""`hw plan` text and JSON show everything the planner's revision 2 adds."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import invoke, ok, plan_json

LONG = (
    "I sat down to write and my mind went blank, and then I felt like I was failing a"
    " test you had set for me, so I stopped and did not try again that week at all"
)

DK_CSV = f"""\
client,session,date,assignment,format,size,framing,frequency,outcome,done,planned,explanation,reasons,notes
DK,1,2026-01-07,Thought log,written,medium,challenge,daily,missed,,,"{LONG}",framing-pressure,
DK,2,2026-01-14,Walk,behavioral,small,experiment,weekly,completed,,,,,
DK,3,2026-01-21,Letter,written,medium,challenge,daily,missed,,,Too much,too-complex,
DK,4,2026-01-28,Call,behavioral,small,experiment,weekly,completed,,,,,
DK,5,2026-02-04,Breathing,behavioral,tiny,experiment,weekly,completed,,,,,
DK,6,2026-02-11,Notice,observational,small,curiosity,weekly,missed,,,,,
DK,7,2026-02-18,Drawing,visual,small,curiosity,weekly,missed,,,,,
NW,1,2026-01-07,Log,written,small,practice,daily,missed,,,,,
NW,2,2026-01-14,Log,written,small,practice,daily,missed,,,,,
NW,3,2026-01-21,Walk,behavioral,small,practice,daily,missed,,,,,
NW,4,2026-01-28,Walk,behavioral,small,practice,daily,missed,,,,,
"""


@pytest.fixture
def dk(home: Path, tmp_path: Path) -> Path:
    """A home with DK's invented history."""
    path = tmp_path / "dk.csv"
    path.write_text(DK_CSV, encoding="utf-8")
    ok(invoke(home, "import", str(path)))
    return home


def test_text_output_never_cuts_the_clients_words(dk: Path) -> None:
    text = ok(invoke(dk, "plan", "DK")).stdout
    words = " ".join(" ".join(text.split()).split())
    assert LONG in words.replace('"', "")
    assert max(len(line) for line in text.splitlines() if "mind went blank" in line) <= 80


def test_text_and_json_show_basis_confounded_and_missed_the_last_2_times(dk: Path) -> None:
    data = plan_json(dk, "DK")
    evidence = data["system"]["evidence"]
    assert data["current_system"] is None
    assert evidence["frequency"]["value"] == "weekly"  # 3 of 5
    assert evidence["frequency"]["basis"] == "highest smoothed completion rate"
    assert evidence["frequency"]["missed_last_two"] is True
    assert evidence["format"]["confounded_with"] == ["framing experiment"]
    tests = {c["test"] for c in data["confounded"]}
    assert "a written task framed as an experiment" in tests
    text = " ".join(ok(invoke(dk, "plan", "DK")).stdout.split())
    assert (
        "highest smoothed completion rate; n=5, rate 0.60, smoothed 0.57; missed the last 2 times"
        in text
    )
    assert "format: behavioral is confounded with experiment" in text
    assert "Cannot tell apart: written is confounded with challenge" in text
    assert "The assignment that would tell: a written task framed as an experiment" in text


def test_a_null_recommendation_says_why_and_what_was_never_tried(dk: Path) -> None:
    evidence = plan_json(dk, "NW")["system"]["evidence"]
    assert evidence["format"]["value"] is None
    assert evidence["format"]["basis"] == "nothing tried has worked yet"
    assert evidence["format"]["untried"] == [
        "observational",
        "visual",
        "object",
        "conversational",
        "other",
    ]
    text = " ".join(ok(invoke(dk, "plan", "NW")).stdout.split())
    assert "format - nothing tried has worked yet" in text
    assert "format: never tried: observational, visual, object, conversational, other" in text


def test_text_and_json_show_the_current_system_and_where_the_history_points(dk: Path) -> None:
    ok(invoke(dk, "review", "DK", "--session", "8", "--size", "tiny", "--frequency", "daily"))
    data = plan_json(dk, "DK")
    current = data["current_system"]
    assert (current["size"], current["frequency"], current["review_session"]) == (
        "tiny",
        "daily",
        8,
    )
    assert current["elsewhere"] == []  # the review saw every outcome so far
    text = " ".join(ok(invoke(dk, "plan", "DK")).stdout.split())
    assert (
        "Current system (chosen at the review of session 8): format behavioral, size tiny,"
        " frequency daily, framing experiment" in text
    )
    ok(invoke(dk, "assign", "DK", "--session", "8", "--title", "Log", "--format", "written",
              "--size", "tiny", "--framing", "challenge", "--frequency", "daily"))  # fmt: skip
    ok(invoke(dk, "missed", "DK", "latest", "--session", "9", "--date", "2026-03-04"))
    text = " ".join(ok(invoke(dk, "plan", "DK")).stdout.split())
    assert "since the review, the history points to frequency weekly" in text


def test_the_cached_planner_prints_what_the_computed_one_prints(dk: Path) -> None:
    first = ok(invoke(dk, "plan", "DK")).stdout  # computes it (and fills the cache)
    again = ok(invoke(dk, "plan", "DK")).stdout
    assert again == first
    now, past = plan_json(dk, "DK"), plan_json(dk, "DK", "--as-of", "8")
    assert (now.pop("as_of_session"), past.pop("as_of_session")) == (None, 8)
    assert now == past


def test_history_never_cuts_the_clients_words(dk: Path) -> None:
    text = ok(invoke(dk, "history", "DK")).stdout
    assert LONG in " ".join(text.split())
    assert max(len(line) for line in text.splitlines()) <= 100
