"""Showing new text in a label without laying the whole screen out again.

``Static.update`` asks Textual for a layout by default (the new text may need
another size), and one widget asking for a layout makes Textual lay the whole
screen out again and repaint what moved. On every key of the next-assignment
form the fit feedback beside the choices and the warnings under the form get
new text that, most of the time, fills the same lines as before: such a label
is only repainted. This is what keeps a key under its budget on a 1,000-
assignment client (tui_keystroke_latency, docs/performance.md).
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


def lines_of(widget: Static, content: Content) -> int | None:
    """How many lines ``content`` takes in the widget at its present width.

    None when that cannot be told: a widget not laid out yet or hidden, or
    one whose width follows its text (``width: auto``).
    """
    styles = widget.styles
    width = widget.content_size.width
    if not widget.display or not width or (styles.width is not None and styles.width.is_auto):
        return None  # (no width rule: it fills its container, whatever the text)
    return content.get_height(styles.get_render_rules(), width)


def same_size(widget: Static, content: Content) -> bool:
    """Whether ``content`` leaves the widget its present size (so a repaint is enough).

    True for a fixed height, or for a height that follows the lines when the
    content takes exactly the lines shown now; never when it cannot be told.
    """
    lines = lines_of(widget, content)
    if lines is None:
        return False
    height = widget.styles.height
    return (height is not None and not height.is_auto) or lines == widget.content_size.height


def show(widget: Static, content: Content) -> None:
    """Show ``content`` in the widget: a repaint when it takes the same lines, else a layout.

    Nothing at all when the widget shows this very content (text and styles).
    """
    shown = widget.content
    if isinstance(shown, Content) and shown.is_same(content):
        return
    widget.update(content, layout=not same_size(widget, content))


def show_steady(widget: Static, lines: list[Content], slack: int) -> None:
    """Show ``lines``, keeping the widget's height when they need at most ``slack`` fewer.

    The lines they do not fill stay blank under them, so that a change of one
    line in a box of warnings does not move everything above it; they need
    more lines, or ``slack`` + 1 fewer: the box takes their height.
    """
    content = Content("\n").join(lines)
    needed = lines_of(widget, content)
    height = widget.content_size.height
    if needed is not None and needed < height <= needed + slack:
        content = Content("\n").join([*lines, *[Content("")] * (height - needed)])
    show(widget, content)
