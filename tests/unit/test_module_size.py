"""No module under src/ is over 600 lines (issue 12: one room per job).

A module that outgrows this has more than one job: split it by job (see
docs/architecture.md for the rooms), never by raising the limit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
LIMIT = 600


def test_every_module_is_small_enough() -> None:
    sizes = {
        str(path.relative_to(SRC)): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(SRC.rglob("*.py"))
    }
    assert len(sizes) > 50, "the source tree was not found"
    over = {name: n for name, n in sizes.items() if n > LIMIT}
    assert not over, f"modules over {LIMIT} lines: {over}"


@pytest.mark.parametrize("lines", [LIMIT, LIMIT + 1])
def test_the_limit_is_inclusive(lines: int) -> None:
    text = "\n".join(["x = 1"] * lines)
    assert (len(text.splitlines()) > LIMIT) is (lines > LIMIT)
