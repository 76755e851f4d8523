"""The access log (spec section 7): who read, printed or exported which client, and when.

On both backends: plan (the quick read too), history, audit, print and export
append an entry naming the clinician; ``hw access-log`` filters them; the log
is append-only, holds no clinical content, forgets a purged client's
identifier, and travels in backups.
"""

# The table's name in SQL text is hw's constant; values are bound parameters.
# ruff: noqa: S608

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hwcore.application import (
    AssignmentSpec,
    HwApplication,
    backup_store,
    purge_client,
    restore_store,
)
from hwcore.bootstrap import Settings, open_application
from hwcore.domain import InvalidValueError, StoreError
from tests.conftest import TODAY
from tests.pgserver import PgServer

CLIENT = "ZQ-4471"
"""An invented client whose identifier must be gone from the log after a purge."""
SECRET = "Violet umbrella by the harbour 3318"
"""Invented clinical text that must never reach the access log."""


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


def record(app: HwApplication, client: str = CLIENT) -> None:
    """An invented client with clinical text."""
    app.register_client(client)
    a = app.assign(
        client,
        AssignmentSpec(title="Evening log", format="written", size="small", framing="experiment"),
        session=1,
        date="2026-01-05",
    ).assignment.assignment_id
    app.miss(client, a, session=2, date="2026-01-12", explanation=SECRET)


def entries(env: dict[str, str], *args: str) -> list[dict[str, Any]]:
    """``hw access-log --json`` (with the given filters), parsed."""
    data: list[dict[str, Any]] = json.loads(ok(hw(env, "access-log", "--json", *args)))
    return data


def test_reads_prints_and_exports_name_the_clinician(
    store_settings: Settings, store_env: dict[str, str], tmp_path: Path
) -> None:
    with open_application(settings=store_settings, today=lambda: TODAY) as app:
        record(app)
        record(app, "ZQ-2")
    as_ahn = {**store_env, "HW_CLINICIAN": "dr.ahn"}
    ok(hw(as_ahn, "plan", CLIENT))
    ok(hw(as_ahn, "plan", CLIENT, "--json"))  # SQLite: the quick read (a current read model)
    ok(hw(as_ahn, "plan", CLIENT, "--as-of", "1"))
    ok(hw(as_ahn, "history", CLIENT))
    ok(hw(as_ahn, "audit", CLIENT))
    ok(hw(as_ahn, "export", CLIENT, "--format", "csv"))
    ok(hw({**store_env, "HW_CLINICIAN": "dr.berg"}, "export"))
    ok(hw(as_ahn, "print", "plan", CLIENT, "--output", str(tmp_path / "p.pdf")))

    got = [(e["clinician"], e["action"], e["client"], e["detail"]) for e in entries(store_env)]
    assert got == [
        ("dr.ahn", "plan", CLIENT, ""),
        ("dr.ahn", "plan", CLIENT, ""),
        ("dr.ahn", "plan", CLIENT, "as-of 1"),
        ("dr.ahn", "history", CLIENT, ""),
        ("dr.ahn", "audit", CLIENT, ""),
        ("dr.ahn", "export", CLIENT, "csv"),
        ("dr.berg", "export", CLIENT, "json"),
        ("dr.berg", "export", "ZQ-2", "json"),
        ("dr.ahn", "plan", CLIENT, ""),  # the planner printed was read
        ("dr.ahn", "print", CLIENT, "plan"),
    ]
    assert all(e["at"].endswith("+00:00") for e in entries(store_env))
    text = ok(hw(store_env, "access-log"))
    assert SECRET not in text
    assert "Evening log" not in text
    assert text.splitlines()[0].split() == ["at", "clinician", "action", "client", "detail"]


def test_a_refused_output_path_logs_no_export_and_no_print(
    store_settings: Settings, store_env: dict[str, str], tmp_path: Path
) -> None:
    """An export or a printout refused for its path disclosed nothing: the log says nothing."""
    with open_application(settings=store_settings, today=lambda: TODAY) as app:
        record(app)
    existing = tmp_path / "existing.json"
    existing.write_text("kept", encoding="utf-8")
    for target in (existing, tmp_path, tmp_path / "missing-folder" / "x.json"):
        for args in (["export", CLIENT], ["print", "plan", CLIENT]):
            refused = hw(store_env, *args, "--output", str(target))
            assert refused.returncode == 1, refused.stderr
            assert len(refused.stderr.splitlines()) == 1, refused.stderr
    assert existing.read_text(encoding="utf-8") == "kept"
    assert entries(store_env) == []
    ok(hw(store_env, "export", CLIENT, "--output", str(tmp_path / "done.json")))
    assert [e["action"] for e in entries(store_env)] == ["export"]


def test_filters_by_client_and_date(store_settings: Settings, store_env: dict[str, str]) -> None:
    with open_application(settings=store_settings, today=lambda: TODAY) as app:
        record(app)
        record(app, "ZQ-2")
        app.history(CLIENT)
        app.history("ZQ-2")
        assert [e.client for e in app.access.entries(client="ZQ-2")] == ["ZQ-2"]
        today = app.access.entries()[0].at[:10]

    assert [e["client"] for e in entries(store_env, "--client", CLIENT)] == [CLIENT]
    assert len(entries(store_env, "--since", today)) == 2
    assert entries(store_env, "--since", "2999-01-01") == []
    assert "no access recorded" in ok(hw(store_env, "access-log", "--client", "ZQ-3"))


@pytest.mark.parametrize("since", ["yesterday", "2026-13-01", "x" * 300])
def test_a_bad_since_is_one_line_exit_1(store_env: dict[str, str], since: str) -> None:
    ok(hw(store_env, "client", "add", "ZQ-5"))
    result = hw(store_env, "access-log", "--since", since)

    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("hw: error: invalid since date")
    assert "x" * 30 not in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def _raw(app: HwApplication, sql: str) -> None:
    recorder: Any = app.recorder
    with recorder.admin_transaction(commit=True) as cursor:
        cursor.execute(sql)


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM hw_access_log",
        "UPDATE hw_access_log SET client = 'XX'",
        "UPDATE hw_access_log SET clinician = 'someone-else'",
        "UPDATE hw_access_log SET client = 'purged-00', action = 'plan'",
    ],
)
def test_the_log_is_append_only(store_settings: Settings, sql: str) -> None:
    with open_application(settings=store_settings, today=lambda: TODAY) as app:
        record(app)
        app.audit(CLIENT)
        with pytest.raises(Exception, match="append-only"):
            _raw(app, sql)
        assert [e.action for e in app.access.entries()] == ["audit"]


def _log_text(app: HwApplication) -> str:
    recorder: Any = app.recorder
    with recorder.admin_transaction(commit=False) as cursor:
        cursor.execute("SELECT * FROM hw_access_log")
        return repr(cursor.fetchall())


def test_a_purge_leaves_no_identifier_in_the_log(
    store_settings: Settings, store_env: dict[str, str]
) -> None:
    with open_application(settings=store_settings, today=lambda: TODAY) as app:
        record(app)
        record(app, "ZQ-2")
        app.plan(CLIENT)
        app.history(CLIENT)
        app.history("ZQ-2")
    ok(hw({**store_env, "HW_CLINICIAN": "dr.erase"}, "client", "purge", CLIENT, "--yes"))

    log = entries(store_env)
    assert CLIENT not in json.dumps(log)
    pseudonyms = {e["client"] for e in log if e["client"] != "ZQ-2"}
    assert len(pseudonyms) == 1
    (pseudonym,) = pseudonyms
    assert pseudonym.startswith("purged-")
    assert pseudonym != "purged-"
    assert [(e["action"], e["clinician"]) for e in log if e["client"] == pseudonym] == [
        ("plan", "dr.test"),
        ("history", "dr.test"),
        ("purge", "dr.erase"),
    ]
    assert [e["action"] for e in entries(store_env, "--client", pseudonym)][-1] == "purge"
    assert [e["client"] for e in log if e["action"] == "history"] == [pseudonym, "ZQ-2"]
    with open_application(settings=store_settings, today=lambda: TODAY) as app:
        assert CLIENT not in _log_text(app)
    if store_settings.database_url is None:
        data = b"".join(
            p.read_bytes() for p in store_settings.home.iterdir() if p.name.startswith("events")
        )
        assert CLIENT.encode() not in data  # secure_delete: not in free pages either


def test_backup_and_restore_keep_the_log(store_settings: Settings, tmp_path: Path) -> None:
    with open_application(settings=store_settings, today=lambda: TODAY) as app:
        record(app)
        record(app, "ZQ-2")
        app.history(CLIENT)
        app.audit("ZQ-2")
        backup_store(app, tmp_path / "before.hwbackup")
        purge_client(app, "ZQ-2")
        backup_store(app, tmp_path / "after.hwbackup")
        assert [e.action for e in app.access.entries()][-3:] == ["backup", "purge", "backup"]

    fresh = Settings(tmp_path / "fresh")
    with open_application(settings=fresh, clinician="dr.restore", today=lambda: TODAY) as app:
        restore_store(app, tmp_path / "after.hwbackup")
        got = [(e.clinician, e.action, e.client) for e in app.access.entries()]
    assert got[0] == ("dr.test", "history", CLIENT)
    assert got[1][:2] == ("dr.test", "audit")
    assert got[1][2].startswith("purged-")
    assert got[-1] == ("dr.restore", "restore", None)

    # A backup from before the purge brings the purged client back only when
    # named (spec 7: the tombstone came with the later backup); then its
    # entries come back with its events.
    with open_application(settings=fresh, clinician="dr.restore", today=lambda: TODAY) as app:
        with pytest.raises(StoreError, match="--bring-back ZQ-2"):
            restore_store(app, tmp_path / "before.hwbackup", replace=True)
        restore_store(app, tmp_path / "before.hwbackup", replace=True, bring_back=["ZQ-2"])
        clients = [e.client for e in app.access.entries()]
    assert clients.count(CLIENT) == 1  # merged, not doubled
    assert clients.count("ZQ-2") == 1  # its events came back with this backup


@pytest.mark.postgres
def test_a_select_insert_role_appends_and_cannot_rewrite(
    pg_server: PgServer, tmp_path: Path
) -> None:
    """SELECT and INSERT on the table are enough to append (no sequence grant needed)."""
    import psycopg

    from hwcore.application.eventstore.accesslog import ACCESS_LOG_TABLE, now

    url = pg_server.create_database()
    with open_application(settings=Settings(tmp_path / "owner", url), today=lambda: TODAY) as app:
        record(app)
        app.history(CLIENT)  # the owner's first entry creates the table
    credentials = url.split("://", 1)[1].split("@", 1)[0]
    reader_url = url.replace(credentials, "hwreader:reader-pw", 1)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE ROLE hwreader LOGIN PASSWORD 'reader-pw'")
        conn.execute("GRANT USAGE ON SCHEMA public TO hwreader")
        conn.execute(f"GRANT SELECT, INSERT ON {ACCESS_LOG_TABLE} TO hwreader")
    try:
        with psycopg.connect(reader_url, autocommit=True) as conn:
            conn.execute(  # the statement hw's append runs
                f"INSERT INTO {ACCESS_LOG_TABLE} (at, clinician, action, client, detail)"
                " VALUES (%s, %s, %s, %s, %s)",
                (now(), "dr.super", "history", CLIENT, ""),
            )
            for statement in (f"DELETE FROM {ACCESS_LOG_TABLE}", f"TRUNCATE {ACCESS_LOG_TABLE}"):
                with pytest.raises(psycopg.Error):
                    conn.execute(statement)
        with (
            psycopg.connect(url, autocommit=True) as conn,  # even the owner: the trigger
            pytest.raises(psycopg.Error, match="append-only"),
        ):
            conn.execute(f"TRUNCATE {ACCESS_LOG_TABLE}")
        with open_application(settings=Settings(tmp_path / "owner", url)) as app:
            got = [(e.clinician, e.action) for e in app.access.entries(client=CLIENT)]
        assert got == [("dr.test", "history"), ("dr.super", "history")]
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP OWNED BY hwreader")
            conn.execute("DROP ROLE hwreader")
        pg_server.drop_database(url)


@pytest.mark.sqlite_only
def test_the_quick_plan_read_appends_its_entry(tmp_path: Path, backend: str) -> None:
    from hwcore.application.reads import READ_MODEL, answer, planner_read

    home = tmp_path / "home"
    with open_application(settings=Settings(home), today=lambda: TODAY) as app:
        record(app)
        app.plan(CLIENT)  # caches the planner for the quick read
    answered = answer(planner_read(CLIENT), home, environ={"HW_CLINICIAN": "dr.quick"})

    assert answered is not None
    assert answered.source == READ_MODEL  # no application was opened
    with open_application(settings=Settings(home)) as app:
        got = [(e.clinician, e.action, e.client) for e in app.access.entries()]
    assert got == [("dr.test", "plan", CLIENT), ("dr.quick", "plan", CLIENT)]


def test_an_embedders_detail_is_a_word_or_two_never_text(tmp_path: Path) -> None:
    """``hw.access.record``'s detail cannot carry a note: refused, never echoed, nothing logged."""
    with open_application(tmp_path / "home", today=lambda: TODAY) as app:
        record(app)
        assert app.access.record("open", CLIENT, "summary tab")
        for detail in (SECRET, "x" * 25, "line\nbreak"):
            with pytest.raises(InvalidValueError, match="access-log detail") as refused:
                app.access.record("open", CLIENT, detail)
            assert SECRET not in str(refused.value)
        got = [(e.action, e.detail) for e in app.access.entries()]
    assert got == [("open", "summary tab")]
