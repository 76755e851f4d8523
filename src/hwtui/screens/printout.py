"""Printing after the wrap-up: the client's handout (calendar file, large print), the planner."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from hwcore.application import HwApplication
from hwtui.calls import CallFailed, call, handout_printer
from hwtui.text import shown

OPTIONS = (
    ("h", "handout", "the client's handout (PDF)"),
    ("c", "calendar", "with its calendar file (.ics, reminders)"),
    ("g", "large", "in large print"),
    ("n", "planner", "the planner (PDF, for the clinical record)"),
)
"""Key, option, what it prints (as ``hw print handout --ics --large-print``, ``hw print plan``)."""


class PrintScreen(ModalScreen[None]):
    """Tick what to print, Enter prints it into the current folder (as ``hw print`` does)."""

    BINDINGS = [  # noqa: RUF012 (Textual API)
        *(Binding(key, f"tick('{name}')", name.capitalize()) for key, name, _ in OPTIONS),
        Binding("enter", "print", "Print"),
        Binding("escape", "close", "Close"),
    ]

    def __init__(self, application: HwApplication, client: str, assignment: int | None) -> None:
        super().__init__()
        self.application = application
        self.client = client
        self.assignment = assignment
        self.chosen = {"handout": assignment is not None, "planner": assignment is None}
        self._printing = False

    def compose(self) -> ComposeResult:
        """The options and what was printed."""
        with Vertical(id="print-box", classes="dialog-box"):
            yield Static(Content.styled(shown(f"Print · {self.client}"), "bold"))
            yield Static("", id="print-options")
            yield Static("", id="print-done")
            yield Label("letters: tick · Enter: print · Esc: close", classes="dialog-keys")
        yield Footer(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        """Show the options."""
        self._show()

    def _show(self) -> None:
        lines = []
        for key, name, what in OPTIONS:
            if name != "planner" and self.assignment is None:
                continue
            tick = "[x]" if self.chosen.get(name) else "[ ]"
            lines.append(f"  {key}  {tick} {what}")
        self.query_one("#print-options", Static).update(Content("\n".join(lines)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The handout's options only when an assignment was given."""
        if action == "tick" and parameters != ("planner",):
            return self.assignment is not None and handout_printer(self.application) is not None
        return True

    def action_tick(self, name: str) -> None:
        """Tick or untick an option (a calendar file or large print ticks the handout)."""
        self.chosen[name] = not self.chosen.get(name)
        if name in ("calendar", "large") and self.chosen[name]:
            self.chosen["handout"] = True
        if name == "handout" and not self.chosen[name]:
            self.chosen["calendar"] = self.chosen["large"] = False
        self._show()

    def action_print(self) -> None:
        """Print what is ticked (worker thread); one print at a time."""
        if not self._printing and any(self.chosen.values()):
            self._printing = True
            self.print_chosen(dict(self.chosen))

    @work(thread=True, group="print")
    def print_chosen(self, chosen: dict[str, bool]) -> None:
        """Write the PDFs (and the calendar file) into the current folder."""
        done: list[str] = []
        try:
            if chosen.get("handout") and self.assignment is not None:
                ics = Path(f"{self.client}-handout-{self.assignment}.ics")
                pdf = call(
                    self.application.printing.print_handout,
                    self.client,
                    self.assignment,
                    ics=ics if chosen.get("calendar") else None,
                    large_print=bool(chosen.get("large")),
                )
                done.append(f"Handout printed: {pdf}")
                if chosen.get("calendar"):
                    done.append(f"Calendar file: {ics.resolve()}")
            if chosen.get("planner"):
                plan = call(self.application.printing.print_plan, self.client)
                done.append(f"Planner printed: {plan}")
        except CallFailed as e:
            done.append(f"Not printed: {e}")
        self.app.call_from_thread(self._printed, done)

    def _printed(self, done: list[str]) -> None:
        self._printing = False
        self.query_one("#print-done", Static).update(Content(shown("\n".join(done))))
        failed = any(line.startswith("Not printed") for line in done)
        self.notify(
            shown(done[-1] if failed else f"Printed {len(done)} file(s) into the current folder"),
            markup=False,
            severity="error" if failed else "information",
        )

    def action_close(self) -> None:
        """Back to the wrap-up."""
        self.dismiss(None)
