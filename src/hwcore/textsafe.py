"""The one sanitiser for text that leaves hw: terminals, JSON documents, calendar files.

Stored text (a title, a client's explanation, the clinic's name) may hold
control characters and escape sequences, typed by accident or on purpose.
Written raw to a terminal they clear the screen, rewrite lines or set the
window title. Every frontend passes terminal-bound text through
:func:`terminal_text`; JSON output goes through :func:`json_text`, which keeps
the exact text (escaped, so it decodes to the same string); calendar files
through :func:`calendar_text` (RFC 5545 allows no control characters).

No dependency, nothing imported at start-up beyond :mod:`re`: the CLI calls it
on every line it prints.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["calendar_text", "is_terminal_safe", "json_text", "terminal_text"]

# C0 controls (but tab and newline), DEL and the C1 controls (0x80-0x9f: 0x9b
# is a one-byte CSI), plus the invisible characters that reorder or hide text
# on screen (bidirectional overrides and isolates, line/paragraph separators).
_UNSAFE_CHARS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
)
_UNSAFE = re.compile(f"[{_UNSAFE_CHARS}]")
_UNSAFE_WITH_LAYOUT = re.compile(f"[\t\n{_UNSAFE_CHARS}]")
_CALENDAR_UNSAFE = re.compile(f"[\t{_UNSAFE_CHARS}]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(text: str, *, keep_layout: bool = True) -> str:
    """``text`` with every control character shown as a visible escape (``\\x1b``).

    An escape sequence loses its ESC (or CSI) byte and so reaches the terminal
    as plain, harmless characters that still show what was stored.

    Args:
        text: any text bound for a terminal (table cell, message, planner text).
        keep_layout: keep tabs and newlines (False for one-line cells).

    Returns:
        The text, safe to write to a terminal.
    """
    pattern = _UNSAFE if keep_layout else _UNSAFE_WITH_LAYOUT
    if pattern.search(text) is None:  # the common case: nothing to replace
        return text
    return pattern.sub(_visible, text)


def is_terminal_safe(text: str) -> bool:
    """True when ``text`` holds no control character but tab and newline."""
    return _UNSAFE.search(text) is None


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_text(document: Any, *, indent: int | None = 2) -> str:
    """``document`` as JSON that keeps the exact text but is safe on a terminal.

    ``json.dumps(..., ensure_ascii=False)`` already escapes the C0 controls;
    the C1 controls and the invisible reordering characters are escaped here
    too (``\\u009b``), so the JSON decodes to the very same strings.

    Args:
        document: JSON-ready data.
        indent: as for :func:`json.dumps`.

    Returns:
        The JSON text.
    """
    text = json.dumps(document, ensure_ascii=False, indent=indent)
    # Outside strings JSON is plain ASCII: every match is inside a string.
    return _UNSAFE.sub(_json_escape, text)


def calendar_text(text: str) -> str:
    """``text`` for an iCalendar TEXT value: control characters removed (RFC 5545).

    Newlines are kept (the calendar writer escapes them as ``\\n``); tabs and
    every other control character are dropped.

    Args:
        text: a summary, description or other text property.

    Returns:
        The text without control characters.
    """
    return _CALENDAR_UNSAFE.sub(lambda m: " " if m.group() == "\t" else "", text)
