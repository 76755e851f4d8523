"""The planner printout shows the current system and what the history cannot tell apart."""

from __future__ import annotations

from pathlib import Path

from hwcore.application import AssignmentSpec, HwApplication, ReviewChoice
from tests.integration.test_printing import flat, pdf_text


def test_printout_shows_confounded_pairs_and_the_current_system(
    app: HwApplication, tmp_path: Path
) -> None:
    app.register_client("DK")
    history = [
        ("written", "medium", "challenge", "missed"),
        ("behavioral", "small", "experiment", "completed"),
        ("written", "medium", "challenge", "missed"),
        ("behavioral", "small", "experiment", "completed"),
        ("visual", "tiny", "curiosity", "completed"),
    ]
    for session, (fmt, size, framing, outcome) in enumerate(history, start=1):
        app.assign(
            "DK",
            AssignmentSpec(title=f"Task {session}", format=fmt, size=size, framing=framing),
            session=session,
            date=f"2026-02-{session:02d}",
        )
        resolve = app.complete if outcome == "completed" else app.miss
        resolve("DK", "latest", session=session + 1, date=f"2026-02-{session + 1:02d}")
    app.review("DK", ReviewChoice(size="small", framing="curiosity"), session=6)
    out = tmp_path / "dk.pdf"
    app.printing.print_plan("DK", out)
    text = flat(" ".join(pdf_text(out)))
    missed_side = text[text.index("What missed assignments had in common") :]
    assert "Cannot tell apart: written is confounded with challenge" in missed_side
    assert "The assignment that would tell: a written task framed as an experiment" in text
    assert "Current system, chosen at the review in session 6:" in text
    assert "size small" in text
    assert "framing curiosity" in text
