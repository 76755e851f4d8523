"""A labelled form row with live feedback beside it and an error line under it."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Label

from hwtui.text import shown

FIELD_KEYS: list[BindingType] = [
    Binding("down", "app.focus_next", "Field", key_display="↑↓"),
    Binding("up", "app.focus_previous", "Previous field", show=False),
]
"""Up/down move between a form's fields (listed in the footer as "↑↓ Field")."""
UNDO_DEPTH = 50
"""How many earlier values a text field keeps for ctrl+z."""


class FieldRow(Vertical):
    """``Label  widget  feedback`` on one line, the field's error message below."""

    DEFAULT_CSS = """
    FieldRow { height: auto; }
    FieldRow > Horizontal { height: auto; }
    FieldRow .field-label { width: 15; color: $text-muted; }
    FieldRow .feedback { width: 1fr; padding-left: 1; color: $text-muted; }
    FieldRow .field-error { color: $text-error; padding-left: 15; display: none; }
    FieldRow .field-error.-shown { display: block; }
    """

    def __init__(self, label: str, field: Widget, *, feedback: bool = False) -> None:
        super().__init__(classes="field-row")
        self.label_text = label
        self.field = field
        self.feedback = feedback

    def compose(self) -> ComposeResult:
        """Label, field, optional feedback, error line."""
        field_id = self.field.id or ""
        with Horizontal():
            yield Label(self.label_text, classes="field-label")
            yield self.field
            if self.feedback:
                yield Label("", id=f"{field_id}-fit", classes="feedback")
        yield Label("", id=f"{field_id}-error", classes="field-error")

    def on_input_changed(self, event: Input.Changed) -> None:
        """The field was edited: its error goes (a check shows it again if still wrong)."""
        if event.input is self.field:
            self.show_error("")

    def show_error(self, message: str) -> None:
        """Show (or with '' clear) the error under the field."""
        error = self.query_one(".field-error", Label)
        error.update(Content(shown(message)))
        error.set_class(bool(message), "-shown")


def row_of(widget: Widget) -> FieldRow | None:
    """The FieldRow holding a widget, if any."""
    for ancestor in widget.ancestors:
        if isinstance(ancestor, FieldRow):
            return ancestor
    return None


def show_field_error(widget: Widget, message: str) -> None:
    """Show a message at a field (and nothing if it is not in a FieldRow)."""
    row = row_of(widget)
    if row is not None:
        row.show_error(message)


def erased(old: str, new: str) -> int:
    """How many characters of ``old`` are gone from ``new`` (an edit in one place)."""
    limit = min(len(old), len(new))
    prefix = 0
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return len(old) - prefix - suffix


class TextField(Input):
    """A one-line input whose text is never lost to a single key.

    Focus does not select the text (Tab then Space would replace it), and
    every change that takes away more than one character (ctrl+u, ctrl+k,
    ctrl+w, a cut, a paste over a selection, a value filled in by the screen)
    can be undone with ctrl+z.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+z", "undo", "Undo"),
        *FIELD_KEYS,
    ]

    def __init__(self, value: str = "", **kwargs: Any) -> None:
        self.earlier: list[str] = []
        """Values before each change that erased more than one character (latest last)."""
        self._undoing = False
        kwargs.setdefault("select_on_focus", False)
        super().__init__(value, **kwargs)

    def watch_value(self, old: str, new: str) -> None:
        """Keep the text an erasing change took away."""
        if self._undoing or erased(old, new) < 2:
            return
        self.earlier.append(old)
        del self.earlier[:-UNDO_DEPTH]
        if self.is_attached:
            self.screen.refresh_bindings()

    def action_undo(self) -> None:
        """Bring back the text before the last erasing change."""
        if not self.earlier:
            return
        self._undoing = True
        try:
            self.value = self.earlier.pop()
        finally:
            self._undoing = False
        self.cursor_position = len(self.value)
        self.screen.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer ctrl+z only when there is something to bring back."""
        if action == "undo":
            return bool(self.earlier)
        return super().check_action(action, parameters)


def field_input(value: str = "", **kwargs: Any) -> TextField:
    """A one-line (compact) text field: the forms must fit 80x24."""
    return TextField(value, compact=True, **kwargs)
