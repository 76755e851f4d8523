"""Calling the application from worker threads: errors become one readable line."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from hwcore.application import HwApplication

T = TypeVar("T")

HANDOUT_METHODS = ("print_handout", "handout")
"""Printing-service methods that print a client handout, in order of preference."""


class CallFailed(Exception):
    """An application call failed; the message is safe to show (no clinical text)."""

    def __init__(self, message: str, error: Exception | None = None) -> None:
        super().__init__(message)
        self.error = error


def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call the application; any failure becomes :class:`CallFailed` with a safe message."""
    try:
        return fn(*args, **kwargs)
    except Exception as e:
        # Imported here: the domain (where HwError lives) is loaded only when needed.
        from hwcore.application import HwError

        if isinstance(e, HwError):
            raise CallFailed(str(e), e) from None
        # Never str(e): an unexpected error's message may carry client text.
        raise CallFailed(f"unexpected error ({type(e).__name__}): nothing was written") from None


def handout_printer(application: HwApplication) -> Callable[..., Any] | None:
    """The application's handout printer, or None while printing is not installed."""
    printing = getattr(application, "printing", None)
    for name in HANDOUT_METHODS:
        method = getattr(printing, name, None)
        if callable(method):
            return method  # type: ignore[no-any-return]
    return None
