"""Deterministic invented caseload for the TUI tests (fixed dates, codes only)."""

from __future__ import annotations

import datetime as dt

from hwcore.application import AssignmentSpec, HwApplication

TODAY = dt.date(2026, 3, 2)
"""The clock of every TUI test: session dates below are weekly before it."""


def _date(session: int, last: int) -> str:
    return (TODAY - dt.timedelta(weeks=last - session + 1)).isoformat()


def seed(app: HwApplication) -> None:
    """Three clients: AB (ready, one pending), CD (review due, 3 misses), EF (new)."""
    app.register_client("AB")
    history = [
        ("Mood log", "written", "small", "experiment", "completed"),
        ("Walk after lunch", "behavioral", "medium", "challenge", "missed"),
        ("Notice the breath", "observational", "tiny", "curiosity", "completed"),
        ("Gratitude note", "written", "small", "experiment", "completed"),
        ("Call a friend", "conversational", "medium", "challenge", "missed"),
        ("Mood log", "written", "small", "experiment", "partial"),
    ]
    last = len(history) + 1
    for number, (title, fmt, size, framing, outcome) in enumerate(history, start=1):
        app.assign(
            "AB",
            AssignmentSpec(
                title=title,
                format=fmt,
                size=size,
                framing=framing,
                frequency="daily" if fmt == "written" else "weekly",
                planned_doses=7 if fmt == "written" else 1,
            ),
            session=number,
            date=_date(number, last),
        )
        app.hold_session("AB", number + 1, _date(number + 1, last))
        if outcome == "completed":
            app.complete("AB", "latest", session=number + 1)
        elif outcome == "partial":
            app.partial("AB", "latest", done=4, planned=7, session=number + 1)
        else:
            app.miss(
                "AB",
                "latest",
                session=number + 1,
                explanation="too much that week",
                reasons=["too-complex"],
            )
    app.assign(
        "AB",
        AssignmentSpec(
            title="Evening notes",
            format="written",
            size="small",
            framing="experiment",
            frequency="daily",
            planned_doses=7,
            task="Write two lines about the day before bed.",
        ),
        session=last,
    )

    app.register_client("CD")
    for number in range(1, 5):
        app.assign(
            "CD",
            AssignmentSpec(
                title=f"Exposure step {number}",
                format="behavioral",
                size="large",
                framing="challenge",
            ),
            session=number,
            date=_date(number, 5),
        )
        app.hold_session("CD", number + 1, _date(number + 1, 5))
        if number == 1:
            app.complete("CD", "latest", session=number + 1)
        else:
            app.miss("CD", "latest", session=number + 1, reasons=["framing-pressure"])
    app.note_change("CD", "life", "moved house", session=5)

    app.register_client("EF")
    app.hold_session("EF", 1, _date(1, 1))


def seed_many(app: HwApplication, count: int) -> list[str]:
    """``count`` more invented clients K000, K001... (one session each); their codes."""
    codes = [f"K{n:03d}" for n in range(count)]
    for number, code in enumerate(codes):
        app.register_client(code)
        if number % 2:
            app.hold_session(code, 1, _date(1, 1))
    return codes
