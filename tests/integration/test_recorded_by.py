"""Who recorded each event (spec sections 3 and 7): ``recorded_by`` on both backends.

From ``HW_CLINICIAN``, else ``hw config set clinician.id``, else the
operating-system user; in history, audit, the exports and the TUI's history;
kept by imports; unknown on events stored before hw recorded it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hwcore.application import AssignmentSpec, HwApplication, InvalidValueError
from hwcore.bootstrap import Settings, open_application
from tests.conftest import TODAY

FIXTURE = Path(__file__).parent.parent / "fixtures" / "store_v1"
WALK = AssignmentSpec(title="Walk", format="behavioral", size="small", framing="experiment")


def hw(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """The real ``hw`` in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "hwcli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    """The output of a run that succeeded."""
    assert result.returncode == 0, result.stderr
    return result.stdout


def authors(env: dict[str, str], client: str) -> list[str | None]:
    """``recorded_by`` of each of the client's events, from ``hw history --json``."""
    return [e["recorded_by"] for e in json.loads(ok(hw(env, "history", client, "--json")))]


def test_hw_clinician_then_config_then_the_os_user(store_env: dict[str, str]) -> None:
    me = pwd.getpwuid(os.getuid()).pw_name
    ok(hw({**store_env, "HW_CLINICIAN": "dr.ahn"}, "client", "add", "QA-1"))
    ok(hw(store_env, "config", "set", "clinician.id", "dr.berg"))
    ok(hw(store_env, "session", "QA-1", "1", "--date", "2026-01-05"))
    ok(hw({**store_env, "HW_CLINICIAN": "dr.chu"}, "session", "QA-1", "2", "--date", "2026-01-12"))
    ok(hw(store_env, "config", "unset", "clinician.id"))
    ok(hw(store_env, "session", "QA-1", "3", "--date", "2026-01-19"))

    assert authors(store_env, "QA-1") == ["dr.ahn", "dr.berg", "dr.chu", me]
    history = ok(hw(store_env, "history", "QA-1"))
    assert "dr.berg" in history.splitlines()[3]  # the text table has a 'by' column
    assert history.splitlines()[0].split()[:3] == ["#", "recorded", "by"]


@pytest.mark.parametrize("value", ["dr ahn", "-dash;" + "x" * 70])
def test_a_malformed_clinician_is_one_line_and_writes_nothing(
    store_env: dict[str, str], value: str
) -> None:
    ok(hw(store_env, "client", "add", "QA-2"))
    bad = hw({**store_env, "HW_CLINICIAN": value}, "session", "QA-2", "1", "--date", "2026-01-05")

    assert bad.returncode == 1
    assert bad.stderr.count("\n") == 1
    assert "HW_CLINICIAN" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert len(authors(store_env, "QA-2")) == 1  # only the registration
    refused = hw(store_env, "config", "set", "clinician.id", "--", value)
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1
    assert "clinician.id" in refused.stderr


def test_an_embedder_names_the_clinician(store_settings: Settings) -> None:
    with open_application(settings=store_settings, clinician="dr.embed") as app:
        app.register_client("QA-3")
        assert app.clinician == "dr.embed"
        assert [e.recorded_by for e in app.history("QA-3")] == ["dr.embed"]
    with pytest.raises(InvalidValueError):
        open_application(settings=store_settings, clinician="not valid")
    memory = HwApplication({"PERSISTENCE_MODULE": "eventsourcing.popo"}, clinician="dr.mem")
    memory.register_client("QA-4")
    assert [e.recorded_by for e in memory.history("QA-4")] == ["dr.mem"]


def _reviewed(app: HwApplication, client: str) -> None:
    app.register_client(client)
    app.assign(client, WALK, session=1, date="2026-01-05")
    app.review(client, session=1)


def test_audit_and_history_say_who(store_settings: Settings, store_env: dict[str, str]) -> None:
    with open_application(settings=store_settings, clinician="dr.rev", today=lambda: TODAY) as app:
        _reviewed(app, "QA-5")
        assert [e.recorded_by for e in app.audit("QA-5")] == ["dr.rev"]
        history = app.history("QA-5")
        assert {e.recorded_by for e in history} == {"dr.rev"}
        assert all("recorded_by" not in e.data for e in history)  # shown once, not twice

    data = json.loads(ok(hw(store_env, "audit", "QA-5", "--json")))
    assert data["reviews"][0]["recorded_by"] == "dr.rev"
    assert "recorded by: dr.rev" in ok(hw(store_env, "audit", "QA-5"))


def test_events_stored_before_recorded_by_read_as_unknown(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(FIXTURE / "events.sqlite", home / "events.sqlite")
    with open_application(settings=Settings(home), today=lambda: TODAY) as app:
        client = app.client_names()[0]
        old = app.history(client)
        assert {e.recorded_by for e in old} == {None}
        assert all(e.recorded_by is None for e in app.audit(client))
        exported = json.loads(app.export_text(client).text)
        assert all("recorded_by" not in e["state"] for e in exported["clients"][0]["events"])
        app.hold_session(client, max(e.session or 0 for e in old) + 1)
        assert app.history(client)[-1].recorded_by == "dr.test"
    env = {**os.environ, "HW_HOME": str(home)}
    text = ok(hw(env, "history", client))
    assert "unknown" in text.splitlines()[2]


def test_exports_say_who_and_imports_keep_it(store_settings: Settings, tmp_path: Path) -> None:
    with open_application(settings=store_settings, clinician="dr.src", today=lambda: TODAY) as app:
        _reviewed(app, "QA-6")
        document = json.loads(app.export_text("QA-6").text)
        rows = list(csv.DictReader(io.StringIO(app.export_text("QA-6", "csv").text)))
        fhir = json.loads(app.export_text("QA-6", "fhir").text)

    assert {e["state"]["recorded_by"] for e in document["clients"][0]["events"]} == {"dr.src"}
    assert [r["recorded_by"] for r in rows] == ["dr.src"]
    tasks = [e["resource"] for e in fhir["entry"] if e["resource"]["resourceType"] == "Task"]
    assert tasks[0]["requester"] == {
        "identifier": {"system": "urn:hw:clinician", "value": "dr.src"}
    }

    # One event the file has without recorded_by: it stays unknown, never the importer's.
    del document["clients"][0]["events"][1]["state"]["recorded_by"]
    source = tmp_path / "export.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    other = Settings(tmp_path / "other")
    with open_application(settings=other, clinician="dr.dst", today=lambda: TODAY) as app:
        app.import_file(source)
        app.import_file(source)  # again: the same history, nothing new
        got = [e.recorded_by for e in app.history("QA-6")]
        assert got == ["dr.src", None, *["dr.src"] * (len(got) - 2)]
        again = json.loads(app.export_text("QA-6").text)
        assert again["clients"][0]["events"] == document["clients"][0]["events"]

    csv_source = tmp_path / "history.csv"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerow({**rows[0], "client": "QA-7"})
    writer.writerow({**rows[0], "client": "QA-8", "recorded_by": ""})
    csv_source.write_text(buffer.getvalue(), encoding="utf-8")
    with open_application(settings=other, clinician="dr.dst", today=lambda: TODAY) as app:
        app.import_file(csv_source)
        by = {e.event: e.recorded_by for e in app.history("QA-7")}
        assert by["HomeworkAssigned"] == "dr.src"  # the file's
        assert by["Registered"] == "dr.dst"  # recorded now, by whoever imports
        assert {e.recorded_by for e in app.history("QA-8")} == {"dr.dst"}


@pytest.mark.sqlite_only
def test_an_import_refuses_a_malformed_recorded_by(tmp_path: Path, backend: str) -> None:
    with open_application(settings=Settings(tmp_path / "a"), today=lambda: TODAY) as app:
        app.register_client("QA-9")
        document = json.loads(app.export_text("QA-9").text)
    document["clients"][0]["events"][0]["state"]["recorded_by"] = "two words"
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    env = {**os.environ, "HW_HOME": str(tmp_path / "b")}
    result = hw(env, "import", str(source))

    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "recorded_by" in result.stderr
    assert "Traceback" not in result.stderr
