"""CaseloadTable: what it draws, the cursor, scrolling, clicks and theme changes (pilot)."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult

from hwtui.widgets.caseload_table import CaseloadTable

COLUMNS = (("Client", 8), ("Flags", 10))


class OneTable(App[None]):
    """A caseload table of ``rows`` clients, C000 down."""

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows
        self.chosen: list[str] = []

    def compose(self) -> ComposeResult:
        yield CaseloadTable(COLUMNS, id="t")

    def on_mount(self) -> None:
        table = self.query_one(CaseloadTable)
        table.add_rows(
            (f"C{n:03d}", (Text(f"C{n:03d}", style="bold"), Text("⚠ due" if n % 2 else "")))
            for n in range(self.rows)
        )
        table.focus()

    def on_caseload_table_row_selected(self, event: CaseloadTable.RowSelected) -> None:
        self.chosen.append(event.key)


def line(table: CaseloadTable, y: int) -> str:
    """The text of the table's line ``y``."""
    return table.render_line(y).text


def styles(table: CaseloadTable, y: int) -> set[Style]:
    """The styles on line ``y`` (without mouse metadata)."""
    return {s.style.clear_meta_and_links() for s in table.render_line(y) if s.style}


async def test_header_rows_padding_and_cropping() -> None:
    app = OneTable(3)
    async with app.run_test(size=(40, 10)) as pilot:
        table = app.query_one(CaseloadTable)
        await pilot.pause()
        table.add_rows([("LONG", (Text("ABCDEFGHIJ"), Text("x")))])
        await pilot.pause()
        assert line(table, 0) == " Client    Flags      ".ljust(40)
        assert line(table, 1) == " C000                 ".ljust(40)
        assert line(table, 2) == " C001      ⚠ due      ".ljust(40)
        assert line(table, 4) == " ABCDEFG…  x          ".ljust(40)  # cropped, never wider
        assert line(table, 5) == " " * 40
        assert any(s.bold for s in styles(table, 1))  # the cell's own style is kept


async def test_the_cursor_is_drawn_moves_and_scrolls_into_view() -> None:
    app = OneTable(30)
    async with app.run_test(size=(40, 10)) as pilot:
        table = app.query_one(CaseloadTable)
        await pilot.pause()
        assert (table.cursor_row, table.cursor_key) == (0, "C000")
        assert styles(table, 1) != styles(table, 3)  # the highlighted row looks different
        await pilot.press("down", "down")
        assert table.cursor_key == "C002"
        assert styles(table, 3) != styles(table, 5)
        for _ in range(20):
            await pilot.press("down")
        await pilot.pause()
        assert table.cursor_key == "C022"
        visible = table.scrollable_content_region.height - 1
        top = round(table.scroll_offset.y)
        assert top <= 22 < top + visible  # scrolled with the cursor
        assert line(table, 0).startswith(" Client")  # the header stays on top
        assert line(table, 22 - top + 1).startswith(" C022")
        table.move_cursor(0)
        await pilot.pause()
        assert round(table.scroll_offset.y) == 0
        table.move_cursor(99)
        assert table.cursor_key == "C029"  # clamped
        await pilot.press("enter")
        assert app.chosen == ["C029"]


async def test_a_click_chooses_the_row_under_it() -> None:
    app = OneTable(5)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        await pilot.click(CaseloadTable, offset=(2, 3))  # line 3: the third row
        assert app.chosen == ["C002"]
        await pilot.click(CaseloadTable, offset=(2, 0))  # the header chooses nothing
        assert app.chosen == ["C002"]


async def test_clear_and_a_theme_change_redraw() -> None:
    app = OneTable(5)
    async with app.run_test(size=(40, 10)) as pilot:
        table = app.query_one(CaseloadTable)
        app.theme = "textual-dark"
        await pilot.pause()
        dark = styles(table, 0)
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.pause()
        assert styles(table, 0) != dark  # the header in the new theme's colours
        table.clear()
        await pilot.pause()
        assert (table.row_count, table.cursor_key) == (0, None)
        assert line(table, 1) == " " * 40
