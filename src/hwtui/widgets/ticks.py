"""A list of tick boxes readable without colour: ``[x] ticked``, ``[ ] not ticked``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

TICKED = "[x]"
UNTICKED = "[ ]"


class TickList(Widget, can_focus=True):
    """Tick any number of fixed values: up/down move, Space ticks or unticks.

    Each line reads ``[x] value`` or ``[ ] value``, so what is ticked shows
    without colour; the highlighted line is marked ``›`` as well as by its
    colour. Down on the last line (up on the first) moves to the next field.
    """

    DEFAULT_CSS = """
    TickList {
        height: auto;
        width: 1fr;
        background: $boost;
    }
    TickList:focus { background-tint: $foreground 5%; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "tick_highlighted", "Tick"),
        Binding("down", "move(1)", "Move", key_display="↑↓"),
        Binding("up", "move(-1)", "Move", show=False),
    ]

    highlighted: reactive[int] = reactive(0)

    class Changed(Message):
        """The ticked values changed."""

        def __init__(self, ticks: TickList) -> None:
            super().__init__()
            self.ticks = ticks

        @property
        def control(self) -> TickList:
            """The list that changed."""
            return self.ticks

    def __init__(
        self, options: Sequence[str], *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.options = list(options)
        self._ticked: set[str] = set()

    @property
    def selected(self) -> list[str]:
        """The ticked values, in the list's order."""
        return [o for o in self.options if o in self._ticked]

    def render(self) -> Content:
        """One line per value: the marks carry the state, colour only repeats it."""
        lines = []
        focused = self.has_focus
        for index, option in enumerate(self.options):
            here = index == self.highlighted and focused
            mark = TICKED if option in self._ticked else UNTICKED
            line = Content(f"{'›' if here else ' '} {mark} {option}")
            if here:
                line = line.stylize("reverse")
            elif option in self._ticked:
                line = line.stylize("bold")
            lines.append(line)
        return Content("\n").join(lines)

    def on_focus(self) -> None:
        """Show the highlight."""
        self.refresh()

    def on_blur(self) -> None:
        """Hide the highlight."""
        self.refresh()

    def action_move(self, delta: int) -> None:
        """Highlight the next or previous value; past either end, the next or previous field."""
        index = self.highlighted + delta
        if index < 0:
            self.screen.focus_previous()
        elif index >= len(self.options):
            self.screen.focus_next()
        else:
            self.highlighted = index

    def action_tick_highlighted(self) -> None:
        """Tick the highlighted value, or untick it."""
        option = self.options[self.highlighted]
        self._ticked.symmetric_difference_update({option})
        self.refresh()
        self.post_message(self.Changed(self))

    def tick(self, *options: str) -> None:
        """Tick values (those not in the list are ignored)."""
        self._ticked.update(o for o in options if o in self.options)
        self.refresh()
