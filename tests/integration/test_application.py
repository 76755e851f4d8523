"""The application on a real SQLite file: write, close, reopen, replay."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from hwcore.application import (
    AlreadyResolvedError,
    AssignmentSpec,
    ClientExistsError,
    ClientNotFoundError,
    HwApplication,
    ImportFileError,
    InvalidValueError,
    ReviewChoice,
    StoreError,
    to_dict,
)
from hwcore.bootstrap import open_application
from tests.conftest import TODAY


def record_history(app: HwApplication, client: str = "AB") -> None:
    """An invented client: 5 sessions, every outcome kind, a review, a change."""
    app.register_client(client)
    a1 = app.assign(
        client,
        AssignmentSpec(
            title="Breathing 3x/day",
            format="behavioral",
            size="small",
            framing="Experiment",
            frequency="daily",
            planned_doses=7,
        ),
        session=1,
        date="2026-01-05",
    ).assignment.assignment_id
    app.partial(client, a1, done=6, session=2, date="2026-01-12", experience="calmer mornings")
    a2 = app.assign(
        client,
        AssignmentSpec(
            title="Thought record", format="written", size="medium", framing="challenge"
        ),
        session=2,
    ).assignment.assignment_id
    app.miss(
        client,
        a2,
        session=3,
        date="2026-01-19",
        explanation="It felt like homework at school",
        reasons="framing-pressure;too-complex",
    )
    a3 = app.assign(
        client,
        AssignmentSpec(title="Walk", format="behavioral", size="small", framing=" experiment"),
        session=3,
    ).assignment.assignment_id
    app.complete(client, a3, session=4, date="2026-01-26")
    a4 = app.assign(
        client,
        AssignmentSpec(
            title="Notice tension", format="observational", size="tiny", framing="curiosity"
        ),
        session=4,
    ).assignment.assignment_id
    app.complete(client, a4, session=5, date="2026-02-02")
    app.note_change(client, "life", "started a new job")
    app.assign(
        client,
        AssignmentSpec(
            title="Call a friend", format="conversational", size="small", framing="experiment"
        ),
    )


def test_write_close_reopen_replay(home: Path) -> None:
    app = open_application(home, today=lambda: TODAY)
    record_history(app)
    before = to_dict(app.plan("AB"))
    history = [h.event for h in app.history("AB")]
    app.close()
    reopened = open_application(home)
    try:
        assert to_dict(reopened.plan("AB")) == before
        assert [h.event for h in reopened.history("AB")] == history
        assert before["ready"] is True
        assert before["system"]["format"] == "behavioral"
        assert before["review"]["triggers"] == ["life_change"]
        assert before["review"]["due"] is True
        assert [row["assignment_id"] for row in before["pending"]] == [5]
    finally:
        reopened.close()


@pytest.mark.sqlite_only
def test_store_files_are_private(tmp_path: Path) -> None:
    home = tmp_path / "new-home"
    app = open_application(home, today=lambda: TODAY)
    try:
        record_history(app)
        app.caseload()  # the read model file exists too
    finally:
        app.close()
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    files = [p for p in home.iterdir() if p.suffix.startswith(".sqlite") or "sqlite" in p.name]
    assert files
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path.name


def test_an_existing_folder_is_not_re_permissioned(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    app = open_application(shared, today=lambda: TODAY)
    try:
        app.register_client("AB")
    finally:
        app.close()
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755
    assert stat.S_IMODE((shared / "events.sqlite").stat().st_mode) & 0o077 == 0


def test_as_of_session_and_date_use_the_log(app: HwApplication) -> None:
    record_history(app)
    past = app.plan("AB", as_of_session=3)
    assert past.as_of_session == 3
    assert past.last_session == 3
    assert not past.ready
    assert [r.assignment_id for r in past.pending] == [3]
    assert [r.assignment_id for r in past.missed] == [2]
    by_date = app.plan("AB", as_of_date="2026-01-20")
    assert to_dict(by_date) == to_dict(past)
    with pytest.raises(InvalidValueError, match="as-of date"):
        app.plan("AB", as_of_date="2025-12-01")
    with pytest.raises(InvalidValueError, match="as-of"):
        app.plan("AB", as_of_date="yesterday")


def test_errors_write_nothing(app: HwApplication) -> None:
    record_history(app)
    before = app.export_data()
    with pytest.raises(ClientNotFoundError):
        app.plan("ZZ")
    with pytest.raises(ClientExistsError):
        app.register_client("AB")
    with pytest.raises(AlreadyResolvedError):
        app.complete("AB", 1)
    with pytest.raises(InvalidValueError, match="format"):
        app.assign("AB", AssignmentSpec(title="x", format="telepathy", size="small", framing="f"))
    with pytest.raises(InvalidValueError, match="date"):
        app.assign(
            "AB",
            AssignmentSpec(title="x", format="written", size="small", framing="f"),
            session=9,
            date="2026-13-01",
        )
    assert app.export_data() == before


def test_assign_reports_fit_with_numbers(app: HwApplication) -> None:
    record_history(app)
    outcome = app.complete("AB", "latest")
    # given at the latest session (5, on an earlier day): reviewed at a new one today
    assert outcome.session == 6
    assert app.plan("AB").last_session_date == TODAY.isoformat()
    app.assign(
        "AB",
        AssignmentSpec(title="Diary", format="written", size="small", framing="challenge"),
        session=6,
    )
    app.miss("AB", "latest", session=7, date="2026-03-09", reasons=["forgotten"])
    result = app.assign(
        "AB",
        AssignmentSpec(
            title="Letter", format="written", size="large", framing="challenge", confidence=6
        ),
    )
    fit = {f.field: f for f in result.fit.fields}
    assert fit["format"].summary == "written: 0 of 2 completed (0%)"
    assert any("rarely" in w for w in result.fit.warnings)
    assert any("confidence 6/10" in w for w in result.fit.warnings)
    assert result.assignment.assignment_id == 7  # recorded anyway


def test_review_accepts_the_recommendation_and_overrides(app: HwApplication) -> None:
    record_history(app)
    result = app.review(
        "AB", ReviewChoice(size="tiny", missed_opening="No judgement here.", notes="reviewed")
    )
    assert result.format == "behavioral"
    assert result.size == "tiny"
    assert result.trigger == "life_change"
    assert result.next_review_session == 13
    plan = app.plan("AB")
    assert plan.review.last_review_session == 5
    assert plan.review.triggers == ()
    assert plan.followup.missed_opening == "No judgement here."


CSV = """client,session,date,assignment,format,size,framing,frequency,outcome,done,planned,explanation,reasons,notes
AB,1,2026-01-05,Breathing,behavioral,small,Experiment,daily,partial,6,7,,,
AB,2,2026-01-12,Thought record,written,medium,challenge,weekly,missed,,,"It felt like a test, honestly",framing-pressure;too-complex,
AB,3,2026-01-19,Walk,behavioral,small,experiment ,weekly,completed,,,,,
AB,4,2026-01-26,Notice,observational,tiny,curiosity,,completed,,,,,
AB,5,2026-02-02,Call,conversational,small,experiment,,pending,,,,,
CD,1,2026-01-06,Journal,written,large,practice,daily,missed,,,Too much,too-complex,
CD,2,2026-01-13,Journal short,written,medium,practice,daily,missed,,,,forgotten,
CD,3,2026-01-20,One line,written,small,practice,daily,missed,,,,,
"""


def test_csv_import_is_idempotent_and_plans_per_spec(app: HwApplication, tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    path.write_text(CSV, encoding="utf-8")
    report = app.import_file(path)
    assert (report.rows, report.clients, report.new_clients) == (8, 2, 2)
    assert report.assignments_added == 8
    assert report.outcomes_added == 7
    first = app.export_data()
    again = app.import_file(path)
    assert again.events_written == 0
    assert again.unchanged_rows == 8
    assert app.export_data() == first

    ab = app.plan("AB")
    assert ab.ready
    assert ab.system.format.value == "behavioral"
    assert ab.system.framing.value == "experiment"
    assert ab.completed[0].dose == "6 of 7"
    assert ab.missed[0].explanation == "It felt like a test, honestly"
    # outcome recorded at the next session: #4 (session 4) resolved at session 5
    assert ab.completed[-1].resolved_session == 5
    cd = app.plan("CD")
    assert not cd.ready
    assert cd.review.triggers == ("three_consecutive_misses",)
    assert cd.review.due
    # the last outcome of CD was recorded at an inferred session 4, a week later
    history = app.history("CD")
    assert any("session 4 held on 2026-01-27 (date inferred)" in h.summary for h in history)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("AB,x,2026-01-05,T,written,small,f,,completed,,,,,", "session"),
        ("AB,1,05/01/2026,T,written,small,f,,completed,,,,,", "date"),
        ("AB,1,2026-01-05,T,poem,small,f,,completed,,,,,", "format"),
        ("AB,1,2026-01-05,T,written,huge,f,,completed,,,,,", "size"),
        ("AB,1,2026-01-05,T,written,small,f,,partial,,,,,", "partial"),
        ("AB,1,2026-01-05,T,written,small,f,,missed,,,,lazy,", "reason"),
        ("AB,1,2026-01-05,T,written,small,f,,done,,,,,", "outcome"),
        ("AB,1,2026-01-05,,written,small,f,,completed,,,,,", "assignment"),
        ("AB,1,2026-01-05,T,written,small,f,,completed,,", "values"),
    ],
)
def test_a_bad_row_imports_nothing(
    app: HwApplication, tmp_path: Path, row: str, message: str
) -> None:
    header = CSV.splitlines()[0]
    good = CSV.splitlines()[1]
    path = tmp_path / "bad.csv"
    path.write_text(f"{header}\n{good}\n{row}\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match=f"row 3.*{message}") as info:
        app.import_file(path)
    assert "\n" not in str(info.value)
    assert app.client_names() == []


def test_import_file_errors(app: HwApplication, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="file not found"):
        app.import_file(tmp_path / "missing.csv")
    bad_header = tmp_path / "h.csv"
    bad_header.write_text("client,session\nAB,1\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="missing column"):
        app.import_file(bad_header)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("client\n\xe9".encode("latin-1"))
    with pytest.raises(ImportFileError, match="UTF-8"):
        app.import_file(latin)


def test_import_conflicting_outcome_is_refused(app: HwApplication, tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text(CSV, encoding="utf-8")
    app.import_file(path)
    changed = CSV.replace(
        "Walk,behavioral,small,experiment ,weekly,completed",
        "Walk,behavioral,small,experiment ,weekly,missed",
    )
    path.write_text(changed, encoding="utf-8")
    before = app.export_data()
    with pytest.raises(ImportFileError, match="already recorded as completed"):
        app.import_file(path)
    assert app.export_data() == before


def test_export_then_import_into_an_empty_home(app: HwApplication, tmp_path: Path) -> None:
    record_history(app)
    app.review("AB")
    app.correct("AB", 2, {"outcome": "partial", "done": 1, "planned": 3}, "misremembered")
    export = tmp_path / "export.json"
    export.write_text(json.dumps(app.export_data()), encoding="utf-8")
    other_home = tmp_path / "other"
    other = open_application(other_home)
    try:
        report = other.import_file(export)
        assert report.new_clients == 1
        assert to_dict(other.plan("AB")) == to_dict(app.plan("AB"))
        assert other.export_data() == app.export_data()
        assert other.import_file(export).events_written == 0
    finally:
        other.close()


def test_data_home_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HW_HOME", str(tmp_path / "envhome"))
    monkeypatch.delenv("HW_DATABASE_URL", raising=False)
    app = open_application()
    try:
        app.register_client("XY")
    finally:
        app.close()
    assert (tmp_path / "envhome" / "events.sqlite").exists()
    assert os.environ["HW_HOME"].endswith("envhome")


def test_snapshots_load_the_same_case_as_a_full_replay(home: Path) -> None:
    app = open_application(home, today=lambda: TODAY)
    rows = ["client,session,date,assignment,format,size,framing,outcome,explanation"]
    for i in range(1, 121):
        outcome = ["completed", "missed", "completed"][i % 3]
        date = (TODAY.fromordinal(TODAY.toordinal() - 1000 + 7 * i)).isoformat()
        rows.append(f"SN,{i},{date},task {i},written,small,practice,{outcome},")
    app.exchange.import_csv_text("\n".join(rows) + "\n")
    app.assign("SN", AssignmentSpec(title="one more", format="visual", size="tiny", framing="play"))
    app.close()
    reopened = open_application(home)
    try:
        from hwcore.domain import case_id_for

        assert reopened.snapshots is not None
        assert list(reopened.snapshots.get(case_id_for("SN")))  # a snapshot was taken
        via_snapshot = to_dict(reopened.plan("SN"))
        full = to_dict(reopened.plan("SN", as_of_session=via_snapshot["last_session"]))
        full["as_of_session"] = None
        assert via_snapshot == full
        assert len(via_snapshot["completed"]) == 80
    finally:
        reopened.close()


def test_a_tampered_export_is_refused_whole(app: HwApplication, tmp_path: Path) -> None:
    record_history(app)
    data = app.export_data()
    events = data["clients"][0]["events"]
    bogus = dict(events[-1])
    bogus["version"] = len(events) + 1
    bogus["topic"] = "hwcore.domain.case:Case.HomeworkCompleted"
    bogus["state"] = {
        "assignment_id": 999,
        "session": 5,
        "partial": False,
        "done": None,
        "planned": None,
        "experience": "",
    }
    events.append(bogus)
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = app.export_data()
    with pytest.raises(ImportFileError, match=r"event \d+: client 'AB' has no assignment #999"):
        app.import_file(path)
    bogus["state"] = {**bogus["state"], "assignment_id": 5, "session": 10**20}
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"event \d+: invalid session 1000"):
        app.import_file(path)
    assert app.export_data() == before
    assert app.plan("AB").client == "AB"


def test_as_of_beyond_the_last_session_is_refused(app: HwApplication) -> None:
    record_history(app)
    with pytest.raises(InvalidValueError, match="from 1 to 5"):
        app.plan("AB", as_of_session=99)


def test_a_far_session_number_needs_its_date(app: HwApplication) -> None:
    record_history(app)
    before = app.export_data()
    with pytest.raises(InvalidValueError, match="give --date"):
        app.note_change("AB", "other", "typo check", session=40)
    assert app.export_data() == before
    app.note_change("AB", "other", "deliberate", session=40, date="2026-09-01")
    assert app.plan("AB").last_session == 40


def test_csv_errors_name_the_spreadsheet_row(app: HwApplication, tmp_path: Path) -> None:
    header = CSV.splitlines()[0]
    path = tmp_path / "multiline.csv"
    path.write_text(
        f"{header}\n"
        'AB,1,2026-01-05,T,written,small,f,,completed,,,,,"a note\nover\nthree lines"\n'
        "AB,2,2026-01-12,U,written,small,f,,sometimes,,,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFileError, match="row 3: invalid outcome"):
        app.import_file(path)


def test_close_is_idempotent_and_never_re_creates_a_deleted_read_model(home: Path) -> None:
    app = open_application(home, today=lambda: TODAY)
    record_history(app)
    readmodel = home / "readmodel.sqlite"
    app.caseload()
    assert readmodel.exists()
    readmodel.unlink()

    app.close()
    app.close()

    assert not readmodel.exists()
    with open_application(home, today=lambda: TODAY) as again:
        assert [e.client for e in again.caseload()] == ["AB"]  # built again when read
    assert readmodel.exists()


def test_an_application_used_after_close_says_so(tmp_path: Path) -> None:
    """An embedder's use after ``close()``: one ``StoreError``, never eventsourcing's own error."""
    with open_application(tmp_path / "home", today=lambda: TODAY) as app:
        app.register_client("C001")
    spec = AssignmentSpec(title="Walk", format="behavioral", size="small", framing="experiment")
    uses = {
        "plan": lambda: app.plan("C001"),
        "clients": app.clients,
        "caseload": app.caseload,
        "history": lambda: app.history("C001"),
        "access log": app.access.entries,
        "export": app.export_data,
        "register": lambda: app.register_client("C002"),
        "session": lambda: app.hold_session("C001", 1),
        "assign": lambda: app.assign("C001", spec, session=1),
    }
    for use, call in uses.items():
        with pytest.raises(StoreError, match=r"^the hw application is closed") as raised:
            call()
        assert raised.value.__cause__ is None, use
