"""``to_dict`` turns every public result type into JSON (a real SQLite home, every query)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs

import hwcore.application as api
from hwcore.application import (
    AssignmentSpec,
    HwApplication,
    LogFollower,
    OutcomeEntry,
    ReviewChoice,
    backup_store,
    design_fields,
    fill_design,
    purge_client,
    restore_store,
    store_audit,
    to_dict,
)
from hwcore.bootstrap import Settings, open_application, resolve_settings
from tests.conftest import TODAY
from tests.integration.test_application import record_history


def _result_types() -> set[type]:
    """Every attrs class and named tuple the application package exports."""
    found = set()
    for name in api.__all__:
        value = getattr(api, name)
        if isinstance(value, type) and (attrs.has(value) or hasattr(value, "_fields")):
            found.add(value)
    return found


def _types_inside(value: Any, seen: set[type]) -> None:
    seen.add(type(value))
    if attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            _types_inside(getattr(value, field.name), seen)
    elif isinstance(value, list | tuple):  # named tuples (CaseloadEntry) included
        for item in value:
            _types_inside(item, seen)
    elif isinstance(value, dict):
        for item in value.values():
            _types_inside(item, seen)


def _whole_session() -> api.SessionEntries:
    """Every kind of entry a wrap-up records besides the outcomes and the assignment."""
    return api.SessionEntries(
        corrections=[api.CorrectionEntry(assignment_id=1, changes={"title": "x"}, reason="typo")],
        changes=[api.ChangeEntry(kind="life", note="moved house")],
        framing=api.FramingEntry(label="curiosity"),
        measures=[api.MeasureEntry(instrument="gad7", items=[1, 1, 1, 1, 1, 1, 1])],
        consents=[api.ConsentEntry(channel="sms", boundaries="no crisis", privacy_risk="seen")],
        review=ReviewChoice(size="tiny"),
    )


def _every_result(app: HwApplication, home: Path, tmp_path: Path) -> list[Any]:
    record_history(app, "AB")
    app.register_client("ZZ")
    results: list[Any] = [
        app.hold_session("ZZ", 1, "2026-02-02"),
        app.change_framing("ZZ", "curiosity", reason="the word test felt heavy"),
        app.note_change("ZZ", "life", "new job"),
        app.wrap_up(
            "ZZ",
            assignment=AssignmentSpec(
                title="Walk",
                format="behavioral",
                size="small",
                framing="curiosity",
                days=("tue", "thu"),
                time="17:30",
            ),
            date="2026-02-09",
            dry_run=True,
        ),
        app.review("AB", ReviewChoice(accept=True), date="2026-02-16"),
        app.review("AB", ReviewChoice(size="tiny", framing="curiosity", trigger="other")),
        app.complete("AB", "latest", experience="it was fine"),
        app.preview_fit(
            "AB",
            AssignmentSpec(title="Diary", format="written", size="large", framing="challenge"),
        ),
        app.plan("AB"),
        app.plan("AB", as_of_session=3),
        app.assignment("AB", "latest"),
        app.assignments("AB"),
        app.history("AB"),
        app.clients(),
        app.client("AB"),
        app.caseload(),
        app.audit("AB"),
        app.printing.planned_occasions("AB", "latest", at="18:30"),
        app.printing.handout_choice("AB", "latest", language="es"),
        app.printing.config_list(),
        app.exchange.import_csv_text(
            "client,session,date,assignment,format,size,framing,outcome\n"
            "CC,1,2026-01-05,Walk,behavioral,small,experiment,completed\n"
        ),
        app.export_data("AB"),
        app.clinical.take_measure("AB", "phq9", items=[1, 1, 1, 1, 1, 1, 1, 1, 1]),
        app.clinical.define_measure("mood", 0, 10, "high", reliable_change=3),
        app.clinical.clinical_record("AB"),
        app.plan("AB"),  # with its measures and the alert (item 9 = 1)
        [app.clinical.progress_note("AB", n) for n in sorted(_held(app, "AB"))],
        fill_design(app.plan("AB").current_system, {"title": "Walk", "format": "written"}),
        app.wrap_up("AB", entries=_whole_session(), dry_run=True),  # and the entries it takes
        _whole_session(),
        app.export_text("AB", "fhir"),
        list(LogFollower(app).read(limit=3)),
        app.access.entries(client="AB"),
        resolve_settings(home, "postgresql://hw:secret@db.example:5433/hw?sslmode=require"),
        resolve_settings(home),
    ]
    # The typed inputs go through to_dict too (a frontend may log or send them).
    results += [
        AssignmentSpec(
            title="Walk", format="behavioral", size="small", framing="x", days=("mon",), time="9:05"
        ),
        OutcomeEntry(outcome="missed", reasons="forgotten;too-complex"),
        ReviewChoice(size="tiny"),
        design_fields(),
        # Shown only when the history since a review points away from it.
        api.Elsewhere(field="size", chosen="tiny", points_to="small"),
    ]
    results.append(backup_store(app, tmp_path / "b.hwbackup", home=home))
    results.append(purge_client(app, "CC", reference="REQ-1"))
    results.append(store_audit(app))
    results.append(
        restore_store(app, tmp_path / "b.hwbackup", home=home, replace=True, bring_back=["CC"])
    )
    return results


def _held(app: HwApplication, client: str) -> set[int]:
    """The sessions held with the client (from its history)."""
    return {e.data["number"] for e in app.history(client) if e.event == "SessionHeld"}


def test_to_dict_turns_every_public_result_type_into_json(home: Path, tmp_path: Path) -> None:
    with open_application(home, today=lambda: TODAY) as app:
        results = _every_result(app, home, tmp_path)

        covered: set[type] = set()
        for result in results:
            data = to_dict(result)
            text = json.dumps(data)  # fails on a date, a Path, an enum or an object left in
            assert json.loads(text) == data
            _types_inside(result, covered)

    missing = {t.__name__ for t in _result_types() - covered}
    assert not missing, f"public result types this test does not reach: {sorted(missing)}"


def test_planned_occasions_and_settings_as_json(home: Path) -> None:
    with open_application(home, today=lambda: TODAY) as app:
        record_history(app, "AB")
        occasions = app.printing.planned_occasions("AB", "latest", at="18:30")
    settings = resolve_settings(
        home, "postgresql://hw:s3cret@db.example:5433/hw?password=other&sslmode=require"
    )

    assert to_dict(occasions) == [o.isoformat() for o in occasions]
    assert all(o.endswith("T18:30:00") for o in to_dict(occasions))
    data = to_dict(Settings(settings.home, settings.database_url, "a-cipher-key"))
    assert data == {
        "home": str(home.absolute()),
        "backend": "postgres",
        "database": "postgresql://db.example:5433/hw",
        "encrypted": True,
        "caseload": "default",
        "clinician": None,  # resolved when the store is opened
    }
    assert to_dict(settings._replace(clinician="dr.k"))["clinician"] == "dr.k"
    assert "s3cret" not in json.dumps(data)
    assert "other" not in json.dumps(data)
    assert to_dict(resolve_settings(home))["database"] is None
