"""A DataTable whose columns all have a fixed width: adding rows measures nothing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey


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
