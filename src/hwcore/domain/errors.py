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
