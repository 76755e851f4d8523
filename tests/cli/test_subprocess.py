"""``hw`` as a real process: HW_HOME, exit codes, stdout JSON, stderr lines, files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hwcore.bootstrap import open_application
from tests.cli.conftest import hw_subprocess

pytestmark = pytest.mark.slow


def _json(proc: subprocess.CompletedProcess[str]) -> object:
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_import_plan_export_reimport_in_subprocesses(history_csv: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    imported = hw_subprocess(home, "import", str(history_csv))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.count("\n") == 1  # a one-line report
    assert "3 clients" in imported.stdout

    plan = _json(hw_subprocess(home, "plan", "A1", "--json"))
    assert isinstance(plan, dict)
    assert plan["system"]["format"] == "behavioral"
    assert plan["review"]["due"] is True

    dump = tmp_path / "dump.json"
    exported = hw_subprocess(home, "export", "-o", str(dump))
    assert exported.returncode == 0, exported.stderr
    assert dump.stat().st_mode & 0o777 == 0o600
    assert (home / "events.sqlite").stat().st_mode & 0o777 == 0o600

    other = tmp_path / "other"
    assert hw_subprocess(other, "import", str(dump)).returncode == 0
    assert _json(hw_subprocess(other, "plan", "A1", "--json")) == plan


def test_bad_input_in_a_subprocess(imported: Path) -> None:
    for args, code in (
        (["plan", "NOBODY"], 1),
        (
            [
                "assign",
                "A1",
                "--title",
                "t",
                "--format",
                "poem",
                "--size",
                "small",
                "--framing",
                "x",
            ],
            1,
        ),
        (["partial", "A1", "6"], 2),
        (["import", "no-such-file.csv"], 1),
    ):
        proc = hw_subprocess(imported, *args)
        assert proc.returncode == code, (args, proc.stderr)
        assert proc.stdout == ""
        assert len(proc.stderr.splitlines()) == 1, proc.stderr
        assert proc.stderr.startswith("hw: error: ")
        assert "Traceback" not in proc.stderr


def test_assign_warns_before_recording_in_a_subprocess(imported: Path) -> None:
    proc = hw_subprocess(
        imported,
        "assign",
        "A1",
        "--title",
        "Weekly letter",
        "--format",
        "written",
        "--size",
        "large",
        "--framing",
        "challenge",
        "--session",
        "6",
    )
    assert proc.returncode == 0, proc.stderr
    assert "hw: warning: format written: 0 of 2 completed, 1 partly (14%)" in proc.stderr
    assert "assigned #7" in proc.stdout


def test_demo_seeds_once_and_shows_a_planner(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    command = [sys.executable, "-m", "hwcli.demo", "--home", str(home)]
    first = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "Between-Session System Planner" in first.stdout
    assert "Try next" in first.stdout
    second = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    assert second.returncode == 0, second.stderr
    assert "nothing added" in second.stdout

    with open_application(home) as app:
        names = app.client_names()
        assert len(names) >= 5
        outcomes: set[str] = set()
        for name in names:
            assert app.client(name).sessions >= 10
            items = app.assignments(name)
            outcomes |= {a.outcome for a in items}
            assert len(items) == len({a.assignment_id for a in items})
        partials = [a for n in names for a in app.assignments(n) if a.outcome == "partial"]
        assert any(a.done is not None for a in partials)
        misses = [a for n in names for a in app.assignments(n) if a.outcome == "missed"]
        assert any(a.explanation and a.reasons for a in misses)
        assert outcomes == {"completed", "partial", "missed", "pending"}
        events = {name: [e.event for e in app.history(name)] for name in names}
        assert any("FramingChanged" in ev for ev in events.values())
        assert any("ChangeNoted" in ev for ev in events.values())
        assert max(ev.count("SystemReviewed") for ev in events.values()) >= 3
        triggers = {name: app.plan(name).review.triggers for name in names}
        assert any("three_consecutive_misses" in t for t in triggers.values())


def test_plan_and_caseload_import_only_what_they_use(imported: Path) -> None:
    # Start-up time: printing, backup/restore/purge, the CSV reader and the
    # heavy libraries are imported by the commands that use them, never by
    # `hw plan` or `hw caseload`.
    code = (
        "import contextlib, io, sys\n"
        "from hwcli.main import main\n"
        "sys.argv = ['hw', *sys.argv[1:]]\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        main()\n"
        "    except SystemExit as e:\n"
        "        assert not e.code, e.code\n"
        "print(sorted(sys.modules))\n"
    )
    never = {
        "markdown_pdf",
        "pymupdf",
        "fitz",
        "icalendar",
        "sqlite_utils",
        "psycopg",
        "csv",
        "tempfile",
        "logging",
        "hwcore.printing.planner_pdf",
        "hwcore.printing.handout_pdf",
        "hwcore.printing.ics",
        "hwcore.printing.render",
        "hwcore.application.eventstore.admin",
        "hwcore.application.eventstore.backup",
        "hwcore.application.exchange.csvfile",
        "hwcore.application.exchange.csvimport",
        "hwcore.application.exchange.jsonfile",
    }
    # The quick path: once the read model is current and A1's planner is
    # cached (the first `hw plan A1` caches it), neither command loads the
    # domain, the planner or eventsourcing at all.
    heavy = {"hwcore.domain", "hwcore.planner", "hwcore.application.app", "eventsourcing"}
    rounds = (["plan", "A1"], ["caseload"], ["plan", "A1"], ["caseload", "--json"])
    for round_, args in enumerate(rounds):
        result = subprocess.run(
            [sys.executable, "-c", code, "--home", str(imported), *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        loaded = set(json.loads(result.stdout.replace("'", '"')))
        assert "hwcli.main" in loaded
        assert never & loaded == set(), args
        if round_ > 0:
            assert heavy & loaded == set(), args
