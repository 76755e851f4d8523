"""A one-line, keyboard-first choice: left/right cycle, a letter jumps to a value."""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from hwtui.widgets.field import FIELD_KEYS

NONE_LABEL = "—"


class ChoiceField(Widget, can_focus=True):
    """Pick one of a few fixed values without opening a menu.

    ``inline`` shows every option with the chosen one highlighted (for short
    lists, e.g. outcomes); otherwise only the chosen value between arrows.
    Options can carry an accelerator letter shown as ``[c]ompleted``.
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

    value: reactive[str | None] = reactive(None, layout=True)

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
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.options: list[str | None] = [*([None] if allow_none else []), *options]
        self.inline = inline
        self.jumped = False
        """True when the last change came from a letter (the form may move on)."""
        self.labels = labels or {}
        self.set_reactive(ChoiceField.value, value if value in self.options else self.options[0])

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
        """Tell the form."""
        if old != new:
            self.post_message(self.Changed(self, new))

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
