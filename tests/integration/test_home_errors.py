"""A home that cannot be used is one clear StoreError (the CLI: one 'hw: error:' line).

Real folders and files; the cases about permissions run in a child process
that respects them (as root it gives up its overrides: tests/privileges.py).
Each names the home and what to check, and changes nothing.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hwcore.application import StoreError
from hwcore.bootstrap import open_application, resolve_settings
from tests.privileges import locked_out, read_only_folder, unprivileged

OPEN = """\
import sys
from hwcore.application import HwError
from hwcore.bootstrap import open_application
try:
    open_application(home=sys.argv[1], create=sys.argv[2] == "create").close()
except HwError as e:
    print(f"{type(e).__name__}: {e}")
    sys.exit(1)
print("opened")
"""

QUICK = """\
import sys
from hwcore.application.quick import quick_caseload, quick_planner
print(quick_caseload(home=sys.argv[1]), quick_planner("AB", home=sys.argv[1]))
"""


def env_for(home: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HW_")}
    env["HW_CLINICIAN"] = "dr.test"
    if home is not None:
        env["HW_HOME"] = str(home)
    return env


def child(*args: str, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` in a child process that respects file permissions."""
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env=env_for(home),
        check=False,
        timeout=120,
        **unprivileged(),
    )


def opened_as_child(home: Path, *, create: bool) -> str:
    """The one line a child's ``open_application(home, create=...)`` printed."""
    result = child("-c", OPEN, str(home), "create" if create else "read")
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, result.stdout
    return lines[0]


def one_clear_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single 'hw: error:' line of a failed command (and no traceback)."""
    assert result.returncode == 1, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("hw: error: ")
    return lines[0]


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def recorded(tmp_path: Path) -> Path:
    """A home with one client, cleanly closed, in a folder others may enter."""
    tmp_path.chmod(0o755)
    home = tmp_path / "home"
    with open_application(home=home) as app:
        app.register_client("AB")
    return home


# ----------------------------------------------- a home this user may not enter


@pytest.mark.parametrize("create", [False, True], ids=["read", "write"])
def test_a_home_of_another_user_is_a_clear_store_error(recorded: Path, create: bool) -> None:
    before = digest(recorded)
    with locked_out(recorded):
        line = opened_as_child(recorded, create=create)
    assert line == (
        f"StoreError: cannot read the hw home {str(recorded)!r}: permission denied: check"
        " that this user owns it and may enter it (ls -ld), or choose another with --home"
        " or HW_HOME"
    )
    assert digest(recorded) == before


def test_an_empty_home_of_another_user_is_refused_too(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    home = tmp_path / "home"
    home.mkdir()
    with locked_out(home):
        line = opened_as_child(home, create=False)
    assert line.startswith(f"StoreError: cannot read the hw home {str(home)!r}: permission denied")
    assert list(home.iterdir()) == []


def test_a_home_inside_a_folder_of_another_user_is_refused(recorded: Path) -> None:
    inner = recorded / "caseloads"
    with locked_out(recorded):
        for create in (False, True):
            line = opened_as_child(inner, create=create)
            assert line.startswith(f"StoreError: cannot read the hw home {str(inner)!r}")
    assert not inner.exists()


@pytest.mark.parametrize("command", [("caseload",), ("plan", "AB", "--json"), ("clients",)])
def test_the_cli_reads_of_a_home_of_another_user_are_one_line(
    recorded: Path, command: tuple[str, ...]
) -> None:
    with locked_out(recorded):
        result = child("-m", "hwcli.main", *command, home=recorded)
    line = one_clear_line(result)
    assert line.startswith(f"hw: error: cannot read the hw home {str(recorded)!r}: permission")
    assert "ls -ld" in line


def test_the_cli_writes_to_a_home_of_another_user_are_one_line(recorded: Path) -> None:
    before = digest(recorded)
    with locked_out(recorded):
        result = child("-m", "hwcli.main", "client", "add", "CD", home=recorded)
    assert one_clear_line(result).startswith(
        f"hw: error: cannot read the hw home {str(recorded)!r}"
    )
    assert digest(recorded) == before


def test_the_quick_reads_decline_a_home_of_another_user(recorded: Path) -> None:
    with locked_out(recorded):
        result = child("-c", QUICK, str(recorded))
    assert (result.returncode, result.stdout.strip()) == (0, "None None"), result.stderr


# ------------------------------------------------------ a home that is no folder


@pytest.mark.parametrize("create", [False, True], ids=["read", "write"])
def test_a_home_that_is_a_file_is_refused(tmp_path: Path, create: bool) -> None:
    home = tmp_path / "notes.txt"
    home.write_text("not a home\n")
    with pytest.raises(StoreError) as raised:
        open_application(home=home, create=create)
    assert str(raised.value) == (
        f"the hw home {str(home)!r} is a file, not a folder: check --home or HW_HOME"
    )
    assert home.read_text() == "not a home\n"


@pytest.mark.parametrize("create", [False, True], ids=["read", "write"])
def test_a_home_under_a_file_is_refused(tmp_path: Path, create: bool) -> None:
    (tmp_path / "notes.txt").write_text("x")
    home = tmp_path / "notes.txt" / "hw"
    with pytest.raises(StoreError, match="a part of that path is a file") as raised:
        open_application(home=home, create=create)
    assert str(home) in str(raised.value)


def test_an_event_store_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "events.sqlite").mkdir(parents=True)
    for create in (False, True):
        with pytest.raises(StoreError, match="is a folder, not a file"):
            open_application(home=home, create=create)


def test_a_caseload_that_is_a_file_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "caseloads").mkdir(parents=True)
    (home / "caseloads" / "alice").write_text("x")
    settings = resolve_settings(home, caseload="alice")
    for create in (False, True):
        with pytest.raises(StoreError, match=r"caseload 'alice' .* is a file, not a folder"):
            open_application(settings=settings, create=create)


def test_the_cli_names_a_home_that_is_a_file(tmp_path: Path) -> None:
    home = tmp_path / "notes.txt"
    home.write_text("x")
    for command in (("caseload",), ("client", "add", "CD")):
        result = child("-m", "hwcli.main", *command, home=home)
        assert one_clear_line(result) == (
            f"hw: error: the hw home {str(home)!r} is a file, not a folder: check --home or HW_HOME"
        )


# ------------------------------------------ a new home that cannot be created


def test_a_new_home_in_a_read_only_folder_is_refused(tmp_path: Path) -> None:
    parent = tmp_path / "shared"
    parent.mkdir()
    home = parent / "hw"
    with read_only_folder(parent):
        line = opened_as_child(home, create=True)
        assert line.startswith(
            f"StoreError: cannot write to the hw home {str(home)!r}: permission denied: check"
        )
        assert "ls -ld" in line
        assert opened_as_child(home, create=False).startswith("StoreError: there is no hw home")
        result = child("-m", "hwcli.main", "client", "add", "CD", home=home)
        assert one_clear_line(result).startswith("hw: error: cannot write to the hw home")
    assert not home.exists()


# ------------------------------------------------- a path that cannot be resolved


def test_a_tilde_of_no_known_user_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as raised:
        resolve_settings("~no-such-user-of-hw/hw")
    assert str(raised.value) == (
        "cannot use '~no-such-user-of-hw/hw' as the hw home: its '~' names no user with a"
        " home directory: check --home or HW_HOME"
    )


def test_a_relative_home_in_a_deleted_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    with pytest.raises(StoreError, match=r"^cannot use 'hw' as the hw home: the current folder"):
        open_application(home="hw")


def test_a_nul_in_the_home_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot contain a NUL character"):
        open_application(home=f"{tmp_path}/a\0b")
