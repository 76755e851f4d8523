"""The caseload: who needs attention today; type to filter, Enter opens the wrap-up.

Start-up is a feature: the caseload is read from a current read model without
opening the application when it can be (see :class:`hwtui.opener.Opener`), and
the table is filled progressively: the first rows are painted at once, the rest
are added in chunks between other messages, so the screen never waits for a
thousand rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label

from hwtui.calls import CallFailed, call
from hwtui.opener import Closed, Opener
from hwtui.text import cell, percent, shown
from hwtui.widgets.caseload_table import CaseloadTable

if TYPE_CHECKING:
    from hwcore.application import CaseloadEntry, HwApplication

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
    ("Done %", 6),
    ("Recent", 6),
    ("Review", 10),
    ("Flags", 15),
)
"""Column labels and widths: the table fits 80 columns.

"Done %" is the completion rate over every resolved assignment; "Recent" the
rate of the last 8 sessions and its trend; "Review" the session of the next
review ("at 14"), or "⚠ due" (due now) and "⚠ since 5" (was due at session 5).
"""
CHUNK_ROWS = 1000
"""Rows added per later chunk (about 50 ms; each chunk makes the table render again)."""
FIRST_FRAME_TIMEOUT = 0.5
"""Seconds after which the rest of the table is added even if no frame was shown."""


class FilterInput(Input):
    """The filter: Enter opens the highlighted client's wrap-up."""

    BINDINGS = [  # noqa: RUF012 (Textual API)
        Binding("enter", "screen.open", "Wrap-up"),
        Binding("down", "screen.move(1)", "Move", key_display="↑↓"),
        Binding("up", "screen.move(-1)", "Up", show=False),
    ]


def flags(entry: CaseloadEntry, colours: Mapping[str, str]) -> Text:
    """The attention column: an open risk alert, triggers, not ready (a due review: "Review").

    Args:
        entry: the client's caseload entry.
        colours: the theme's CSS variables (``App.theme_variables``): a plain
            Rich ``Text`` in the theme's colours renders far faster than a
            ``Content`` resolving ``$variables`` in every frame.
    """
    text = Text(end="")
    if entry.open_alert:  # first in the caseload's order too (spec 4b)
        text.append("⚠ RISK ALERT", style=f"bold reverse {colours.get('text-error', 'red')}")
    if entry.triggers:
        names = cell(", ".join(SHORT_TRIGGERS.get(t, t) for t in entry.triggers))
        text.append((" " if text else "") + names, style=colours.get("text-error", "red"))
    if not entry.ready and entry.assignments:
        text.append((" " if text else "") + "not ready", style="dim")
    return text


def review_cell(entry: CaseloadEntry, colours: Mapping[str, str]) -> Text:
    """The review column: 'at 14', '⚠ due', or '⚠ since 5' when it was due at session 5."""
    nrs = entry.next_review_session
    if not entry.due:
        return Text(f"at {nrs}" if nrs else "-", end="")
    late = nrs is not None and entry.last_session is not None and nrs <= entry.last_session
    label = f"⚠ since {nrs}" if late else "⚠ due"
    return Text(label, style=f"bold {colours.get('text-warning', 'yellow')}", end="")


def cannot_open(app: App[Any], message: str) -> None:
    """The store cannot be opened: leave with one 'hw: error:' line (exit code 1)."""
    app.exit(return_code=1, message=Text(f"hw: error: {cell(message)}"))


def with_application(node: DOMNode, opener: Opener, then: Callable[[HwApplication], None]) -> None:
    """Run ``then`` with the application: now if it is open, else once a worker opened it."""
    application = opener.current
    if application is not None:
        then(application)
        return

    app = node.app

    def open_then() -> None:
        try:
            opened = opener.get()
        except Closed:
            return
        except CallFailed as e:
            app.call_from_thread(cannot_open, app, str(e))
            return
        app.call_from_thread(then, opened)

    # Not exclusive: a thread worker cannot be stopped, and opening is done once anyway.
    node.run_worker(open_then, thread=True, group="open")


class CaseloadPainted(Message):
    """The caseload's first rows were painted for the first time."""

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows
        """How many rows the table held at that paint (the rest follow in chunks)."""


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

    def __init__(self, opener: Opener | HwApplication) -> None:
        super().__init__()
        self.opener = opener if isinstance(opener, Opener) else Opener(opener)
        self.entries: list[CaseloadEntry] = []
        """The whole caseload (the filter shows a part of it)."""
        self.shown: list[CaseloadEntry] = []
        """The entries the current filter shows (the table holds a prefix while filling)."""
        self.painted = False
        self.source: str | None = None
        """Where the last caseload came from: 'read model' (quick path) or 'application'."""
        self._fill_generation = 0
        self._load_generation = 0
        self.first_frame_shown = False
        """True once a frame with the first rows reached the terminal (see :meth:`frame_shown`)."""
        self._after_first_frame: list[tuple[int, int]] = []
        self._colours: dict[str, str] | None = None
        self._resumed = False
        """The theme's variables after a theme change (else the app's current ones)."""

    @property
    def filling(self) -> bool:
        """True while the table holds fewer rows than the filter shows."""
        return self.query_one(CaseloadTable).row_count < len(self.shown)

    def compose(self) -> ComposeResult:
        """Filter, table, status line (the footer follows the first paint)."""
        yield Label("hw · caseload", id="caseload-title")
        yield FilterInput(placeholder="Type to filter clients…", id="filter", compact=True)
        table = CaseloadTable(COLUMNS, id="caseload")
        table.can_focus = False  # the filter keeps the focus; up/down move the highlight
        yield table
        yield Label("Loading…", id="caseload-status")

    def on_mount(self) -> None:
        """Load the caseload: from a current read model before the first frame, else in a worker."""
        self.query_one("#filter", Input).focus()
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        # The quick read (started when the app was built) takes a few ms: taking
        # it here puts the rows in the very first frame, with no empty table first.
        entries = self.opener.quick_caseload()
        if entries is not None:
            self._loaded(entries, "read model")
        else:
            self.load()

    def _theme_changed(self, _: object) -> None:
        """Redraw the rows in the new theme's colours (the flags use them)."""
        self._colours = self.app.get_css_variables()
        if self.painted:
            self._fill()

    def on_screen_resume(self) -> None:
        """Reload when coming back from a wrap-up or review (not when first shown)."""
        if self._resumed and self.painted:
            self.load()
        self._resumed = True

    def load(self) -> None:
        """Read the caseload again, in a worker; the latest read is the one shown.

        Earlier reads still running are not cancelled (a thread cannot be
        stopped): their answers are ignored.
        """
        self._load_generation += 1
        self._read(self._load_generation)

    @work(thread=True, group="caseload")
    def _read(self, generation: int) -> None:
        """Read the caseload (worker thread): the read model if current, else the application."""
        entries = self.opener.quick_caseload()
        source = "read model"
        if entries is None:
            source = "application"
            try:
                application = self.opener.get()
            except Closed:
                return
            except CallFailed as e:
                self.app.call_from_thread(cannot_open, self.app, str(e))
                return
            try:
                entries = call(application.caseload)
            except CallFailed as e:
                self.app.call_from_thread(self._failed, str(e))
                return
        self.app.call_from_thread(self._read_answered, generation, entries, source)

    def _read_answered(self, generation: int, entries: list[CaseloadEntry], source: str) -> None:
        if generation == self._load_generation:
            self._loaded(entries, source)

    def _failed(self, message: str) -> None:
        self.query_one("#caseload-status", Label).update(Content(cell(message)))
        self.notify(shown(message), severity="error", markup=False)

    def _loaded(self, entries: list[CaseloadEntry], source: str) -> None:
        self.entries = entries
        self.source = source
        if not self.painted:
            self.painted = True
            # Should no frame of this screen be shown (another screen on top),
            # the rest still follows.
            self.set_timer(FIRST_FRAME_TIMEOUT, self.frame_shown)
            self._fill()
            # Textual runs this once the screen has been repainted with these rows.
            self.call_after_refresh(self.frame_shown)
            return
        self._fill()

    def frame_shown(self) -> None:
        """The first frame with rows is on the screen: the footer and the other rows follow.

        Called after the refresh that drew the first rows (``call_after_refresh``:
        Textual runs it once that frame was handed to the terminal), or by a timer
        when none was, so the rest of the start-up work is done after the
        therapist already sees the caseload.
        """
        if self.first_frame_shown or not self.painted:
            return
        self.first_frame_shown = True
        self.app.post_message(CaseloadPainted(self.query_one(CaseloadTable).row_count))
        self._mount_footer()
        pending, self._after_first_frame = self._after_first_frame, []
        for generation, start in pending:
            self._fill_more(generation, start)

    def _mount_footer(self) -> None:
        """Add the key footer once the caseload is on the screen.

        Textual's Footer builds a widget per key binding: about 100 ms before
        the first paint on a 2-core machine, so the caseload is shown first and
        the footer (docked at the bottom, the layout unchanged) a moment later.
        """
        from textual.widgets import Footer

        if not self.is_attached:  # the app is already closing (quit at the first frame)
            return
        if not self.query(Footer):
            self.mount(Footer(show_command_palette=False, compact=True))
            # A footer shows the keys once told the bindings changed: tell it now.
            self.call_after_refresh(self.refresh_bindings)

    def _fill(self) -> None:
        """Show the entries the filter matches: the first rows now, the rest in chunks."""
        self._fill_generation += 1  # a fill still running stops at its next chunk
        table = self.query_one(CaseloadTable)
        selected = self.selected_client()
        needle = self.query_one("#filter", Input).value.strip().casefold()
        self.shown = [e for e in self.entries if needle in e.client.casefold()]
        clients = [e.client for e in self.shown]
        keep = clients.index(selected) if selected in clients else None
        table.clear()
        # A screenful first: the table is never taller than the terminal.
        first = max(self.app.size.height, (keep or 0) + 1)
        self._add_rows(table, 0, first)
        if keep is not None:
            table.move_cursor(keep)
        if first < len(self.shown):  # the rest once these rows are on the screen
            if self.first_frame_shown:
                self.call_after_refresh(self._fill_more, self._fill_generation, first)
            else:
                self._after_first_frame.append((self._fill_generation, first))
        self._fill_status()

    def _fill_status(self) -> None:
        """The status line: how many clients are shown, of how many, reviews due."""
        needle = self.query_one("#filter", Input).value.strip()
        due = sum(e.due for e in self.entries)
        status = f"{len(self.shown)} of {len(self.entries)} clients · {due} review(s) due"
        if not self.painted and not self.entries:
            status = "Loading…"
        elif not self.entries:
            status = "No clients yet: import a history with 'hw import FILE.csv'."
        elif not self.shown:
            status = f"No client matches '{needle.casefold()}' · Esc clears the filter"
        self.status(status)

    def _fill_more(self, generation: int, start: int) -> None:
        """Add the next chunk of rows, unless a newer fill has replaced this one."""
        if generation != self._fill_generation:
            return
        end = start + CHUNK_ROWS
        self._add_rows(self.query_one(CaseloadTable), start, end)
        if end < len(self.shown):
            self.call_after_refresh(self._fill_more, generation, end)

    def _add_rows(self, table: CaseloadTable, start: int, end: int) -> None:
        # Text cells: a plain str would be parsed as Rich markup on every render.
        colours = self._colours or self.app.theme_variables or self.app.get_css_variables()
        rows = []
        for e in self.shown[start:end]:
            last = f"{e.last_session} · {e.last_session_date}" if e.last_session else "-"
            recent = f"{percent(e.recent_rate)} {TREND.get(e.trend or '', '')}".strip()
            cells = (
                Text(cell(e.client), style="bold", end=""),
                Text(cell(last), end=""),
                Text(str(e.pending) if e.pending else "", end=""),
                Text(percent(e.completion_rate), end=""),
                Text(recent, end=""),
                review_cell(e, colours),
                flags(e, colours),
            )
            rows.append((e.client, cells))
        table.add_rows(rows)

    @on(Input.Changed, "#filter")
    def filter_changed(self) -> None:
        """Filter as the therapist types (once the caseload is loaded)."""
        if self.painted:
            self._fill()

    def selected_client(self) -> str | None:
        """The highlighted client (None when the table is empty)."""
        return self.query_one(CaseloadTable).cursor_key

    def action_move(self, delta: int) -> None:
        """Move the highlight while the filter keeps the focus."""
        table = self.query_one(CaseloadTable)
        if delta > 0:
            table.action_cursor_down()
        else:
            table.action_cursor_up()

    def action_clear(self) -> None:
        """Clear the filter."""
        self.query_one("#filter", Input).value = ""

    @on(CaseloadTable.RowSelected)
    def action_open(self) -> None:
        """Open the wrap-up of the highlighted client (none matches: offer to register it)."""
        client = self.selected_client()
        typed = self.query_one("#filter", Input).value.strip().upper()
        if client is None and not (typed and self.painted):
            self.notify("No client selected", severity="warning")
            return

        def open_wrapup(application: HwApplication) -> None:
            from hwtui.screens.newclient import open_wrapup

            open_wrapup(self, application, client or typed)

        self.with_application(open_wrapup)

    def action_review(self) -> None:
        """Open the review of the highlighted client."""
        client = self.selected_client()
        if client is None:
            return

        def open_review(application: HwApplication) -> None:
            from hwtui.screens.review import ReviewScreen

            self.app.push_screen(ReviewScreen(application, client))

        self.with_application(open_review)

    def action_history(self) -> None:
        """Open the history of the highlighted client."""
        client = self.selected_client()
        if client is None:
            return

        def open_history(application: HwApplication) -> None:
            from hwtui.screens.history import HistoryScreen

            self.app.push_screen(HistoryScreen(application, client))

        self.with_application(open_history)

    def with_application(self, then: Callable[[HwApplication], None]) -> None:
        """Run ``then`` with the application, unless another screen was opened meanwhile."""

        def if_current(application: HwApplication) -> None:
            if self.is_current:
                then(application)

        with_application(self, self.opener, if_current)

    def status(self, text: str) -> None:
        """Show a line in the status bar."""
        self.query_one("#caseload-status", Label).update(Content(cell(text)))
