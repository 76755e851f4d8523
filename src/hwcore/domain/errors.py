"""Domain errors: every one carries a clear, single-line, content-free message.

Messages name the offending *value* (an identifier, an enum value, a number)
but never clinical free text such as a client's explanation.
"""

from __future__ import annotations

from collections.abc import Sequence


class HwError(Exception):
    """Base class of every error hw raises on purpose (exit code 1)."""


class InvalidValueError(HwError, ValueError):
    """A field was given a value outside what is allowed."""

    def __init__(self, field: str, value: object, allowed: Sequence[str] | str):
        self.field = field
        self.value = value
        self.allowed = allowed
        allowed_text = allowed if isinstance(allowed, str) else ", ".join(allowed)
        super().__init__(f"invalid {field} {value!r}: allowed {allowed_text}")


class VocabularyError(InvalidValueError):
    """A value that is not a word of a vocabulary (format, size, reason...).

    The message names the bad value only when it is short and could be a
    vocabulary word (a typo such as 'writen'); any other text (a sentence
    typed in the wrong column) may be clinical, so only the field is named.
    """

    def __init__(self, field: str, value: str, allowed: Sequence[str] | str):
        if could_be_a_word(value):
            super().__init__(field, value, allowed)
            return
        self.field = field
        self.value = None
        self.allowed = allowed
        allowed_text = allowed if isinstance(allowed, str) else ", ".join(allowed)
        HwError.__init__(
            self, f"invalid {field} (the text given is not shown): allowed {allowed_text}"
        )


MAX_WORD = 32
"""Longest value a vocabulary error repeats."""


def could_be_a_word(value: str) -> bool:
    """True when ``value`` is short and shaped like a vocabulary word (no spaces)."""
    text = value.strip()
    return (
        0 < len(text) <= MAX_WORD
        and text.isascii()
        and text[0].isalnum()
        and all(c.isalnum() or c in "-_." for c in text)
    )


class ClientNotFoundError(HwError, LookupError):
    """No client is registered under that identifier."""

    def __init__(self, client: str):
        self.client = client
        super().__init__(f"unknown client {client!r}: register it first (hw client add {client})")


class ClientExistsError(HwError):
    """A client with that identifier is already registered."""

    def __init__(self, client: str):
        self.client = client
        super().__init__(f"client {client!r} is already registered")


class AssignmentNotFoundError(HwError, LookupError):
    """No assignment with that id exists for the client."""

    def __init__(self, client: str, assignment_id: int | str):
        self.client = client
        self.assignment_id = assignment_id
        super().__init__(f"client {client!r} has no assignment #{assignment_id}")


class AlreadyResolvedError(HwError):
    """The assignment already has an outcome; corrections are separate events."""

    def __init__(self, assignment_id: int, outcome: str):
        self.assignment_id = assignment_id
        self.outcome = outcome
        super().__init__(
            f"assignment #{assignment_id} is already resolved as {outcome}: "
            "use 'hw correct' to change a recorded outcome"
        )


class SessionOrderError(HwError):
    """A session number goes backwards where it may not."""


class ConcurrencyError(HwError):
    """Another writer changed the same client and the command could not retry."""


class StoreError(HwError):
    """The event store cannot be opened or written (clear, content-free)."""
