"""Repeated wrap-up dry runs reuse the loaded case and its planner, never a stale one.

The TUI's next-assignment form dry-runs the wrap-up on every key
(``tui_keystroke_latency``): the case is kept after its first load and the
planner of the last dry run is reused while the case as stored, the outcomes
and the session are the same. Another writer's event, a purge and re-import
of the same length, or other outcomes must each give the planner a fresh
application computes. Both backends.
"""

from __future__ import annotations

from pathlib import Path

from hwcore.application import AssignmentSpec, HwApplication, OutcomeEntry, to_dict
from hwcore.bootstrap import open_application
from hwcore.config import Settings
from hwcore.domain import case_id_for
from tests.conftest import TODAY
from tests.integration.test_application import record_history
from tests.integration.test_store_generation import _edit_and_reimport


def _design(fmt: str) -> AssignmentSpec:
    return AssignmentSpec(title="Walk", format=fmt, size="small", framing="experiment")


def _fresh(settings: Settings, client: str, **kwargs: object) -> dict[str, object]:
    """The planner document a fresh application's dry run gives."""
    with open_application(settings=settings, today=lambda: TODAY) as other:
        result = other.wrap_up(client, assignment=_design("written"), dry_run=True, **kwargs)  # type: ignore[arg-type]
        return to_dict(result.planner)  # type: ignore[no-any-return]


def test_dry_runs_reuse_the_planner_until_the_case_or_the_outcomes_change(
    app: HwApplication, store_settings: Settings
) -> None:
    record_history(app, "DR")
    first = app.wrap_up("DR", assignment=_design("written"), dry_run=True)
    assert app.repository.kept_state(case_id_for("DR")) is not None  # kept on load
    second = app.wrap_up("DR", assignment=_design("behavioral"), dry_run=True)
    assert second.planner is first.planner  # reused: only the assignment changed
    assert first.assignment is not None
    assert second.assignment is not None
    assert first.assignment.fit.fields[0].value == "written"
    assert second.assignment.fit.fields[0].value == "behavioral"
    assert to_dict(first.planner) == _fresh(store_settings, "DR")

    missed = [OutcomeEntry(outcome="missed")]
    other_outcomes = app.wrap_up("DR", outcomes=missed, assignment=_design("written"), dry_run=True)
    assert other_outcomes.planner is not first.planner
    assert to_dict(other_outcomes.planner) == _fresh(store_settings, "DR", outcomes=missed)

    with open_application(settings=store_settings, today=lambda: TODAY) as other:
        other.miss("DR", "latest")  # another writer
    after = app.wrap_up("DR", assignment=_design("written"), dry_run=True)
    assert after.planner is not first.planner
    assert to_dict(after.planner) == _fresh(store_settings, "DR")
    assert to_dict(after.planner) != to_dict(first.planner)


def test_a_dry_run_after_a_purge_and_re_import_of_the_same_length_is_computed_again(
    store_settings: Settings, tmp_path: Path
) -> None:
    with open_application(settings=store_settings, today=lambda: TODAY) as mine:
        mine.register_client("DP")
        mine.hold_session("DP", 1, "2026-01-05")  # event 2: what the other process edits
        mine.note_change("DP", "life", "invented note", session=1)
        first = mine.wrap_up("DP", assignment=_design("written"), dry_run=True)
        assert mine.wrap_up("DP", assignment=_design("visual"), dry_run=True).planner is (
            first.planner
        )
        _edit_and_reimport(store_settings, "DP", "2026-01-05", "2026-01-02", tmp_path)
        again = mine.wrap_up("DP", assignment=_design("written"), dry_run=True)
        assert again.planner is not first.planner
        assert to_dict(again.planner) == _fresh(store_settings, "DP")
