"""CLI test helpers: run ``hw`` in-process (CliRunner) or as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from hwcli.main import cli

# A realistic multi-client history (invented clients). Expected planner values
# are worked out by hand from spec section 4 in test_plan.py.
HISTORY_CSV = """\
client,session,date,assignment,format,size,framing,frequency,outcome,done,planned,explanation,reasons,notes
A1,1,2026-01-05,Ten-minute walk,behavioral,small,experiment,weekly,completed,,,,,
A1,2,2026-01-12,Evening journal,written,medium,challenge,daily,missed,,,"Too tired after work, honestly",too-complex;wrong-timing,
A1,3,2026-01-19,Walk to the shop,behavioral,small,Experiment,weekly,completed,,,,,
A1,4,2026-01-26,Journal three lines,written,medium, challenge ,daily,partial,2,7,,,short entries
A1,5,2026-02-02,Call a friend,behavioral,small,EXPERIMENT ,weekly,completed,,,,,
A1,6,2026-02-09,Notice tension,observational,tiny,curiosity,daily,pending,,,,,
B2,1,2026-01-06,Breathing,behavioral,tiny,practice,daily,completed,,,,,
B2,2,2026-01-13,Breathing again,behavioral,tiny,practice,daily,completed,,,,,
B2,3,2026-01-20,Mood log,written,small,practice,weekly,completed,,,,,
C3,1,2026-01-07,Letter,written,small,f1,once,completed,,,,,
C3,2,2026-01-14,Ask a question,behavioral,medium,f2,weekly,completed,,,,,
C3,3,2026-01-21,Mood map,visual,small,f3,daily,missed,,,I forgot,forgotten,
C3,4,2026-01-28,Grounding stone,object,medium,f4,as-needed,missed,,,,,
C3,5,2026-02-04,Talk to partner,conversational,medium,f5,per-cycle,missed,,,It felt like a test,framing-pressure;relational,
"""


def invoke(home: Path, *args: str) -> Result:
    """Run ``hw --home HOME ARGS`` in-process."""
    return CliRunner().invoke(cli, ["--home", str(home), *args], prog_name="hw")


def hw_subprocess(home: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``python -m hwcli.main ARGS`` in a real subprocess with ``HW_HOME``."""
    env = {**os.environ, "HW_HOME": str(home)}
    env.pop("HW_DATABASE_URL", None)
    env.pop("HW_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "hwcli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def ok(result: Result) -> Result:
    """Assert a CliRunner run succeeded (showing its stderr if not)."""
    assert result.exit_code == 0, (result.exit_code, result.stderr, result.stdout)
    return result


def plan_json(home: Path, client: str, *extra: str) -> dict[str, Any]:
    """``hw plan CLIENT --json`` parsed."""
    data: dict[str, Any] = json.loads(ok(invoke(home, "plan", client, "--json", *extra)).stdout)
    return data


def export_text(home: Path) -> str:
    """The whole store as ``hw export`` prints it (to compare before/after)."""
    return ok(invoke(home, "export")).stdout


@pytest.fixture
def history_csv(tmp_path: Path) -> Path:
    """The realistic multi-client history CSV, written to a file."""
    path = tmp_path / "history.csv"
    path.write_text(HISTORY_CSV, encoding="utf-8")
    return path


@pytest.fixture
def imported(home: Path, history_csv: Path) -> Path:
    """A home with the history CSV imported; returns the home."""
    ok(invoke(home, "import", str(history_csv)))
    return home
