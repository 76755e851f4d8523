"""A labelled form row with live feedback beside it and an error line under it."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Label


class FieldRow(Vertical):
    """``Label  widget  feedback`` on one line, the field's error message below."""

    DEFAULT_CSS = """
    FieldRow { height: auto; }
    FieldRow > Horizontal { height: auto; }
    FieldRow .field-label { width: 12; color: $text-muted; }
    FieldRow .feedback { width: 1fr; padding-left: 1; color: $text-muted; }
    FieldRow .field-error { color: $text-error; padding-left: 12; display: none; }
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

    def show_error(self, message: str) -> None:
        """Show (or with '' clear) the error under the field."""
        error = self.query_one(".field-error", Label)
        error.update(message)
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


def field_input(value: str = "", **kwargs: Any) -> Input:
    """A one-line (compact) input: the forms must fit 80x24."""
    return Input(value, compact=True, **kwargs)
