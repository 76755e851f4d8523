"""Small text helpers shared by the screens (no Textual imports)."""

from __future__ import annotations

from hwcore.application import terminal_text


def shown(text: object) -> str:
    """Stored (or any outside) text as the TUI shows it: control characters made visible.

    A title, an explanation or an error message naming a value may hold escape
    sequences (``\\x1b[2J``); every one the TUI puts on screen passes here
    (see docs/security.md).
    """
    return terminal_text("" if text is None else str(text))


def cell(text: object) -> str:
    """:func:`shown` for a one-line cell: tabs and newlines made visible too."""
    return terminal_text("" if text is None else str(text), keep_layout=False)


TRIGGER_LABELS = {
    "cadence": "cadence",
    "three_consecutive_misses": "3 misses in a row",
    "life_change": "life change",
    "relationship_change": "relationship change",
    "other": "other change",
}


def percent(rate: float | None) -> str:
    """'75%' or '-' when there is no rate."""
    return "-" if rate is None else f"{rate:.0%}"


def triggers_text(triggers: tuple[str, ...] | list[str]) -> str:
    """Readable active triggers, e.g. '3 misses in a row, life change'."""
    return ", ".join(TRIGGER_LABELS.get(t, t) for t in triggers)


BARS = " ▁▂▃▄▅▆▇█"


def bars(values: list[float]) -> str:
    """A one-line bar chart of rates in 0..1 (one character per value)."""
    out = []
    for v in values:
        index = round(max(0.0, min(1.0, v)) * (len(BARS) - 1))
        out.append(BARS[index] if index else "_")
    return "".join(out)


def parse_int(text: str, field: str, low: int | None = None, high: int | None = None) -> int | None:
    """A whole number from a field ('' gives None), or ValueError with the field's message."""
    value = text.strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{field}: {value!r} is not a whole number") from None
    if low is not None and high is not None and not low <= number <= high:
        raise ValueError(f"{field}: {number} is not between {low} and {high}")
    if low is not None and number < low:
        raise ValueError(f"{field}: {number} is below {low}")
    if high is not None and number > high:
        raise ValueError(f"{field}: {number} is above {high}")
    return number
