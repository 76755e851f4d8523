"""Bad input: exit 1 (domain) or 2 (usage), exactly one stderr line, no traceback,
and the store exactly as it was (``hw export`` before == after)."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from hwcli.common import HwGroup, run
from tests.cli.conftest import HISTORY_CSV, export_text, invoke

BAD_ROW_CSV = (
    HISTORY_CSV.splitlines()[0]
    + "\nZ9,1,2026-01-05,Walk,behavioral,small,experiment,weekly,completed,,,,,"
    + "\nZ9,2,2026-01-12,Journal,written,huge,practice,weekly,completed,,,,,\n"
)
PARTIAL_NO_DOSES_CSV = (
    HISTORY_CSV.splitlines()[0]
    + "\nZ9,1,2026-01-05,Walk,behavioral,small,experiment,weekly,partial,,,,,\n"
)
SHORT_ROW_CSV = HISTORY_CSV.splitlines()[0] + "\nZ9,1,2026-01-05,Walk,behavioral\n"

ASSIGN = ["assign", "A1", "--title", "T", "--size", "small", "--framing", "x"]

# (test id, arguments, exit code, text the error line must contain)
CASES: list[tuple[str, list[str], int, str]] = [
    ("unknown client", ["plan", "ZZ"], 1, "'ZZ'"),
    ("unknown client assign", ["assign", "ZZ", *ASSIGN[2:], "--format", "written"], 1, "'ZZ'"),
    ("bad format", [*ASSIGN, "--format", "poem"], 1, "'poem'"),
    ("bad frequency", [*ASSIGN, "--format", "written", "--frequency", "often"], 1, "daily"),
    ("bad confidence", [*ASSIGN, "--format", "written", "--confidence", "11"], 1, "0-10"),
    ("confidence not int", [*ASSIGN, "--format", "written", "--confidence", "hi"], 2, "hi"),
    ("missing title", ["assign", "A1", "--format", "written", "--size", "small"], 2, "--title"),
    ("bad date", ["session", "A1", "7", "--date", "2026-13-01"], 1, "2026-13-01"),
    ("bad date on outcome", ["done", "A1", "6", "--date", "yesterday"], 1, "yesterday"),
    ("session zero", ["session", "A1", "0", "--date", "2026-03-01"], 1, "from 1 to"),
    ("session date conflict", ["session", "A1", "1", "--date", "2020-01-01"], 1, "session 1"),
    ("resolving twice", ["done", "A1", "1"], 1, "already resolved"),
    ("missing twice", ["missed", "A1", "2"], 1, "already resolved"),
    ("unknown assignment", ["done", "A1", "99"], 1, "#99"),
    ("bad assignment id", ["done", "A1", "first"], 1, "'first'"),
    ("partial without doses", ["partial", "A1", "6"], 2, "--done"),
    ("partial done > planned", ["partial", "A1", "6", "--done", "9", "--planned", "7"], 1, "9"),
    ("partial negative", ["partial", "A1", "6", "--done", "-1", "--planned", "7"], 1, "-1"),
    ("bad reason", ["missed", "A1", "6", "--reason", "lazy"], 1, "'lazy'"),
    ("bad change kind", ["change", "A1", "--kind", "work", "--note", "x"], 1, "'work'"),
    ("change without note", ["change", "A1", "--kind", "life"], 2, "--note"),
    ("bad trigger", ["review", "A1", "--trigger", "boredom"], 1, "'boredom'"),
    ("bad review size", ["review", "A1", "--size", "xl"], 1, "'xl'"),
    ("review in the past", ["review", "A1", "--next-review", "2"], 1, "next review"),
    ("bad correct syntax", ["correct", "A1", "1", "--set", "outcome", "--reason", "r"], 2, "FIELD"),
    (
        "bad correct field",
        ["correct", "A1", "1", "--set", "colour=red", "--reason", "r"],
        1,
        "colour",
    ),
    ("correct without reason", ["correct", "A1", "1", "--set", "outcome=missed"], 2, "--reason"),
    ("client exists", ["client", "add", "A1"], 1, "already registered"),
    ("bad client id", ["client", "add", "a!b"], 1, "'a!b'"),
    ("client id with a space", ["client", "add", "a b"], 1, "'<3 characters>'"),
    ("export unknown client", ["export", "ZZ"], 1, "'ZZ'"),
    ("file not found", ["import", "/nonexistent/history.csv"], 1, "file not found"),
    ("as-of before first session", ["plan", "A1", "--as-of", "1999-01-01"], 1, "1999-01-01"),
    ("as-of session zero", ["plan", "A1", "--as-of", "0"], 1, ">= 1"),
    ("as-of garbage", ["plan", "A1", "--as-of", "last-week"], 1, "last-week"),
    ("unknown option", ["plan", "A1", "--bogus"], 2, "--bogus"),
    ("unknown command", ["plans", "A1"], 2, "plans"),
    ("missing argument", ["plan"], 2, "CLIENT"),
]


@pytest.mark.parametrize(
    ("args", "code", "needle"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_is_one_line_and_writes_nothing(
    imported: Path, args: list[str], code: int, needle: str
) -> None:
    before = export_text(imported)
    result = invoke(imported, *args)
    assert result.exit_code == code, (result.stderr, result.stdout)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("hw: error: ")
    assert needle in lines[0]
    assert "Traceback" not in result.output
    assert export_text(imported) == before


@pytest.mark.parametrize(
    ("name", "text", "needle"),
    [
        ("bad_row.csv", BAD_ROW_CSV, "row 3"),
        ("no_doses.csv", PARTIAL_NO_DOSES_CSV, "row 2"),
        ("short_row.csv", SHORT_ROW_CSV, "row 2"),
        ("missing_column.csv", "client,session\nA1,1\n", "missing column"),
        ("empty.csv", "", "empty file"),
        ("broken.json", '{"format": "hw-export", "version": 1, "clients": [', "not valid JSON"),
        ("other.json", '{"format": "something-else"}', "not an hw export"),
    ],
)
def test_bad_import_file_imports_nothing(
    imported: Path, tmp_path: Path, name: str, text: str, needle: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    before = export_text(imported)
    result = invoke(imported, "import", str(path))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert needle in lines[0]
    assert export_text(imported) == before
    assert invoke(imported, "plan", "Z9").exit_code == 1  # the valid row 2 was not imported


def test_export_to_unwritable_path_is_one_line(imported: Path, tmp_path: Path) -> None:
    result = invoke(imported, "export", "-o", str(tmp_path / "missing-dir" / "dump.json"))
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1
    assert "cannot write" in result.stderr


SECRET = "client said something private"


@click.group(cls=HwGroup)
def probe() -> None:
    """A throwaway group to exercise the error mapping."""


@probe.command()
def interrupt() -> None:
    """Simulate Ctrl-C."""
    raise KeyboardInterrupt


@probe.command()
def crash() -> None:
    """Simulate a bug whose message carries client text."""
    raise RuntimeError(SECRET)


def test_interrupt_exits_130() -> None:
    result = CliRunner().invoke(probe, ["interrupt"])
    assert result.exit_code == 130
    assert "Traceback" not in result.output


def test_unexpected_error_is_one_content_free_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HW_DEBUG", raising=False)
    result = CliRunner().invoke(probe, ["crash"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert "RuntimeError" in lines[0]
    assert SECRET not in result.output
    assert "Traceback" not in result.output


def test_run_returns_exit_codes_without_exiting() -> None:
    assert run(probe, ["crash"]) == 1
    assert run(probe, ["nope"]) == 2
    assert run(probe, ["--help"]) == 0
