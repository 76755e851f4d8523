"""The domain's guards: the rules every recorded value must meet, whoever records it.

The ``Case`` commands call them before triggering an event (``apply`` never
validates, so old events always replay); an import's commands go through the
same ones.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
import uuid
from collections.abc import Iterable

import attrs

from hwcore.domain.errors import InvalidValueError, SessionOrderError
from hwcore.domain.values import Assignment, AssignmentSpec, SessionRecord

CASE_NAMESPACE = uuid.UUID("6f1c1a52-4a54-4b8e-9a7e-2f3e0c1d9b11")
"""Namespace of the deterministic case ids (uuid5 of the client identifier)."""

_CLIENT_RE = re.compile(r"^[^\W][\w.\-]{0,39}$", re.UNICODE)
CLIENT_RULE = "1-40 letters, digits, '.', '-' or '_' starting with a letter or digit"

MAX_TEXT = 4000
"""Longest free text accepted in one field."""
MAX_SESSION = 10_000
"""Highest session number accepted (keeps every number storable everywhere)."""
MAX_DOSES = 1_000
"""Most doses accepted for one assignment."""
MAX_LABEL = 60
"""Longest framing label."""


def validate_client(client: str) -> str:
    """Return the trimmed client identifier in NFC, or raise ``InvalidValueError``."""
    text = unicodedata.normalize("NFC", str(client).strip())
    if not _CLIENT_RE.match(text):
        # An identifier-shaped typo is named; other text (a note typed where the
        # client goes) may be clinical: only its length is.
        typo = len(text) <= 40 and not any(c.isspace() for c in text)
        shown = text if typo else f"<{len(text)} characters>"
        raise InvalidValueError("client", shown, CLIENT_RULE)
    return text


def case_id_for(client: str) -> uuid.UUID:
    """The deterministic aggregate id of a client's case."""
    return _case_id(validate_client(client))


@functools.lru_cache(maxsize=4096)
def _case_id(name: str) -> uuid.UUID:
    """uuid5 of a valid identifier, remembered: every command needs it (a SHA-1 each)."""
    return uuid.uuid5(CASE_NAMESPACE, name)


def check_text(field: str, value: str) -> None:
    """Guard one free-text field: at most ``MAX_TEXT`` characters, no control character.

    Newlines and tabs are the only control characters allowed (a carriage
    return is refused: a line ends with ``\\n``); the text is never echoed, only
    its length or the code point refused and where.
    """
    _check_length(field, value)
    found = _control_character(value, layout=True)
    if found is not None:
        raise InvalidValueError(field, found, FREE_TEXT_RULE)


def check_line(field: str, value: str) -> None:
    """Guard a one-line field (a title, a label): no control character at all, no newline or tab.

    The value is never echoed (it cannot be word-shaped with a control
    character in it): only the code point refused and where.
    """
    _check_length(field, value)
    found = _control_character(value, layout=False)
    if found is not None:
        raise InvalidValueError(field, found, LINE_RULE)


FREE_TEXT_RULE = (
    "text without control characters (new lines and tabs are allowed;"
    " carriage returns, escape sequences and invisible format characters are not)"
)
LINE_RULE = (
    "one line of text without control characters (no new lines, tabs, escape sequences"
    " or invisible format characters)"
)

_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
"""Control, format (bidi overrides, zero-width), surrogate and line/paragraph separators."""
_ASCII_LINES = re.compile("[\t\n\x20-\x7e]*")
"""Printable ASCII, newlines and tabs: nothing a free-text field refuses."""
_FREE_TEXT_ALLOWED = frozenset("\n\t\u200c\u200d")
"""Allowed in free text: newline, tab and the zero-width (non-)joiners that Persian,
Indic scripts and emoji sequences need to be spelled right."""


def _check_length(field: str, value: object) -> None:
    if not isinstance(value, str):
        raise InvalidValueError(field, f"<{type(value).__name__}>", "text")
    if len(value) > MAX_TEXT:
        raise InvalidValueError(field, f"<{len(value)} characters>", f"at most {MAX_TEXT}")


def _control_character(value: str, *, layout: bool) -> str | None:
    """``'<control character U+001B at character 4>'`` for the first refused one, else None.

    ``layout``: free text, where newlines, tabs and the zero-width joiners are allowed.
    """
    # The common cases, in C: nothing but printable characters, or plain ASCII
    # lines of free text (an import checks every cell of every row).
    if value.isprintable() or (layout and _ASCII_LINES.fullmatch(value)):
        return None
    allowed = _FREE_TEXT_ALLOWED if layout else frozenset()
    category = unicodedata.category
    for index, char in enumerate(value, start=1):
        if char.isprintable() or char in allowed:
            continue
        if category(char) in _REFUSED_CATEGORIES:
            return f"<control character U+{ord(char):04X} at character {index}>"
    return None


def _check_whole(field: str, value: object) -> None:
    """A whole number (or None): never a bool, a float or a string (an edited file)."""
    if value is not None and type(value) is not int:
        raise InvalidValueError(field, f"<{type(value).__name__}>", "a whole number")


_NOT_TEXT = frozenset(
    {"format", "size", "frequency", "days", "started_in_session", "confidence", "planned_doses"}
)
_ONE_LINE = frozenset({"title", "framing"})
"""The design's one-line fields (the rest is free text)."""


def check_spec(spec: AssignmentSpec) -> None:
    """Guard an assignment's fields (text, title, framing, confidence, doses)."""
    for field in attrs.fields(AssignmentSpec):
        if field.name in _ONE_LINE:
            check_line(field.name, getattr(spec, field.name))
        elif field.name not in _NOT_TEXT:
            check_text(field.name, getattr(spec, field.name))
    if type(spec.started_in_session) is not bool:
        raise InvalidValueError("started in session", "<not true or false>", "true or false")
    _check_whole("confidence", spec.confidence)
    _check_whole("planned doses", spec.planned_doses)
    if not spec.title.strip():
        raise InvalidValueError("title", spec.title, "a non-empty short title")
    if not spec.framing.strip():
        raise InvalidValueError("framing", spec.framing, "a non-empty label")
    check_label(spec.framing)
    if spec.confidence is not None and not 0 <= spec.confidence <= 10:
        raise InvalidValueError("confidence", spec.confidence, "a whole number 0-10")
    if spec.planned_doses is not None and not 1 <= spec.planned_doses <= MAX_DOSES:
        raise InvalidValueError(
            "planned doses", spec.planned_doses, f"a whole number from 1 to {MAX_DOSES}"
        )


def check_label(label: str) -> None:
    """Guard a framing label: non-empty, short, one line (the value is not echoed if long)."""
    check_line("framing", label)
    if not label.strip():
        raise InvalidValueError("framing", label, "a non-empty label")
    if len(label.strip()) > MAX_LABEL:
        raise InvalidValueError(
            "framing", f"<{len(label.strip())} characters>", f"a label of at most {MAX_LABEL}"
        )


def check_session_number(number: int, field: str = "session") -> None:
    """Guard a session number: 1 to MAX_SESSION."""
    _check_whole(field, number)
    if not 1 <= number <= MAX_SESSION:
        raise InvalidValueError(field, number, f"a whole number from 1 to {MAX_SESSION}")


def check_dose(done: int | None, planned: int | None, *, partial: bool = False) -> None:
    """Guard a dose: both non-negative, done <= planned (< for a partial), planned >= 1."""
    _check_whole("done", done)
    _check_whole("planned", planned)
    if done is not None and not 0 <= done <= MAX_DOSES:
        raise InvalidValueError("done", done, f"a whole number from 0 to {MAX_DOSES}")
    if planned is not None and not 1 <= planned <= MAX_DOSES:
        raise InvalidValueError("planned", planned, f"a whole number from 1 to {MAX_DOSES}")
    if (done is None) != (planned is None):
        raise InvalidValueError(
            "doses", f"done={done} planned={planned}", "both done and planned, or neither"
        )
    if done is not None and planned is not None and partial and done >= planned:
        raise InvalidValueError(
            "done", done, f"fewer than planned ({planned}) for a partial outcome"
        )
    if done is not None and planned is not None and done > planned:
        raise InvalidValueError("done", done, f"at most planned ({planned})")


def check_outcome_session(assignment: Assignment, session: int) -> None:
    """Guard an outcome's session: a session after the one the homework was assigned at."""
    if session <= assignment.session:
        where = "is before" if session < assignment.session else "is"
        msg = (
            f"outcome session {session} {where} assignment #{assignment.id}'s session"
            f" {assignment.session}: an outcome belongs to a later session"
        )
        raise SessionOrderError(msg)


def check_date_order(sessions: Iterable[SessionRecord], number: int, held_on: dt.date) -> None:
    """Sessions with higher numbers are never dated earlier (inferred dates aside).

    Raises:
        SessionOrderError: naming the session that would be out of order.
    """
    for other in sessions:
        if other.inferred or other.number == number:
            continue
        if (other.number < number and other.held_on > held_on) or (
            other.number > number and other.held_on < held_on
        ):
            msg = (
                f"session {number} on {held_on} is out of order: session"
                f" {other.number} is on {other.held_on}"
            )
            raise SessionOrderError(msg)
