"""Snapshots of the wrap-up flow's own screens and dialogs (issue #15).

Each at 80x24 and 120x40, in the dark and the light theme, on the seeded home
(fixed data and clock). Update after an intended change with
``pytest tests/tui/test_snapshots_flow.py --snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hwcore.application import HwApplication
from hwtui.app import HwTui
from tests.tui.test_snapshots import THEME_IDS, steps

Snap = Callable[..., bool]
SIZES = [(80, 24), (120, 40)]
THEMES = ["dark", "light"]

SCREENS: dict[str, tuple[str, tuple[str | tuple[str, str], ...]]] = {
    # name: (client, what is pressed or typed on the way there)
    "new_client_question": ("NEW-1", ()),
    "review_in_the_wrapup": ("CD", ("ctrl+n",)),
    "add_menu": ("AB", ("c", "ctrl+o")),
    "change": ("AB", ("ctrl+o", "c", "down", ("type", "Mum had a fall"))),
    "framing": ("AB", ("ctrl+o", "f", ("type", "curiosity"))),
    "measure_item9": ("EF", ("ctrl+o", "m", *(("type", "1"), "down") * 9)),
    "consent_refused": ("EF", ("ctrl+o", "k", "down", ("type", "tue"), "ctrl+s")),
    "correction": ("AB", ("ctrl+o", "x", "down", "down", ("type", "x"))),
    "record_with_entries": (
        "EF",
        (
            "ctrl+o",
            "c",
            "down",
            ("type", "new job"),
            "ctrl+s",
            ("type", "Walk"),
            "down",
            "down",
            "down",
            "down",
            ("type", "experiment"),
            "ctrl+s",
        ),
    ),
    "print": ("EF", (("type", "Walk"), "down", "down", "down", "down", ("type", "x"))),
}
"""The flow's screens; 'print' is reached in the test (after writing)."""


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(SCREENS))
def test_flow_screen(
    seeded: HwApplication, snap_compare: Snap, name: str, size: tuple[int, int], theme: str
) -> None:
    client, actions = SCREENS[name]
    keys = (*actions, "ctrl+s", "ctrl+s", "p") if name == "print" else actions
    app = HwTui(seeded, client=client)
    assert snap_compare(app, terminal_size=size, run_before=steps(THEME_IDS[theme], *keys))
