"""A DataTable whose columns all have a fixed width: adding rows measures nothing,
and rows of one-line ``Text`` cells that fit are drawn without Rich's layout machinery."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text
from textual._types import SegmentLines
from textual.cache import LRUCache
from textual.coordinate import Coordinate
from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

_NULL = Style.null()
_SEGMENTS_CACHE_SIZE = 4096
"""Distinct cell contents whose drawn segments are kept (cleared when full)."""


class FixedWidthTable(DataTable[Any]):
    """A DataTable for fixed-width columns and one-line, unlabelled rows.

    ``DataTable`` measures every cell of every new row (on idle) to size its
    auto-width columns: about 0.15 ms a row, most of the cost of showing a
    thousand clients. With only fixed-width columns and rows added with the
    default height and no label, the measurements change nothing, so they are
    skipped and only the scrollable size is updated. Any other table (an
    auto-width column, a labelled or auto-height row) is measured as usual.

    Drawing is DataTable's too, made cheaper for the common case (see
    :meth:`_render_line_in_row`); tests/tui/test_fixed_table.py checks it
    against DataTable's own drawing, line by line and cell by cell.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._segments_cache: dict[tuple[object, ...], list[Segment]] = {}
        self._fast_row_cache: LRUCache[tuple[object, ...], tuple[SegmentLines, SegmentLines]]
        self._fast_row_cache = LRUCache(1000)

    def _clear_caches(self) -> None:
        super()._clear_caches()
        self._clear_fast_caches()

    def notify_style_update(self) -> None:
        """Styles changed (a theme, a pseudo-class): forget the rows drawn in the old ones."""
        super().notify_style_update()  # clears DataTable's caches, not through _clear_caches
        self._clear_fast_caches()

    def _clear_fast_caches(self) -> None:
        self._segments_cache.clear()
        self._fast_row_cache.clear()

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        new = [self.rows[key] for key in new_rows if key in self.rows]
        if any(c.auto_width for c in self.columns.values()) or any(
            row.label is not None or row.auto_height for row in new
        ):
            super()._update_dimensions(r.key for r in new)
            return
        width = sum(c.get_render_width(self) for c in self.columns.values())
        header_height = self.header_height if self.show_header else 0
        self.virtual_size = Size(
            width + self._row_label_column_width, self._total_row_height + header_height
        )

    def _text_segments(self, cell: Text) -> list[Segment]:
        """The segments of a one-line ``Text``, as DataTable's drawing produces them.

        Rich draws a cell by wrapping it and joining the wrapped lines with
        ``Text.join``, which turns the text's own style into a span over the
        whole text; the same spans are rendered here directly (``Text.join``
        alone cost a third of the table's drawing). Cells that look alike
        (rates, flags) are rendered once.
        """
        key = (cell.plain, cell.style, *cell.spans)
        segments = self._segments_cache.get(key)
        if segments is None:
            length = len(cell.plain)
            spans = [Span(0, length, cell.style)] if cell.style else []
            spans += cell.spans
            joined = Text(cell.plain, end="", spans=spans)
            segments = list(joined.render(self.app.console, end=""))
            if len(self._segments_cache) >= _SEGMENTS_CACHE_SIZE:
                self._segments_cache.clear()
            self._segments_cache[key] = segments
        return segments

    def _cell_line(
        self, cell: object, width: int, pre_style: Style, post_style: Style
    ) -> list[Segment] | None:
        """A one-line ``Text`` cell drawn padded to ``width`` (None: let DataTable draw it)."""
        pad = self.cell_padding
        inner = width - 2 * pad
        if (
            type(cell) is not Text
            or inner < 0
            or "\n" in cell.plain
            or cell.justify not in (None, "default", "left")
        ):
            return None
        length = cell.cell_len
        if length > inner:
            return None
        segments = [Segment(" " * pad, _NULL)] if pad else []
        segments += self._text_segments(cell)
        if inner > length:
            segments.append(Segment(" " * (inner - length), _NULL))
        if pad:
            segments.append(Segment(" " * pad, _NULL))
        return list(Segment.apply_style(segments, pre_style, post_style))

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> SegmentLines:
        """One cell's lines; a one-line ``Text`` that fits its column is drawn directly.

        DataTable draws every cell through Rich's ``Padding`` and ``Styled``
        renderables and a console layout pass. A single-line ``Text`` no wider
        than its column needs none of it: its segments, the padding and the
        same pre- and post-styles give the same line. Anything else (labels,
        other renderables, taller rows, text that would be cropped) is drawn
        by DataTable.
        """
        if row_index < -1 or column_index < 0:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        header = row_index == -1
        row_key = self._header_row_key if header else self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None or self._height_of(row_key) != 1:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        cache_key = (
            row_key,
            column_key,
            base_style,
            cursor,
            hover,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        if cache_key in self._cell_render_cache:
            return self._cell_render_cache[cache_key]
        cell = self._get_row_renderables(row_index).cells[column_index]
        component_style, post_style = self._cell_styles(row_index, column_index, cursor, hover)
        pre_style = base_style + Style.from_meta({"row": row_index, "column": column_index})
        line = self._cell_line(cell, width, pre_style + component_style, post_style)
        if line is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        self._cell_render_cache[cache_key] = [line]
        return [line]

    def _height_of(self, row_key: RowKey) -> int:
        if row_key is self._header_row_key:
            return self.header_height
        row = self.rows.get(row_key)
        return 0 if row is None else row.height

    def _cell_styles(
        self, row_index: int, column_index: int, cursor: bool, hover: bool
    ) -> tuple[Style, Style]:
        """DataTable's component and post styles of a cell in this state."""
        return self._get_styles_to_render_cell(
            row_index == -1,
            False,
            row_index >= 0 and (row_index < self.fixed_rows or column_index < self.fixed_columns),
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css",
        )

    def _render_line_in_row(
        self,
        row_key: RowKey,
        line_no: int,
        base_style: Style,
        cursor_location: Coordinate,
        hover_location: Coordinate,
    ) -> tuple[SegmentLines, SegmentLines]:
        """One line of a row: drawn here, whole, when it is a plain one-line row.

        With a row cursor and no fixed or labelled columns, every cell of a
        row has the same styles, so the row is drawn in one pass, its cells
        by :meth:`_cell_line` (the cell drawing above) and its right-hand
        filler as DataTable draws it. The result is cached by whether the
        cursor or the hover is on this row (DataTable's own cache is keyed
        by their coordinates, so moving the cursor redrew every row). Any
        other row or table is drawn by DataTable.
        """
        row_index = -1 if row_key is self._header_row_key else self._row_locations.get(row_key)
        if (
            row_index is None
            or line_no != 0
            or self.cursor_type != "row"
            or self.fixed_columns
            or self.fixed_rows
            or (self._labelled_row_exists and self.show_row_labels)
            or self._height_of(row_key) != 1
        ):
            return super()._render_line_in_row(
                row_key, line_no, base_style, cursor_location, hover_location
            )
        cursor = cursor_location.row == row_index
        hover = hover_location.row == row_index
        cache_key = (
            row_key,
            base_style,
            cursor,
            hover,
            self.show_cursor,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
            self.size.width,
        )
        cached = self._fast_row_cache.get(cache_key)
        if cached is not None:
            return cached
        row = self._fast_row(row_index, base_style, cursor, hover)
        if row is None:
            return super()._render_line_in_row(
                row_key, line_no, base_style, cursor_location, hover_location
            )
        pair: tuple[SegmentLines, SegmentLines] = ([], row)
        self._fast_row_cache[cache_key] = pair
        return pair

    def _fast_row(
        self, row_index: int, base_style: Style, cursor: bool, hover: bool
    ) -> list[list[Segment]] | None:
        """The cells and filler of a one-line row in a row-cursor table (None: not one)."""
        cells: Sequence[object] = self._get_row_renderables(row_index).cells
        columns = self.ordered_columns
        if len(cells) != len(columns):
            return None
        row_style = self._get_row_style(row_index, base_style)
        component_style, post_style = self._cell_styles(row_index, 0, cursor, hover)
        line: list[list[Segment]] = []
        table_width = self._row_label_column_width
        for column_index, (cell, column) in enumerate(zip(cells, columns, strict=True)):
            width = column.get_render_width(self)
            table_width += width
            meta = Style.from_meta({"row": row_index, "column": column_index})
            drawn = self._cell_line(cell, width, row_style + meta + component_style, post_style)
            if drawn is None:
                return None
            line.append(drawn)
        # The filler to the right of the last column, exactly as DataTable extends a row.
        extend_style, _ = self._get_styles_to_render_cell(
            row_index == -1,
            False,
            False,
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            False,
            False,
        )
        extend_style = row_style + extend_style
        extend_style += Style.from_meta({"row": row_index, "column": 0, "out_of_bounds": True})
        line.append([Segment(" " * max(0, self.size.width - table_width), extend_style)])
        return line
