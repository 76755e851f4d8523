"""A one-line, keyboard-first choice: left/right cycle, a letter jumps to a value."""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.timer import Timer
from textual.widget import Widget

from hwtui.widgets.field import FIELD_KEYS

NONE_LABEL = "—"
HELD_AT_MOST = 0.1
"""Seconds a held choice waits for its feedback before its new value is painted alone."""


class ChoiceField(Widget, can_focus=True):
    """Pick one of a few fixed values without opening a menu.

    ``inline`` shows every option with the chosen one highlighted (for short
    lists, e.g. outcomes); otherwise only the chosen value between arrows.
    Options can carry an accelerator letter shown as ``[c]ompleted``.

    A new value is repainted without laying the screen out again unless the
    field's width changes with it. ``held``: a new value is painted with the
    feedback it leads to, when the owner calls :meth:`paint` (at most
    ``HELD_AT_MOST`` seconds later it is painted anyway): the next-assignment
    form's choices show their value and its fit in one frame
    (tui_keystroke_latency, docs/performance.md).
    """

    DEFAULT_CSS = """
    ChoiceField {
        height: 1;
        width: auto;
        min-width: 16;
        padding: 0 1;
        background: $boost;
    }
    ChoiceField:focus {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    """

    BINDINGS = [  # noqa: RUF012 (Textual API)
        Binding("left", "step(-1)", "Previous", show=False),
        Binding("right", "step(1)", "Pick", key_display="←→a-z"),
        *FIELD_KEYS,
    ]

    value: reactive[str | None] = reactive(None, repaint=False)
    """Painted by :meth:`paint` (laid out again only when the field's width changes)."""

    class Changed(Message):
        """The chosen value changed."""

        def __init__(self, choice: ChoiceField, value: str | None) -> None:
            super().__init__()
            self.choice = choice
            self.value = value

        @property
        def control(self) -> ChoiceField:
            """The field that changed."""
            return self.choice

    def __init__(
        self,
        options: Sequence[str],
        value: str | None = None,
        *,
        allow_none: bool = False,
        inline: bool = False,
        labels: dict[str, str] | None = None,
        held: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.held = held
        self._held_timer: Timer | None = None
        self.options: list[str | None] = [*([None] if allow_none else []), *options]
        self.inline = inline
        self.jumped = False
        """True when the last change came from a letter (the form may move on)."""
        self.labels = labels or {}
        self.set_reactive(ChoiceField.value, value if value in self.options else self.options[0])
        self._painted = self.value
        """The value on screen (a held choice's new value waits for :meth:`paint`)."""

    def label(self, option: str | None) -> str:
        """How an option is shown."""
        if option is None:
            return NONE_LABEL
        return self.labels.get(option, option)

    def render(self) -> Content:
        """The chosen value (or all options, chosen one highlighted)."""
        if not self.inline:
            return Content.assemble("‹ ", (self.label(self.value), "bold"), " ›")
        parts: list[str | tuple[str, str]] = []
        for option in self.options:
            text = f" {self.label(option)} "
            parts.append((text, "reverse bold") if option == self.value else text)
        return Content.assemble(*parts)

    def watch_value(self, old: str | None, new: str | None) -> None:
        """Tell the form; paint the new value now, or (held) with its feedback."""
        if old != new:
            self.post_message(self.Changed(self, new))
        if not self.held or not self.is_mounted:
            self.paint()
            return
        if self._held_timer is not None:
            self._held_timer.stop()
        self._held_timer = self.set_timer(HELD_AT_MOST, self.paint)

    def paint(self) -> None:
        """Paint the value if it is not the one shown (a layout only if the width changes)."""
        if self._held_timer is not None:
            self._held_timer.stop()
            self._held_timer = None
        shown, self._painted = self._painted, self.value
        if shown != self.value:
            self.refresh(layout=field_width(self, shown) != field_width(self, self.value))

    def action_step(self, delta: int) -> None:
        """Move to the previous or next option (wrapping)."""
        self.jumped = False
        index = self.options.index(self.value) if self.value in self.options else 0
        self.value = self.options[(index + delta) % len(self.options)]

    def choose(self, value: str | None) -> None:
        """Choose a value (ignored when it is not an option)."""
        if value in self.options:
            self.value = value

    def on_key(self, event: events.Key) -> None:
        """A letter jumps to the next option starting with it (or its accelerator)."""
        char = (event.character or "").lower()
        if not char or not char.isalpha():
            return
        matches = [o for o in self.options if o is not None and self._key_of(o) == char]
        if not matches:
            return
        event.stop()
        event.prevent_default()
        self.jumped = True
        if self.value in matches:
            self.value = matches[(matches.index(self.value) + 1) % len(matches)]
        else:
            self.value = matches[0]
        self.after_jump()

    def after_jump(self) -> None:
        """Called right after a letter chose a value, before the next key is handled."""

    def _key_of(self, option: str) -> str:
        label = self.labels.get(option, option)
        if "[" in label and "]" in label:
            return label[label.index("[") + 1].lower()
        return option[0].lower()


def field_width(choice: ChoiceField, value: str | None) -> int:
    """The choice's width (padding and min-width included) with this value chosen."""
    fixed = choice.styles.width
    if fixed is not None and fixed.cells is not None:  # a width in the CSS
        return fixed.cells
    if choice.inline:  # every option shown: the same whatever the value
        return sum(Content(f" {choice.label(option)} ").cell_length for option in choice.options)
    text = Content.assemble("‹ ", choice.label(value), " ›").cell_length
    minimum = choice.styles.min_width
    return max(text + choice.styles.padding.width, (minimum.cells or 0) if minimum else 0)
