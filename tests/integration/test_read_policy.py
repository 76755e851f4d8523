"""The one read policy (hwcore.application.reads.answer) on a real SQLite home.

Fast only when a read model file provably holds the current answer; the
application otherwise, opened only when the caller allows it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from hwcli.demo import seed
from hwcore.application import HwApplication
from hwcore.application.reads import (
    APPLICATION,
    READ_MODEL,
    answer,
    caseload_read,
    planner_read,
)
from hwcore.bootstrap import open_application
from tests.conftest import TODAY


def opened(home: Path) -> HwApplication:
    """The application on ``home`` with the tests' fixed clock."""
    return open_application(home, today=lambda: TODAY)


@pytest.fixture
def demo(home: Path) -> Path:
    """A home holding the invented demo caseload, its read model current, AB's planner cached."""
    with opened(home) as app:
        assert seed(app)
        app.plan("AB")
    return home


def test_a_current_read_model_answers_and_equals_the_application(demo: Path) -> None:
    fast = answer(caseload_read(), demo)
    assert fast is not None
    assert fast.source == READ_MODEL
    with opened(demo) as app:
        full = answer(caseload_read(), demo, opened=app)
        assert full is not None
        assert full.source == APPLICATION
        assert fast.value == full.value
        plan = answer(planner_read("AB"), demo)
        assert plan is not None
        assert plan.source == READ_MODEL
        assert plan.value == app.plan("AB")  # the typed planner, read back from the cache


def test_declined_without_an_application_and_answered_with_one(demo: Path) -> None:
    with opened(demo) as app:
        app.note_change("AB", "life", "moved", session=1)
    # The home's read model is current again after that command: make it lag.
    with opened(demo) as app:
        app.readmodel = None  # this writer dies before catching up
        app.note_change("AB", "other", "new job", session=1)
    assert answer(caseload_read(), demo) is None
    opens: list[HwApplication] = []

    def open_now() -> HwApplication:
        opens.append(opened(demo))
        return opens[-1]

    try:
        answered = answer(caseload_read(), demo, open_application=open_now)
        assert answered is not None
        assert answered.source == APPLICATION
        assert len(opens) == 1
    finally:
        for app in opens:
            app.close()
    again = answer(caseload_read(), demo)  # caught up by that application
    assert again is not None
    assert again.source == READ_MODEL


def test_a_planner_as_of_a_session_is_never_read_fast(demo: Path) -> None:
    assert planner_read("AB", as_of_session=1).fast is None
    with opened(demo) as app:
        answered = answer(planner_read("AB", as_of_session=1), demo, open_application=lambda: app)
        assert answered is not None
        assert answered.source == APPLICATION
        assert answered.value == app.plan("AB", as_of_session=1)


@pytest.mark.sqlite_only
def test_a_last_event_that_only_starts_like_json_is_not_read_as_plain(demo: Path) -> None:
    """Ciphertext can begin with '{': the whole state must parse, not its first byte."""
    with sqlite3.connect(demo / "events.sqlite") as conn:
        conn.execute(
            "UPDATE stored_events SET state = ? WHERE rowid = (SELECT max(rowid) FROM stored_events)",
            (b"{\x8f\x13 not json",),
        )
    conn.close()
    assert answer(caseload_read(), demo) is None
    assert answer(planner_read("AB"), demo) is None
