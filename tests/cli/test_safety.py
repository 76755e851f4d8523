"""Issue 14, the careless and the hostile user: dates, identifiers, corrections,
vocabulary errors, terminals, homes, commits that stand (items 9, 14, 15, 17-20).

Real CLI runs (in-process with CliRunner, or a real subprocess where the
process itself matters) on a real SQLite home.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import hw_subprocess, invoke, ok


def _refused(result: Any, code: int = 1, *words: str) -> str:
    exit_code = getattr(result, "exit_code", getattr(result, "returncode", None))
    stderr = str(result.stderr)
    assert exit_code == code, (exit_code, stderr)
    assert len(stderr.splitlines()) == 1, stderr
    assert stderr.startswith("hw: error: "), stderr
    assert "Traceback" not in stderr
    assert "unexpected internal error" not in stderr, stderr
    for word in words:
        assert word in stderr, stderr
    return stderr


@pytest.mark.slow
def test_tui_without_a_terminal_says_it_needs_one(imported: Path) -> None:
    env_home = str(imported)
    proc = subprocess.run(
        [sys.executable, "-m", "hwcli.main", "--home", env_home, "tui"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    _refused(proc, 2, "needs a terminal")
    assert proc.stdout == ""


# ---------------------------------------------------------------- item 17


def test_mixed_script_identifiers_are_refused_with_one_line(home: Path, tmp_path: Path) -> None:
    latin_cyrillic = "A\u0412"  # Latin A, Cyrillic VE: looks like "AB"
    _refused(invoke(home, "client", "add", latin_cyrillic), 1, "one script", "Cyrillic", "Latin")
    csv = tmp_path / "h.csv"
    csv.write_text(
        "client,session,date,assignment,format,size,framing,outcome\n"
        "AB,1,2026-01-05,Walk,behavioral,small,experiment,completed\n"
        f"{latin_cyrillic},1,2026-01-05,Walk,behavioral,small,experiment,completed\n",
        encoding="utf-8",
    )
    _refused(invoke(home, "import", str(csv)), 1, "one script")
    assert ok(invoke(home, "clients", "--json")).stdout.strip() in ("[]", "")
    # One script is fine, whatever it is; digits and '-' belong to every script.
    for name in ("AB", "\u0410\u0411-7", "\u03b1\u03b2", "Zoë", "山田たろう"):
        ok(invoke(home, "client", "add", name))


def test_identifiers_are_nfc_and_stored_nfd_ones_keep_working(home: Path) -> None:
    composed, decomposed = "Zo\u00eb", "Zoe\u0308"
    ok(invoke(home, "client", "add", decomposed))
    _refused(invoke(home, "client", "add", composed), 1, "already registered")
    ok(invoke(home, "assign", composed, "--session", "1", "--date", "2026-03-02",
              "--title", "Walk", "--format", "behavioral", "--size", "small",
              "--framing", "x"))  # fmt: skip
    assert "Walk" in ok(invoke(home, "history", decomposed)).stdout
    names = ok(invoke(home, "clients")).stdout
    assert composed in names
    assert decomposed not in names

    # A client stored under its NFD spelling by an older hw keeps working.
    import uuid

    from hwcore.bootstrap import open_application
    from hwcore.domain.case import Case
    from hwcore.domain.guards import CASE_NAMESPACE

    legacy = "Ame\u0301lie"
    with open_application(home) as app:
        case = Case._create(Case.Registered, id=uuid.uuid5(CASE_NAMESPACE, legacy), client=legacy)
        app.save(case)
    for spelling in (legacy, "Am\u00e9lie"):
        ok(invoke(home, "assign", spelling, "--session", "1", "--date", "2026-03-02",
                  "--title", f"Walk {len(spelling)}", "--format", "behavioral",
                  "--size", "small", "--framing", "x"))  # fmt: skip
    history = ok(invoke(home, "history", "Am\u00e9lie")).stdout
    assert "Walk 6" in history
    assert "Walk 7" in history
    # ... and is purged as any other (the right to erasure).
    ok(invoke(home, "client", "purge", "Am\u00e9lie", "--yes"))
    _refused(invoke(home, "history", legacy), 1, "unknown client")


# ---------------------------------------------------------------- item 14


def test_dates_more_than_a_year_ahead_and_far_sessions_without_a_date_are_refused(
    home: Path, tmp_path: Path
) -> None:
    import datetime as dt

    ok(invoke(home, "client", "add", "P"))
    ok(invoke(home, "session", "P", "1", "--date", "2026-01-05"))
    before = ok(invoke(home, "export")).stdout
    far = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    for args in (
        ["session", "P", "40"],  # as `assign --session 40` is: the user guide's promise
        ["session", "P", "2", "--date", "9999-12-31"],
        ["session", "P", "2", "--date", far],
        ["assign", "P", "--session", "2", "--date", "9999-12-31", "--title", "t",
         "--format", "written", "--size", "small", "--framing", "x"],
        ["missed", "P", "latest", "--date", "9999-12-31"],
    ):  # fmt: skip
        message = _refused(invoke(home, *args))
        assert "session 40" in message or "a year from today" in message or "none" in message
    csv = tmp_path / "future.csv"
    csv.write_text(
        "client,session,date,assignment,format,size,framing,outcome\n"
        "P,2,9999-12-31,Walk,behavioral,small,experiment,pending\n",
        encoding="utf-8",
    )
    _refused(invoke(home, "import", str(csv)), 1, "row 2", "a year from today")
    assert ok(invoke(home, "export")).stdout == before
    # A date within the year, and session 40 with its date, are fine.
    soon = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    ok(invoke(home, "session", "P", "40", "--date", soon))


def test_a_stored_date_near_9999_never_crashes(tmp_path: Path) -> None:
    import datetime as dt

    from hwcore.application import AssignmentSpec
    from hwcore.bootstrap import open_application

    home = tmp_path / "old"
    # Recorded by an hw that let the typo through (its clock says 9999).
    with open_application(home, today=lambda: dt.date(9999, 12, 30)) as app:
        app.register_client("P")
        design = AssignmentSpec(title="Walk", format="written", size="small", framing="x",
                                frequency="daily", planned_doses=7)  # fmt: skip
        app.assign("P", design, session=1, date="9999-12-31")
    for args in (
        ["plan", "P"], ["plan", "P", "--json"], ["plan", "P", "--as-of", "9999-12-31"],
        ["caseload"], ["caseload", "--due"], ["history", "P"], ["audit", "P"],
        ["print", "plan", "P", "-o", str(tmp_path / "p.pdf")],
        ["print", "handout", "P", "1", "-o", str(tmp_path / "h.pdf")],
    ):  # fmt: skip
        proc = hw_subprocess(home, *args)
        assert proc.returncode == 0, (args, proc.stderr)
    proc = hw_subprocess(
        home, "print", "handout", "P", "1", "-o", str(tmp_path / "h2.pdf"),
        "--ics", str(tmp_path / "h.ics"),
    )  # fmt: skip
    _refused(proc, 1, "no calendar", "9999-12-31")
    assert not (tmp_path / "h2.pdf").exists()


# ---------------------------------------------------------------- item 15


def test_correct_refuses_outcome_fields_that_do_not_fit_the_outcome(imported: Path) -> None:
    # A1: #2 missed, #4 partial 2 of 7, #6 pending (tests/cli/conftest.py).
    before = ok(invoke(imported, "export")).stdout
    for assignment, field in (
        ("2", "done=3"),
        ("2", "planned=7"),
        ("6", "done=900"),
        ("6", "explanation=It rained"),
        ("4", "reasons=forgotten"),
        ("1", "done=1"),
    ):
        message = _refused(
            invoke(imported, "correct", "A1", assignment, "--set", field, "--reason", "typo"),
            1,
            f"on #{assignment}",
        )
        assert "It rained" not in message
    assert ok(invoke(imported, "export")).stdout == before
    # What fits goes through, a change of outcome with its fields included.
    for assignment, sets in (
        ("4", ["done=3"]),
        ("2", ["outcome=partial", "done=1", "planned=7"]),
        # An outcome belongs to a later session than the homework's (session 7 here).
        ("6", ["outcome=missed", "reasons=forgotten", "--session=7", "--date=2026-02-16"]),
    ):
        args = [a for s in sets for a in ((s,) if s.startswith("--") else ("--set", s))]
        ok(invoke(imported, "correct", "A1", assignment, *args, "--reason", "typo"))


def test_next_review_zero_is_refused_not_the_default(imported: Path) -> None:
    message = _refused(invoke(imported, "review", "A1", "--next-review", "0"), 1, "next review")
    assert "'0'" in message or " 0" in message
    result = ok(invoke(imported, "review", "A1", "--next-review", "9", "--json"))
    assert '"next_review_session": 9' in result.stdout


# ---------------------------------------------------------------- item 9

SECRET = "My husband shouted at me again"


def test_vocabulary_errors_never_echo_free_text(imported: Path, tmp_path: Path) -> None:
    for args, field in (
        (["missed", "A1", "latest", "--reason", SECRET], "reason"),
        (["assign", "A1", "--title", "t", "--format", SECRET, "--size", "small",
          "--framing", "x"], "format"),
        (["change", "A1", "--kind", SECRET, "--note", "n"], "kind"),
        (["correct", "A1", "6", "--set", f"{SECRET}=1", "--reason", "r"], "field"),
        (["session", "A1", "9", "--date", SECRET], "date"),
    ):  # fmt: skip
        message = _refused(invoke(imported, *args), 1, f"invalid {field}", "not shown", "allowed")
        assert "husband" not in message
    # Text typed where a --set FIELD=VALUE or a client identifier goes.
    message = _refused(
        invoke(imported, "correct", "A1", "6", "--set", f"experience:{SECRET}", "--reason", "r"),
        2,
        "FIELD=VALUE",
        "not shown",
    )
    assert "husband" not in message
    for args in (["plan", SECRET], ["client", "add", SECRET * 3]):
        message = _refused(invoke(imported, *args), 1, "invalid client", "characters>", "allowed")
        assert "husband" not in message
    csv = tmp_path / "h.csv"
    header = "client,session,date,assignment,format,size,framing,outcome,reasons,done,planned"
    for row, column in (
        (f"Q1,1,2026-01-05,Walk,behavioral,small,x,missed,{SECRET},,", "reason"),
        (f"Q1,1,2026-01-05,Walk,behavioral,small,x,{SECRET},,,", "outcome"),
        (f"Q1,{SECRET},2026-01-05,Walk,behavioral,small,x,missed,,,", "session"),
        (f"Q1,1,{SECRET},Walk,behavioral,small,x,missed,,,", "date"),
        (f"Q1,1,2026-01-05,Walk,behavioral,small,x,partial,,{SECRET},7", "done"),
    ):
        csv.write_text(f"{header}\n{row}\n", encoding="utf-8")
        message = _refused(invoke(imported, "import", str(csv)), 1, "row 2", column)
        assert "husband" not in message
    # A short word-like typo is still named, so it can be fixed.
    message = _refused(invoke(imported, "missed", "A1", "latest", "--reason", "forgoten"))
    assert "'forgoten'" in message
    assert "forgotten" in message


def test_measures_consents_and_alerts_pass_the_same_guards(imported: Path) -> None:
    """The commands of outcome measures (hw measure, consent, alert) are guarded as the others."""
    consent = ["--boundaries", "not for crisis support", "--privacy-risk", "texts on a phone"]
    for args, field in (
        (["measure", "add", "A1", SECRET, "--score", "3"], "measure"),
        (["measure", "define", "mood", "--min", "0", "--max", "10", "--better", SECRET],
         "better"),
        (["measure", "define", SECRET, "--min", "0", "--max", "10", "--better", "high"],
         "measure name"),
        (["consent", "A1", "--channel", SECRET, *consent], "channel"),
        (["consent", "A1", "--channel", "sms", "--days", SECRET, *consent], "day"),
    ):  # fmt: skip
        message = _refused(invoke(imported, *args), 1, f"invalid {field}", "not shown")
        assert "husband" not in message
    items = ["--items", "0,0,0,0,0,0,0,0,0"]
    before = ok(invoke(imported, "export")).stdout
    for command in (
        ["measure", "add", "A1", "phq9", *items],
        ["consent", "A1", "--channel", "sms", *consent],
        ["alert", "ack", "A1", "6", "--note", "safety plan reviewed"],
    ):
        _refused(invoke(imported, *command, "--date", "9999-12-31"), 1, "a year from today")
    assert ok(invoke(imported, "export")).stdout == before


# ---------------------------------------------------------------- item 18


def _events(home: Path) -> int:
    import sqlite3

    with sqlite3.connect(home / "events.sqlite") as db:
        count: int = db.execute("SELECT count(*) FROM stored_events").fetchone()[0]
    return count


@pytest.mark.slow
def test_a_committed_write_stands_when_stdout_fails(imported: Path) -> None:
    import os

    cmd = [sys.executable, "-m", "hwcli.main", "--home", str(imported)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("HW_")}
    before = _events(imported)
    # A full disk (/dev/full: every write fails with ENOSPC)...
    with open("/dev/full", "w", encoding="utf-8") as full:
        proc = subprocess.run(
            [*cmd, "change", "A1", "--kind", "life", "--note", "moved"],
            stdout=full, stderr=subprocess.PIPE, text=True, env=env, timeout=60, check=False,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "recorded and stands" in proc.stderr
    assert "No space left" in proc.stderr
    assert _events(imported) == before + 1
    # ...and a reader that went away (EPIPE).
    read_end, write_end = os.pipe()
    os.close(read_end)
    proc = subprocess.run(
        [*cmd, "change", "A1", "--kind", "other", "--note", "x"],
        stdout=write_end, stderr=subprocess.PIPE, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    os.close(write_end)
    assert proc.returncode == 0, proc.stderr
    assert "recorded and stands" in proc.stderr
    assert _events(imported) == before + 2
    # A read command on a full disk says so (exit 1), with no traceback.
    with open("/dev/full", "w", encoding="utf-8") as full:
        proc = subprocess.run(
            [*cmd, "history", "A1"],
            stdout=full, stderr=subprocess.PIPE, text=True, env=env, timeout=60, check=False,
        )  # fmt: skip
    _refused(proc, 1, "cannot write the output", "No space left")


@pytest.mark.slow
def test_sigint_after_the_commit_exits_0_and_says_the_write_stands(imported: Path) -> None:
    import fcntl
    import os
    import signal
    import time

    read_end, write_end = os.pipe()
    flags = fcntl.fcntl(write_end, fcntl.F_GETFL)
    fcntl.fcntl(write_end, fcntl.F_SETFL, flags | os.O_NONBLOCK)
    filled = 0
    try:  # fill the pipe: the command's output will block
        while True:
            filled += os.write(write_end, b"x" * 4096)
    except BlockingIOError:
        pass
    assert filled > 0
    fcntl.fcntl(write_end, fcntl.F_SETFL, flags)
    before = _events(imported)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HW_")}
    child = subprocess.Popen(
        [sys.executable, "-m", "hwcli.main", "--home", str(imported),
         "change", "A1", "--kind", "life", "--note", "new job"],
        stdout=write_end, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    os.close(write_end)
    try:
        deadline = time.monotonic() + 60
        while _events(imported) == before:
            assert time.monotonic() < deadline, "the command never committed"
            assert child.poll() is None
            time.sleep(0.05)
        time.sleep(0.3)  # now blocked writing its output
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=60)
    finally:
        os.close(read_end)
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, stderr
    assert "interrupted, but the change was recorded and stands" in stderr
    assert "Traceback" not in stderr
    assert _events(imported) == before + 1


# ---------------------------------------------------------------- item 19


def test_a_read_on_a_home_that_does_not_exist_creates_nothing(tmp_path: Path) -> None:
    home = tmp_path / "typo-home"
    for args in (
        ["plan", "AB"], ["plan", "AB", "--json"], ["clients"], ["caseload"], ["caseload", "--due"],
        ["history", "AB"], ["audit", "AB"], ["export"], ["client", "show", "AB"],
        ["config", "list"], ["admin-log"], ["measure", "list"], ["measure", "list", "AB"],
        ["alert", "list", "AB"],
    ):  # fmt: skip
        _refused(invoke(home, *args), 1, "no hw home", str(home))
        assert not home.exists(), args
    ok(invoke(home, "client", "add", "AB"))  # a write creates the home, owner-only
    assert home.stat().st_mode & 0o777 == 0o700
    assert "AB" in ok(invoke(home, "clients")).stdout


# ---------------------------------------------------------------- item 20


def test_ordinary_mistakes_get_their_reason_not_an_internal_error(
    imported: Path, tmp_path: Path
) -> None:
    import os

    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o500)
    else:  # root writes anywhere it may: /sys refuses even root
        folder = Path("/sys")
    _refused(invoke(imported, "backup", str(folder / "hw.backup")), 1, "cannot write backup file")
    assert not (folder / "hw.backup").exists()

    exported = ok(invoke(imported, "export", "A1")).stdout
    cases = {
        "deep.json": ("[" * 100_000, "nested too deeply"),
        "broken.json": ('{"format": "hw-export", "version": 1, "clients": [', "not valid JSON"),
        "digits.json": ('{"format": "hw-export", "version": ' + "9" * 5000 + "}", "too long"),
        "version.json": (exported.replace('"version": 2,', '"version": "2",', 1), "not the number"),
        "semicolons.csv": (
            "client;session;date;assignment;format;size;framing;outcome\n"
            "Q1;1;2026-01-05;Walk;behavioral;small;x;completed\n",
            "separated by semicolons",
        ),
        "quote.csv": (
            "client,session,date,assignment,format,size,framing,outcome\n"
            'Q1,1,2026-01-05,"Walk,behavioral,small,x,completed\n'
            "Q1,2,2026-01-12,Talk,behavioral,small,x,completed\n",
            "never closed",
        ),
    }
    before = ok(invoke(imported, "export")).stdout
    for name, (text, reason) in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        message = _refused(invoke(imported, "import", str(path)), 1, reason)
        assert "this hw reads versions" not in message or name != "version.json"
        assert "comma inside a value" not in message
        assert "missing column" not in message
    assert ok(invoke(imported, "export")).stdout == before


def _read_only_runs(home: Path, commands: list[list[str]]) -> list[tuple[int, str, str]]:
    """Run hw commands with ``home`` mounted read-only (a user and mount namespace)."""
    import shlex

    d = shlex.quote(str(home))
    return _namespace_runs(f"mount --bind {d} {d} && mount -o remount,bind,ro {d}", home, commands)


def _namespace_runs(
    setup: str, home: Path, commands: list[list[str]]
) -> list[tuple[int, str, str]]:
    """Run hw commands on ``home`` after a shell ``setup`` in a user and mount namespace."""
    import json
    import shlex
    import shutil

    if shutil.which("unshare") is None:
        pytest.skip("unshare is not available")
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("user namespaces are not available here")
    runner = (
        "import json, subprocess, sys\n"
        "out = []\n"
        "for args in json.loads(sys.argv[1]):\n"
        "    p = subprocess.run([sys.executable, '-m', 'hwcli.main', *args],"
        " capture_output=True, text=True)\n"
        "    out.append((p.returncode, p.stdout, p.stderr))\n"
        "print(json.dumps(out))\n"
    )
    script = (
        f"{setup} && "
        f"{shlex.quote(sys.executable)} -c {shlex.quote(runner)} {shlex.quote(json.dumps(commands))}"
    )
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("HW_")}
    env["HW_HOME"] = str(home)
    proc = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return [tuple(r) for r in json.loads(proc.stdout)]


@pytest.mark.slow
def test_a_read_only_home_can_be_read_and_audited(imported: Path) -> None:
    expected = ok(invoke(imported, "plan", "A1", "--json")).stdout
    ok(invoke(imported, "history", "A1"))
    before = sorted((p.name, p.stat().st_size) for p in imported.iterdir())
    runs = _read_only_runs(
        imported,
        [
            ["plan", "A1", "--json"], ["history", "A1"], ["audit", "A1"], ["clients"],
            ["caseload"], ["client", "show", "A1"], ["export", "A1"], ["config", "list"],
            ["client", "add", "ZZ"],
        ],
    )  # fmt: skip
    for index, (code, _, stderr) in enumerate(runs[:-1]):
        assert code == 0, (index, stderr)
        assert stderr == ""
    assert runs[0][1] == expected
    assert "SessionHeld" in runs[1][1] or "session" in runs[1][1]
    code, _, stderr = runs[-1]  # a write is refused with one line
    assert code == 1
    assert len(stderr.splitlines()) == 1, stderr
    assert "writable" in stderr or "read-only" in stderr
    assert sorted((p.name, p.stat().st_size) for p in imported.iterdir()) == before


def test_a_json_import_may_not_bring_a_mixed_script_client(imported: Path, tmp_path: Path) -> None:
    exported = ok(invoke(imported, "export", "B2")).stdout
    edited = tmp_path / "edited.json"
    edited.write_text(exported.replace('"client": "B2"', '"client": "B\\u0412"'), "utf-8")
    assert "\\u0412" in edited.read_text(encoding="utf-8")
    other = tmp_path / "other"
    ok(invoke(other, "client", "add", "ZZ"))
    _refused(invoke(other, "import", str(edited)), 1, "one script")
    assert ok(invoke(other, "clients", "--json")).stdout.count('"client"') == 1


@pytest.mark.slow
def test_a_full_disk_is_named_for_reads_and_writes(imported: Path, tmp_path: Path) -> None:
    import shlex

    mount = tmp_path / "small-disk"
    mount.mkdir()
    home = mount / "home"
    m, h, src = (shlex.quote(str(p)) for p in (mount, home, imported))
    setup = (
        f"mount -t tmpfs -o size=800k tmpfs {m} && cp -r {src} {h} && rm -f {h}/readmodel.sqlite"
        f" && (dd if=/dev/zero of={m}/fill bs=1k 2>/dev/null; true)"
    )
    runs = _namespace_runs(
        setup, home, [["clients"], ["plan", "A1"], ["history", "A1"], ["client", "add", "ZZ"]]
    )
    for code, _, stderr in runs:
        assert code == 1, stderr
        assert len(stderr.splitlines()) == 1, stderr
        assert "disk is full" in stderr or "disk full" in stderr, stderr
        assert "OperationalError" not in stderr
