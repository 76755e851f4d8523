"""The caseload: who needs attention today; type to filter, Enter opens the wrap-up."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label

from hwcore.application import CaseloadEntry, HwApplication
from hwtui.calls import CallFailed, call
from hwtui.text import percent

SHORT_TRIGGERS = {
    "cadence": "cadence",
    "three_consecutive_misses": "3 misses",
    "life_change": "life",
    "relationship_change": "relationship",
    "other": "other",
}
TREND = {"up": "↑", "down": "↓", "flat": "→"}
COLUMNS = (
    ("Client", 8),
    ("Last session", 15),
    ("Pend", 4),
    ("Done", 4),
    ("Recent", 6),
    ("Review", 6),
    ("Flags", 21),
)
"""Column labels and widths: the table fits 80 columns."""


class FilterInput(Input):
    """The filter: Enter opens the highlighted client's wrap-up."""

    BINDINGS = [Binding("enter", "screen.open", "Wrap-up")]  # noqa: RUF012 (Textual API)


def flags(entry: CaseloadEntry) -> Content:
    """The attention column: review due, triggers, not ready."""
    parts: list[str | tuple[str, str]] = []
    if entry.due:
        parts.append(("⚠ due", "bold $text-warning"))
    if entry.triggers:
        text = ", ".join(SHORT_TRIGGERS.get(t, t) for t in entry.triggers)
        parts.append(((" " if parts else "") + text, "$text-error"))
    if not entry.ready and entry.assignments:
        parts.append(((" " if parts else "") + "not ready", "dim"))
    return Content.assemble(*parts)


class CaseloadPainted(Message):
    """The caseload's rows were painted for the first time."""


class CaseloadScreen(Screen[None]):
    """Every client, attention first; the filter takes what you type."""

    BINDINGS = [  # noqa: RUF012 (Textual API)
        Binding("ctrl+r", "review", "Review"),
        Binding("ctrl+o", "history", "History"),
        Binding("escape", "clear", "Clear filter"),
        Binding("ctrl+t", "app.toggle_theme", "Theme"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    def __init__(self, application: HwApplication) -> None:
        super().__init__()
        self.application = application
        self.entries: list[CaseloadEntry] = []
        self.painted = False

    def compose(self) -> ComposeResult:
        """Filter, table, status line, footer."""
        yield Label("hw · caseload", id="caseload-title")
        yield FilterInput(placeholder="Type to filter clients…", id="filter", compact=True)
        table: DataTable[str | Content] = DataTable(id="caseload", cursor_type="row")
        table.can_focus = False  # the filter keeps the focus; up/down move the highlight
        for label, width in COLUMNS:
            table.add_column(label, width=width, key=label)
        yield table
        yield Label("Loading…", id="caseload-status")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        """Load the caseload."""
        self.query_one("#filter", Input).focus()
        self.load()

    def on_screen_resume(self) -> None:
        """Reload when coming back from a wrap-up or review."""
        if self.painted:
            self.load()

    @work(thread=True, exclusive=True, group="caseload")
    def load(self) -> None:
        """Read the caseload (worker thread)."""
        try:
            entries = call(self.application.caseload)
        except CallFailed as e:
            self.app.call_from_thread(self._failed, str(e))
            return
        self.app.call_from_thread(self._loaded, entries)

    def _failed(self, message: str) -> None:
        self.query_one("#caseload-status", Label).update(message)
        self.notify(message, severity="error")

    def _loaded(self, entries: list[CaseloadEntry]) -> None:
        self.entries = entries
        self._fill()
        if not self.painted:
            self.painted = True
            self.call_after_refresh(self.app.post_message, CaseloadPainted())

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        selected = self.selected_client()
        needle = self.query_one("#filter", Input).value.strip().casefold()
        shown = [e for e in self.entries if needle in e.client.casefold()]
        table.clear()
        for e in shown:
            last = f"{e.last_session} · {e.last_session_date}" if e.last_session else "-"
            recent = f"{percent(e.recent_rate)} {TREND.get(e.trend or '', '')}".strip()
            table.add_row(
                Content.styled(e.client, "bold"),
                last,
                str(e.pending) if e.pending else "",
                percent(e.completion_rate),
                recent,
                str(e.next_review_session or "-"),
                flags(e),
                key=e.client,
            )
        if selected is not None and selected in {e.client for e in shown}:
            table.move_cursor(row=table.get_row_index(selected))
        due = sum(e.due for e in self.entries)
        status = f"{len(shown)} of {len(self.entries)} clients · {due} review(s) due"
        if not self.entries:
            status = "No clients yet: import a history with 'hw import FILE.csv'."
        elif not shown:
            status = f"No client matches '{needle}' · Esc clears the filter"
        self.query_one("#caseload-status", Label).update(status)

    @on(Input.Changed, "#filter")
    def filter_changed(self) -> None:
        """Filter as the therapist types."""
        self._fill()

    def selected_client(self) -> str | None:
        """The highlighted client (None when the table is empty)."""
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return str(row_key.value) if row_key.value is not None else None

    def action_move(self, delta: int) -> None:
        """Move the highlight while the filter keeps the focus."""
        table = self.query_one(DataTable)
        if delta > 0:
            table.action_cursor_down()
        else:
            table.action_cursor_up()

    def action_clear(self) -> None:
        """Clear the filter."""
        self.query_one("#filter", Input).value = ""

    @on(DataTable.RowSelected)
    def action_open(self) -> None:
        """Open the wrap-up of the highlighted client."""
        client = self.selected_client()
        if client is None:
            self.notify("No client selected", severity="warning")
            return
        from hwtui.screens.wrapup import WrapUpScreen

        self.app.push_screen(WrapUpScreen(self.application, client))

    def action_review(self) -> None:
        """Open the review of the highlighted client."""
        client = self.selected_client()
        if client is None:
            return
        from hwtui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(self.application, client))

    def action_history(self) -> None:
        """Open the history of the highlighted client."""
        client = self.selected_client()
        if client is None:
            return
        from hwtui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.application, client))
