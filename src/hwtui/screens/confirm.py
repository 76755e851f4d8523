"""A yes/no question (y / n, Enter / Esc); answers True or False."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from hwtui.text import shown


class ConfirmScreen(ModalScreen[bool]):
    """Ask before something irreversible (or before throwing work away)."""

    BINDINGS = [  # noqa: RUF012 (Textual API)
        Binding("y,enter", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        """The question and its detail."""
        with Vertical(id="confirm-box"):
            # Static wraps within the box (a Label would be cut at its edge).
            yield Static(Content(shown(self.question)), id="confirm-question")
            if self.detail:
                yield Static(Content(shown(self.detail)), id="confirm-detail")
            yield Label("y / Enter: yes    n / Esc: no", id="confirm-keys")
        yield Footer(show_command_palette=False, compact=True)

    def action_answer(self, answer: bool) -> None:
        """Close with the answer."""
        self.dismiss(answer)
