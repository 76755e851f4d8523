"""FixedWidthTable draws its one-line Text cells exactly as DataTable does.

The fast path in ``FixedWidthTable._render_cell`` is compared, cell by cell,
with DataTable's own drawing on a real caseload: every visible cell, with and
without the cursor and the hover highlight, in both themes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.segment import Segment
from rich.style import Style
from textual.widgets import DataTable

from hwcore.bootstrap import open_application
from hwtui.app import HwTui
from hwtui.widgets.fixed_table import FixedWidthTable
from tests.tui.helpers import settle
from tests.tui.seed import TODAY, seed, seed_many


def normalised(lines: list[list[Segment]]) -> list[list[tuple[str, Style | None]]]:
    """Lines as (text, style) runs with equal neighbours merged (how they reach the screen)."""
    return [[(s.text, s.style) for s in Segment.simplify(line)] for line in lines]


@pytest.fixture
def caseload_home(home: Path) -> Path:
    """A home with the invented caseload and 40 more clients (due, triggers, not ready)."""
    with open_application(home, today=lambda: TODAY) as application:
        seed(application)
        seed_many(application, 40)
    return home


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_fast_cells_match_datatable(caseload_home: Path, theme: str) -> None:
    tui = HwTui(home=str(caseload_home))
    async with tui.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        tui.theme = theme
        await settle(pilot)
        table = tui.screen.query_one(FixedWidthTable)
        assert table.row_count > 30
        base = table.rich_style
        fast = 0
        for row in range(min(table.row_count, 36)):
            cells = table._get_row_renderables(row).cells
            for column, width in enumerate(
                c.get_render_width(table) for c in table.ordered_columns
            ):
                for cursor, hover in ((False, False), (True, False), (False, True)):
                    table._clear_caches()
                    ours = table._render_cell(row, column, base, width, cursor, hover)
                    table._clear_caches()
                    theirs = DataTable._render_cell(table, row, column, base, width, cursor, hover)
                    assert normalised(ours) == normalised(theirs), (row, column, cursor, hover)
                fast += cells[column].cell_len <= width - 2 * table.cell_padding
        assert fast > 100  # the fast path was really exercised
