"""Write text as an older hw stored it: before the guards refused control characters.

hw once accepted escape sequences, bidi overrides and other control characters
in recorded text; stores written then still hold them and must replay and be
shown safely. Inside :func:`text_guard_lifted` the domain commands record such
text again (every other guard still runs), so a test can build that store with
the real commands and then read it with today's code.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from hwcore.domain import guards


@contextlib.contextmanager
def text_guard_lifted() -> Iterator[None]:
    """Let the domain record control characters, as hw did before it refused them."""
    refused = guards._control_character
    guards._control_character = lambda _value, *, layout: None
    try:
        yield
    finally:
        guards._control_character = refused
