"""docs/cli.md is generated from the commands and must stay current."""

from __future__ import annotations

from pathlib import Path

from hwcli.reference import render_reference

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_cli_reference_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render_reference(), (
        "docs/cli.md is stale: run `python -m hwcli.reference > docs/cli.md`"
    )
