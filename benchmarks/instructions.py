"""Instructions per command (valgrind's callgrind): the user-felt CLI paths, machine-independent.

``python -m benchmarks.instructions [SRC]`` counts the instructions of the
import floor, ``hw missed``, ``hw assign`` and ``hw plan BIG1000`` (the
commands of ``cli_write`` and ``cli_plan``) on a scratch copy of the cached
caseload home, with the hw code under ``SRC/src`` (default: this checkout), so
two checkouts compare on the same data whatever else the machine is doing.
Wall time on a shared machine moves by a third from run to run; these counts
move by well under 1%. They are a profiling aid (docs/performance.md,
"Profiling"), not a target: ``make bench`` measures the targets.

Needs ``valgrind`` and the cached data of ``make bench`` (benchmarks/.data).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks import data
from benchmarks.run import FLOOR_IMPORTS, ROOT

PY = sys.executable
COLLECTED = re.compile(r"Collected : (\d+)")


def count(argv: list[str], env: dict[str, str]) -> int:
    """Instructions one process executes (callgrind's total)."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    found = COLLECTED.search(done.stderr)
    if found is None:
        msg = f"valgrind gave no count for {argv[2:4]}: {done.stderr[-300:]}"
        raise SystemExit(msg)
    return int(found.group(1))


def main() -> None:
    """Print the table of instruction counts (millions) and ratios to the floor."""
    if shutil.which("valgrind") is None:
        raise SystemExit("needs valgrind (apt-get install valgrind)")
    src = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT
    cached = data.DATA_DIR / f"caseload-v{data.GENERATOR_VERSION}"
    if not cached.is_dir():
        raise SystemExit("no cached caseload home: run `make bench` once")
    # Byte-compile as an installed wheel is (PYTHONDONTWRITEBYTECODE may be set).
    subprocess.run([PY, "-m", "compileall", "-q", str(src / "src")], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        shutil.copytree(cached, home)
        env = {**os.environ, "HW_HOME": str(home), "PYTHONPATH": str(src / "src")}
        env.setdefault("HW_CLINICIAN", "bench")
        n = data.BIG_ASSIGNMENTS

        def when(session: int) -> str:
            return (data.BIG_START + dt.timedelta(weeks=session)).isoformat()

        hw = [PY, "-m", "hwcli"]
        design = [
            *("--title", "Benchmark walk", "--format", "behavioral", "--size", "small"),
            *("--framing", "experiment", "--frequency", "several-weekly", "--doses", "3"),
        ]
        client = data.BIG_CLIENT
        # Warm-up as make bench does: the planner cached, a pending assignment to miss.
        for argv in (
            [*hw, "plan", client],
            [*hw, "assign", client, *design, "--session", str(n + 1), "--date", when(n + 1)],
        ):
            subprocess.run(argv, env=env, capture_output=True, check=True)
        missed = [*hw, "missed", client, "latest", "--explanation", "invented explanation"]
        rows = [
            ("floor: python -c import eventsourcing+click", [PY, "-c", FLOOR_IMPORTS]),
            (
                "hw missed BIG1000 latest (new session)",
                [*missed, "--reason", "forgotten", "--session", str(n + 2), "--date", when(n + 2)],
            ),
            ("hw assign BIG1000 (same session)", [*hw, "assign", client, *design]),
            ("hw plan BIG1000 (after that write)", [*hw, "plan", client]),
            ("hw plan BIG1000", [*hw, "plan", client]),
        ]
        counts = [(label, count(argv, env)) for label, argv in rows]
    floor = counts[0][1]
    print(f"instructions (millions), hw code in {src}")
    print("| command | M instructions | / floor |")
    print("|---|---:|---:|")
    for label, n_instr in counts:
        print(f"| {label} | {n_instr / 1e6:.0f} | {n_instr / floor:.2f} |")


if __name__ == "__main__":
    main()
