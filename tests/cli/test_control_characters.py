"""The user trial's repro lines: control characters in recorded text, through the real CLI.

``hw assign --framing $'cur\\e[31miosity'``, ``hw framing C $'\\e[2J'``, a title
of only ``$'\\x07\\x1b'`` and a correction holding escape sequences or 5,000
characters were all accepted. Each is now one error line naming the field and
what is allowed (never the free text), exit code 1, nothing written. Text
stored before (an older store) is shown the same way by every text view, on a
pipe as on a terminal: ``cur\\x1b[31miosity``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import export_text, hw_subprocess, invoke, ok
from tests.oldstore import text_guard_lifted

DESIGN = ("--format", "behavioral", "--size", "small")


@pytest.fixture
def mara(home: Path) -> Path:
    ok(invoke(home, "client", "add", "MARA7"))
    ok(invoke(home, "session", "MARA7", "1", "--date", "2026-01-05"))
    ok(invoke(home, "assign", "MARA7", "--title", "A", *DESIGN, "--framing", "curiosity"))
    ok(invoke(home, "session", "MARA7", "2", "--date", "2026-01-12"))
    ok(invoke(home, "missed", "MARA7", "1", "--explanation", "it rained"))
    return home


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (
            ("assign", "MARA7", "--title", "A", *DESIGN, "--framing", "cur\x1b[31miosity"),
            "invalid framing '<control character U+001B at character 4>': allowed one line",
        ),
        (
            ("assign", "MARA7", "--title", "A", *DESIGN, "--framing", "\x1b[31m"),
            "invalid framing '<control character U+001B at character 1>'",
        ),
        (("framing", "MARA7", "\x1b[2J"), "invalid framing '<control character U+001B"),
        (
            ("assign", "MARA7", "--title", "\x07\x1b", *DESIGN, "--framing", "x"),
            "invalid title '<control character U+0007 at character 1>'",
        ),
        (
            ("assign", "MARA7", "--title", "A", *DESIGN, "--framing", "x", "--rationale",
             "see \u202etxt"),
            "invalid rationale '<control character U+202E at character 5>': allowed text",
        ),
        (
            ("correct", "MARA7", "1", "--set", "explanation=I \x1b[31mhate\x1b[0m it",
             "--reason", "r"),
            "invalid explanation '<control character U+001B at character 3>'",
        ),
        (
            ("correct", "MARA7", "1", "--set", "title=\x1b[2JA", "--reason", "r"),
            "invalid title '<control character U+001B",
        ),
        (
            ("correct", "MARA7", "1", "--set", "framing=a\tb", "--reason", "r"),
            "invalid framing '<control character U+0009",
        ),
        (
            ("correct", "MARA7", "1", "--set", "explanation=" + "x" * 5000, "--reason", "r"),
            "invalid explanation '<5000 characters>': allowed at most 4000",
        ),
        (
            ("change", "MARA7", "--kind", "life", "--note", "moved\r\nhouse"),
            "invalid note '<control character U+000D at character 6>'",
        ),
    ],
)  # fmt: skip
def test_control_characters_and_long_corrections_are_one_error_line(
    mara: Path, args: tuple[str, ...], needle: str
) -> None:
    before = export_text(mara)
    proc = hw_subprocess(mara, *args)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert proc.stdout == ""  # nothing recorded, nothing echoed
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("hw: error: ")
    assert needle in lines[0]
    assert "hate" not in lines[0]
    assert "xxxxx" not in lines[0]
    assert "Traceback" not in proc.stderr
    assert export_text(mara) == before


def test_text_within_the_rules_is_still_recorded(mara: Path) -> None:
    proc = hw_subprocess(
        mara, "correct", "MARA7", "1", "--set", "explanation=it rained\nall\tweek", "--reason", "r"
    )
    assert proc.returncode == 0, proc.stderr
    [event] = [
        e for e in json.loads(export_text(mara))["clients"][0]["events"]
        if e["topic"].endswith("EntryCorrected")
    ]  # fmt: skip
    assert event["state"]["changes"] == {"explanation": "it rained\nall\tweek"}


def test_text_stored_before_is_shown_the_same_by_every_view(home: Path) -> None:
    with text_guard_lifted():  # an older store, written when hw accepted these
        ok(invoke(home, "client", "add", "MARA7"))
        ok(invoke(home, "session", "MARA7", "1", "--date", "2026-01-05"))
        ok(
            invoke(
                home, "assign", "MARA7", "--title", "A", *DESIGN, "--framing", "cur\x1b[31miosity"
            )
        )
        ok(invoke(home, "framing", "MARA7", "\x1b[2J", "--session", "1"))
    shown = "cur\\x1b[31miosity"
    history = hw_subprocess(home, "history", "MARA7")
    assert history.returncode == 0, history.stderr
    assert f"framed as '{shown}'" in history.stdout  # click no longer strips it off a terminal
    assert "\\x1b[2J" in history.stdout
    plan = hw_subprocess(home, "plan", "MARA7")
    assert plan.returncode == 0, plan.stderr
    assert shown in plan.stdout
    for proc in (history, plan):
        assert "\x1b" not in proc.stdout
        assert "framed as 'curiosity'" not in proc.stdout
    data = json.loads(hw_subprocess(home, "plan", "MARA7", "--json").stdout)
    assert data["system"]["framing"] in ("\x1b[2J", None)  # JSON keeps the exact text


HEADER = "client,session,date,assignment,format,size,framing,outcome,explanation\n"


def test_an_import_row_with_a_control_character_is_refused_by_row(
    home: Path, tmp_path: Path
) -> None:
    source = tmp_path / "history.csv"
    source.write_text(
        HEADER
        + "A1,1,2026-01-05,Walk,behavioral,small,experiment,completed,\n"
        + 'A1,2,2026-01-12,Journal,written,small,challenge,missed,"I \x1b[31mhate\x1b[0m it"\n',
        encoding="utf-8",
    )
    before = export_text(home)
    proc = hw_subprocess(home, "import", str(source))
    assert proc.returncode == 1, proc.stdout
    [line] = proc.stderr.splitlines()
    assert "row 3" in line
    assert "invalid explanation '<control character U+001B at character 3>'" in line
    assert "hate" not in line
    assert export_text(home) == before  # nothing from that file
    source.write_text(
        HEADER + "A1,1,2026-01-05,Walk,behavioral,small,cur\x1b[31miosity,completed,\n",
        encoding="utf-8",
    )
    proc = hw_subprocess(home, "import", str(source))
    assert proc.returncode == 1
    assert "row 2" in proc.stderr
    assert "invalid framing '<control character U+001B at character 4>'" in proc.stderr


def test_an_imported_windows_line_break_in_a_cell_is_a_newline(home: Path) -> None:
    # A file is read with universal newlines; standard input keeps a cell's \r\n.
    text = (
        HEADER.replace("\n", "\r\n")
        + 'A1,1,2026-01-05,Journal,written,small,challenge,missed,"too tired\r\nafter work"\r\n'
    )
    env = {**os.environ, "HW_HOME": str(home)}
    env.pop("HW_DATABASE_URL", None)
    proc = subprocess.run(
        [sys.executable, "-m", "hwcli.main", "import", "-"],
        input=text.encode(),
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(hw_subprocess(home, "plan", "A1", "--json").stdout)
    assert data["missed"][0]["explanation"] == "too tired\nafter work"


def test_a_json_import_of_an_older_stores_escape_sequence_is_refused(
    home: Path, tmp_path: Path
) -> None:
    older = tmp_path / "older"
    with text_guard_lifted():
        ok(invoke(older, "client", "add", "MARA7"))
        ok(invoke(older, "session", "MARA7", "1", "--date", "2026-01-05"))
        ok(invoke(older, "assign", "MARA7", "--title", "\x1b[2JA", *DESIGN, "--framing", "x"))
    exported = tmp_path / "older.json"
    exported.write_text(export_text(older), encoding="utf-8")
    before = export_text(home)
    proc = hw_subprocess(home, "import", str(exported))
    assert proc.returncode == 1, proc.stdout
    [line] = proc.stderr.splitlines()
    assert "invalid title '<control character U+001B at character 1>'" in line
    assert export_text(home) == before
