"""FixedWidthTable draws its one-line Text cells and rows exactly as DataTable does.

The fast paths in ``FixedWidthTable._render_cell`` and ``_render_line_in_row``
are compared with DataTable's own drawing on a real caseload: every visible
cell and row (the header too), with and without the cursor and the hover
highlight, in both themes.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import pytest
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.coordinate import Coordinate
from textual.pilot import Pilot
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


async def themed_table(tui: HwTui, pilot: Pilot[str | None], theme: str) -> FixedWidthTable:
    """The caseload table once the caseload is shown in ``theme``."""
    await settle(pilot)
    tui.theme = theme
    await settle(pilot)
    return tui.screen.query_one(FixedWidthTable)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_fast_cells_match_datatable(caseload_home: Path, theme: str) -> None:
    tui = HwTui(home=str(caseload_home))
    async with tui.run_test(size=(120, 40)) as pilot:
        table = await themed_table(tui, pilot, theme)
        assert table.row_count > 30
        base = table.rich_style
        fast = 0
        for row in range(-1, min(table.row_count, 36)):
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


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_fast_rows_match_datatable(caseload_home: Path, theme: str) -> None:
    tui = HwTui(home=str(caseload_home))
    async with tui.run_test(size=(120, 40)) as pilot:
        table = await themed_table(tui, pilot, theme)
        base = table.rich_style
        keys = [table._header_row_key, *list(table.rows)[:36]]
        elsewhere = Coordinate(30, 0)
        fast = 0
        for index, key in enumerate(keys, start=-1):
            here = Coordinate(index, 2)
            for cursor, hover in ((elsewhere, elsewhere), (here, elsewhere), (elsewhere, here)):
                table._clear_caches()
                fixed, ours = table._render_line_in_row(key, 0, base, cursor, hover)
                assert fixed == []
                fast += len(table._fast_row_cache)
                table._clear_caches()
                # The reference: DataTable's row drawing with DataTable's own cells.
                table._render_cell = partial(DataTable._render_cell, table)  # type: ignore[method-assign]
                try:
                    _, theirs = DataTable._render_line_in_row(table, key, 0, base, cursor, hover)
                finally:
                    del table._render_cell
                flat_ours = [segment for cell in ours for segment in cell]
                flat_theirs = [segment for cell in theirs for segment in cell]
                assert normalised([flat_ours]) == normalised([flat_theirs]), (index, cursor, hover)
        assert fast == 3 * len(keys)  # every row was drawn by the fast path


class OneTable(App[None]):
    """A focused table of a few rows (a DataTable or a FixedWidthTable)."""

    def __init__(self, table: DataTable[Any]) -> None:
        super().__init__()
        self.table = table

    def compose(self) -> ComposeResult:
        yield self.table

    def on_mount(self) -> None:
        self.table.add_column("client", width=8)
        self.table.add_column("flags", width=10)
        for n in range(5):
            self.table.add_row(Text(f"C{n:03d}", style="bold"), Text("due" if n % 2 else ""))
        self.table.focus()


def drawn(table: DataTable[Any]) -> list[list[tuple[str, Style | None]]]:
    """The table's visible lines as (text, style without mouse metadata) runs."""
    lines = [list(Segment.simplify(list(table.render_line(y)))) for y in range(7)]
    return [
        [(s.text, s.style.clear_meta_and_links() if s.style else None) for s in line]
        for line in lines
    ]


async def through_themes(table: DataTable[Any]) -> list[list[list[tuple[str, Style | None]]]]:
    """The table drawn in each of a row of themes, switched while it is shown."""
    app = OneTable(table)
    frames = []
    async with app.run_test(size=(40, 10)) as pilot:
        # ansi-dark and ansi-light share the base colours: only the cursor's differ.
        for theme in ("ansi-dark", "ansi-light", "textual-dark", "ansi-dark"):
            app.theme = theme
            await pilot.pause()
            await pilot.pause()
            frames.append(drawn(table))
            if isinstance(table, FixedWidthTable):
                assert len(table._fast_row_cache) >= 6  # header and rows: the fast path
    return frames


async def test_a_theme_change_redraws_rows_in_the_new_styles() -> None:
    ours = await through_themes(FixedWidthTable(cursor_type="row"))
    assert ours == await through_themes(DataTable(cursor_type="row"))
