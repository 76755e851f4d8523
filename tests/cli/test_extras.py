"""Optional extras in a real ``hw`` process: a missing one names its install command;
printing leaves nothing behind in the user's cache (no telemetry queue)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import hw_subprocess

# Runs the real CLI with these packages made unimportable (Python's documented
# way: None in sys.modules), as on an install without the extra.
WITHOUT = (
    "import sys; sys.modules.update(dict.fromkeys(sys.argv[1].split(',')));"
    "from hwcli.main import main; main(sys.argv[2:])"
)


def hw_without(
    packages: str, home: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``hw ARGS`` in a subprocess where ``packages`` (comma-separated) cannot be imported."""
    full = {**os.environ, "HW_HOME": str(home), **(env or {})}
    full.pop("HW_DEBUG", None)
    if "HW_DATABASE_URL" not in (env or {}):
        full.pop("HW_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-c", WITHOUT, packages, *args],
        capture_output=True,
        text=True,
        env=full,
        timeout=60,
        check=False,
    )


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a failed command (exit 1, nothing on stdout)."""
    assert result.returncode == 1, (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert "Traceback" not in result.stderr
    assert "unexpected internal error" not in result.stderr
    return lines[0]


@pytest.mark.parametrize("kind", ["plan", "handout"])
def test_print_without_the_print_extra_names_the_one_install_command(
    imported: Path, tmp_path: Path, kind: str
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "x.pdf"

    result = hw_without("markdown_pdf,pymupdf,fitz", imported, "print", kind, "A1", "-o", str(out))

    line = one_error_line(result)
    assert line == (
        "hw: error: printing needs the optional PDF stack (markdown-pdf, PyMuPDF: AGPL-3.0):"
        " install it with pip install 'hw-planner[print]'"
    )
    assert not out.exists()
    assert list(folder.iterdir()) == []


def test_a_database_url_without_psycopg_names_the_postgres_extra(tmp_path: Path) -> None:
    result = hw_without(
        "psycopg,psycopg_pool",
        tmp_path / "home",
        "clients",
        env={"HW_DATABASE_URL": "postgresql://hw@127.0.0.1:1/hw"},
    )

    assert one_error_line(result) == (
        "hw: error: a PostgreSQL event store needs psycopg: install it with"
        " pip install 'hw-planner[postgres]'"
    )


def test_a_cipher_key_without_cryptography_names_the_crypto_extra(tmp_path: Path) -> None:
    key = hw_subprocess(tmp_path / "unused", "key", "generate")
    assert key.returncode == 0, key.stderr
    home = tmp_path / "home"

    opened = hw_without(
        "cryptography", home, "client", "add", "AB", env={"HW_CIPHER_KEY": key.stdout.strip()}
    )
    generated = hw_without("cryptography", home, "key", "generate")

    expected = (
        "hw: error: encryption at rest needs cryptography: install it with"
        " pip install 'hw-planner[crypto]'"
    )
    assert one_error_line(opened) == expected
    assert one_error_line(generated) == expected
    assert not (home / "events.sqlite").exists()


def test_printing_writes_nothing_under_the_users_cache(imported: Path, tmp_path: Path) -> None:
    user_home = tmp_path / "user"
    user_home.mkdir()
    env = {**os.environ, "HW_HOME": str(imported), "HOME": str(user_home)}
    for name in ("XDG_CACHE_HOME", "HW_DATABASE_URL", "HW_DEBUG"):
        env.pop(name, None)

    for args in (
        ["print", "plan", "A1", "-o", str(tmp_path / "p.pdf")],
        ["print", "handout", "A1", "-o", str(tmp_path / "h.pdf"), "--ics", str(tmp_path / "h.ics")],
    ):
        result = subprocess.run(
            [sys.executable, "-m", "hwcli.main", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr

    written = sorted(str(p.relative_to(user_home)) for p in user_home.rglob("*"))
    assert not [p for p in written if p.startswith(".cache")], written
    assert (tmp_path / "p.pdf").exists()
    assert (tmp_path / "h.pdf").exists()
