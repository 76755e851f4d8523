"""A DataTable whose columns all have a fixed width: adding rows measures nothing,
and one-line ``Text`` cells that fit are drawn without Rich's layout machinery."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

_NEWLINE = Text("\n")


class FixedWidthTable(DataTable[Any]):
    """A DataTable for fixed-width columns and one-line, unlabelled rows.

    ``DataTable`` measures every cell of every new row (on idle) to size its
    auto-width columns: about 0.15 ms a row, most of the cost of showing a
    thousand clients. With only fixed-width columns and rows added with the
    default height and no label, the measurements change nothing, so they are
    skipped and only the scrollable size is updated. Any other table (an
    auto-width column, a labelled or auto-height row) is measured as usual.
    """

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

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> list[list[Segment]]:
        """One cell's lines; a one-line ``Text`` that fits its column is drawn directly.

        DataTable draws every cell through Rich's ``Padding`` and ``Styled``
        renderables and a console layout pass: about 40 ms for a screenful of
        the caseload, most of the first frame. A single-line ``Text`` no wider
        than its column needs none of it: its segments, the padding and the
        same pre- and post-styles give the same line (checked against
        DataTable's own drawing in tests/tui/test_fixed_table.py). Anything
        else (headers, labels, other renderables, taller rows, text that
        would be cropped) is drawn by DataTable.
        """
        if row_index < 0 or column_index < 0:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None:
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
        pad = self.cell_padding
        inner = width - 2 * pad
        row = self.rows.get(row_key)
        if (
            row is None
            or row.height != 1
            or type(cell) is not Text
            or inner < 0
            or "\n" in cell.plain
            or cell.cell_len > inner
        ):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        component_style, post_style = self._get_styles_to_render_cell(
            False,
            False,
            row_index < self.fixed_rows or column_index < self.fixed_columns,
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css",
        )
        pre_style = base_style + Style.from_meta({"row": row_index, "column": column_index})
        pre_style += component_style
        null = Style.null()
        segments = [Segment(" " * pad, null)] if pad else []
        # Joined as Rich's own drawing joins wrapped lines: the base style becomes a span.
        segments += _NEWLINE.join([cell]).render(self.app.console, end="")
        if inner > cell.cell_len:
            segments.append(Segment(" " * (inner - cell.cell_len), null))
        if pad:
            segments.append(Segment(" " * pad, null))
        lines = [list(Segment.apply_style(segments, pre_style, post_style))]
        self._cell_render_cache[cache_key] = lines
        return lines
