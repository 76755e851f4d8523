"""The commands that record events: session, assign, done, partial, missed,
framing, change, review and correct."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import click

from hwcli.common import (
    date_option,
    echo_json,
    echo_json_data,
    fail,
    json_option,
    pass_app,
    session_option,
    warn,
)
from hwcli.render import (
    render_fit,
)

if TYPE_CHECKING:
    from hwcore.application import HwApplication

VOCAB_HELP = "(see 'hw vocab')"

P = ParamSpec("P")
R = TypeVar("R")


# -------------------------------------------------------------- homework

_DESIGN_FLAGS: dict[str, tuple[str, str | None]] = {
    "format": ("--format", "FORMAT"),
    "size": ("--size", "SIZE"),
    "framing": ("--framing", "LABEL"),
    "frequency": ("--frequency", "FREQ"),
    "confidence": ("--confidence", "0-10"),
    "planned_doses": ("--doses", "N"),
    "days": ("--days", "mon,thu"),
    "time": ("--at", "HH:MM"),
}
"""Options whose flag or metavar is not simply the field's name (the rest: --field-name)."""
_VOCABULARY_FIELDS = frozenset({"format", "frequency"})


def design_options(f: Callable[P, R]) -> Callable[P, R]:
    """Add one option per field of an assignment's design (``AssignmentSpec``).

    The options are made from the design's fields, in their order, so a new
    field is a new option without a second list to keep in step.
    """
    from hwcore.application import SYSTEM_DEFAULTS, design_fields

    for field in reversed(design_fields()):
        flag, metavar = _DESIGN_FLAGS.get(field.name, ("--" + field.name.replace("_", "-"), None))
        text = field.help + (f" {VOCAB_HELP}" if field.name in _VOCABULARY_FIELDS else "")
        if field.name in SYSTEM_DEFAULTS:
            text += "; default: the client's current system"
        text += "."
        kind: dict[str, Any] = {}
        if field.kind is bool:
            kind = {"is_flag": True, "default": None}
        elif field.kind is int:
            kind = {"type": int}
        # The current system's values make --format, --size and --framing optional.
        required = field.required and field.name not in SYSTEM_DEFAULTS
        f = click.option(flag, field.name, required=required, metavar=metavar, help=text, **kind)(f)
    return f


@click.command("assign")
@click.argument("client")
@design_options
@session_option
@date_option
@json_option
@pass_app
def assign(
    app: HwApplication,
    /,
    client: str,
    session: int | None,
    date: str | None,
    as_json: bool,
    **options: Any,
) -> None:
    """Assign homework to CLIENT; warns (with numbers) when it rarely gets done.

    --format, --size, --frequency and --framing default to the client's
    current system (the last review's choice); without one, --format, --size
    and --framing are required. The warnings are advice: the assignment is
    recorded anyway.
    """
    from hwcore.application import SYSTEM_DEFAULTS, to_dict

    # Only the options the user gave: the current system, then the design's defaults.
    given = {k: v for k, v in options.items() if v is not None}
    filled = _filled(app, client, given, needs=any(k not in given for k in SYSTEM_DEFAULTS))
    result = app.assign(client, filled.design, session=session, date=date)
    fit = result.fit
    for line in fit.warnings:
        warn(line)
    if fit.suggested_size:
        warn(f"suggested size: {fit.suggested_size}")
    if filled.design.accommodations.strip():
        _warn_unprintable(app, client, result.assignment.assignment_id)
    if as_json:
        echo_json_data({**to_dict(result), "from_current_system": filled.from_current_system})
        return
    a = result.assignment
    click.echo(
        f"{a.client}: assigned #{a.assignment_id} '{a.title}' at session {a.session}"
        f" ({a.format}, {a.size}, {a.frequency}, framed as '{a.framing}')"
    )
    taken = filled.from_current_system
    if taken:
        values = ", ".join(
            f"{k.replace('_', ' ')} '{v}'" if k.startswith("framing") else f"{k} {v}"
            for k, v in taken.items()
        )
        click.echo(f"from the current system ({filled.source}): {values}")
    click.echo("history with these values: " + "; ".join(render_fit(result.fit)))


def _warn_unprintable(app: HwApplication, client: str, assignment_id: int) -> None:
    """Warn now when the accommodations ask for a handout hw cannot print (not at print time)."""
    from hwcore.application import AccommodationError, HwError

    try:
        app.printing.handout_choice(client, assignment_id)
    except AccommodationError as e:
        warn(f"{e}; the assignment is recorded")
    except HwError:  # after the commit: never an exit code that invites a second assign
        warn("the handout's language could not be checked; the assignment is recorded")


def _filled(app: HwApplication, client: str, given: dict[str, Any], *, needs: bool) -> Any:
    """The design completed from CLIENT's current system (read only when a value is missing)."""
    from hwcore.application import MissingDesignError, fill_design

    current = app.decided_system(client) if needs else None
    try:
        return fill_design(current, given)
    except MissingDesignError as e:
        flags = ", ".join(_DESIGN_FLAGS.get(name, ("--" + name,))[0] for name in e.missing)
        fail(f"missing {flags}: {e.why}")


def reflection_options(f: Callable[P, R]) -> Callable[P, R]:
    """--insights and --modification: the next-session checklist's last two items."""
    f = click.option(
        "--modification",
        default="",
        metavar="TEXT",
        help="The modification planned for the next assignment.",
    )(f)
    return click.option("--insights", default="", metavar="TEXT", help="Clinical insights gained.")(
        f
    )


def _record(
    app: HwApplication,
    client: str,
    session: int | None,
    date: str | None,
    as_json: bool,
    **entry: Any,
) -> None:
    """Record one outcome (an ``OutcomeEntry``) and say what was recorded."""
    from hwcore.application import OutcomeEntry

    result = app.record_outcome(client, OutcomeEntry(**entry), session=session, date=date)
    _outcome_echo(result, as_json)


def _outcome_echo(result: Any, as_json: bool) -> None:
    if as_json:
        echo_json(result)
    else:
        click.echo(
            f"{result.client}: #{result.assignment_id} recorded as {result.outcome}"
            f" at session {result.session}"
        )


@click.command("done")
@click.argument("client")
@click.argument("assignment")
@click.option("--experience", default="", help="The client's experience of doing it.")
@reflection_options
@session_option
@date_option
@json_option
@pass_app
def done(
    app: HwApplication,
    client: str,
    assignment: str,
    experience: str,
    insights: str,
    modification: str,
    session: int | None,
    date: str | None,
    as_json: bool,
) -> None:
    """Record that CLIENT completed ASSIGNMENT (a number, or 'latest').

    Without --session or --date the outcome goes to the latest session, or to a
    new session today when ASSIGNMENT was given at the latest session on an
    earlier day (homework is reviewed at the session after it was given).
    """
    _record(
        app,
        client,
        session,
        date,
        as_json,
        assignment_id=assignment,
        outcome="completed",
        experience=experience,
        insights=insights,
        modification=modification,
    )


@click.command("partial")
@click.argument("client")
@click.argument("assignment")
@click.option("--done", "done_", type=int, required=True, metavar="N", help="Doses done.")
@click.option("--planned", type=int, metavar="N", help="Doses planned (default: as assigned).")
@click.option("--experience", default="", help="The client's experience of doing it.")
@reflection_options
@session_option
@date_option
@json_option
@pass_app
def partial(
    app: HwApplication,
    client: str,
    assignment: str,
    done_: int,
    planned: int | None,
    experience: str,
    insights: str,
    modification: str,
    session: int | None,
    date: str | None,
    as_json: bool,
) -> None:
    """Record that CLIENT did part of ASSIGNMENT (--done N of --planned N).

    Without --session or --date the outcome goes to the latest session, or to a
    new session today when ASSIGNMENT was given at the latest session on an
    earlier day (homework is reviewed at the session after it was given).
    """
    _record(
        app,
        client,
        session,
        date,
        as_json,
        assignment_id=assignment,
        outcome="partial",
        done=done_,
        planned=planned,
        experience=experience,
        insights=insights,
        modification=modification,
    )


@click.command("missed")
@click.argument("client")
@click.argument("assignment")
@click.option("--explanation", default="", help="The client's words, as close to verbatim.")
@click.option(
    "--reason",
    "reasons",
    multiple=True,
    metavar="REASON",
    help=f"Miss reason, repeatable (or 'a;b', 'a,b') {VOCAB_HELP}.",
)
@reflection_options
@session_option
@date_option
@json_option
@pass_app
def missed(
    app: HwApplication,
    client: str,
    assignment: str,
    explanation: str,
    reasons: tuple[str, ...],
    insights: str,
    modification: str,
    session: int | None,
    date: str | None,
    as_json: bool,
) -> None:
    """Record that CLIENT missed ASSIGNMENT, with the explanation and reasons.

    Without --session or --date the outcome goes to the latest session, or to a
    new session today when ASSIGNMENT was given at the latest session on an
    earlier day (homework is reviewed at the session after it was given).
    """
    _record(
        app,
        client,
        session,
        date,
        as_json,
        assignment_id=assignment,
        outcome="missed",
        explanation=explanation,
        reasons=reasons,  # each may be 'a;b' or 'a,b': the entry's parse_reasons splits
        insights=insights,
        modification=modification,
    )


# ---------------------------------------------------------- case events


def _echo_noted(client: str, noted: Any) -> None:
    """One JSON object: the client and what was noted (session, kind, label, text)."""
    echo_json(
        {
            "client": client.strip(),
            "session": noted.session,
            "kind": noted.kind,
            "label": noted.label,
            "text": noted.text,
        }
    )


@click.command("framing")
@click.argument("client")
@click.argument("label")
@click.option("--wording", default="", help="The language this client responds to.")
@click.option("--reason", default="", help="Why the framing approach changes.")
@session_option
@date_option
@json_option
@pass_app
def framing(
    app: HwApplication,
    client: str,
    label: str,
    wording: str,
    reason: str,
    session: int | None,
    date: str | None,
    as_json: bool,
) -> None:
    """Change CLIENT's framing approach to LABEL (e.g. curiosity)."""
    noted = app.change_framing(
        client, label, wording=wording, reason=reason, session=session, date=date
    )
    if as_json:
        _echo_noted(client, noted)
        return
    click.echo(f"{client.strip()}: framing approach is now '{label.strip()}'")


@click.command("change")
@click.argument("client")
@click.option("--kind", required=True, metavar="life|relationship|other", help="What changed.")
@click.option("--note", required=True, help="What changed, briefly.")
@session_option
@date_option
@json_option
@pass_app
def change(
    app: HwApplication,
    client: str,
    kind: str,
    note: str,
    session: int | None,
    date: str | None,
    as_json: bool,
) -> None:
    """Note a life, relationship or other change (prompts an earlier review)."""
    noted = app.note_change(client, kind, note, session=session, date=date)
    if as_json:
        _echo_noted(client, noted)
        return
    click.echo(f"{client.strip()}: {noted.kind} change noted")


@click.command("review")
@click.argument("client")
@click.option("--format", "format_", metavar="FORMAT", help="Override the format.")
@click.option("--size", metavar="SIZE", help="Override the size.")
@click.option("--frequency", metavar="FREQ", help="Override the frequency.")
@click.option("--framing", metavar="LABEL", help="Override the framing label.")
@click.option("--framing-wording", default="", help="The language this client responds to.")
@click.option(
    "--accept/--no-accept",
    default=True,
    help="Start from the planner's recommendation (default) or from nothing.",
)
@click.option("--completed-opening", default="", help="Opening question after a completion.")
@click.option("--listen-for", default="", help="What to listen for after a completion.")
@click.option("--missed-opening", default="", help="Non-judgmental opening after a miss.")
@click.option("--diagnostic", default="", help="The diagnostic question after a miss.")
@click.option("--next-review", type=int, metavar="N", help="Next review session (default +8).")
@click.option("--trigger", metavar="TRIGGER", help=f"What prompted the review {VOCAB_HELP}.")
@click.option("--notes", default="", help="Your notes.")
@session_option
@date_option
@json_option
@pass_app
def review(
    app: HwApplication,
    client: str,
    format_: str | None,
    size: str | None,
    frequency: str | None,
    framing: str | None,
    framing_wording: str,
    accept: bool,
    completed_opening: str,
    listen_for: str,
    missed_opening: str,
    diagnostic: str,
    next_review: int | None,
    trigger: str | None,
    notes: str,
    session: int | None,
    date: str | None,
    as_json: bool,
) -> None:
    """Review CLIENT's system: accept the planner's values or override any."""
    from hwcore.application import ReviewChoice

    result = app.review(
        client,
        ReviewChoice(
            accept=accept,
            format=format_,
            size=size,
            frequency=frequency,
            framing=framing,
            framing_wording=framing_wording,
            completed_opening=completed_opening,
            completed_listen_for=listen_for,
            missed_opening=missed_opening,
            missed_diagnostic=diagnostic,
            next_review_session=next_review,
            trigger=trigger,
            notes=notes,
        ),
        session=session,
        date=date,
    )
    if as_json:
        echo_json(result)
        return
    click.echo(
        f"{result.client}: system reviewed at session {result.session} ({result.trigger}):"
        f" format {result.format or '-'}, size {result.size or '-'},"
        f" frequency {result.frequency or '-'}, framing {result.framing or '-'};"
        f" next review at session {result.next_review_session}"
    )


def _parse_sets(values: tuple[str, ...]) -> dict[str, str]:
    changes: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        name = name.strip().lower().replace("-", "_")
        if not sep or not name:  # the item may be a correction's text: never echoed
            msg = "expected FIELD=VALUE, e.g. outcome=missed (the text given is not shown)"
            raise click.BadParameter(msg, param_hint="'--set'")
        if name in changes:
            from hwcore.application import CORRECTABLE_FIELDS

            shown = repr(name) if name in CORRECTABLE_FIELDS else "(not shown)"
            msg = f"field {shown} is given twice"
            raise click.BadParameter(msg, param_hint="'--set'")
        changes[name] = value.strip()
    return changes


@click.command("correct")
@click.argument("client")
@click.argument("assignment")
@click.option(
    "--set",
    "sets",
    multiple=True,
    required=True,
    metavar="FIELD=VALUE",
    help="A corrected field, repeatable (fields: see 'hw vocab').",
)
@click.option("--reason", required=True, help="Why the earlier entry was wrong.")
@session_option
@date_option
@json_option
@pass_app
def correct(
    app: HwApplication,
    client: str,
    assignment: str,
    sets: tuple[str, ...],
    reason: str,
    session: int | None,
    date: str | None,
    as_json: bool,
) -> None:
    """Correct an earlier entry of ASSIGNMENT (recorded as a new event, never an edit)."""
    changes = _parse_sets(sets)
    info = app.correct(client, assignment, changes, reason, session=session, date=date)
    if as_json:
        echo_json(info)
    else:
        fields = ", ".join(f"{k}={v}" for k, v in changes.items())
        click.echo(f"{info.client}: #{info.assignment_id} corrected ({fields})")
