"""The typed inputs of the application's commands (what a frontend or an importer builds).

An assignment's design is the domain's :class:`~hwcore.domain.AssignmentSpec`
(the value its event stores); an outcome is an :class:`OutcomeEntry`; a review
is a :class:`ReviewChoice`. Each accepts plain strings for its vocabulary
fields and is checked by the same domain guards, whoever builds it: the CLI,
the TUI, an embedder or an import.
"""

from __future__ import annotations

import functools
import types
import typing

import attrs

from hwcore.domain import AssignmentSpec, MissReason, Outcome
from hwcore.domain.values import parse_reasons


@attrs.frozen
class DesignField:
    """One field of an assignment's design, as a frontend offers it."""

    name: str
    help: str
    """One line, without a final full stop."""
    required: bool
    kind: type
    """``str``, ``int``, ``bool`` or ``tuple`` (the days)."""


@functools.cache
def design_fields() -> tuple[DesignField, ...]:
    """The fields of :class:`~hwcore.domain.AssignmentSpec`, in their order."""
    hints = typing.get_type_hints(AssignmentSpec)
    fields = []
    for field in attrs.fields(AssignmentSpec):
        hint = hints[field.name]
        args = typing.get_args(hint) if isinstance(hint, types.UnionType) else ()
        if hint is bool:
            kind: type = bool
        elif hint is int or int in args:
            kind = int
        elif typing.get_origin(hint) is tuple:
            kind = tuple
        else:
            kind = str
        fields.append(
            DesignField(
                name=field.name,
                help=str(field.metadata["help"]),
                required=field.default is attrs.NOTHING,
                kind=kind,
            )
        )
    return tuple(fields)


def _outcome(value: Outcome | str) -> Outcome:
    outcome = value if type(value) is Outcome else Outcome.parse(value)
    if outcome is Outcome.PENDING:
        from hwcore.domain import InvalidValueError

        raise InvalidValueError("outcome", "pending", "completed, partial or missed")
    return outcome


def _assignment_ref(value: int | str) -> int | str:
    return value if isinstance(value, int) else str(value).strip()


@attrs.frozen(kw_only=True)
class OutcomeEntry:
    """An outcome to record for one pending assignment (e.g. in a wrap-up).

    ``done``/``planned`` apply to a partial (``planned`` defaults to the
    assignment's planned doses), ``experience`` to a completed or partial one,
    ``explanation`` and ``reasons`` to a miss.
    """

    assignment_id: int | str = attrs.field(default="latest", converter=_assignment_ref)
    """The assignment's number, or 'latest' (the latest pending one)."""
    outcome: Outcome = attrs.field(converter=_outcome)
    """completed, partial or missed."""
    done: int | None = None
    planned: int | None = None
    experience: str = ""
    explanation: str = ""
    reasons: tuple[MissReason, ...] = attrs.field(default=(), converter=parse_reasons)
    """Miss reasons: their names (a sequence, or one string separated by ';')."""


@attrs.frozen(kw_only=True)
class ReviewChoice:
    """A review of a client's system: what the therapist chose, and the follow-up wording.

    With ``accept`` the review starts from the planner's recommendation (values
    it cannot recommend stay open) and any value given here overrides it.
    """

    accept: bool = True
    format: str | None = None
    size: str | None = None
    frequency: str | None = None
    framing: str | None = None
    framing_wording: str = ""
    """The language and positioning this client responds to."""
    completed_opening: str = ""
    completed_listen_for: str = ""
    missed_opening: str = ""
    missed_diagnostic: str = ""
    next_review_session: int | None = None
    """Defaults to the review's session + 8."""
    trigger: str | None = None
    """Defaults to the first active trigger, else cadence."""
    notes: str = ""


__all__ = [
    "AssignmentSpec",
    "DesignField",
    "OutcomeEntry",
    "ReviewChoice",
    "design_fields",
]
