"""CLI conventions (issue 18): stdin and stdout as files, --json everywhere, completion."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from hwcli.main import cli
from tests.cli.conftest import HISTORY_CSV, hw_subprocess, invoke, ok

NO_JSON = {"tui", "completion"}
"""Commands without --json: the interactive TUI, and the one that prints a shell script."""


def _commands() -> list[tuple[str, click.Command]]:
    ctx = click.Context(cli)
    found: list[tuple[str, click.Command]] = []

    def walk(command: click.Command, path: list[str]) -> None:
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                child = command.get_command(ctx, name)
                assert child is not None
                walk(child, [*path, name])
        else:
            found.append((" ".join(path), command))

    walk(cli, [])
    return found


def test_every_command_but_the_tui_and_completion_has_json() -> None:
    lacking = [
        name
        for name, command in _commands()
        if name not in NO_JSON
        and not any("--json" in p.opts for p in command.params if isinstance(p, click.Option))
    ]
    assert lacking == []


def run_hw(
    home: Path, *args: str, stdin: str | bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """``hw ARGS`` in a real subprocess, with bytes on stdin."""
    env = {**os.environ, "HW_HOME": str(home)}
    env.pop("HW_DATABASE_URL", None)
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run(
        [sys.executable, "-m", "hwcli.main", *args],
        input=data,
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_import_dash_reads_csv_from_stdin_and_is_idempotent(home: Path) -> None:
    first = run_hw(home, "import", "-", "--json", stdin=HISTORY_CSV)
    again = run_hw(home, "import", "-", stdin=HISTORY_CSV)

    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert (report["source"], report["clients"], report["new_clients"]) == ("stdin", 3, 3)
    assert again.returncode == 0, again.stderr
    assert again.stdout.decode().startswith("stdin: nothing new")


def test_export_to_stdout_then_import_from_stdin_round_trips(home: Path, tmp_path: Path) -> None:
    assert run_hw(home, "import", "-", stdin=HISTORY_CSV).returncode == 0
    exported = run_hw(home, "export", "-o", "-")
    other = tmp_path / "other"

    imported = run_hw(other, "import", "-", stdin=exported.stdout)

    assert exported.returncode == 0, exported.stderr
    assert exported.stderr == b""
    assert json.loads(exported.stdout)["format"]
    assert imported.returncode == 0, imported.stderr
    assert run_hw(other, "export").stdout == exported.stdout


def test_import_dash_refuses_non_utf8_stdin_in_one_line(home: Path) -> None:
    result = run_hw(home, "import", "-", stdin="client,session\nÄB,1\n".encode("latin-1"))

    assert result.returncode == 1
    assert result.stderr.decode().splitlines() == [
        "hw: error: standard input is not UTF-8 text: save the spreadsheet as CSV UTF-8"
    ]
    assert json.loads(run_hw(home, "clients", "--json").stdout) == []


def test_export_json_with_a_file_reports_where(imported: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.json"

    data = json.loads(ok(invoke(imported, "export", "-o", str(out), "--json")).stdout)

    assert data == {"file": str(out), "format": "json", "clients": 3}
    assert json.loads(out.read_text(encoding="utf-8"))["clients"]


def test_change_and_framing_json(imported: Path) -> None:
    change = json.loads(
        ok(invoke(imported, "change", "A1", "--kind", "Life", "--note", "new job", "--json")).stdout
    )
    framing = json.loads(
        ok(invoke(imported, "framing", "A1", " curiosity ", "--reason", "softer", "--json")).stdout
    )

    assert change == {
        "client": "A1",
        "session": 6,
        "kind": "life",
        "label": None,
        "text": "new job",
    }
    assert framing == {
        "client": "A1",
        "session": 6,
        "kind": "framing",
        "label": "curiosity",
        "text": "softer",
    }


def test_config_and_key_generate_json(home: Path) -> None:
    set_ = json.loads(ok(invoke(home, "config", "set", "clinic.accent", "Teal", "--json")).stdout)
    get = json.loads(ok(invoke(home, "config", "get", "clinic.accent", "--json")).stdout)
    unset = json.loads(ok(invoke(home, "config", "unset", "clinic.accent", "--json")).stdout)
    again = json.loads(ok(invoke(home, "config", "get", "clinic.accent", "--json")).stdout)
    key = json.loads(ok(invoke(home, "key", "generate", "--json")).stdout)

    assert set_ == {"key": "clinic.accent", "value": "#008080"}
    assert get == {"key": "clinic.accent", "value": "#008080"}
    assert unset == {"key": "clinic.accent", "removed": True}
    assert again == {"key": "clinic.accent", "value": None}
    assert set(key) == {"key"}
    assert len(key["key"]) >= 40


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_clicks_script(home: Path, shell: str) -> None:
    result = hw_subprocess(home, "completion", shell)

    assert result.returncode == 0, result.stderr
    assert "_HW_COMPLETE" in result.stdout
    assert f"{shell}_complete" in result.stdout


def test_completion_script_completes_in_a_real_bash(home: Path, tmp_path: Path) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    launcher = bindir / "hw"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m hwcli.main "$@"\n')
    launcher.chmod(0o755)
    script = (
        "source <(hw completion bash); COMP_WORDS=(hw cas); COMP_CWORD=1; _hw_completion hw;"
        ' printf "%s\\n" "${COMPREPLY[@]}"'
    )
    env = {**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}", "HW_HOME": str(home)}

    result = subprocess.run(
        [bash, "-c", script], capture_output=True, text=True, env=env, timeout=60, check=False
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["caseload"]


def test_completion_of_an_unknown_shell_is_a_usage_error(home: Path) -> None:
    result = hw_subprocess(home, "completion", "tcsh")

    assert result.returncode == 2
    assert "'tcsh' is not one of 'bash', 'zsh', 'fish'" in result.stderr
