"""The caseload table: fixed-width columns of one-line ``Text`` cells, on Textual's Line API.

A ``DataTable`` measures every cell of every new row (to size auto-width
columns) and draws each cell through Rich's layout machinery: most of the cost
of showing a thousand clients. The caseload needs none of it: every column has
a fixed width and every cell is one line. This table keeps its rows as they
are given and draws a row, once, as one :class:`~textual.strip.Strip`
(``ScrollView.render_line``, Textual's public Line API), cached until the
rows, the width or the styles change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from hwcore.application import is_terminal_safe, terminal_text

PADDING = 1
"""Blank cells each side of a cell's text."""


def _safe(text: Text) -> Text:
    """The cell itself, or (holding control characters) its text made visible, one style."""
    if is_terminal_safe(text.plain) and "\t" not in text.plain and "\n" not in text.plain:
        return text
    return Text(terminal_text(text.plain, keep_layout=False), style=text.style, end="")


class CaseloadTable(ScrollView, can_focus=True):
    """A read-only table: a header line, one line per row, a row cursor.

    Args:
        columns: each column's label and width (in cells, as ``DataTable.add_column``'s:
            the padding each side comes on top).
        id: the widget's id.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"caseload-table--header", "caseload-table--cursor"}
    DEFAULT_CSS = """
    CaseloadTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        & > .caseload-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .caseload-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .caseload-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "cursor_down", "Down", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("enter", "select", "Select", show=False),
    ]

    class RowSelected(Message):
        """A row was chosen (Enter with the focus here, or a click)."""

        def __init__(self, table: CaseloadTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key
            """The chosen row's key."""

        @property
        def control(self) -> CaseloadTable:
            """The table."""
            return self.table

    def __init__(self, columns: Sequence[tuple[str, int]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = tuple(columns)
        self.table_width = sum(width + 2 * PADDING for _, width in self.columns)
        self._keys: list[str] = []
        self._rows: list[Sequence[Text]] = []
        self._cursor = 0
        self._strips: dict[tuple[int, bool, int], Strip] = {}

    # ------------------------------------------------------------------ rows

    @property
    def row_count(self) -> int:
        """How many rows the table holds."""
        return len(self._rows)

    @property
    def keys(self) -> list[str]:
        """The rows' keys, top to bottom."""
        return list(self._keys)

    @property
    def cursor_row(self) -> int:
        """The highlighted row's index (0 when the table is empty)."""
        return self._cursor

    @property
    def cursor_key(self) -> str | None:
        """The highlighted row's key (None when the table is empty)."""
        return self._keys[self._cursor] if self._rows else None

    def add_rows(self, rows: Iterable[tuple[str, Sequence[Text]]]) -> None:
        """Add rows at the bottom: each a key and one ``Text`` per column.

        A cell holding a control character (an escape sequence in stored text)
        is shown with it made visible (``terminal_text``), never drawn raw.
        """
        for key, cells in rows:
            self._keys.append(key)
            self._rows.append([_safe(c) for c in cells])
        self._resized()

    def clear(self) -> None:
        """Remove every row (the cursor goes back to the top)."""
        self._keys.clear()
        self._rows.clear()
        self._strips.clear()
        self._cursor = 0
        self._resized()

    def _resized(self) -> None:
        self.virtual_size = Size(self.table_width, len(self._rows) + 1)
        self.refresh()

    # ---------------------------------------------------------------- cursor

    def move_cursor(self, row: int) -> None:
        """Highlight a row (clamped to the rows there are) and scroll it into view."""
        row = max(0, min(row, len(self._rows) - 1))
        if row != self._cursor:
            self._cursor = row
            self.refresh()
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        if self.scrollable_content_region.height < 2:  # not laid out yet: see on_resize
            return
        visible = self.scrollable_content_region.height - 1  # below the header
        top = round(self.scroll_offset.y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, immediate=True)
        elif self._cursor >= top + visible:
            self.scroll_to(y=self._cursor - visible + 1, animate=False, immediate=True)

    def on_resize(self) -> None:
        """Keep the highlighted row in view at the new size."""
        self._scroll_to_cursor()

    def action_cursor_down(self) -> None:
        """Highlight the next row."""
        self.move_cursor(self._cursor + 1)

    def action_cursor_up(self) -> None:
        """Highlight the previous row."""
        self.move_cursor(self._cursor - 1)

    def action_select(self) -> None:
        """Choose the highlighted row."""
        key = self.cursor_key
        if key is not None:
            self.post_message(self.RowSelected(self, key))

    def on_click(self, event: events.Click) -> None:
        """A click on a row highlights and chooses it."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        row = round(self.scroll_offset.y) + offset.y - 1
        if 0 <= row < len(self._rows):
            self.move_cursor(row)
            self.action_select()

    # --------------------------------------------------------------- drawing

    def notify_style_update(self) -> None:
        """Styles changed (a theme, the focus): draw the rows again in the new ones."""
        super().notify_style_update()
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the widget: the header on top, then the rows from the scroll offset."""
        width = self.scrollable_content_region.width
        scroll_x, scroll_y = self.scroll_offset
        if y == 0:
            strip = self._strip(-1, False, width)
        else:
            row = round(scroll_y) + y - 1
            if row >= len(self._rows):
                return Strip.blank(width, self.rich_style)
            strip = self._strip(row, row == self._cursor, width)
        return strip.crop(round(scroll_x), round(scroll_x) + width)

    def _strip(self, row: int, cursor: bool, width: int) -> Strip:
        """One drawn line (row -1: the header), cached."""
        key = (row, cursor, width)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._draw(row, cursor, width)
            self._strips[key] = strip
        return strip

    def _draw(self, row: int, cursor: bool, width: int) -> Strip:
        base = self.rich_style
        post: Style | None = None
        cells: Sequence[Text]
        if row < 0:
            cells = [Text(label, end="") for label, _ in self.columns]
            pre = base + self.get_component_rich_style("caseload-table--header")
        else:
            cells = self._rows[row]
            pre = base
            if cursor:
                highlight = self.get_component_rich_style("caseload-table--cursor")
                pre = base + highlight
                post = Style(color=highlight.color)  # the cursor's colour over the cells'
        console = self.app.console
        segments: list[Segment] = []
        pad = Segment(" " * PADDING)
        for cell, (_, column_width) in zip(cells, self.columns, strict=False):
            inner = max(0, column_width)
            text = cell
            if text.cell_len > inner or "\n" in text.plain:
                text = Text(text.plain.split("\n")[0], style=text.style, spans=text.spans, end="")
                text.truncate(inner, overflow="ellipsis")
            segments.append(pad)
            segments.extend(text.render(console, end=""))
            segments.append(Segment(" " * (inner - text.cell_len + PADDING)))
        filler = max(0, width - self.table_width)
        if filler:
            segments.append(Segment(" " * filler))
        styled = Segment.apply_style(segments, pre, post)
        return Strip(styled, max(width, self.table_width))
