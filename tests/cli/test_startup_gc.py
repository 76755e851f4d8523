"""The ``hw`` process starts with the cyclic collector off and turns it on once the
application is open (hwcli.startup, a speed trick for cli_write and cli_plan)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Runs the console script's entry point and reports the collector's state at exit.
PROBE = """
import atexit, gc, json, sys
from hwcli.main import main
START = gc.get_threshold()[0]
atexit.register(lambda: print(json.dumps({"enabled": gc.isenabled(),
                                          "frozen": gc.get_freeze_count(),
                                          "threshold": gc.get_threshold()[0],
                                          "start": START}), file=sys.stderr))
main(sys.argv[1:])
"""


def _collector(home: Path, *args: str) -> dict[str, object]:
    env = {**os.environ, "HW_HOME": str(home), "HW_CLINICIAN": "dr.test"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    state: dict[str, object] = json.loads(done.stderr.strip().splitlines()[-1])
    return state


@pytest.mark.slow
def test_a_command_that_opens_the_application_runs_it_with_the_collector_on(tmp_path: Path) -> None:
    state = _collector(tmp_path, "client", "add", "AB")
    assert state["enabled"] is True
    assert isinstance(state["frozen"], int)
    assert state["frozen"] > 1000  # what start-up made, out of the collector's way


@pytest.mark.slow
def test_a_command_that_never_opens_the_application_gives_the_collector_back(
    tmp_path: Path,
) -> None:
    """An embedder calling hwcli.main.main() goes on with its collector on."""
    state = _collector(tmp_path, "vocab")
    assert state["enabled"] is True
    state = _collector(tmp_path, "client", "add", "AB")
    assert state["threshold"] == state["start"]  # the caller's, once main() returned


def test_begin_and_done_turn_the_collector_off_and_on_again() -> None:
    import gc

    from hwcli import startup

    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    startup.begin()
    try:
        assert not gc.isenabled()
        startup.done()
        assert gc.isenabled()
        assert gc.get_freeze_count() >= frozen
        startup.done()  # once only: a second call changes nothing
        assert gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()


def test_done_without_begin_leaves_an_embedder_s_collector_alone() -> None:
    import gc

    from hwcli import startup

    gc.disable()  # an embedder's choice
    try:
        startup.done()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_command_runs_with_the_raised_threshold_and_main_gives_the_callers_back() -> None:
    import gc

    from hwcli import startup

    before = gc.get_threshold()
    startup.begin()
    try:
        startup.done()
        assert gc.get_threshold()[0] == startup.GEN0_THRESHOLD
        assert gc.get_threshold()[1:] == before[1:]
        startup.end()
        assert gc.get_threshold() == before
        assert gc.isenabled()
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
        gc.enable()


def test_the_tui_keeps_pythons_threshold() -> None:
    import gc

    from hwcli import startup

    before = gc.get_threshold()
    startup.begin()
    try:
        startup.done(long_session=True)
        assert gc.get_threshold() == before
        assert gc.isenabled()
    finally:
        startup.end()
        gc.unfreeze()
        gc.set_threshold(*before)
        gc.enable()
