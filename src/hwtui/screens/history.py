"""A client's events in order (the audit trail)."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Static

from hwcore.application import HistoryEntry, HwApplication
from hwtui.calls import CallFailed, call
from hwtui.text import cell, shown


class HistoryTable(DataTable[str | Text]):
    """The events table, its arrow keys listed in the footer."""

    BINDINGS = [  # noqa: RUF012 (Textual API)
        Binding("down", "cursor_down", "Move", key_display="↑↓"),
        Binding("up", "cursor_up", "Move", show=False),
        Binding("home", "scroll_top", "First"),
        Binding("end", "scroll_bottom", "Last"),
    ]


class HistoryScreen(Screen[None]):
    """Every event of one client's log, oldest first; the highlighted one in full."""

    BINDINGS = [  # noqa: RUF012 (Textual API)
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, application: HwApplication, client: str) -> None:
        super().__init__()
        self.application = application
        self.client = client
        self.entries: list[HistoryEntry] = []

    def compose(self) -> ComposeResult:
        """Title, the events table, the highlighted event in full."""
        yield Label(Content(shown(f"History · {self.client}")), id="history-title")
        table = HistoryTable(id="history", cursor_type="row")
        table.add_columns("#", "Session", "Event", "By", "What happened")
        yield table
        yield Static("", id="history-detail")
        yield Footer(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        """Load the events."""
        self.query_one(HistoryTable).focus()
        self.load()

    @work(thread=True, group="history")
    def load(self) -> None:
        """Read the client's history (worker thread)."""
        try:
            entries = call(self.application.history, self.client)
        except CallFailed as e:
            self.app.call_from_thread(self.notify, shown(e), severity="error", markup=False)
            return
        self.app.call_from_thread(self._loaded, entries)

    def _loaded(self, entries: list[HistoryEntry]) -> None:
        self.entries = entries
        table = self.query_one(HistoryTable)
        for e in entries:
            one_line = cell(e.summary)
            summary = one_line if len(one_line) <= 44 else one_line[:43] + "…"
            table.add_row(
                str(e.position),
                str(e.session or ""),
                Text(cell(e.event)),
                Text(cell(e.recorded_by or "unknown")),
                Text(summary),
                key=str(e.position),
            )
        self.query_one("#history-title", Label).update(
            Content(shown(f"History · {self.client} · {len(entries)} events, oldest first"))
        )
        if entries:
            table.move_cursor(row=len(entries) - 1)

    @on(DataTable.RowHighlighted)
    def show_detail(self, event: DataTable.RowHighlighted) -> None:
        """Show the highlighted event in full."""
        if 0 <= event.cursor_row < len(self.entries):
            e = self.entries[event.cursor_row]
            self.query_one("#history-detail", Static).update(
                Content(
                    shown(
                        f"#{e.position} {e.event} · session {e.session or '-'}"
                        f" · recorded by {e.recorded_by or 'unknown'}\n{e.summary}"
                    )
                )
            )
