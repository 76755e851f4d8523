"""The keystroke benchmark's driver still reaches the next-assignment form.

``benchmarks/tuidriver.py`` names a few of the wrap-up's widgets and keys; a
renamed one should fail here, not first in ``make bench``. Real SQLite home,
the real ``HwTui`` under Textual's pilot. No timing assertions (speed is
measured in benchmarks/): only that one latency is measured per key.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from benchmarks.tuidriver import keystrokes

from hwcore.bootstrap import open_application
from tests.tui.seed import TODAY, seed


def test_the_driver_measures_one_latency_per_key_in_the_hw_form(home: Path) -> None:
    with open_application(home, today=lambda: TODAY) as application:
        seed(application)
    latencies = asyncio.run(keystrokes("hw", str(home), "AB", keys=4, warmup=1))
    assert len(latencies) == 4
    assert all(ms > 0 for ms in latencies)


def test_the_floor_app_is_measured_the_same_way() -> None:
    latencies = asyncio.run(keystrokes("bare", "-", "-", keys=3, warmup=1))
    assert len(latencies) == 3
    assert all(ms > 0 for ms in latencies)
